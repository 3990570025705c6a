// Internal pieces of the RingCentral client: the HTTP transport over libcurl, the network
// policy (origins, SSRF guard), throttling groups, secrets and the client's shared state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/error.h"
#include "switchboard/ringcentral.h"

namespace switchboard::rc {

using Ms = std::chrono::milliseconds;
using TimePoint = std::chrono::system_clock::time_point;

// ---- HTTP transport (http.cpp) --------------------------------------------------------------

/// Response headers, names lower-cased, in arrival order.
using Headers = std::vector<std::pair<std::string, std::string>>;
std::string header(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"
  std::string body;
  Ms connect_timeout{10000};
  Ms timeout{60000};         ///< whole request; 0 = none (downloads use `stall_timeout`)
  Ms stall_timeout{0};       ///< abort when under 1 byte/s for this long (0 = off)
  std::string resolve;       ///< CURLOPT_RESOLVE pin "host:port:address" ("" = none)
  bool no_proxy = false;
  std::string ca_file;
  std::size_t max_body = 32u << 20;
  /// Downloads: called once the status and headers are known; false aborts the transfer.
  std::function<bool(int status, const Headers&)> on_headers;
  /// Downloads: receives 2xx bodies instead of `HttpResponse::body`; false aborts.
  std::function<bool(const char* data, std::size_t size)> sink;
};

struct HttpResponse {
  int status = 0;            ///< 0 = no response (see error)
  Headers headers;
  std::string body;          ///< the body (error bodies too when a sink is set; capped)
  int curl_code = 0;         ///< CURLcode of the transfer (0 = OK)
  std::string error;         ///< transport failure, human readable, no URL query
  bool timed_out = false;    ///< the timeout or the stall timeout fired
  bool connect_failed = false;
  bool aborted = false;      ///< on_headers or sink said stop
  bool partial = false;      ///< the connection closed before the announced body ended
};

/// Thread-safe. libcurl easy handles, pooled: a handle is used by one thread at a time and
/// keeps its connections alive between requests; DNS and TLS sessions are shared.
class HttpTransport {
 public:
  HttpTransport();
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;
  HttpResponse perform(const HttpRequest& request);

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

/// application/x-www-form-urlencoded / query-string encoding of one value.
std::string url_encode(std::string_view value);
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
/// The query parameters of a URL, decoded (later duplicates win).
std::map<std::string, std::string> query_params(const std::string& url);

// ---- network policy (net_policy.cpp) --------------------------------------------------------

/// scheme://host[:port] of a URL, lower-cased, default ports dropped ("https://h", "http://h:8").
struct Origin {
  std::string scheme, host;  ///< host without IPv6 brackets
  int port = 0;
  std::string text() const;
};
/// Throws ValidationError for a URL libcurl cannot parse or without a host.
Origin parse_origin(const std::string& url);
/// The URL with any query and fragment removed (for messages and logs).
std::string strip_query(const std::string& url);
/// Whether an IPv4/IPv6 address (text form) is globally routable (not private, loopback,
/// link-local, CGNAT, documentation, multicast, reserved, unspecified, mapped private ...).
bool is_global_address(const std::string& address);

/// Thread-safe. Decides which URLs may be fetched and pins the address that was checked.
class NetPolicy {
 public:
  explicit NetPolicy(std::vector<std::string> allowed_origins);
  bool allowed(const Origin& origin) const;
  /// Refuses (ValidationError) plain http and non-global addresses unless the origin is
  /// allowed; fills the request's resolve pin and proxy bypass. `what` names the URL's role.
  void apply(HttpRequest& request, const std::string& what);

 private:
  std::set<std::string> allowed_;
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::chrono::steady_clock::time_point>> cache_;
};

// ---- throttling groups (rate_limits.cpp) ----------------------------------------------------

/// "light" -> "Light" for RingCentral's four groups; any other name is kept as sent.
std::string canonical_group(std::string_view name);
/// Retry-After as seconds or an HTTP-date (relative to the real time `now`); nullopt when
/// absent or unparsable. Negative dates count as 0.
std::optional<Ms> parse_retry_after(std::string_view value, TimePoint now);

/// Thread-safe. Per-group state: limits seen in headers, and pauses (penalties after 429,
/// Remaining 0 for a window). The clock is the client's.
class RateLimiter {
 public:
  explicit RateLimiter(Clock clock);
  /// How long a request declared in `group` must still wait (0 = go now).
  Ms wait_for(const std::string& group) const;
  /// Records the X-Rate-Limit-* headers of a response to a request declared in `declared`;
  /// returns the group the response names (else `declared`).
  std::string observe(const std::string& declared, const Headers& headers);
  /// Holds `group` back for `wait` (a 429 penalty).
  void penalize(const std::string& group, Ms wait);
  std::vector<RateLimitState> snapshot() const;

