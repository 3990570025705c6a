// RingCentralClient: configuration, the request loop (throttling groups, retries, one refresh
// and replay after 401), error bodies, logging without secrets, and the call-log API.
#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "core/text.h"
#include "ringcentral/ringcentral_internal.h"
#include "switchboard/log.h"

namespace switchboard {

using rc::Ms;
namespace {

constexpr const char* kSettings = "CRM RingCentral Settings";
constexpr std::size_t kMaxKnownSecrets = 64;

std::string without_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

/// RingCentral's media entry point for a platform URL (platform.X -> media.X).
std::string media_for(const std::string& server) {
  std::size_t at = server.find("://platform.");
  if (at == std::string::npos) return server;
  return server.substr(0, at) + "://media." + server.substr(at + 12);
}

std::string seconds_text(Ms d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

namespace rc {

ApiError parse_api_error(std::string_view body) {
  ApiError e;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    auto str = [](const nlohmann::json& o, const char* key) {
      auto it = o.find(key);
      return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto errors = j.find("errors");
    if (errors != j.end() && errors->is_array() && !errors->empty() && (*errors)[0].is_object()) {
      e.code = str((*errors)[0], "errorCode");
      e.message = str((*errors)[0], "message");
    }
    if (e.code.empty()) e.code = str(j, "errorCode");
    if (e.message.empty()) e.message = str(j, "message");
    e.oauth_error = str(j, "error");
    if (e.message.empty()) e.message = str(j, "error_description");
    if (e.code.empty()) e.code = e.oauth_error;
  }
  if (e.message.empty() && e.code.empty() && !body.empty())
    e.message = text::trim(body.substr(0, 200));
  return e;
}

bool TokenResult::dead() const {
  if (ok) return false;
  return error.oauth_error == "invalid_grant" || error.code == "OAU-210" ||
         error.code == "OAU-211" || error.code == "OAU-213" || error.code == "invalid_grant";
}

}  // namespace rc

// ---- construction ---------------------------------------------------------------------------

RingCentralClient::Impl::Impl(std::shared_ptr<Store> s, RingCentralOptions o)
    : store(std::move(s)), opt(std::move(o)) {
  if (!store) throw ValidationError("RingCentralClient needs a store", ErrorCode::kInvalidArgument);
  init_network();
  if (!opt.clock) opt.clock = [] { return std::chrono::system_clock::now(); };
  if (!opt.sleep) opt.sleep = [](Ms d) { std::this_thread::sleep_for(d); };
  opt.default_retry_after = std::max<Ms>(opt.default_retry_after, std::chrono::seconds(30));
  codec = opt.codec ? opt.codec : secret_codec_from_environment(opt.key_file);
  if (auto doc = store->get(kSettings, kSettings)) {
    auto fill = [&](std::string& target, const char* f) {
      if (target.empty()) target = doc->text(f);
    };
    fill(opt.client_id, "client_id");
    fill(opt.server, "server_url");
    fill(opt.media_server, "media_server_url");
    fill(opt.redirect_uri, "redirect_uri");
  }
  if (opt.server.empty()) opt.server = "https://platform.ringcentral.com";
  opt.server = without_slash(opt.server);
  opt.media_server = without_slash(opt.media_server.empty() ? media_for(opt.server) : opt.media_server);
  policy = std::make_unique<rc::NetPolicy>(opt.allowed_origins);
  platform = rc::parse_origin(opt.server);
  media = rc::parse_origin(opt.media_server);
  for (const rc::Origin* origin : {&platform, &media})
    if (origin->scheme != "https" && !policy->allowed(*origin))
      throw ValidationError("RingCentral server " + origin->text() + " refused: only https is allowed",
                            ErrorCode::kInvalidArgument);
  limiter = std::make_unique<rc::RateLimiter>(opt.clock);
  remember_secret(opt.client_secret);
  remember_secret(opt.jwt);
}

std::chrono::system_clock::time_point RingCentralClient::Impl::now() const { return opt.clock(); }

std::int64_t RingCentralClient::Impl::now_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

void RingCentralClient::Impl::pause(Ms wait) {
  if (wait.count() > 0) opt.sleep(wait);
}

std::string RingCentralClient::Impl::platform_url(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& query) const {
  return opt.server + path + (query.empty() ? "" : "?" + rc::form_encode(query));
}

// ---- logging and redaction ------------------------------------------------------------------

void RingCentralClient::Impl::remember_secret(const std::string& value) {
  if (value.size() < 6) return;
  std::lock_guard<std::mutex> g(secrets_mutex);
  if (std::find(known_secrets.begin(), known_secrets.end(), value) != known_secrets.end()) return;
  known_secrets.push_back(value);
  if (known_secrets.size() > kMaxKnownSecrets) known_secrets.erase(known_secrets.begin());
}

std::string RingCentralClient::Impl::redact(std::string text) const {
  {
    std::lock_guard<std::mutex> g(secrets_mutex);
    for (const auto& s : known_secrets)
      for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at))
        text.replace(at, s.size(), "[redacted]");
  }
  // Whatever we did not know about: bearer values and access_token= parameters.
  for (const char* marker : {"Bearer ", "bearer ", "access_token=", "refresh_token=", "assertion="}) {
    std::size_t len = std::char_traits<char>::length(marker);
    for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + len)) {
      std::size_t end = at + len;
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
             text[end] != '&' && text[end] != '"' && text[end] != ',')
        ++end;
      if (text.compare(at + len, 10, "[redacted]") != 0) text.replace(at + len, end - at - len, "[redacted]");
    }
  }
  return text;
}

