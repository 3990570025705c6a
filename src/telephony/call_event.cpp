// parse_call_event: the Pabbly relay, RingCentral call-log records and telephony-session
// notifications, normalized into one CallEvent (core/json.h reads the body).
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/datetime.h"
#include "core/json.h"
#include "core/text.h"
#include "switchboard/error.h"
#include "switchboard/telephony.h"

namespace switchboard {
namespace {

using json::Json;
using text::iequals;
using text::trim;

const Json& null_value() {
  static const Json kNull;
  return kNull;
}

// A value as text; "" for null, absent, containers, "null"/"undefined" and unfilled
// Pabbly placeholders ("{{1.id}}") — all of which mean "not given".
std::string text_of(const Json& e) {
  if (!e.is_string()) return json::scalar_text(e.is_boolean() ? null_value() : e);
  const std::string s = trim(e.get_ref<const std::string&>());
  if (s.empty() || iequals(s, "null") || iequals(s, "undefined") || iequals(s, "none")) return {};
  if (s.size() >= 4 && s.compare(0, 2, "{{") == 0 && s.compare(s.size() - 2, 2, "}}") == 0) return {};
  return s;
}

const Json& at(const Json& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? null_value() : *it;
}

bool has(const Json& o, std::string_view key) { return o.find(key) != o.end(); }

std::string field(const Json& o, std::string_view key) { return text_of(at(o, key)); }

// The object under `key`, or nullptr.
const Json* child_object(const Json& o, std::string_view key) {
  const Json& v = at(o, key);
  return v.is_object() ? &v : nullptr;
}

std::optional<double> number(const Json& o, std::string_view key) {
  std::string t = field(o, key);
  if (t.empty()) return std::nullopt;
  double d = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(d) || d < 0)
    return std::nullopt;
  return d;
}

std::optional<bool> boolean(const Json& o, std::string_view key) {
  const Json& e = at(o, key);
  if (e.is_null()) return std::nullopt;
  if (e.is_boolean()) return e.get<bool>();
  std::string t = text_of(e);
  if (iequals(t, "true") || t == "1") return true;
  if (iequals(t, "false") || t == "0") return false;
  return std::nullopt;
}

std::string direction_of(std::string_view d) {
  if (iequals(d, "inbound") || iequals(d, "incoming")) return "Inbound";
  if (iequals(d, "outbound") || iequals(d, "outgoing")) return "Outbound";
  return {};
}

CallParty party_of(const Json& o) {
  CallParty p;
  p.phone_number = field(o, "phoneNumber");
  p.extension_number = field(o, "extensionNumber");
  p.name = field(o, "name");
  return p;
}

void take_recording(const Json& recording, CallEvent& ev) {
  if (ev.recording_id.empty()) ev.recording_id = field(recording, "id");
  if (ev.recording_url.empty()) ev.recording_url = field(recording, "contentUri");
}

// Fills whichever of recording id / URL is missing from the other (the original scripts' "Recording
// URL Extraction Fix": an id alone still gives a playable media URL).
void complete_recording(CallEvent& ev) {
  if (ev.recording_id.empty() && !ev.recording_url.empty()) {
    if (auto id = extract_recording_id(ev.recording_url)) ev.recording_id = *id;
  }
  if (ev.recording_url.empty() && !ev.recording_id.empty()) {
    try {
      ev.recording_url = recording_url(ev.recording_id);
    } catch (const ValidationError&) {
      ev.recording_id.clear();  // not an id RingCentral would issue: ignore it
    }
  }
}

// The start as local text, and as an instant when the text names its zone (ISO 8601 "T"
// form; Frappe's "YYYY-MM-DD HH:MM:SS" is already some site's local time).
void set_start(CallEvent& ev, const std::string& text) {
  ev.start_time = dates::local_from_iso8601(text);
  if (!ev.start_time.empty() && text.find('T') != std::string::npos)
    ev.start_unix = dates::unix_from_iso8601(text);
}

CallEvent parse_relay(const Json& o) {
  CallEvent ev;
  ev.kind = CallEventKind::kRelay;
  ev.call_id = field(o, "call_id");
  ev.session_id = field(o, "session_id");
  ev.telephony_session_id = field(o, "telephony_session_id");
  ev.direction = direction_of(field(o, "direction"));
  ev.from.phone_number = field(o, "from_number");
  ev.from.name = field(o, "from_name");
  ev.from.extension_number = field(o, "from_extension");
  ev.to.phone_number = field(o, "to_number");
  ev.to.name = field(o, "to_name");
  ev.to.extension_number = field(o, "to_extension");
  set_start(ev, field(o, "start_time"));
  ev.duration = number(o, "duration");
  ev.result = field(o, "result");
  if (auto* recording = child_object(o, "recording")) take_recording(*recording, ev);
  if (ev.recording_id.empty()) ev.recording_id = field(o, "recording_id");
  if (ev.recording_url.empty()) ev.recording_url = field(o, "recording_url");
  return ev;
}

CallEvent parse_recording_ready(const Json& o) {
  CallEvent ev;
  ev.kind = CallEventKind::kRecordingReady;
  ev.call_id = field(o, "call_log_id");
  if (ev.call_id.empty()) ev.call_id = field(o, "call_id");
  ev.recording_id = field(o, "recording_id");
  ev.recording_url = field(o, "recording_url");
  return ev;
}

CallEvent parse_call_log(const Json& o) {
  CallEvent ev;
  ev.kind = CallEventKind::kCallLog;
  ev.call_id = field(o, "id");
  ev.session_id = field(o, "sessionId");
  ev.telephony_session_id = field(o, "telephonySessionId");
  ev.direction = direction_of(field(o, "direction"));
  if (auto* party = child_object(o, "from")) ev.from = party_of(*party);
  if (auto* party = child_object(o, "to")) ev.to = party_of(*party);
  set_start(ev, field(o, "startTime"));
  ev.duration = number(o, "duration");
  ev.result = field(o, "result");
  if (auto* recording = child_object(o, "recording")) take_recording(*recording, ev);
  return ev;
}

CallEvent parse_telephony(const Json& envelope, const Json& body) {
  CallEvent ev;
  ev.kind = CallEventKind::kTelephonySession;
  ev.event_uuid = field(envelope, "uuid");
  ev.session_id = field(body, "sessionId");
  ev.telephony_session_id = field(body, "telephonySessionId");
  std::string seq = field(body, "sequence");
  std::int64_t n = 0;
  auto r = std::from_chars(seq.data(), seq.data() + seq.size(), n);
  if (!seq.empty() && r.ec == std::errc() && r.ptr == seq.data() + seq.size()) ev.sequence = n;
  set_start(ev, field(body, "eventTime"));
  const Json& parties = at(body, "parties");
  if (parties.is_array()) {
    // The first party with a direction is the monitored extension's leg of the call.
    for (const Json& party : parties) {
      if (!party.is_object()) continue;
      std::string direction = direction_of(field(party, "direction"));
      if (direction.empty()) continue;
      ev.direction = direction;
      if (auto* end = child_object(party, "from")) ev.from = party_of(*end);
      if (auto* end = child_object(party, "to")) ev.to = party_of(*end);
      if (auto* status = child_object(party, "status")) ev.status_code = field(*status, "code");
      ev.missed_call = boolean(party, "missedCall");
      const Json& recs = at(party, "recordings");
      if (recs.is_array()) {
        for (const Json& rec : recs)
          if (rec.is_object() && ev.recording_id.empty()) ev.recording_id = field(rec, "id");
      }
      break;
    }
  }
  return ev;
}

}  // namespace