 private:
  struct Group {
    int limit = -1, remaining = -1, window = -1;
    TimePoint paused_until{};
    std::string reason;
  };
  Clock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Group> groups_;
  std::map<std::string, std::string> alias_;  // declared -> name the server used
};

/// The wait before retry `attempt` (0-based): base * 2^attempt, capped.
Ms backoff(int attempt, Ms base, Ms cap);

// ---- secrets (secrets.cpp) ------------------------------------------------------------------
std::string random_urlsafe(std::size_t bytes);
std::string base64_encode(std::string_view data, bool urlsafe = false);
/// Throws ValidationError for text that is not base64.
std::string base64_decode(std::string_view text);
std::string sha256(std::string_view data);

// ---- RingCentral error bodies (client.cpp) --------------------------------------------------
struct ApiError {
  std::string code;         ///< errors[0].errorCode, else errorCode, else OAuth `error`
  std::string oauth_error;  ///< OAuth `error` ("invalid_grant", ...)
  std::string message;      ///< errors[0].message, else message, else error_description
};
/// Parses any of RingCentral's error shapes; unknown bodies give an empty code and a message
/// of at most 200 characters of the body.
ApiError parse_api_error(std::string_view body);

// ---- settings (sync_support.cpp) -------------------------------------------------------------

/// Sets fields of "CRM RingCentral Settings", creating the document when missing (inside the
/// caller's transaction, or its own).
void write_settings(Store& store, const Document& changes);

// ---- the client's state ---------------------------------------------------------------------

struct TokenState {
  std::string access, refresh, owner_id, scope;
  std::int64_t expires_at = 0, refresh_expires_at = 0;  // Unix seconds
  bool has_any() const { return !access.empty() || !refresh.empty(); }
};

/// An API request as the client issues it.
struct Call {
  std::string method = "GET";
  std::string url;        // absolute
  std::string group = "Light";
  std::string body, content_type;
  bool auth = true;
  bool allow_404 = false;  // return 404 instead of throwing
  bool allow_403 = false;  // with allow_404: 403 too
};

/// What one token-endpoint request produced (nothing thrown for HTTP failures: callers
/// decide). `transient`: worth another attempt after `wait` (408, 429, 5xx, transport).
struct TokenResult {
  bool ok = false;
  TokenState tokens;
  int status = 0;       // 0 = no response
  ApiError error;       // for a transport failure, error.message says what happened
  bool timed_out = false;
  bool transient = false;
  Ms wait{0};
  bool reauthorize = false;  // set by the refresh: the grant is dead
  bool dead() const;  // invalid_grant / OAU-210 / OAU-211 / OAU-213
};

}  // namespace switchboard::rc

namespace switchboard {

/// Thread-safe. The client's state; its methods live in client.cpp, tokens.cpp and recordings.cpp.
struct RingCentralClient::Impl {
  Impl(std::shared_ptr<Store> store, RingCentralOptions options);

  std::shared_ptr<Store> store;
  RingCentralOptions opt;  // merged with the stored configuration
  std::shared_ptr<SecretCodec> codec;
  rc::Origin platform, media;
  std::unique_ptr<rc::NetPolicy> policy;
  rc::HttpTransport http;
  std::unique_ptr<rc::RateLimiter> limiter;

  // tokens (tokens.cpp)
  std::mutex cache_mutex;
  rc::TokenState cache;
  std::mutex refresh_mutex;  // single flight within the process
  std::string access_token();
  std::string renew(const std::string& stale, bool rejected);
  /// One token-endpoint request (waits for the Auth group first).
  rc::TokenResult post_token(std::vector<std::pair<std::string, std::string>> form);
  /// Runs `attempt` (one locked transaction with its token requests) until it is not
  /// transient, at most four times, sleeping between attempts outside any lock.
  rc::TokenResult token_retries(const std::function<rc::TokenResult()>& attempt);
  [[noreturn]] void token_failure(const rc::TokenResult& r, const std::string& what);
  rc::TokenState load_tokens();
  void persist_tokens(const rc::TokenState& tokens);
  void clear_tokens();
  void set_cache(const rc::TokenState& tokens);
  [[noreturn]] void reauthorize(const std::string& why);
  /// The app secret and JWT: from the options, else the store (opened lazily).
  std::string client_secret();
  std::string jwt();
  void write_settings(const Document& changes);  // inside the caller's transaction
  std::string seal(const char* field, const std::string& plaintext);
  std::string open(const char* field, const std::string& stored);
  bool fresh(const rc::TokenState& t) const;

  // requests (client.cpp)
  rc::HttpResponse call(const rc::Call& call);
  /// After a response: true = send again (after waiting, penalizing or renewing the token);
  /// false = `res` is final. Throws when retries are exhausted or the failure is permanent.
  bool should_retry(const rc::Call& call, const rc::HttpResponse& res, const std::string& group,
                    const std::string& token, int& attempt, bool& replayed);
  rc::HttpRequest prepare(const std::string& method, const std::string& url);
  void gate(const std::string& group);
  void pause(rc::Ms wait);
  rc::Ms retry_wait(const rc::HttpResponse& res, rc::Ms fallback) const;
  [[noreturn]] void fail(const rc::Call& call, const rc::HttpResponse& res);
  std::string platform_url(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& query = {}) const;
  std::chrono::system_clock::time_point now() const;
  std::int64_t now_seconds() const;

  // logging and redaction
  void log(int level, const std::string& message);
  void remember_secret(const std::string& value);
  std::string redact(std::string text) const;
  mutable std::mutex secrets_mutex;
  std::vector<std::string> known_secrets;  // bounded: newest last

  // the webhook subscription, deleted on revoke (subscriptions.cpp): one attempt, errors logged
  void forget_subscription(RingCentralClient& client);

  // transcripts (recordings.cpp)
  std::mutex unavailable_mutex;
  std::map<std::string, std::chrono::system_clock::time_point> unavailable;
};

}  // namespace switchboard
