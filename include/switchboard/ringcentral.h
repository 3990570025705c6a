// switchboard: RingCentralClient — RingCentral's REST API over libcurl and OpenSSL: OAuth
// (authorization code with PKCE, JWT) with a refresh that never loses the session, throttling
// groups obeyed, the call log, recordings streamed safely from the media host, and ACE
// transcripts. Tokens and secrets live encrypted in the store's "CRM RingCentral Settings".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/export.h"
#include "switchboard/store.h"
#include "switchboard/telephony.h"

namespace switchboard {

/// Initializes libcurl for the process, once (later calls do nothing). Call it before other
/// threads start using libcurl; every RingCentralClient calls it too. Thread-safe.
SWITCHBOARD_EXPORT void init_network();

/// Thread-safe (implementations must be). How secrets (client secret, tokens, JWT, PKCE
/// verifier) are kept in the settings document; a Frappe site can implement it with Password
/// fields (seal stores the value through Frappe and returns a placeholder, open reads it back).
class SWITCHBOARD_EXPORT SecretCodec {
 public:
  virtual ~SecretCodec();
  /// The text to store in `field` for `plaintext` (never called with an empty plaintext).
  virtual std::string seal(const std::string& field, const std::string& plaintext) = 0;
  /// The plaintext behind what seal() returned for `field`. Throws AuthError when it cannot.
  virtual std::string open(const std::string& field, const std::string& stored) = 0;
};

/// AES-256-GCM under a 32-byte `key`: values are stored as "enc:v1:" + base64(nonce, ciphertext,
/// tag), authenticated together with their field name. open() also accepts values stored in
/// plain text by older versions (rewritten encrypted on the next write). Throws
/// ValidationError when `key` is not 32 bytes.
SWITCHBOARD_EXPORT std::shared_ptr<SecretCodec> make_aes_gcm_codec(const std::string& key);

/// The AES-256-GCM codec keyed from $SWITCHBOARD_SECRET_KEY (base64 of 32 bytes), else from the
/// file `key_file` or $SWITCHBOARD_SECRET_KEY_FILE (base64 text or 32 raw bytes); nullptr when
/// none is set. Throws ValidationError for a malformed key or an unreadable key file.
SWITCHBOARD_EXPORT std::shared_ptr<SecretCodec> secret_codec_from_environment(
    const std::string& key_file = "");

struct RingCentralOptions {
  /// The app's credentials. Empty = the values saved in the store (see save_configuration);
  /// an empty secret means a public app (PKCE, client_id sent in the body).
  std::string client_id, client_secret;
  /// Platform and media entry points. Empty = the stored ones, else RingCentral's production
  /// hosts (the media host follows the platform host for the sandbox).
  std::string server, media_server;
  /// The redirect URI registered with the app (authorization-code flow).
  std::string redirect_uri;
  /// A JWT credential: used by login_jwt() and, once, when a refresh token turns out dead.
  std::string jwt;
  /// Origins ("http://127.0.0.1:8080") allowed although they are plain http or resolve to
  /// loopback or private addresses. For tests against a local mock; nothing else should use it.
  std::vector<std::string> allowed_origins;
  /// Secrets at rest; null = secret_codec_from_environment(key_file).
  std::shared_ptr<SecretCodec> codec;
  std::string key_file;
  /// CA bundle for TLS verification (default: the system's). Verification is always on.
  std::string ca_file;
  /// Refresh this long before the access token expires (RingCentral advises at least 60 s).
  std::chrono::milliseconds refresh_margin{60000};
  std::chrono::milliseconds connect_timeout{10000};
  /// Whole-request timeout of API calls (downloads instead fail when stalled this long).
  std::chrono::milliseconds timeout{60000};
  /// Wait after a 429 without Retry-After (never less than 30 s) and the longest wait a
  /// Retry-After may ask for (longer ones are clamped).
  std::chrono::milliseconds default_retry_after{60000};
  std::chrono::milliseconds max_retry_after{600000};
  /// A throttled call that would have to wait longer than this raises HttpError(429) instead.
  std::chrono::milliseconds max_wait{300000};
  /// Retries of 429, 502/503/504, CMN-304, timeouts and refused connections, with exponential
  /// backoff from `backoff_base`, doubling, capped at `backoff_cap` (Retry-After wins).
  int max_retries = 5;
  std::chrono::milliseconds backoff_base{2000}, backoff_cap{60000};
  /// The token endpoint retries 408, 500 and timeouts three times this far apart.
  std::chrono::milliseconds token_retry_delay{10000};
  /// How long a transcript RingCentral refused (403/404) is not asked for again, per process.
  std::chrono::seconds unavailable_ttl{3600};
  /// Time and sleeping (tests inject both); empty = the system clock and a real sleep.
  Clock clock;
  std::function<void(std::chrono::milliseconds)> sleep;
  /// Log lines (level 0 debug .. 3 error), never containing a secret. Empty = stderr when
  /// $SWITCHBOARD_LOG is "debug" or "info", else nothing.
  std::function<void(int level, const std::string& message)> log;
};

/// A throttling group as last seen in X-Rate-Limit-* headers (-1 = not seen) and whether the
/// client is holding its requests back: `paused_for` > 0, `reason` "penalty" (a 429) or
/// "window" (Remaining reached 0).
struct RateLimitState {
  std::string group;
  int limit = -1, remaining = -1, window_seconds = -1;
  std::chrono::milliseconds paused_for{0};
  std::string reason;
};

/// What is stored and known about the connection (no secrets).
struct RingCentralStatus {
  bool connected = false;  ///< a refresh token (or a live access token) is stored
  std::string owner_id, scope, client_id, server, media_server;
  std::int64_t access_expires_at = 0;   ///< Unix seconds, absolute
  std::int64_t refresh_expires_at = 0;  ///< Unix seconds, absolute
  bool jwt_configured = false;
  std::vector<RateLimitState> rate_limits;
};

/// A call-log query: account-wide when `extension` is empty, else one extension ("~" = the
/// authorized user's). Dates are ISO 8601 (RingCentral defaults dateFrom to 24 hours ago).
struct CallLogQuery {
  std::string extension;
  std::string date_from, date_to;
  std::string view = "Simple";  ///< or "Detailed" (adds legs)
  std::string telephony_session_id;
  int per_page = 250;           ///< 1..1000
  int max_pages = 0;            ///< 0 = follow navigation.nextPage.uri to the end
  std::vector<std::pair<std::string, std::string>> params;  ///< more query parameters
};

/// One page of a call-log query: its records (JSON text) and the URI of the next page ("" on
/// the last one).
struct CallLogPage {
  std::vector<std::string> records;
  std::string next_page_uri;
};

/// What download_recording did: `available` false = RingCentral has no such recording (404;
/// nothing written). `resumed` counts Range requests that continued a cut-off transfer.
struct RecordingDownload {
  bool available = false;
  std::string path, content_type;
  std::int64_t bytes = 0;
  int redirects = 0, resumed = 0;
};

class Subscriptions;

/// Thread-safe. The RingCentral REST client: calls may come from any number of threads and
/// processes sharing one store; one refresh happens per token expiry among all of them.
/// Failures throw HttpError (status, api_code, retry_after), AuthError (code auth or
/// reauthorization_required) or ValidationError (a refused URL or bad argument).
class SWITCHBOARD_EXPORT RingCentralClient : public TranscriptSource {
 public:
  /// Reads the saved configuration from `store` and merges `options` over it. Throws
  /// ValidationError for a server URL the network policy refuses.
  explicit RingCentralClient(std::shared_ptr<Store> store, RingCentralOptions options = {});
  ~RingCentralClient() override;
  RingCentralClient(const RingCentralClient&) = delete;
  RingCentralClient& operator=(const RingCentralClient&) = delete;

