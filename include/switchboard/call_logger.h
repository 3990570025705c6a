// switchboard: call logs from call events — upserted without duplicates, linked to the
// customer's ticket, lead and contact by phone key, and a webhook front door for them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/export.h"
#include "switchboard/store.h"
#include "switchboard/telephony.h"

namespace switchboard {

struct IngestResult;

/// Called by CallLogger::ingest inside its transaction, after the call log is written (what it
/// writes commits or rolls back with the call log); e.g. to queue the follow-up work of a call.
/// Throwing rolls the whole ingest back.
using IngestHook = std::function<void(Store& store, const CallEvent& event, const IngestResult& result)>;

/// How a CallLogger logs. The site's facts (region, company numbers, open ticket statuses)
/// come from the store's SiteConfig on every call; the fields that repeat them are overrides.
struct CallLoggerOptions {
  /// Region for numbers without a country code; "" (the default) = as the store's site keys
  /// them (SiteConfig region and fallback regions).
  std::string region;
  /// The company's own numbers: never taken for a customer, and `from` of manual call logs
  /// (the first one; else CRM RingCentral Settings.company_phone_number). nullopt (the
  /// default) = SiteConfig::company_numbers.
  std::optional<std::vector<std::string>> company_numbers;
  /// Create a Contact and an HD Ticket when a call matches no ticket and no lead.
  bool create_tickets = false;
  /// With create_tickets: also for calls nobody answered (missed, voicemail, busy, failed,
  /// still ringing). Off by default: a missed call carries no request yet, and the call log
  /// is written and linked either way.
  bool tickets_for_unanswered = false;
  /// With create_tickets: also for calls the company placed. Off by default: the agent who
  /// dialled knows why, and an outbound call is no customer's request.
  bool tickets_for_outbound = false;
  /// Which call-log doctypes to write (both by default).
  bool helpdesk_call_logs = true;
  bool crm_call_logs = true;
  /// Status for RingCentral results outside the known set.
  std::string fallback_status = "Completed";
  /// Runs after every ingest that was not skipped (see IngestHook); empty = none.
  IngestHook after_ingest;
};

/// What ingest() did. `action`: "created" | "updated" | "duplicate" | "skipped" (and
/// "failed" from ingest_many); `reason` is
/// machine-readable ("new_call", "newer_event", "filled_fields", "same_event",
/// "stale_sequence"; for recording-ready events "recording_added" or "unknown_call").
struct SWITCHBOARD_EXPORT IngestResult {
  std::string action;
  std::string reason;
  std::string call_log;      ///< Helpdesk Call Log name ("" when not written)
  std::string crm_call_log;  ///< CRM Call Log name ("" when not written)
  std::string customer_key;  ///< E.164 key of the customer's number ("" when none)
  std::string ticket, lead, contact;
  bool ticket_created = false;
  bool contact_created = false;
  /// ingest_many only, for an event that failed (action "failed", reason the error code's
  /// name as error_code_name gives it): the error's message.
  std::string error;
};

/// Turns call events into call logs. Thread-safe (everything happens in store transactions).
///
/// Linking priority, by the phone key of the customer's end (the caller of an inbound call,
/// the callee of an outbound one; extension-only and company numbers never match): the
/// customer's open ticket with that contact_mobile key (newest modified first, open as the
/// site counts it); else an open ticket of the contact owning the number; an open lead (not
/// converted, status not closed on the site) with that mobile_no or phone key; the oldest
/// contact whose Contact Phone row has the key. Merged tickets and leads resolve to their
/// survivor.
class SWITCHBOARD_EXPORT CallLogger {
 public:
  explicit CallLogger(std::shared_ptr<Store> store, CallLoggerOptions options = {});
  ~CallLogger();

