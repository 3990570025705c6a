// switchboard: phone calls — RingCentral and Pabbly payloads parsed into one call event,
// call logs written without duplicates, webhooks answered, recordings and transcripts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

// ---- call events -------------------------------------------------------------------------

/// Which payload a CallEvent came from.
enum class CallEventKind {
  kRelay,             ///< the original scripts' Pabbly relay body (call_id, from_number, recording {...})
  kRecordingReady,    ///< Pabbly's second flow: call_log_id, recording_id, recording_url
  kCallLog,           ///< a RingCentral call-log record (Simple or Detailed view)
  kTelephonySession,  ///< a RingCentral telephony-session notification (uuid, sequence, parties)
};
SWITCHBOARD_EXPORT const char* call_event_kind_name(CallEventKind kind) noexcept;

/// One end of a call. Empty strings mean "not given".
struct CallParty {
  std::string phone_number;      ///< as sent (E.164 usually)
  std::string extension_number;  ///< an internal extension ("102"), never matched to customers
  std::string name;
};

/// The normalized form of every call payload. Empty strings and unset optionals mean the
/// payload did not carry the field (empty text, null and "null" count as absent), so an
/// update never erases what an earlier event stored.
struct SWITCHBOARD_EXPORT CallEvent {
  CallEventKind kind = CallEventKind::kRelay;
  std::string call_id;               ///< RingCentral call-log record id
  std::string session_id;            ///< RingCentral sessionId
  std::string telephony_session_id;  ///< RingCentral telephonySessionId
  std::string event_uuid;            ///< notification envelope uuid (deduplication)
  std::optional<std::int64_t> sequence;  ///< telephony-session event order
  std::string direction;             ///< "Inbound" or "Outbound"
  CallParty from, to;
  std::string start_time;            ///< naive local datetime "YYYY-MM-DD HH:MM:SS" (process TZ)
  /// The same instant as Unix seconds when the payload gave it with a zone (ISO 8601): a
  /// CallLogger writes it in its store's time zone. Unset: start_time is written as it is.
  std::optional<std::int64_t> start_unix;
  std::optional<double> duration;    ///< seconds
  std::string result;                ///< call-log result ("Accepted", "Missed", ...)
  std::string status_code;           ///< telephony party status (Setup ... Disconnected)
  std::optional<bool> missed_call;
  std::string recording_id;
  std::string recording_url;         ///< the recording's contentUri when given

  /// The key a call log is upserted on: call_id, else telephony_session_id, else session_id.
  std::string upsert_key() const;
};

/// Payload size limit of parse_call_event (bytes).
constexpr std::size_t kMaxCallEventBytes = 1 << 20;

/// Parses a webhook body of any of the three shapes. Ids may be numbers or
/// strings; unknown fields are ignored. Throws ParseError (with the byte position where
/// parsing stopped, when known) for malformed, oversized or unrecognised input.
SWITCHBOARD_EXPORT CallEvent parse_call_event(std::string_view body);

// ---- recordings and transcripts ----------------------------------------------------------

/// The recording's content URL on RingCentral's media host:
/// <media_server>/restapi/v1.0/account/<account>/recording/<id>/content (the sandbox's media
/// host is https://media.devtest.ringcentral.com). Throws ValidationError for an empty id or
/// one with characters other than [A-Za-z0-9_-].
SWITCHBOARD_EXPORT std::string recording_url(
    std::string_view recording_id, std::string_view account_id = "~",
    std::string_view media_server = "https://media.ringcentral.com");

/// The recording id inside any RingCentral recording URL form (platform or media host,
/// with or without /content, port, query or fragment, `recordingId=` query), or nullopt.
SWITCHBOARD_EXPORT std::optional<std::string> extract_recording_id(std::string_view url);

/// Renders RingCentral RingSense / ACE insights JSON as one "[speaker]: text" line per
/// Transcript segment, speaker names from speakerInfo when present (else the speakerId).
/// Throws ParseError for malformed JSON; returns "" when there are no segments.
SWITCHBOARD_EXPORT std::string format_transcript(std::string_view insights_json);

/// Where transcripts come from (the RingCentral client implements it; tests implement it).
/// Implementations may be called from any thread.
class SWITCHBOARD_EXPORT TranscriptSource {
 public:
  virtual ~TranscriptSource();
  /// The insights JSON for a recording (or telephony session when `recording_id` is empty),
  /// or nullopt when RingCentral has none (403/404: "transcript unavailable").
  virtual std::optional<std::string> fetch_insights(const std::string& recording_id,
                                                    const std::string& telephony_session_id) = 0;
};

/// The original scripts' {success, transcript, cached, message} answer.
struct TranscriptResult {
  bool success = false;
  std::string transcript;
  bool cached = false;
  std::string message;
};

/// The original scripts' transcript cache for "CRM Call Log" and "Helpdesk Call Log": a stored
/// transcript is returned with cached = true; otherwise it is fetched through `source`
/// (recording id from the log's recording URLs), formatted, stored, cached = false.
/// Throws NotFound for an unknown call log.
SWITCHBOARD_EXPORT TranscriptResult get_or_create_transcript(Store& store, std::string_view doctype,
                                                             std::string_view call_log,
                                                             TranscriptSource& source);
/// Like get_or_create_transcript but always fetches (and replaces the stored transcript).
SWITCHBOARD_EXPORT TranscriptResult refresh_transcript(Store& store, std::string_view doctype,
                                                       std::string_view call_log,
                                                       TranscriptSource& source);

}  // namespace switchboard
