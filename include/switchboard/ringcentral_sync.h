// switchboard: every call, exactly once, without a relay — RingCentral's webhook subscription
// kept alive, the call log read by polling from a stored cursor, and the job kinds that finish
// each call (call-log lookup after it ends, recording download, transcript), run by a Worker.
// State lives in the store: "CRM RingCentral Settings" and the "Switchboard Job" queue.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "switchboard/call_logger.h"
#include "switchboard/export.h"
#include "switchboard/jobs.h"
#include "switchboard/ringcentral.h"

namespace switchboard {

/// The job kinds (JobSpec::kind) of RingCentral's work.
namespace rc_jobs {
inline constexpr const char* kLookup = "ringcentral.call_log_lookup";
inline constexpr const char* kRecording = "ringcentral.recording";
inline constexpr const char* kTranscript = "ringcentral.transcript";
inline constexpr const char* kSync = "ringcentral.sync";
inline constexpr const char* kSubscription = "ringcentral.subscription";
}  // namespace rc_jobs

/// The default event filter: telephony sessions of the whole account.
inline constexpr const char* kTelephonySessionsFilter = "/restapi/v1.0/account/~/telephony/sessions";

struct SubscriptionOptions {
  std::string address;                     ///< the webhook URL; "" = the stored one
  std::vector<std::string> event_filters;  ///< empty = the stored ones, else telephony sessions
  std::chrono::seconds expires_in{7 * 86400};
  std::chrono::seconds renew_margin{86400};   ///< renew when less than this is left
  std::chrono::seconds check_interval{3600};  ///< how often ensure() runs as a job
};

/// What is stored about the subscription. `status`: "Active", "Blacklisted", "" (none).
struct SubscriptionState {
  std::string id, status, address, error;
  std::vector<std::string> event_filters;
  std::int64_t expires_at = 0, checked_at = 0;  ///< Unix seconds
  /// What the last call did: "created", "renewed", "recreated", "checked", "deleted", "none".
  std::string action;
};

/// Thread-safe. The webhook subscription: created with a Verification-Token (generated once,
/// stored sealed by the client's SecretCodec), renewed ahead of expiry, deleted and created
/// again when RingCentral blacklisted or forgot it, deleted on unsubscribe and by
/// RingCentralClient::revoke().
class SWITCHBOARD_EXPORT Subscriptions {
 public:
  explicit Subscriptions(std::shared_ptr<RingCentralClient> client, SubscriptionOptions options = {});
  /// Creates the subscription (top-level expiresIn; Medium group) for `address` (else the
  /// configured or stored one), replacing a stored one. RingCentral checks the address with
  /// its Validation-Token handshake before it answers. Throws ValidationError without an
  /// address, HttpError when RingCentral refuses.
  SubscriptionState subscribe(const std::string& address = "");
  /// The periodic check: creates the subscription when an address is stored but none exists,
  /// re-creates it when RingCentral answers 404 or Blacklisted, renews it within
  /// `renew_margin` of expiry; otherwise only reads it (Light group).
  SubscriptionState ensure();
  /// Deletes the subscription at RingCentral (404 ignored) and forgets it and its address.
  SubscriptionState unsubscribe();
  /// What is stored (no network).
  SubscriptionState state();
  /// The Verification-Token deliveries carry ("" when none is stored).
  std::string verification_token();
  const SubscriptionOptions& options() const noexcept { return options_; }

 private:
  std::shared_ptr<RingCentralClient> client_;
  SubscriptionOptions options_;
};

/// The stored Verification-Token opened with `codec` (null = secret_codec_from_environment),
/// for a webhook endpoint that has no client; "" when none is stored. With `create`, a missing
/// one is generated and stored first, so an endpoint started before the first subscribe()
/// already knows the token that subscription will carry. Throws AuthError when it is stored
/// but cannot be opened, ValidationError when `create` needs a codec and there is none.
SWITCHBOARD_EXPORT std::string stored_verification_token(Store& store,
                                                         std::shared_ptr<SecretCodec> codec = nullptr,
                                                         bool create = false);

struct SyncOptions {
  std::chrono::seconds backfill{86400};  ///< the first run reads this far back
  std::chrono::seconds overlap{3600};    ///< each run re-reads this much before the cursor
  /// The window is read in slices of this (longer when a window would need more than 32),
  /// oldest first; the cursor moves after each.
  std::chrono::seconds slice{6 * 3600};
  int per_page = 1000;    ///< records per page (1..1000)
  std::string extension;  ///< "" = the whole account
};

/// What one sync run did. Times are Unix seconds.
struct SyncResult {
  std::int64_t from = 0, to = 0, cursor = 0;
  int pages = 0, records = 0, created = 0, updated = 0, unchanged = 0, failed = 0;
  bool complete = false;   ///< reached `to` (false: stopped early; the cursor says how far)
  std::string error;       ///< the first record that failed, if any
};

/// Thread-safe. Call-log sync by polling: from the stored cursor minus the overlap (the
/// back-fill period on the first run), Detailed view, every page followed through
/// navigation.nextPage.uri, each record upserted through the CallLogger (by call-log id, else
/// telephony session id); records already stored unchanged are not written again.
class SWITCHBOARD_EXPORT CallLogSync {
 public:
  CallLogSync(std::shared_ptr<RingCentralClient> client, std::shared_ptr<CallLogger> logger,
              SyncOptions options = {});
  /// One run up to now. `since` (Unix seconds, > 0) reads from there instead of the cursor.
  /// `should_stop` is asked between pages; stopping leaves the cursor at the last complete
  /// slice. Throws what the client throws (HttpError 429 when throttled past max_wait).
  SyncResult run(std::int64_t since = 0, const std::function<bool()>& should_stop = {});
  const SyncOptions& options() const noexcept { return options_; }