const char* call_event_kind_name(CallEventKind kind) noexcept {
  switch (kind) {
    case CallEventKind::kRelay: return "relay";
    case CallEventKind::kRecordingReady: return "recording_ready";
    case CallEventKind::kCallLog: return "call_log";
    case CallEventKind::kTelephonySession: return "telephony_session";
  }
  return "relay";
}

std::string CallEvent::upsert_key() const {
  if (!call_id.empty()) return call_id;
  if (!telephony_session_id.empty()) return telephony_session_id;
  return session_id;
}

CallEvent parse_call_event(std::string_view body) {
  if (body.size() > kMaxCallEventBytes)
    throw ParseError("call event of " + std::to_string(body.size()) + " bytes exceeds the " +
                         std::to_string(kMaxCallEventBytes) + "-byte limit",
                     kMaxCallEventBytes);
  const Json o = json::parse(body, "call event");
  if (!o.is_object()) throw ParseError("a call event must be a JSON object", 0);

  CallEvent ev;
  const Json* body_object = child_object(o, "body");
  if (body_object && (has(o, "uuid") || has(o, "event")) &&
      (has(*body_object, "parties") || has(*body_object, "telephonySessionId"))) {
    ev = parse_telephony(o, *body_object);
  } else if (has(o, "call_log_id") || (has(o, "recording_id") && !has(o, "call_id") &&
                                       !has(o, "from_number"))) {
    ev = parse_recording_ready(o);
  } else if (has(o, "call_id") || has(o, "from_number") || has(o, "to_number") ||
             has(o, "session_id")) {
    ev = parse_relay(o);
  } else if (has(o, "id") && (has(o, "from") || has(o, "to") || has(o, "sessionId"))) {
    ev = parse_call_log(o);
  } else {
    throw ParseError(
        "not a call event: expected a Pabbly relay body (call_id, from_number...), a "
        "RingCentral call-log record (id, sessionId, from, to) or a telephony-session "
        "notification (uuid, body.parties)",
        0);
  }
  complete_recording(ev);
  if (ev.upsert_key().empty() && ev.kind != CallEventKind::kRecordingReady)
    throw ParseError("call event carries no call id, session id or telephony session id", 0);
  if (ev.kind == CallEventKind::kRecordingReady && ev.call_id.empty())
    throw ParseError("recording event carries no call_log_id", 0);
  return ev;
}

}  // namespace switchboard