void RingCentralClient::Impl::log(int level, const std::string& message) {
  std::string line = redact(message);
  if (opt.log) {
    try {
      opt.log(level, line);
    } catch (...) {
    }
  } else {
    switchboard::log(static_cast<LogLevel>(std::clamp(level, 0, 3)), "ringcentral", line);
  }
}

// ---- the request loop -----------------------------------------------------------------------

rc::HttpRequest RingCentralClient::Impl::prepare(const std::string& method, const std::string& url) {
  rc::HttpRequest r;
  r.method = method;
  r.url = url;
  r.connect_timeout = opt.connect_timeout;
  r.timeout = opt.timeout;
  r.ca_file = opt.ca_file;
  policy->apply(r, "request to");
  return r;
}

void RingCentralClient::Impl::gate(const std::string& group) {
  for (;;) {
    Ms wait = limiter->wait_for(group);
    if (wait.count() <= 0) return;
    if (wait > opt.max_wait)
      throw HttpError("RingCentral throttling group " + group + " is paused for another " +
                          seconds_text(wait) + ", longer than max_wait",
                      429, "", static_cast<double>(wait.count()) / 1000.0);
    log(1, "throttling group " + group + " is paused: waiting " + seconds_text(wait));
    pause(wait);
  }
}

Ms RingCentralClient::Impl::retry_wait(const rc::HttpResponse& res, Ms fallback) const {
  auto ra = rc::parse_retry_after(rc::header(res.headers, "retry-after"), std::chrono::system_clock::now());
  if (!ra || ra->count() <= 0) return fallback;
  return std::min(*ra, opt.max_retry_after);
}

void RingCentralClient::Impl::fail(const rc::Call& c, const rc::HttpResponse& res) {
  rc::ApiError e = rc::parse_api_error(res.body);
  std::string msg = c.method + " " + rc::strip_query(c.url) + ": HTTP " + std::to_string(res.status);
  if (!e.code.empty()) msg += " " + e.code;
  if (!e.message.empty()) msg += ": " + e.message;
  auto ra = rc::parse_retry_after(rc::header(res.headers, "retry-after"), std::chrono::system_clock::now());
  double retry = ra ? static_cast<double>(std::min(*ra, opt.max_retry_after).count()) / 1000.0 : -1;
  ErrorCode code = res.status == 401 || res.status == 403 ? ErrorCode::kAuth : ErrorCode::kHttp;
  throw HttpError(redact(msg), res.status, e.code, retry, code);
}