 private:
  std::shared_ptr<RingCentralClient> client_;
  std::shared_ptr<CallLogger> logger_;
  SyncOptions options_;
};

struct RingCentralJobOptions {
  /// Where recordings are written ("<id>.mp3" / ".wav"); "" = recordings are not downloaded.
  std::string recordings_dir;
  /// The attached File's file_url is this prefix + the file name.
  std::string file_url_prefix = "/private/files/";
  bool transcripts = true;
  std::chrono::seconds lookup_delay{30};  ///< after Disconnected (records take 15-30 s)
  int lookup_attempts = 10;      ///< then the sync is left to find the record
  int recording_attempts = 10;   ///< 404s before a recording counts as never kept
  int transcript_attempts = 8;   ///< tries, `transcript_retry` apart and doubling
  std::chrono::seconds transcript_retry{3600};
  std::chrono::seconds sync_interval{300};
  std::chrono::seconds throttled_retry{60};  ///< wait when a throttling pause has no end given
  /// How long a job stays leased to a worker that stopped answering (0 = per kind: 2 min for
  /// lookups and transcripts, 10 min for the sync, 15 min for recordings).
  std::chrono::seconds lease{0};
  SyncOptions sync;
  SubscriptionOptions subscription;
};

/// The IngestHook that queues a call's follow-up work in the same transaction as its call
/// log: a call-log lookup `lookup_delay` after a telephony event says the call ended
/// (Disconnected or Gone), and a recording download for a record that has a recording.
/// Idempotent (one job per session / recording).
SWITCHBOARD_EXPORT IngestHook ringcentral_ingest_hook(RingCentralJobOptions options = {});

/// Thread-safe. RingCentral's job kinds for a Worker, and the services behind them.
class SWITCHBOARD_EXPORT RingCentralJobs {
 public:
  /// Builds the CallLogger (with `logger` options plus ringcentral_ingest_hook), the sync and
  /// the subscriptions. Throws ValidationError for a null store or client.
  RingCentralJobs(std::shared_ptr<Store> store, std::shared_ptr<RingCentralClient> client,
                  RingCentralJobOptions options = {}, CallLoggerOptions logger = {});
  /// Registers the five kinds with `worker` and, unless `periodic` is false, queues the
  /// periodic sync and subscription check (each one job, rescheduling itself).
  void install(Worker& worker, bool periodic = true);
  /// Queues the periodic jobs (idempotent).
  void schedule_periodic(JobQueue& queue);

  std::shared_ptr<CallLogger> logger() const noexcept { return logger_; }
  CallLogSync& sync() noexcept { return sync_; }
  Subscriptions& subscriptions() noexcept { return subscriptions_; }
  const RingCentralJobOptions& options() const noexcept { return options_; }

  // The handlers (JobHandler shape), public for services that run them another way.
  JobOutcome lookup(const Job& job, JobContext& context);
  JobOutcome recording(const Job& job, JobContext& context);
  JobOutcome transcript(const Job& job, JobContext& context);
  JobOutcome run_sync(const Job& job, JobContext& context);
  JobOutcome check_subscription(const Job& job, JobContext& context);

 private:
  std::shared_ptr<Store> store_;
  std::shared_ptr<RingCentralClient> client_;
  RingCentralJobOptions options_;
  std::shared_ptr<CallLogger> logger_;
  CallLogSync sync_;
  Subscriptions subscriptions_;
};

/// Subscription state and expiry, sync cursor and lag, last sync result and error, queue depth
/// by kind and state, the oldest due job and the newest job errors — JSON text, no network.
SWITCHBOARD_EXPORT std::string ringcentral_sync_status(Store& store);

}  // namespace switchboard