  /// Upserts the call log(s) of one event in one transaction, keyed on the call id, else the
  /// telephony session id, else the session id: a redelivered event changes nothing, a
  /// field missing from an event never erases a stored value, and a telephony event older
  /// (by `sequence`) than the stored one never overwrites its state.
  IngestResult ingest(const CallEvent& event);
  /// ingest() for each of `events` in order, inside one store transaction with a savepoint per
  /// event: the results and writes are those of ingest() called on each event in turn (the
  /// after_ingest hook too), the site's facts are read once and the batch commits once. An
  /// event that fails rolls back only its savepoint and gets action "failed". Never throws
  /// for an event: when the batch itself cannot commit (or the store forced it back more
  /// than kTransactionAttempts times) every event is "failed". When the store forces the
  /// transaction back and this call opened it, the batch is rerun from its first event; so it
  /// is when an event fails (the batch first runs without a savepoint each, then again with
  /// them): after_ingest may run more than once for an event, its store writes undone between.
  std::vector<IngestResult> ingest_many(const std::vector<CallEvent>& events);

  /// The original scripts' click-to-call log: Outgoing, Initiated, from the company number, to
  /// `phone` (read as the site keys numbers), linked to the contact and ticket given (and
  /// otherwise found by phone key). Returns the Helpdesk Call Log name. Throws
  /// ValidationError for a number that is not dialable.
  std::string create_manual_call_log(std::string_view phone_number, std::string_view contact = {},
                                     std::string_view ticket = {});

  Store& store() noexcept { return *store_; }
  std::shared_ptr<Store> store_ptr() const noexcept { return store_; }
  const CallLoggerOptions& options() const noexcept { return options_; }

  /// The call-log status for a RingCentral result or telephony status code.
  std::string status_for(const CallEvent& event) const;

 private:
  struct Cache;
  std::shared_ptr<Store> store_;
  CallLoggerOptions options_;
  std::shared_ptr<Cache> cache_;  // the site's ticket statuses, read once per site
};

/// Outcome of processing one queued "RingCentral CRM Payload".
struct PayloadOutcome {
  std::string status;   ///< "Processed", "Skipped", "Error" or "Missing"
  std::string message;
  IngestResult result;  ///< empty unless the payload was processed or skipped
};

/// The original scripts' graceful payload processing: a missing document is a logged no-op ("Missing");
/// otherwise its payload is parsed and ingested and processing_status set to Processed (or
/// Skipped); on error processing_status = Error and error_message = the first 500
/// characters — written only if the document still exists. Never throws for payload errors.
SWITCHBOARD_EXPORT PayloadOutcome process_crm_payload(CallLogger& logger, std::string_view name);

struct WebhookOptions {
  /// RingCentral's subscription verificationToken; deliveries must carry it in the
  /// Verification-Token header. Empty = not required.
  std::string verification_token;
  /// Shared secret of the Pabbly relay, sent as X-Webhook-Secret. Empty = not required.
  std::string relay_secret;
  /// Keep every accepted body as a "RingCentral CRM Payload" (deduplicates on its uuid).
  bool store_payloads = true;
};

/// An HTTP response: status, headers, body.
struct WebhookResponse {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
};

/// The webhook endpoint, transport-free: hand it the request headers and body, send back
/// what it returns. Thread-safe.
class SWITCHBOARD_EXPORT WebhookHandler {
 public:
  WebhookHandler(std::shared_ptr<CallLogger> logger, WebhookOptions options = {});

  /// A Validation-Token request is answered at once (header echoed, JSON content type, under
  /// 1 KiB) without touching the store. Otherwise the configured secrets are checked in
  /// constant time (missing or wrong: 401, nothing stored), the body parsed (400 on error),
  /// duplicates by notification uuid acknowledged without work, and the event ingested.
  /// Replies are JSON shaped like the original scripts': {success, message, call_log_name}.
  WebhookResponse handle(const std::map<std::string, std::string>& headers, std::string_view body);

  /// The part of handle() that needs only the headers, for servers to call before they read
  /// the body: the handshake answer, or 401 for a missing or wrong secret; nullopt when the
  /// request may go on to its body. Never touches the store.
  std::optional<WebhookResponse> check_headers(const std::map<std::string, std::string>& headers) const;

 private:
  std::shared_ptr<CallLogger> logger_;
  WebhookOptions options_;
};

/// Constant-time comparison of a presented secret with the expected one (OpenSSL
/// CRYPTO_memcmp over SHA-256 digests, so neither content nor length leaks).
SWITCHBOARD_EXPORT bool secret_matches(std::string_view presented, std::string_view expected);

}  // namespace switchboard
