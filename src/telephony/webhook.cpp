// WebhookHandler (the transport-free endpoint) and the queued-payload processor.
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>

#include "core/json.h"
#include "core/text.h"
#include "switchboard/call_logger.h"

namespace switchboard {
namespace {

constexpr const char* kPayload = "RingCentral CRM Payload";
constexpr std::size_t kMaxValidationToken = 512;  // keeps the handshake reply under 1 KiB
constexpr std::size_t kErrorMessageChars = 500;

using text::lower_ascii;

WebhookResponse json_reply(int status, bool success, const std::string& message,
                           const std::string& call_log = {}) {
  json::Json body = {{"success", success}, {"message", message}};
  if (!call_log.empty()) body["call_log_name"] = call_log;
  WebhookResponse r;
  r.status = status;
  r.headers["Content-Type"] = "application/json";
  r.body = json::dump(body);  // never throws: invalid UTF-8 in a message is replaced
  return r;
}

std::string message_for(const IngestResult& r) {
  if (r.action == "created") return "Call log created";
  if (r.action == "updated") return "Call log updated";
  if (r.action == "duplicate") return "Duplicate event ignored";
  return "Event skipped: " + r.reason;
}

void log_error(Store& store, const std::string& title, const std::string& error,
               const std::string& reference = {}) {
  try {
    Document d{{"method", title}, {"error", error}};
    if (!reference.empty()) {
      d.set("reference_doctype", Value(kPayload));
      d.set("reference_name", Value(reference));
    }
    store.insert("Error Log", d);
  } catch (...) {  // logging must never turn a handled failure into a crash
  }
}

}  // namespace

bool secret_matches(std::string_view presented, std::string_view expected) {
  unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0 && !expected.empty();
}

WebhookHandler::WebhookHandler(std::shared_ptr<CallLogger> logger, WebhookOptions options)
    : logger_(std::move(logger)), options_(std::move(options)) {
  if (!logger_) throw ValidationError("WebhookHandler needs a CallLogger", ErrorCode::kInvalidArgument);
}

std::optional<WebhookResponse> WebhookHandler::check_headers(
    const std::map<std::string, std::string>& headers) const {
  std::map<std::string, std::string> h;
  for (const auto& [k, v] : headers) h[lower_ascii(k)] = v;
  auto header = [&](const char* name) -> const std::string* {
    auto it = h.find(name);
    return it == h.end() ? nullptr : &it->second;
  };

  // RingCentral's subscription handshake: echo the token, touch nothing.
  if (const std::string* token = header("validation-token")) {
    if (token->empty() || token->size() > kMaxValidationToken ||
        token->find_first_of("\r\n") != std::string::npos)
      return json_reply(400, false, "Invalid Validation-Token");
    WebhookResponse r;
    r.status = 200;
    r.headers["Validation-Token"] = *token;
    r.headers["Content-Type"] = "application/json";
    return r;
  }

  bool needs_secret = !options_.verification_token.empty() || !options_.relay_secret.empty();
  if (needs_secret) {
    bool ok = false;
    if (const std::string* v = header("verification-token"); v && !options_.verification_token.empty())
      ok = secret_matches(*v, options_.verification_token);
    if (const std::string* s = header("x-webhook-secret"); !ok && s && !options_.relay_secret.empty())
      ok = secret_matches(*s, options_.relay_secret);
    if (!ok) return json_reply(401, false, "Missing or invalid webhook secret");
  }
  return std::nullopt;
}

WebhookResponse WebhookHandler::handle(const std::map<std::string, std::string>& headers,
                                       std::string_view body) {
  if (std::optional<WebhookResponse> answered = check_headers(headers)) return std::move(*answered);

  if (body.size() > kMaxCallEventBytes)
    return json_reply(413, false, "Payload too large (limit " + std::to_string(kMaxCallEventBytes) + " bytes)");
  CallEvent event;
  try {
    event = parse_call_event(body);
  } catch (const ParseError& e) {
    return json_reply(400, false, e.what());
  }

  Store& store = logger_->store();
  try {
    // One transaction, rerun as a whole when a concurrent writer forced it back.
    return in_retrying_transaction(store, [&] {
      if (options_.store_payloads && !event.event_uuid.empty()) {
        if (auto seen = store.find_one(kPayload, Query{Filter("event_id", Value(event.event_uuid))}
                                                     .select({"call_log"})))
          return json_reply(200, true, "Duplicate event ignored", seen->text("call_log"));
      }
      IngestResult r = logger_->ingest(event);
      std::string log = r.call_log.empty() ? r.crm_call_log : r.call_log;
      if (options_.store_payloads) {
        store.insert(kPayload, {{"payload", std::string(body)},
                                {"event_id", event.event_uuid},
                                {"processing_status", r.action == "skipped" ? "Skipped" : "Processed"},
                                {"call_log", log}});
      }
      return json_reply(200, true, message_for(r), log);
    });
  } catch (const Error& e) {
    // Nothing of the event was written; keep the body for a retry and say why.
    if (options_.store_payloads) {
      try {
        Transaction tx(store);
        std::string name = store.insert(
            kPayload, {{"payload", std::string(body)},
                       {"processing_status", "Error"},
                       {"error_message", text::truncate_chars(e.what(), kErrorMessageChars)}});
        log_error(store, "RingCentral webhook: ingest failed", e.what(), name);
        tx.commit();
      } catch (...) {
      }
    }
    return json_reply(500, false, std::string("Could not record the call: ") + e.what());
  }
}

PayloadOutcome process_crm_payload(CallLogger& logger, std::string_view name) {
  Store& store = logger.store();
  PayloadOutcome out;
  auto doc = store.get(kPayload, name);
  if (!doc) {
    out.status = "Missing";
    out.message = std::string(kPayload) + " '" + std::string(name) +
                  "' not found; it may have been deleted before processing";
    log_error(store, "RingCentral Payload: missing", out.message);
    return out;
  }
  try {
    CallEvent event = parse_call_event(doc->text("payload"));
    Transaction tx(store);
    out.result = logger.ingest(event);
    out.status = out.result.action == "skipped" ? "Skipped" : "Processed";
    out.message = message_for(out.result);
    store.update(kPayload, name,
                 {{"processing_status", out.status},
                  {"error_message", Value()},
                  {"call_log", out.result.call_log.empty() ? out.result.crm_call_log : out.result.call_log}},
                 /*update_modified=*/false);
    tx.commit();
  } catch (const Error& e) {
    out.status = "Error";
    out.message = e.what();
    out.result = IngestResult{};  // what ingest wrote was rolled back with the transaction
    try {  // only if the document still exists (it may be deleted while we worked)
      if (store.exists(kPayload, name))
        store.update(kPayload, name,
                     {{"processing_status", "Error"},
                      {"error_message", text::truncate_chars(e.what(), kErrorMessageChars)}},
                     /*update_modified=*/false);
    } catch (const Error& update_error) {
      log_error(store, "RingCentral Payload: status update failed", update_error.what());
    }
  }
  return out;
}

}  // namespace switchboard
