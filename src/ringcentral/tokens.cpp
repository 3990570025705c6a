// OAuth: the authorization-code flow with PKCE, the JWT grant, revoke, and the refresh that
// never loses the session — ahead of expiry, one at a time per process (a mutex) and across
// processes (the store's lock inside a short transaction), the new pair persisted before it
// is used, a rotation by another worker adopted, a dead grant falling back to JWT once.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "ringcentral/ringcentral_internal.h"
#include "switchboard/call_logger.h"

namespace switchboard {

using rc::Ms;
using rc::TokenResult;
using rc::TokenState;
namespace {

constexpr const char* kSettings = "CRM RingCentral Settings";
constexpr const char* kLockKey = "ringcentral.oauth";
constexpr std::int64_t kPendingLoginSeconds = 600;

std::string error_text(const TokenResult& r) {
  std::string s = "HTTP " + std::to_string(r.status);
  if (!r.error.code.empty()) s += " " + r.error.code;
  if (!r.error.message.empty()) s += " " + r.error.message;
  return s;
}

/// Begins a transaction and takes the cross-process OAuth lock when the backend has one.
void lock_oauth(Store& store) {
  if (store.capabilities() & Capability::kLock) store.lock(kLockKey);
}

}  // namespace

// ---- stored state ---------------------------------------------------------------------------

std::string RingCentralClient::Impl::seal(const char* field, const std::string& plaintext) {
  if (plaintext.empty()) return {};
  if (!codec)
    throw ValidationError(
        "no secret key is configured, so RingCentral secrets cannot be stored: set "
        "SWITCHBOARD_SECRET_KEY to the output of `openssl rand -base64 32`, or name a key file",
        ErrorCode::kInvalidArgument);
  remember_secret(plaintext);
  return codec->seal(field, plaintext);
}

std::string RingCentralClient::Impl::open(const char* field, const std::string& stored) {
  if (stored.empty()) return {};
  std::string plain;
  if (codec) {
    plain = codec->open(field, stored);
  } else if (stored.rfind("enc:", 0) == 0) {
    throw AuthError(std::string("the stored ") + field +
                    " is encrypted and no secret key is configured (SWITCHBOARD_SECRET_KEY)");
  } else {
    plain = stored;  // written in plain text by an older version
  }
  remember_secret(plain);
  return plain;
}

std::string RingCentralClient::Impl::client_secret() {
  if (!opt.client_secret.empty()) return opt.client_secret;
  auto doc = store->get(kSettings, kSettings);
  return doc ? open("client_secret", doc->text("client_secret")) : std::string();
}

std::string RingCentralClient::Impl::jwt() {
  if (!opt.jwt.empty()) return opt.jwt;
  auto doc = store->get(kSettings, kSettings);
  return doc ? open("jwt_credential", doc->text("jwt_credential")) : std::string();
}

void RingCentralClient::Impl::write_settings(const Document& changes) { rc::write_settings(*store, changes); }

TokenState RingCentralClient::Impl::load_tokens() {
  TokenState t;
  auto doc = store->get(kSettings, kSettings);
  if (!doc) return t;
  t.access = open("access_token", doc->text("access_token"));
  t.refresh = open("refresh_token", doc->text("refresh_token"));
  t.expires_at = doc->integer("token_expires_at");
  t.refresh_expires_at = doc->integer("refresh_token_expires_at");
  t.owner_id = doc->text("owner_id");
  t.scope = doc->text("token_scope");
  return t;
}

void RingCentralClient::Impl::persist_tokens(const TokenState& t) {
  auto doc = store->get(kSettings, kSettings);
  std::int64_t version = doc ? doc->integer("token_version") : 0;
  write_settings(Document{{"access_token", Value(seal("access_token", t.access))},
                          {"refresh_token", Value(seal("refresh_token", t.refresh))},
                          {"token_expires_at", Value(t.expires_at)},
                          {"token_expires_in", Value(t.expires_at - now_seconds())},
                          {"refresh_token_expires_at", Value(t.refresh_expires_at)},
                          {"token_version", Value(version + 1)},
                          {"owner_id", Value(t.owner_id)},
                          {"token_scope", Value(t.scope)}});
}

void RingCentralClient::Impl::clear_tokens() {
  persist_tokens(TokenState{});
  std::lock_guard<std::mutex> g(cache_mutex);
  cache = TokenState{};
}

void RingCentralClient::Impl::set_cache(const TokenState& t) {
  remember_secret(t.access);
  remember_secret(t.refresh);
  std::lock_guard<std::mutex> g(cache_mutex);
  cache = t;
}

bool RingCentralClient::Impl::fresh(const TokenState& t) const {
  if (t.access.empty()) return false;
  auto now_ms = std::chrono::duration_cast<Ms>(now().time_since_epoch());
  return now_ms + opt.refresh_margin < Ms(t.expires_at * 1000);
}

void RingCentralClient::Impl::reauthorize(const std::string& why) {
  log(3, why + "; a new sign-in is required");
  throw AuthError(why + "; sign in to RingCentral again (frontdesk ringcentral login)",
                  ErrorCode::kReauthorizationRequired);
}

// ---- the token endpoint ---------------------------------------------------------------------

TokenResult RingCentralClient::Impl::post_token(std::vector<std::pair<std::string, std::string>> form) {
  if (opt.client_id.empty())
    throw ValidationError("no RingCentral client id is configured", ErrorCode::kInvalidArgument);
  std::string secret = client_secret();
  rc::HttpRequest r = prepare("POST", platform_url("/restapi/oauth/token"));
  r.timeout = std::min(opt.timeout, Ms(30000));  // the cross-process lock is held meanwhile
  r.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
  if (secret.empty()) {
    form.emplace_back("client_id", opt.client_id);  // a public app: no Basic header at all
  } else {
    r.headers.push_back("Authorization: Basic " + rc::base64_encode(opt.client_id + ":" + secret));
  }
  r.body = rc::form_encode(form);
  rc::HttpResponse res = http.perform(r);
  std::string group = res.status ? limiter->observe("Auth", res.headers) : std::string("Auth");
  TokenResult out;
  out.status = res.status;
  if (res.status == 0 || res.curl_code != 0) {  // RingCentral's policy: 3 retries 10 s apart
    out.status = 0;
    out.transient = true;
    out.wait = opt.token_retry_delay;
    out.timed_out = res.timed_out;
    out.error.message = res.error;
    return out;
  }
  if (res.status != 200) {
    out.error = rc::parse_api_error(res.body);
    if (res.status == 408 || res.status == 500 || res.status == 502 || res.status == 504) {
      out.transient = true;
      out.wait = opt.token_retry_delay;
    } else if (res.status == 429) {  // penalize the group; the Auth gate waits it out
      limiter->penalize(group, retry_wait(res, opt.default_retry_after));
      out.transient = true;
    } else if (res.status == 503) {
      out.transient = true;
      out.wait = retry_wait(res, opt.token_retry_delay);
    }
    return out;
  }
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  auto str = [&](const char* k) {
    auto it = j.is_object() ? j.find(k) : j.end();
    if (it == j.end()) return std::string();
    return it->is_string() ? it->get<std::string>() : it->is_number() ? it->dump() : std::string();
  };
  auto num = [&](const char* k) -> std::int64_t {
    auto it = j.is_object() ? j.find(k) : j.end();
    if (it == j.end()) return 0;
    if (it->is_number()) return it->get<std::int64_t>();
    if (it->is_string()) return std::atoll(it->get<std::string>().c_str());
    return 0;
  };
  out.tokens.access = str("access_token");
  if (out.tokens.access.empty()) throw ParseError("the token response has no access_token");
  out.tokens.refresh = str("refresh_token");
  std::int64_t now_s = now_seconds();
  std::int64_t expires_in = num("expires_in");
  out.tokens.expires_at = now_s + (expires_in > 0 ? expires_in : 3600);
  std::int64_t refresh_in = num("refresh_token_expires_in");
  out.tokens.refresh_expires_at = out.tokens.refresh.empty() ? 0 : now_s + (refresh_in > 0 ? refresh_in : 604800);
  out.tokens.owner_id = str("owner_id");
  out.tokens.scope = str("scope");
  out.ok = true;
  remember_secret(out.tokens.access);
  remember_secret(out.tokens.refresh);
  return out;
}

TokenResult RingCentralClient::Impl::token_retries(const std::function<TokenResult()>& attempt) {
  for (int i = 0;; ++i) {
    gate("Auth");  // outside any transaction: a penalty never holds the lock
    TokenResult r = attempt();
    if (!r.transient || i >= 3) return r;
    log(2, "token endpoint: " + (r.status ? "HTTP " + std::to_string(r.status) : r.error.message) +
               "; trying again in " + std::to_string(r.wait.count()) + " ms");
    pause(r.wait);
  }
}

void RingCentralClient::Impl::token_failure(const TokenResult& r, const std::string& what) {
  if (r.status == 0)
    throw HttpError(redact("RingCentral's token endpoint: " + r.error.message), 0, "", -1,
                    r.timed_out ? ErrorCode::kTimeout : ErrorCode::kHttp);
  throw HttpError(redact("RingCentral refused to " + what + ": " + error_text(r)), r.status, r.error.code,
                  -1, r.status == 400 || r.status == 401 ? ErrorCode::kAuth : ErrorCode::kHttp);
}

// ---- refresh --------------------------------------------------------------------------------

std::string RingCentralClient::Impl::access_token() {
  std::string stale;
  {
    std::lock_guard<std::mutex> g(cache_mutex);
    if (fresh(cache)) return cache.access;
    stale = cache.access;
  }
  return renew(stale, false);
}

std::string RingCentralClient::Impl::renew(const std::string& stale, bool rejected) {
  std::lock_guard<std::mutex> single(refresh_mutex);
  {
    std::lock_guard<std::mutex> g(cache_mutex);
    if (!cache.access.empty() && cache.access != stale && fresh(cache)) return cache.access;
  }
  std::string dead_refresh, why;  // a refresh token RingCentral already refused
  bool jwt_tried = false;
  TokenResult r = token_retries([&]() -> TokenResult {
    Transaction tx(*store);
    lock_oauth(*store);
    TokenState st = load_tokens();
    TokenResult done;
    done.ok = true;
    if (fresh(st) && !(rejected && st.access == stale)) {  // another worker refreshed already
      tx.commit();
      if (st.access != stale && !stale.empty()) log(0, "using the access token another worker stored");
      done.tokens = st;
      return done;
    }
    why = st.has_any() ? "the refresh token has expired" : "RingCentral is not connected";
    for (int spin = 0; spin < 2; ++spin) {
      bool alive = !st.refresh.empty() && st.refresh != dead_refresh &&
                   (st.refresh_expires_at == 0 || now_seconds() < st.refresh_expires_at);
      if (!alive) break;
      TokenResult t = post_token({{"grant_type", "refresh_token"}, {"refresh_token", st.refresh}});
      if (t.ok) {
        persist_tokens(t.tokens);  // durable before anyone uses the new access token
        tx.commit();
        log(1, "refreshed the RingCentral access token (expires at " + std::to_string(t.tokens.expires_at) + ")");
        return t;
      }
      if (!t.dead()) return t;  // transient: tried again outside the lock; else an error
      dead_refresh = st.refresh;
      // Someone rotated the pair without waiting for our lock: adopt what is stored now.
      TokenState again = load_tokens();
      if (again.refresh.empty() || again.refresh == st.refresh) {
        why = "RingCentral rejected the stored refresh token (" + error_text(t) + ")";
        log(2, why);
        break;
      }
      log(1, "the refresh token was already rotated by another worker; adopting the stored pair");
      if (fresh(again)) {
        tx.commit();
        done.tokens = again;
        return done;
      }
      st = again;  // and refresh with the adopted refresh token
    }
    // The grant is dead: one JWT attempt when a JWT is configured, else a new sign-in.
    std::string credential = jwt();
    if (!credential.empty() && !jwt_tried) {
      TokenResult j = post_token({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                                  {"assertion", credential}});
      if (j.transient) return j;
      jwt_tried = true;
      if (j.ok) {
        persist_tokens(j.tokens);
        tx.commit();
        log(1, "signed in to RingCentral again with the configured JWT");
        return j;
      }
      why += "; the JWT grant failed too (" + error_text(j) + ")";
    }
    if (st.has_any()) clear_tokens();  // dead for certain: later calls fail fast, without a POST
    tx.commit();
    TokenResult dead;
    dead.reauthorize = true;
    return dead;
  });
  if (r.reauthorize) reauthorize(why);
  if (!r.ok) token_failure(r, "refresh the token");
  set_cache(r.tokens);
  return r.tokens.access;
}

// ---- authorization --------------------------------------------------------------------------

std::string RingCentralClient::authorization_url() {
  Impl& d = *impl_;
  if (d.opt.client_id.empty()) throw ValidationError("no RingCentral client id is configured", ErrorCode::kInvalidArgument);
  if (d.opt.redirect_uri.empty()) throw ValidationError("no redirect URI is configured", ErrorCode::kInvalidArgument);
  std::string state = rc::random_urlsafe(24);
  std::string verifier = rc::random_urlsafe(48);  // 64 characters (PKCE allows 43..128)
  std::string challenge = rc::base64_encode(rc::sha256(verifier), true);
  in_transaction(*d.store, [&] {
    d.write_settings(Document{{"oauth_state", Value(state)},
                              {"oauth_code_verifier", Value(d.seal("oauth_code_verifier", verifier))},
                              {"oauth_started_at", Value(d.now_seconds())}});
  });
  return d.platform_url("/restapi/oauth/authorize",
                        {{"response_type", "code"},
                         {"client_id", d.opt.client_id},
                         {"redirect_uri", d.opt.redirect_uri},
                         {"state", state},
                         {"code_challenge", challenge},
                         {"code_challenge_method", "S256"}});
}

void RingCentralClient::exchange_code(const std::string& code, const std::string& state) {
  Impl& d = *impl_;
  d.remember_secret(code);
  if (code.empty()) throw ValidationError("the authorization code is empty", ErrorCode::kInvalidArgument);
  std::lock_guard<std::mutex> single(d.refresh_mutex);
  TokenResult r = d.token_retries([&] {
    Transaction tx(*d.store);
    lock_oauth(*d.store);
    auto doc = d.store->get(kSettings, kSettings);
    std::string expected = doc ? doc->text("oauth_state") : std::string();
    if (expected.empty()) throw AuthError("no RingCentral sign-in is pending: get an authorization URL first");
    if (!secret_matches(state, expected))
      throw AuthError("the state in the redirect does not match the pending RingCentral sign-in");
    if (d.now_seconds() - doc->integer("oauth_started_at") > kPendingLoginSeconds)
      throw AuthError("the pending RingCentral sign-in is older than 10 minutes; start again");
    std::string verifier = d.open("oauth_code_verifier", doc->text("oauth_code_verifier"));
    TokenResult t = d.post_token({{"grant_type", "authorization_code"},
                                  {"code", code},
                                  {"redirect_uri", d.opt.redirect_uri},
                                  {"code_verifier", verifier}});
    if (t.ok) {
      d.persist_tokens(t.tokens);
      d.write_settings(Document{{"oauth_state", Value("")}, {"oauth_code_verifier", Value("")},
                                {"oauth_started_at", Value(std::int64_t(0))}});
      tx.commit();
    }
    return t;
  });
  if (!r.ok) d.token_failure(r, "accept the authorization code");
  d.set_cache(r.tokens);
  d.log(1, "signed in to RingCentral (authorization code) as owner " + r.tokens.owner_id);
}

void RingCentralClient::complete_login(const std::string& redirect_url) {
  auto q = rc::query_params(redirect_url);
  if (q.count("error"))
    throw AuthError("RingCentral refused the sign-in: " + q["error"] +
                    (q.count("error_description") ? " (" + q["error_description"] + ")" : ""));
  if (!q.count("code") || !q.count("state"))
    throw ValidationError("the redirect URL carries no code and state", ErrorCode::kInvalidArgument);
  exchange_code(q["code"], q["state"]);
}

void RingCentralClient::login_jwt(const std::string& jwt) {
  Impl& d = *impl_;
  d.remember_secret(jwt);
  std::lock_guard<std::mutex> single(d.refresh_mutex);
  std::string credential = jwt.empty() ? d.jwt() : jwt;
  if (credential.empty()) throw ValidationError("no JWT credential is configured", ErrorCode::kInvalidArgument);
  TokenResult r = d.token_retries([&] {
    Transaction tx(*d.store);
    lock_oauth(*d.store);
    TokenResult t = d.post_token({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                                  {"assertion", credential}});
    if (t.ok) {
      d.persist_tokens(t.tokens);
      if (!jwt.empty()) d.write_settings(Document{{"jwt_credential", Value(d.seal("jwt_credential", jwt))}});
      tx.commit();
    }
    return t;
  });
  if (!r.ok) d.token_failure(r, "accept the JWT");
  d.set_cache(r.tokens);
  d.log(1, "signed in to RingCentral (JWT) as owner " + r.tokens.owner_id);
}

void RingCentralClient::revoke() {
  Impl& d = *impl_;
  d.forget_subscription(*this);  // while the token still works
  std::lock_guard<std::mutex> single(d.refresh_mutex);
  TokenState st = in_transaction(*d.store, [&] { return d.load_tokens(); });
  std::string token = !st.refresh.empty() ? st.refresh : st.access;
  if (!token.empty() && d.limiter->wait_for("Auth").count() <= 0) {
    try {  // one attempt; whatever happens, the local state goes
      std::vector<std::pair<std::string, std::string>> form{{"token", token}};
      rc::HttpRequest r = d.prepare("POST", d.platform_url("/restapi/oauth/revoke"));
      r.headers = {"Content-Type: application/x-www-form-urlencoded"};
      std::string secret = d.client_secret();
      if (secret.empty()) {
        form.emplace_back("client_id", d.opt.client_id);
      } else {
        r.headers.push_back("Authorization: Basic " + rc::base64_encode(d.opt.client_id + ":" + secret));
      }
      r.body = rc::form_encode(form);
      rc::HttpResponse res = d.http.perform(r);
      if (res.status) d.limiter->observe("Auth", res.headers);
      d.log(res.status == 200 ? 1 : 2, res.status == 200 ? "revoked the RingCentral session"
                                                          : "revoke failed (ignored): " +
                                                                (res.status ? "HTTP " + std::to_string(res.status) : res.error));
    } catch (const std::exception& e) {
      d.log(2, std::string("revoke failed (ignored): ") + e.what());
    }
  }
  in_transaction(*d.store, [&] {
    lock_oauth(*d.store);
    d.clear_tokens();
    d.write_settings(Document{{"oauth_state", Value("")}, {"oauth_code_verifier", Value("")},
                              {"jwt_credential", Value("")}});
  });
}

void RingCentralClient::save_configuration() {
  Impl& d = *impl_;
  in_transaction(*d.store, [&] {
    Document changes{{"client_id", Value(d.opt.client_id)},
                     {"server_url", Value(d.opt.server)},
                     {"media_server_url", Value(d.opt.media_server)},
                     {"redirect_uri", Value(d.opt.redirect_uri)}};
    if (!d.opt.client_secret.empty()) changes.set("client_secret", Value(d.seal("client_secret", d.opt.client_secret)));
    if (!d.opt.jwt.empty()) changes.set("jwt_credential", Value(d.seal("jwt_credential", d.opt.jwt)));
    d.write_settings(changes);
  });
}

RingCentralStatus RingCentralClient::status() {
  Impl& d = *impl_;
  RingCentralStatus s;
  s.client_id = d.opt.client_id;
  s.server = d.opt.server;
  s.media_server = d.opt.media_server;
  s.jwt_configured = !d.opt.jwt.empty();
  if (auto doc = d.store->get(kSettings, kSettings)) {
    s.access_expires_at = doc->integer("token_expires_at");
    s.refresh_expires_at = doc->integer("refresh_token_expires_at");
    bool refresh = doc->has("refresh_token") && (s.refresh_expires_at == 0 || d.now_seconds() < s.refresh_expires_at);
    bool access = doc->has("access_token") && d.now_seconds() < s.access_expires_at;
    s.connected = refresh || access;
    s.owner_id = doc->text("owner_id");
    s.scope = doc->text("token_scope");
    s.jwt_configured = s.jwt_configured || doc->has("jwt_credential");
  }
  s.rate_limits = d.limiter->snapshot();
  return s;
}

}  // namespace switchboard
