// The HTTP transport: pooled libcurl easy handles (one thread at a time each, connections kept
// alive), a share handle for DNS and TLS sessions, no redirects followed, TLS always verified.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <mutex>

#include "core/text.h"
#include "ringcentral/ringcentral_internal.h"
#include "switchboard/version.h"

namespace switchboard {

void init_network() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw HttpError("libcurl could not be initialized");
  });
}

namespace rc {

std::string header(const Headers& headers, std::string_view name) {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it)
    if (it->first == name) return it->second;
  return {};
}

std::string url_encode(std::string_view value) { return text::percent_encode(value); }

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(k) + '=' + url_encode(v);
  }
  return out;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> query_params(const std::string& url) {
  std::map<std::string, std::string> out;
  std::size_t q = url.find('?');
  if (q == std::string::npos) return out;
  std::size_t end = url.find('#', q);
  std::string_view query(url.data() + q + 1, (end == std::string::npos ? url.size() : end) - q - 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    std::size_t eq = part.find('=');
    if (!part.empty())
      out[url_decode(part.substr(0, eq))] =
          eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

// ---- the pool -------------------------------------------------------------------------------

struct HttpTransport::Pool {
  std::mutex mutex;
  std::vector<CURL*> idle;
  std::map<std::string, std::string> pins;  // host:port -> the pin in the shared DNS cache
  CURLSH* share = nullptr;
  std::mutex share_locks[CURL_LOCK_DATA_LAST];

  Pool() {
    init_network();
    share = curl_share_init();
    if (!share) throw HttpError("libcurl share handle could not be created");
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Pool::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Pool::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Pool() {
    for (CURL* h : idle) curl_easy_cleanup(h);
    curl_share_cleanup(share);
  }
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Pool*>(user)->share_locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Pool*>(user)->share_locks[data].unlock();
  }
  CURL* acquire() {
    {
      std::lock_guard<std::mutex> g(mutex);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (!h) throw HttpError("libcurl easy handle could not be created");
    return h;
  }
  bool pinned(const std::string& host_port, const std::string& pin_entry) {
    std::lock_guard<std::mutex> g(mutex);
    auto it = pins.find(host_port);
    return it != pins.end() && it->second == pin_entry;
  }
  void installed(const std::string& host_port, const std::string& pin_entry) {
    std::lock_guard<std::mutex> g(mutex);
    pins[host_port] = pin_entry;
  }
  void release(CURL* h) {
    std::lock_guard<std::mutex> g(mutex);
    if (idle.size() < 32) {
      idle.push_back(h);
    } else {
      curl_easy_cleanup(h);
    }
  }
};

HttpTransport::HttpTransport() : pool_(std::make_unique<Pool>()) {}
HttpTransport::~HttpTransport() = default;

namespace {

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  CURL* handle;
  bool started = false;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100 Continue, say)
    t->response->headers.clear();
    return n;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0)
    t->response->headers.emplace_back(text::lower_ascii(text::trim(line.substr(0, colon))),
                                      text::trim(line.substr(colon + 1)));
  return n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  HttpResponse& res = *t->response;
  const HttpRequest& req = *t->request;
  if (!t->started) {
    t->started = true;
    long code = 0;
    curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &code);
    res.status = static_cast<int>(code);
    if (req.on_headers && !req.on_headers(res.status, res.headers)) {
      res.aborted = true;
      return 0;
    }
  }
  bool success = res.status >= 200 && res.status < 300;
  if (req.sink && success) {
    if (!req.sink(data, n)) {
      res.aborted = true;
      return 0;
    }
    return n;
  }
  std::size_t cap = req.sink ? std::size_t(64) << 10 : req.max_body;
  if (res.body.size() + n > cap) {
    res.aborted = true;
    res.error = "response body larger than " + std::to_string(cap) + " bytes";
    return 0;
  }
  res.body.append(data, n);
  return n;
}

struct SList {
  curl_slist* list = nullptr;
  ~SList() { curl_slist_free_all(list); }
  void add(const std::string& s) {
    curl_slist* next = curl_slist_append(list, s.c_str());
    if (!next) throw HttpError("out of memory building a request");
    list = next;
  }
};

}  // namespace

HttpResponse HttpTransport::perform(const HttpRequest& req) {
  CURL* h = pool_->acquire();
  struct Return {
    Pool* pool;
    CURL* h;
    ~Return() { pool->release(h); }
  } give_back{pool_.get(), h};
  curl_easy_reset(h);  // keeps live connections, DNS and TLS session caches

  HttpResponse res;
  Transfer t{&req, &res, h};
  SList headers, resolve;
  char errbuf[CURL_ERROR_SIZE] = {0};
  static const std::string kAgent = std::string("switchboard/") + kVersion;

  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!req.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, req.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_SHARE, pool_->share);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_USERAGENT, kAgent.c_str());
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
  if (req.timeout.count() > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  if (req.stall_timeout.count() > 0) {
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(std::max<long long>(1, req.stall_timeout.count() / 1000)));
  }
  if (!req.sink) curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (req.no_proxy) curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  // The pin ("host:port:address") lives in the shared DNS cache as a permanent entry that
  // libcurl replaces atomically; it is installed again only when the checked address changes
  // (and is taken as installed only after a transfer installed it).
  std::string host_port;
  bool install = false;
  if (!req.resolve.empty()) {
    std::size_t host_end = req.resolve[0] == '[' ? req.resolve.find(']') + 1 : req.resolve.find(':');
    host_port = req.resolve.substr(0, req.resolve.find(':', host_end + 1));
    install = !pool_->pinned(host_port, req.resolve);
    if (install) {
      resolve.add(req.resolve);
      curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.list);
    }
  }
  for (const auto& line : req.headers) headers.add(line);
  headers.add("Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.list);
  if (req.method == "POST" || !req.body.empty()) {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }
  if (req.method != "GET" && req.method != "POST")
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);

  CURLcode code = curl_easy_perform(h);
  if (install) pool_->installed(host_port, req.resolve);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  res.status = static_cast<int>(status);
  res.curl_code = static_cast<int>(code);
  if (code != CURLE_OK) {
    if (res.error.empty()) {
      res.error = curl_easy_strerror(code);
      if (errbuf[0]) res.error += std::string(": ") + errbuf;
    }
    res.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    res.connect_failed = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                         code == CURLE_COULDNT_RESOLVE_PROXY;
    res.partial = code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR ||
                  (code == CURLE_GOT_NOTHING && res.status > 0);
  }
  return res;
}

}  // namespace rc
}  // namespace switchboard
