// Python bindings for the RingCentral REST client: sb.RingCentralClient (a TranscriptSource),
// sb.SecretCodec (subclass it to keep secrets elsewhere, e.g. Frappe Password fields) and the
// key helpers. Every call that does I/O releases the GIL; Python callbacks retake it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "errors.h"
#include "switchboard/ringcentral.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

class PySecretCodec : public SecretCodec, public py::trampoline_self_life_support {
 public:
  std::string seal(const std::string& field, const std::string& plaintext) override {
    return call("seal", field, plaintext);
  }
  std::string open(const std::string& field, const std::string& stored) override {
    return call("open", field, stored);
  }

 private:
  std::string call(const char* name, const std::string& field, const std::string& value) {
    py::gil_scoped_acquire gil;
    py::function f = py::get_override(static_cast<const SecretCodec*>(this), name);
    if (!f) throw NotSupported(std::string("SecretCodec subclass does not implement ") + name + "()");
    try {
      return f(field, value).cast<std::string>();
    } catch (py::error_already_set& e) {
      rethrow_as_cpp(e, std::string("SecretCodec.") + name + "()");
    } catch (const py::cast_error&) {
      throw ValidationError(std::string("SecretCodec.") + name + "() must return str",
                            ErrorCode::kInvalidArgument);
    }
  }
};

/// Python callables kept by the client; released with the GIL held, wherever the last
/// reference dies.
struct Callbacks {
  py::object clock, sleep, log;
  ~Callbacks() {
    py::gil_scoped_acquire gil;
    clock = py::object();
    sleep = py::object();
    log = py::object();
  }
};

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0 + 0.5));
}

py::object loads(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

py::object maybe_json(const std::optional<std::string>& text) {
  return text ? loads(*text) : py::object(py::none());
}

py::dict limit_dict(const RateLimitState& s) {
  py::dict d;
  d["group"] = s.group;
  d["limit"] = s.limit;
  d["remaining"] = s.remaining;
  d["window"] = s.window_seconds;
  d["paused_for"] = static_cast<double>(s.paused_for.count()) / 1000.0;
  d["reason"] = s.reason;
  return d;
}

py::list limits_list(const std::vector<RateLimitState>& v) {
  py::list out;
  for (const auto& s : v) out.append(limit_dict(s));
  return out;
}

std::shared_ptr<RingCentralClient> make_client(
    std::shared_ptr<Store> store, std::string client_id, std::string client_secret, std::string server,
    std::string media_server, std::string redirect_uri, std::string jwt,
    std::vector<std::string> allowed_origins, std::shared_ptr<SecretCodec> codec, std::string key_file,
    std::string ca_file, double refresh_margin, double connect_timeout, double timeout,
    double default_retry_after, double max_retry_after, double max_wait, int max_retries,
    double backoff_base, double backoff_cap, double token_retry_delay, double unavailable_ttl,
    py::object clock, py::object sleep, py::object log) {
  RingCentralOptions o;
  o.client_id = std::move(client_id);
  o.client_secret = std::move(client_secret);
  o.server = std::move(server);
  o.media_server = std::move(media_server);
  o.redirect_uri = std::move(redirect_uri);
  o.jwt = std::move(jwt);
  o.allowed_origins = std::move(allowed_origins);
  o.codec = std::move(codec);
  o.key_file = std::move(key_file);
  o.ca_file = std::move(ca_file);
  o.refresh_margin = ms(refresh_margin);
  o.connect_timeout = ms(connect_timeout);
  o.timeout = ms(timeout);
  o.default_retry_after = ms(default_retry_after);
  o.max_retry_after = ms(max_retry_after);
  o.max_wait = ms(max_wait);
  o.max_retries = max_retries;
  o.backoff_base = ms(backoff_base);
  o.backoff_cap = ms(backoff_cap);
  o.token_retry_delay = ms(token_retry_delay);
  o.unavailable_ttl = std::chrono::seconds(static_cast<std::int64_t>(unavailable_ttl));
  auto cb = std::make_shared<Callbacks>();
  cb->clock = std::move(clock);
  cb->sleep = std::move(sleep);
  cb->log = std::move(log);
  if (!cb->clock.is_none())
    o.clock = [cb] {
      py::gil_scoped_acquire gil;
      double t = cb->clock().cast<double>();
      return std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(t)));
    };
  if (!cb->sleep.is_none())
    o.sleep = [cb](std::chrono::milliseconds d) {
      py::gil_scoped_acquire gil;
      cb->sleep(static_cast<double>(d.count()) / 1000.0);
    };
  if (!cb->log.is_none())
    o.log = [cb](int level, const std::string& message) {
      py::gil_scoped_acquire gil;
      try {
        cb->log(level, message);
      } catch (py::error_already_set& e) {
        e.discard_as_unraisable("RingCentralClient log callback");
      }
    };
  py::gil_scoped_release release;
  return std::make_shared<RingCentralClient>(std::move(store), std::move(o));
}

}  // namespace

