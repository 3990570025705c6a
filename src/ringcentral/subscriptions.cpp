// The webhook subscription: created with a top-level expiresIn and a Verification-Token kept
// sealed with the client's other secrets, checked and renewed ahead of expiry, re-created when
// RingCentral blacklisted or forgot it, deleted on unsubscribe and on sign-out. The network
// calls happen outside any store transaction; each result is stored in one short one.
#include <algorithm>

#include "ringcentral/ringcentral_internal.h"
#include "switchboard/ringcentral_sync.h"
#include "core/datetime.h"
#include "core/json.h"

namespace switchboard {
namespace {

using json::Json;
constexpr const char* kSettings = "CRM RingCentral Settings";
constexpr const char* kApi = "/restapi/v1.0/subscription";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) out.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

SubscriptionState read_state(Store& store) {
  SubscriptionState s;
  auto doc = store.get(kSettings, kSettings);
  if (!doc) return s;
  s.id = doc->text("subscription_id");
  s.status = doc->text("subscription_status");
  s.address = doc->text("webhook_address");
  s.error = doc->text("subscription_error");
  s.event_filters = lines(doc->text("subscription_event_filters"));
  s.expires_at = doc->integer("subscription_expires_at");
  s.checked_at = doc->integer("subscription_checked_at");
  return s;
}

// What RingCentral answered about a subscription (status, expiry), stored with the check time.
void store_answer(Store& store, const Json& sub, const std::string& address,
                  const std::vector<std::string>& filters, const std::string& error) {
  std::int64_t now = unix_seconds(store);
  std::int64_t expires = 0;
  if (sub.contains("expirationTime") && sub["expirationTime"].is_string())
    expires = dates::unix_from_iso8601(sub["expirationTime"].get<std::string>()).value_or(0);
  if (expires == 0 && sub.contains("expiresIn") && sub["expiresIn"].is_number()) {
    // Whatever the number (1e300, -5), an expiry between now and ten years from now.
    const double in = std::clamp(sub["expiresIn"].get<double>(), 0.0, 10.0 * 365 * 86400);
    expires = now + static_cast<std::int64_t>(in);
  }
  std::string id = sub.contains("id") && sub["id"].is_string() ? sub["id"].get<std::string>()
                   : sub.contains("id") ? sub["id"].dump()
                                        : std::string();
  rc::write_settings(store, Document{{"subscription_id", Value(id)},
                                     {"subscription_status", Value(sub.contains("status") && sub["status"].is_string()
                                                                      ? sub["status"].get<std::string>()
                                                                      : std::string("Active"))},
                                     {"subscription_expires_at", Value(expires)},
                                     {"webhook_address", Value(address)},
                                     {"subscription_event_filters", Value(joined(filters))},
                                     {"subscription_error", Value(error)},
                                     {"subscription_checked_at", Value(now)}});
}

Json parse_object(const std::string& body, const char* what) {
  return json::parse_object(body, std::string("RingCentral's ") + what + " answer");
}

}  // namespace

Subscriptions::Subscriptions(std::shared_ptr<RingCentralClient> client, SubscriptionOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (!client_) throw ValidationError("Subscriptions need a RingCentralClient", ErrorCode::kInvalidArgument);
  if (options_.expires_in.count() < 60) options_.expires_in = std::chrono::seconds(60);
}

SubscriptionState Subscriptions::state() {
  SubscriptionState s = read_state(*client_->impl_->store);
  s.action = "none";
  return s;
}

std::string Subscriptions::verification_token() {
  RingCentralClient::Impl& d = *client_->impl_;
  auto doc = d.store->get(kSettings, kSettings);
  return doc ? d.open("verification_token", doc->text("verification_token")) : std::string();
}

std::string stored_verification_token(Store& store, std::shared_ptr<SecretCodec> codec, bool create) {
  if (!codec) codec = secret_codec_from_environment();
  Transaction tx(store);
  auto doc = store.get(kSettings, kSettings);
  std::string stored = doc ? doc->text("verification_token") : std::string();
  if (stored.empty() && create) {
    if (!codec)
      throw ValidationError("no secret key is configured, so a Verification-Token cannot be stored: set "
                            "SWITCHBOARD_SECRET_KEY (openssl rand -base64 32)",
                            ErrorCode::kInvalidArgument);
    std::string token = rc::random_urlsafe(24);
    rc::write_settings(store, Document{{"verification_token", Value(codec->seal("verification_token", token))}});
    tx.commit();
    return token;
  }
  tx.commit();
  if (stored.empty()) return {};
  if (!codec) {
    if (stored.rfind("enc:", 0) == 0)
      throw AuthError("the stored Verification-Token is encrypted and no secret key is configured "
                      "(SWITCHBOARD_SECRET_KEY)");
    return stored;
  }
  return codec->open("verification_token", stored);
}