bool RingCentralClient::Impl::should_retry(const rc::Call& c, const rc::HttpResponse& res,
                                           const std::string& group, const std::string& token,
                                           int& attempt, bool& replayed) {
  if (res.status == 0 || (res.curl_code != 0 && !res.aborted)) {
    bool transient = res.timed_out || res.connect_failed || res.partial ||
                     res.curl_code == CURLE_GOT_NOTHING || res.curl_code == CURLE_SEND_ERROR ||
                     res.curl_code == CURLE_RECV_ERROR;
    std::string what = c.method + " " + rc::strip_query(c.url) + ": " + res.error;
    if (transient && attempt < opt.max_retries) {
      Ms wait = rc::backoff(attempt++, opt.backoff_base, opt.backoff_cap);
      log(2, what + "; retrying in " + seconds_text(wait));
      pause(wait);
      return true;
    }
    throw HttpError(redact(what), 0, "", -1, res.timed_out ? ErrorCode::kTimeout : ErrorCode::kHttp);
  }
  if (res.aborted) throw HttpError(redact(c.method + " " + rc::strip_query(c.url) + ": " + res.error));
  if (res.status == 401 && c.auth && !replayed) {
    replayed = true;
    log(1, "RingCentral rejected the access token (401); renewing it once and replaying");
    renew(token, true);
    return true;
  }
  if (res.status == 429) {
    rc::ApiError e = rc::parse_api_error(res.body);
    if (e.code == "CMN-304") {  // a duplicate concurrent request: transient
      if (attempt < opt.max_retries) {
        Ms wait = retry_wait(res, rc::backoff(attempt++, opt.backoff_base, opt.backoff_cap));
        log(1, "CMN-304 (request already in progress); retrying in " + seconds_text(wait));
        pause(wait);
        return true;
      }
      fail(c, res);
    }
    Ms wait = retry_wait(res, opt.default_retry_after);
    limiter->penalize(group, wait);
    log(2, "throttled in group " + group + " (" + (e.code.empty() ? "429" : e.code) + "); pausing it for " +
               seconds_text(wait));
    if (attempt++ < opt.max_retries) return true;  // the gate waits out the penalty
    fail(c, res);
  }
  if (res.status == 502 || res.status == 503 || res.status == 504) {
    if (attempt < opt.max_retries) {
      Ms wait = retry_wait(res, rc::backoff(attempt++, opt.backoff_base, opt.backoff_cap));
      log(2, c.method + " " + rc::strip_query(c.url) + ": HTTP " + std::to_string(res.status) +
                 "; retrying in " + seconds_text(wait));
      pause(wait);
      return true;
    }
    fail(c, res);
  }
  return false;
}

rc::HttpResponse RingCentralClient::Impl::call(const rc::Call& c) {
  int attempt = 0;
  bool replayed = false;
  for (;;) {
    gate(c.group);
    std::string token = c.auth ? access_token() : std::string();
    rc::HttpRequest r = prepare(c.method, c.url);
    r.headers.push_back("Accept: application/json");
    if (c.auth) r.headers.push_back("Authorization: Bearer " + token);
    if (!c.body.empty()) {
      r.body = c.body;
      r.headers.push_back("Content-Type: " + c.content_type);
    }
    rc::HttpResponse res = http.perform(r);
    std::string group = res.status ? limiter->observe(c.group, res.headers) : c.group;
    if (should_retry(c, res, group, token, attempt, replayed)) continue;
    bool not_there = c.allow_404 && (res.status == 404 || (c.allow_403 && res.status == 403));
    if (res.status >= 300 && !not_there) fail(c, res);
    return res;
  }
}

// ---- public API -----------------------------------------------------------------------------

RingCentralClient::RingCentralClient(std::shared_ptr<Store> store, RingCentralOptions options)
    : impl_(std::make_unique<Impl>(std::move(store), std::move(options))) {}

RingCentralClient::~RingCentralClient() = default;

std::string RingCentralClient::test_connection() {
  rc::Call c;
  c.url = impl_->platform_url("/restapi/v1.0/account/~/extension/~");
  return impl_->call(c).body;
}

std::string RingCentralClient::get(const std::string& path,
                                   const std::vector<std::pair<std::string, std::string>>& query,
                                   const std::string& group) {
  if (path.empty() || path[0] != '/' || path.find("//") != std::string::npos ||
      path.find_first_of("?#") != std::string::npos)
    throw ValidationError("'" + path + "' is not a path on the RingCentral platform (use `query`)",
                          ErrorCode::kInvalidArgument);
  rc::Call c;
  c.url = impl_->platform_url(path, query);
  c.group = group.empty() ? "Light" : group;
  return impl_->call(c).body;
}

std::optional<std::string> RingCentralClient::request(const std::string& method, const std::string& path,
                                                      const std::string& json_body, const std::string& group) {
  if (method != "GET" && method != "POST" && method != "PUT" && method != "DELETE")
    throw ValidationError("unsupported method " + method, ErrorCode::kInvalidArgument);
  if (path.empty() || path[0] != '/' || path.find("//") != std::string::npos || path.find('#') != std::string::npos)
    throw ValidationError("'" + path + "' is not a path on the RingCentral platform", ErrorCode::kInvalidArgument);
  rc::Call c;
  c.method = method;
  c.url = impl_->opt.server + path;
  c.group = group.empty() ? "Medium" : group;
  c.allow_404 = true;
  if (!json_body.empty()) {
    c.body = json_body;
    c.content_type = "application/json";
  }
  rc::HttpResponse res = impl_->call(c);
  if (res.status == 404) return std::nullopt;
  return res.body;
}