void init_ringcentral(py::module_& m) {
  m.def("init_network", &init_network,
        "Initializes libcurl once for the process (the client does it too).");

  py::class_<SecretCodec, PySecretCodec, py::smart_holder>(m, "SecretCodec", R"doc(
How the RingCentral client keeps secrets (client secret, tokens, JWT) in the settings
document. Subclass it (call SecretCodec.__init__(self)) and implement
``seal(field, plaintext) -> str`` (what to store) and ``open(field, stored) -> str``; a Frappe
site can keep the values in Password fields this way. Methods may be called from any thread.)doc")
      .def(py::init<>())
      .def("seal", &SecretCodec::seal, py::arg("field"), py::arg("plaintext"), release_gil())
      .def("open", &SecretCodec::open, py::arg("field"), py::arg("stored"), release_gil());

  m.def("aes_gcm_codec", [](const py::bytes& key) { return make_aes_gcm_codec(std::string(key)); },
        py::arg("key"), "AES-256-GCM under a 32-byte key (bytes).");
  m.def("secret_codec_from_environment", &secret_codec_from_environment, py::arg("key_file") = "",
        release_gil(),
        "The AES-256-GCM codec keyed from $SWITCHBOARD_SECRET_KEY (base64 of 32 bytes), else the "
        "key file (argument or $SWITCHBOARD_SECRET_KEY_FILE); None when none is set.");

  py::class_<RingCentralClient, TranscriptSource, py::smart_holder>(m, "RingCentralClient", R"doc(
RingCentral's REST API: OAuth (code + PKCE, JWT) with a refresh that never loses the session
across threads and processes sharing the store, throttling groups obeyed, the call log,
recordings streamed from the media host, ACE transcripts (it is a TranscriptSource).
Durations are in seconds. Raises HttpError (status, api_code, retry_after), AuthError (code
"auth" or "reauthorization_required") or ValidationError (a refused URL).)doc")
      .def(py::init(&make_client), py::arg("store").none(false), py::kw_only(),
           py::arg("client_id") = "", py::arg("client_secret") = "", py::arg("server") = "",
           py::arg("media_server") = "", py::arg("redirect_uri") = "", py::arg("jwt") = "",
           py::arg("allowed_origins") = std::vector<std::string>{},
           py::arg("codec") = std::shared_ptr<SecretCodec>(), py::arg("key_file") = "",
           py::arg("ca_file") = "", py::arg("refresh_margin") = 60.0,
           py::arg("connect_timeout") = 10.0, py::arg("timeout") = 60.0,
           py::arg("default_retry_after") = 60.0, py::arg("max_retry_after") = 600.0,
           py::arg("max_wait") = 300.0, py::arg("max_retries") = 5, py::arg("backoff_base") = 2.0,
           py::arg("backoff_cap") = 60.0, py::arg("token_retry_delay") = 10.0,
           py::arg("unavailable_ttl") = 3600.0, py::arg("clock") = py::none(),
           py::arg("sleep") = py::none(), py::arg("log") = py::none())
      .def("save_configuration", &RingCentralClient::save_configuration, release_gil(),
           "Saves client id, secret, JWT, server URLs and redirect URI (secrets sealed).")
      .def("authorization_url", &RingCentralClient::authorization_url, release_gil(),
           "The URL to send a person to (state and PKCE verifier are stored).")
      .def("exchange_code", &RingCentralClient::exchange_code, py::arg("code"), py::arg("state"),
           release_gil())
      .def("complete_login", &RingCentralClient::complete_login, py::arg("redirect_url"),
           release_gil(), "exchange_code with the code and state of a pasted redirect URL.")
      .def("login_jwt", &RingCentralClient::login_jwt, py::arg("jwt") = "", release_gil())
      .def("revoke", &RingCentralClient::revoke, release_gil(),
           "Revokes the session (errors ignored) and clears the stored tokens.")
      .def("status",
           [](RingCentralClient& c) {
             RingCentralStatus s;
             {
               py::gil_scoped_release release;
               s = c.status();
             }
             py::dict d;
             d["connected"] = s.connected;
             d["owner_id"] = s.owner_id;
             d["scope"] = s.scope;
             d["client_id"] = s.client_id;
             d["server"] = s.server;
             d["media_server"] = s.media_server;
             d["access_expires_at"] = s.access_expires_at;
             d["refresh_expires_at"] = s.refresh_expires_at;
             d["jwt_configured"] = s.jwt_configured;
             d["rate_limits"] = limits_list(s.rate_limits);
             return d;
           })
      .def("test_connection",
           [](RingCentralClient& c) {
             std::string body;
             {
               py::gil_scoped_release release;
               body = c.test_connection();
             }
             return loads(body);
           })
      .def("get",
           [](RingCentralClient& c, const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& query, const std::string& group) {
             std::string body;
             {
               py::gil_scoped_release release;
               body = c.get(path, query, group);
             }
             return loads(body);
           },
           py::arg("path"), py::arg("query") = std::vector<std::pair<std::string, std::string>>{},
           py::arg("group") = "Light")
      .def("call_log",
           [](RingCentralClient& c, const std::string& extension, const std::string& date_from,
              const std::string& date_to, const std::string& view, const std::string& telephony_session_id,
              int per_page, int max_pages, const std::vector<std::pair<std::string, std::string>>& params) {
             CallLogQuery q;
             q.extension = extension;
             q.date_from = date_from;
             q.date_to = date_to;
             q.view = view;
             q.telephony_session_id = telephony_session_id;
             q.per_page = per_page;
             q.max_pages = max_pages;
             q.params = params;
             std::vector<std::string> records;
             {
               py::gil_scoped_release release;
               records = c.call_log(q);
             }
             py::list out;
             for (const auto& r : records) out.append(loads(r));
             return out;
           },
           py::kw_only(), py::arg("extension") = "", py::arg("date_from") = "", py::arg("date_to") = "",
           py::arg("view") = "Simple", py::arg("telephony_session_id") = "", py::arg("per_page") = 250,
           py::arg("max_pages") = 0,
           py::arg("params") = std::vector<std::pair<std::string, std::string>>{},
           "Every call-log record the query matches (dicts), following navigation.nextPage.uri.")
      .def("call_log_record",
           [](RingCentralClient& c, const std::string& id, const std::string& extension) {
             std::optional<std::string> r;
             {
               py::gil_scoped_release release;
               r = c.call_log_record(id, extension);
             }
             return maybe_json(r);
           },
           py::arg("id"), py::arg("extension") = "")
      .def("find_call_log",
           [](RingCentralClient& c, const std::string& session, const std::string& date_from) {
             std::optional<std::string> r;
             {
               py::gil_scoped_release release;
               r = c.find_call_log(session, date_from);
             }
             return maybe_json(r);
           },
           py::arg("telephony_session_id"), py::arg("date_from") = "")
      .def("recording_metadata",
           [](RingCentralClient& c, const std::string& id) {
             std::optional<std::string> r;
             {
               py::gil_scoped_release release;
               r = c.recording_metadata(id);
             }
             return maybe_json(r);
           },
           py::arg("recording_id"))
      .def("recording_content_url", &RingCentralClient::recording_content_url,
           py::arg("id_or_content_uri"), release_gil())
      .def("download_recording",
           [](RingCentralClient& c, const std::string& what, const std::string& path) {
             RecordingDownload r;
             {
               py::gil_scoped_release release;
               r = c.download_recording(what, path);
             }
             py::dict d;
             d["available"] = r.available;
             d["path"] = r.path;
             d["content_type"] = r.content_type;
             d["bytes"] = r.bytes;
             d["redirects"] = r.redirects;
             d["resumed"] = r.resumed;
             return d;
           },
           py::arg("id_or_content_uri"), py::arg("path"))
      .def("fetch_insights", &RingCentralClient::fetch_insights, py::arg("recording_id"),
           py::arg("telephony_session_id") = "", release_gil(),
           "ACE insights JSON (str) of a recording or session, or None (403/404).")
      .def("rate_limits", [](RingCentralClient& c) { return limits_list(c.rate_limits()); });
}

}  // namespace switchboard::python