SubscriptionState Subscriptions::subscribe(const std::string& requested) {
  RingCentralClient::Impl& d = *client_->impl_;
  Store& store = *d.store;
  SubscriptionState old = read_state(store);
  std::string address = !requested.empty() ? requested : !options_.address.empty() ? options_.address : old.address;
  if (address.empty())
    throw ValidationError("no webhook address: give the URL RingCentral should post call events to",
                          ErrorCode::kInvalidArgument);
  if (address.rfind("https://", 0) != 0 && address.rfind("http://", 0) != 0)
    throw ValidationError("the webhook address must be an http(s) URL", ErrorCode::kInvalidArgument);
  std::vector<std::string> filters = !options_.event_filters.empty() ? options_.event_filters
                                     : !old.event_filters.empty()    ? old.event_filters
                                                                     : std::vector<std::string>{kTelephonySessionsFilter};
  // The token exists before RingCentral's first delivery, so the endpoint can check it.
  std::string token = stored_verification_token(store, d.codec, /*create=*/true);
  d.remember_secret(token);
  if (!old.id.empty()) {
    try {
      client_->request("DELETE", std::string(kApi) + "/" + rc::url_encode(old.id), "", "Medium");
    } catch (const Error& e) {  // the old one may be gone already; a new one is what matters
      d.log(2, std::string("deleting the previous subscription failed (ignored): ") + e.what());
    }
  }
  Json body = {{"eventFilters", filters},
               {"deliveryMode", {{"transportType", "WebHook"}, {"address", address}, {"verificationToken", token}}},
               {"expiresIn", options_.expires_in.count()}};
  auto answer = client_->request("POST", kApi, json::dump(body), "Medium");
  if (!answer) throw HttpError("RingCentral answered 404 to creating a subscription", 404);
  Json sub = parse_object(*answer, "subscription");
  store_answer(store, sub, address, filters, "");
  SubscriptionState s = read_state(store);
  s.action = old.id.empty() ? "created" : "recreated";
  d.log(1, "subscribed to RingCentral events (subscription " + s.id + ", expires " + dates::iso8601_utc(s.expires_at) + ")");
  return s;
}

SubscriptionState Subscriptions::ensure() {
  RingCentralClient::Impl& d = *client_->impl_;
  Store& store = *d.store;
  SubscriptionState st = read_state(store);
  if (st.address.empty() && options_.address.empty()) {
    st.action = "none";
    return st;
  }
  if (st.id.empty()) return subscribe();
  const std::string path = std::string(kApi) + "/" + rc::url_encode(st.id);
  auto answer = client_->request("GET", path, "", "Light");
  if (!answer) {
    d.log(2, "RingCentral no longer knows subscription " + st.id + "; creating it again");
    SubscriptionState s = subscribe();
    s.action = "recreated";
    return s;
  }
  Json sub = parse_object(*answer, "subscription");
  std::string status = sub.value("status", std::string("Active"));
  if (status != "Active") {
    std::string reason;
    if (sub.contains("blacklistedData") && sub["blacklistedData"].is_object())
      reason = sub["blacklistedData"].value("reason", std::string());
    d.log(2, "subscription " + st.id + " is " + status + (reason.empty() ? "" : " (" + reason + ")") +
                 "; deleting and creating it again");
    rc::write_settings(store, Document{{"subscription_status", Value(status)},
                                       {"subscription_error", Value(status + (reason.empty() ? "" : ": " + reason))}});
    SubscriptionState s = subscribe();  // deletes the stored one first
    s.action = "recreated";
    return s;
  }
  store_answer(store, sub, st.address, st.event_filters.empty() ? lines(kTelephonySessionsFilter) : st.event_filters, "");
  st = read_state(store);
  st.action = "checked";
  if (st.expires_at - unix_seconds(store) <= options_.renew_margin.count()) {
    auto renewed = client_->request("POST", path + "/renew", "", "Light");
    if (!renewed) {
      SubscriptionState s = subscribe();
      s.action = "recreated";
      return s;
    }
    store_answer(store, parse_object(*renewed, "renewal"), st.address, st.event_filters, "");
    st = read_state(store);
    st.action = "renewed";
    d.log(1, "renewed subscription " + st.id + " until " + dates::iso8601_utc(st.expires_at));
  }
  return st;
}

SubscriptionState Subscriptions::unsubscribe() {
  RingCentralClient::Impl& d = *client_->impl_;
  SubscriptionState st = read_state(*d.store);
  if (!st.id.empty()) client_->request("DELETE", std::string(kApi) + "/" + rc::url_encode(st.id), "", "Medium");
  rc::write_settings(*d.store, Document{{"subscription_id", Value()},
                                        {"subscription_status", Value()},
                                        {"subscription_expires_at", Value(0)},
                                        {"webhook_address", Value()},
                                        {"subscription_error", Value()},
                                        {"subscription_checked_at", Value(unix_seconds(*d.store))}});
  SubscriptionState s = read_state(*d.store);
  s.action = st.id.empty() ? "none" : "deleted";
  return s;
}

void RingCentralClient::Impl::forget_subscription(RingCentralClient& client) {
  SubscriptionState st = read_state(*store);
  if (st.id.empty()) return;
  try {
    client.request("DELETE", std::string(kApi) + "/" + rc::url_encode(st.id), "", "Medium");
    log(1, "deleted subscription " + st.id);
  } catch (const std::exception& e) {
    log(2, std::string("deleting the subscription failed (ignored): ") + e.what());
  }
  try {
    rc::write_settings(*store, Document{{"subscription_id", Value()},
                                        {"subscription_status", Value()},
                                        {"subscription_expires_at", Value(0)},
                                        {"subscription_error", Value()}});
  } catch (const std::exception& e) {
    log(2, std::string("forgetting the subscription failed: ") + e.what());
  }
}

}  // namespace switchboard