CallLogPage RingCentralClient::call_log_page(const CallLogQuery& q, const std::string& page_uri) {
  if (q.per_page < 1 || q.per_page > 1000)
    throw ValidationError("per_page must be 1..1000", ErrorCode::kInvalidArgument);
  if (q.view != "Simple" && q.view != "Detailed")
    throw ValidationError("view must be Simple or Detailed", ErrorCode::kInvalidArgument);
  rc::Call c;
  c.group = "Heavy";
  if (page_uri.empty()) {
    std::string path = q.extension.empty()
                           ? "/restapi/v1.0/account/~/call-log"
                           : "/restapi/v1.0/account/~/extension/" + rc::url_encode(q.extension) + "/call-log";
    std::vector<std::pair<std::string, std::string>> params{{"view", q.view},
                                                            {"perPage", std::to_string(q.per_page)}};
    if (!q.date_from.empty()) params.emplace_back("dateFrom", q.date_from);
    if (!q.date_to.empty()) params.emplace_back("dateTo", q.date_to);
    if (!q.telephony_session_id.empty()) params.emplace_back("telephonySessionId", q.telephony_session_id);
    for (const auto& p : q.params) params.push_back(p);
    c.url = impl_->platform_url(path, params);
  } else {
    c.url = page_uri[0] == '/' ? impl_->opt.server + page_uri : page_uri;
    // The token only ever goes to the platform: a page elsewhere is refused.
    if (rc::parse_origin(c.url).text() != impl_->platform.text())
      throw ValidationError("navigation.nextPage.uri " + rc::strip_query(c.url) +
                                " is not on the RingCentral platform host",
                            ErrorCode::kInvalidArgument);
  }
  rc::HttpResponse res = impl_->call(c);
  auto page = nlohmann::ordered_json::parse(res.body, nullptr, false);
  if (!page.is_object()) throw ParseError("the call-log page is not a JSON object");
  CallLogPage out;
  auto list = page.find("records");
  if (list != page.end() && list->is_array())
    for (const auto& r : *list) out.records.push_back(r.dump());
  auto nav = page.find("navigation");
  if (nav != page.end() && nav->is_object()) {
    auto np = nav->find("nextPage");
    if (np != nav->end() && np->is_object() && np->contains("uri") && (*np)["uri"].is_string())
      out.next_page_uri = (*np)["uri"].get<std::string>();
  }
  if (out.records.empty() || out.next_page_uri == c.url) out.next_page_uri.clear();
  return out;
}

std::vector<std::string> RingCentralClient::call_log(const CallLogQuery& q) {
  std::vector<std::string> records;
  std::string next;
  for (int pages = 1;; ++pages) {
    CallLogPage page = call_log_page(q, next);
    records.insert(records.end(), std::make_move_iterator(page.records.begin()),
                   std::make_move_iterator(page.records.end()));
    if (q.max_pages > 0 && pages >= q.max_pages) break;
    if (page.next_page_uri.empty() || pages >= 100000) break;
    next = page.next_page_uri;
  }
  return records;
}

std::optional<std::string> RingCentralClient::call_log_record(const std::string& id,
                                                              const std::string& extension) {
  if (id.empty()) throw ValidationError("a call-log record id is required", ErrorCode::kInvalidArgument);
  rc::Call c;
  c.group = "Heavy";
  c.allow_404 = true;
  c.url = impl_->platform_url(
      (extension.empty() ? "/restapi/v1.0/account/~" : "/restapi/v1.0/account/~/extension/" + rc::url_encode(extension)) +
      "/call-log/" + rc::url_encode(id));
  rc::HttpResponse res = impl_->call(c);
  if (res.status == 404) return std::nullopt;
  return res.body;
}

std::optional<std::string> RingCentralClient::find_call_log(const std::string& telephony_session_id,
                                                            const std::string& date_from) {
  if (telephony_session_id.empty())
    throw ValidationError("a telephony session id is required", ErrorCode::kInvalidArgument);
  CallLogQuery q;
  q.telephony_session_id = telephony_session_id;
  q.view = "Detailed";
  q.date_from = date_from;
  q.per_page = 100;
  q.max_pages = 1;
  auto records = call_log(q);
  if (records.empty()) return std::nullopt;
  return records.front();
}

std::optional<std::string> RingCentralClient::recording_metadata(const std::string& recording_id) {
  recording_url(recording_id);  // validates the id
  rc::Call c;
  c.group = "Heavy";
  c.allow_404 = true;
  c.url = impl_->platform_url("/restapi/v1.0/account/~/recording/" + recording_id);
  rc::HttpResponse res = impl_->call(c);
  if (res.status == 404) return std::nullopt;
  return res.body;
}

std::vector<RateLimitState> RingCentralClient::rate_limits() const { return impl_->limiter->snapshot(); }

}  // namespace switchboard