  /// Saves client id, secret, JWT, server URLs and redirect URI (secrets sealed) in the store.
  void save_configuration();

  // ---- authorization -----------------------------------------------------------------------
  /// The URL to send a person to: response_type=code with a fresh `state` and a PKCE S256
  /// challenge; state and verifier are stored (verifier sealed) for exchange_code.
  std::string authorization_url();
  /// Completes the authorization-code flow. Throws AuthError when `state` does not match the
  /// stored one (constant-time) or no flow is pending, HttpError when RingCentral refuses.
  void exchange_code(const std::string& code, const std::string& state);
  /// exchange_code with the code and state taken from the redirect URL a person pasted.
  void complete_login(const std::string& redirect_url);
  /// JWT bearer grant with `jwt` (else the configured one); a given JWT is saved, sealed.
  void login_jwt(const std::string& jwt = "");
  /// Revokes the session at RingCentral (one attempt, errors ignored) and clears the stored
  /// tokens. Throws only when the store fails.
  void revoke();
  /// Stored connection facts and the throttling state (no network).
  RingCentralStatus status();

  // ---- API ---------------------------------------------------------------------------------
  /// GET /restapi/v1.0/account/~/extension/~ (the connection test): its JSON.
  std::string test_connection();
  /// GET on the platform (path from "/restapi/..." or "/ai/..."), counted in `group`; JSON.
  std::string get(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& query = {},
                  const std::string& group = "Light");
  /// A JSON request on the platform (GET, POST, PUT, DELETE; `json_body` may be empty),
  /// counted in `group`: the response body, or nullopt when RingCentral answers 404.
  std::optional<std::string> request(const std::string& method, const std::string& path,
                                     const std::string& json_body = "",
                                     const std::string& group = "Medium");
  /// Every record (JSON text) the query matches, following navigation.nextPage.uri.
  std::vector<std::string> call_log(const CallLogQuery& query);
  /// One page: the query's first page, or the page at `page_uri` (a navigation.nextPage.uri
  /// from an earlier page, which must be on the platform host).
  CallLogPage call_log_page(const CallLogQuery& query, const std::string& page_uri = "");
  /// One call-log record (account level, or an extension's), or nullopt on 404.
  std::optional<std::string> call_log_record(const std::string& id,
                                             const std::string& extension = "");
  /// The newest account call-log record of a telephony session (Detailed view), or nullopt
  /// while RingCentral has not written it yet (15-30 s after the call).
  std::optional<std::string> find_call_log(const std::string& telephony_session_id,
                                           const std::string& date_from = "");
  /// Recording metadata {id, contentUri, contentType, duration}, or nullopt on 404.
  std::optional<std::string> recording_metadata(const std::string& recording_id);
  /// The content URL: a contentUri (platform or media host) as given, or the media-host URL
  /// built from a recording id. Throws ValidationError for any other host.
  std::string recording_content_url(const std::string& id_or_content_uri) const;
  /// Streams a recording into `path` (via `path`.part, renamed when complete): Authorization
  /// header only, audio/mpeg or audio/wav only, Range resume after a cut-off, at most 5
  /// redirects (https, public addresses, no credentials after the first hop).
  RecordingDownload download_recording(const std::string& id_or_content_uri,
                                       const std::string& path);
  /// ACE insights JSON of a recording (else of a telephony session), or nullopt when
  /// RingCentral answers 403/404 (remembered for `unavailable_ttl`).
  std::optional<std::string> fetch_insights(const std::string& recording_id,
                                            const std::string& telephony_session_id) override;
  /// The throttling groups seen so far.
  std::vector<RateLimitState> rate_limits() const;

  struct Impl;

 private:
  friend class Subscriptions;  // keeps the Verification-Token with the client's secrets
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard
