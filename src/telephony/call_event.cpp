// parse_call_event: the Pabbly relay, RingCentral call-log records and telephony-session
// notifications, normalized into one CallEvent (simdjson DOM; nlohmann only locates errors).
#include <simdjson.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "email/email_internal.h"
#include "switchboard/error.h"
#include "switchboard/telephony.h"
#include "telephony/time_text.h"

namespace switchboard {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

using email_detail::iequals;
using email_detail::trim;

// A value as text; "" for null, absent, containers, "null"/"undefined" and unfilled
// Pabbly placeholders ("{{1.id}}") — all of which mean "not given".
std::string text_of(element e) {
  switch (e.type()) {
    case element_type::STRING: {
      const std::string s = trim(e.get_string().value_unsafe());
      if (s.empty() || iequals(s, "null") || iequals(s, "undefined") || iequals(s, "none"))
        return {};
      if (s.size() >= 4 && s.compare(0, 2, "{{") == 0 && s.compare(s.size() - 2, 2, "}}") == 0) return {};
      return s;
    }
    case element_type::INT64: return std::to_string(e.get_int64().value_unsafe());
    case element_type::UINT64: return std::to_string(e.get_uint64().value_unsafe());
    case element_type::DOUBLE: {
      double d = e.get_double().value_unsafe();
      if (std::isfinite(d) && std::trunc(d) == d && std::abs(d) < 9e15)
        return std::to_string(static_cast<std::int64_t>(d));
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, r.ptr);
    }
    default: return {};
  }
}

bool has(object o, std::string_view key) { return o.at_key(key).error() == simdjson::SUCCESS; }

std::string field(object o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return {};
  return text_of(e);
}

bool child_object(object o, std::string_view key, object& out) {
  element e;
  return o.at_key(key).get(e) == simdjson::SUCCESS && e.get_object().get(out) == simdjson::SUCCESS;
}

std::optional<double> number(object o, std::string_view key) {
  std::string t = field(o, key);
  if (t.empty()) return std::nullopt;
  double d = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(d) || d < 0)
    return std::nullopt;
  return d;
}

std::optional<bool> boolean(object o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  if (e.type() == element_type::BOOL) return e.get_bool().value_unsafe();
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

CallParty party_of(object o) {
  CallParty p;
  p.phone_number = field(o, "phoneNumber");
  p.extension_number = field(o, "extensionNumber");
  p.name = field(o, "name");
  return p;
}

void take_recording(object recording, CallEvent& ev) {
  if (ev.recording_id.empty()) ev.recording_id = field(recording, "id");
  if (ev.recording_url.empty()) ev.recording_url = field(recording, "contentUri");
}

// Fills whichever of recording id / URL is missing from the other (the seed's "Recording
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

CallEvent parse_relay(object o) {
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
  ev.start_time = local_datetime_from_iso(field(o, "start_time"));
  ev.duration = number(o, "duration");
  ev.result = field(o, "result");
  object recording;
  if (child_object(o, "recording", recording)) take_recording(recording, ev);
  if (ev.recording_id.empty()) ev.recording_id = field(o, "recording_id");
  if (ev.recording_url.empty()) ev.recording_url = field(o, "recording_url");
  return ev;
}

CallEvent parse_recording_ready(object o) {
  CallEvent ev;
  ev.kind = CallEventKind::kRecordingReady;
  ev.call_id = field(o, "call_log_id");
  if (ev.call_id.empty()) ev.call_id = field(o, "call_id");
  ev.recording_id = field(o, "recording_id");
  ev.recording_url = field(o, "recording_url");
  return ev;
}

CallEvent parse_call_log(object o) {
  CallEvent ev;
  ev.kind = CallEventKind::kCallLog;
  ev.call_id = field(o, "id");
  ev.session_id = field(o, "sessionId");
  ev.telephony_session_id = field(o, "telephonySessionId");
  ev.direction = direction_of(field(o, "direction"));
  object party;
  if (child_object(o, "from", party)) ev.from = party_of(party);
  if (child_object(o, "to", party)) ev.to = party_of(party);
  ev.start_time = local_datetime_from_iso(field(o, "startTime"));
  ev.duration = number(o, "duration");
  ev.result = field(o, "result");
  object recording;
  if (child_object(o, "recording", recording)) take_recording(recording, ev);
  return ev;
}

CallEvent parse_telephony(object envelope, object body) {
  CallEvent ev;
  ev.kind = CallEventKind::kTelephonySession;
  ev.event_uuid = field(envelope, "uuid");
  ev.session_id = field(body, "sessionId");
  ev.telephony_session_id = field(body, "telephonySessionId");
  std::string seq = field(body, "sequence");
  std::int64_t n = 0;
  auto r = std::from_chars(seq.data(), seq.data() + seq.size(), n);
  if (!seq.empty() && r.ec == std::errc() && r.ptr == seq.data() + seq.size()) ev.sequence = n;
  ev.start_time = local_datetime_from_iso(field(body, "eventTime"));
  element parties;
  simdjson::dom::array list;
  if (body.at_key("parties").get(parties) == simdjson::SUCCESS &&
      parties.get_array().get(list) == simdjson::SUCCESS) {
    // The first party with a direction is the monitored extension's leg of the call.
    for (element p : list) {
      object party;
      if (p.get_object().get(party) != simdjson::SUCCESS) continue;
      std::string direction = direction_of(field(party, "direction"));
      if (direction.empty()) continue;
      ev.direction = direction;
      object end;
      if (child_object(party, "from", end)) ev.from = party_of(end);
      if (child_object(party, "to", end)) ev.to = party_of(end);
      object status;
      if (child_object(party, "status", status)) ev.status_code = field(status, "code");
      ev.missed_call = boolean(party, "missedCall");
      element recs;
      simdjson::dom::array rec_list;
      if (party.at_key("recordings").get(recs) == simdjson::SUCCESS &&
          recs.get_array().get(rec_list) == simdjson::SUCCESS) {
        for (element rec : rec_list) {
          object ro;
          if (rec.get_object().get(ro) == simdjson::SUCCESS && ev.recording_id.empty())
            ev.recording_id = field(ro, "id");
        }
      }
      break;
    }
  }
  return ev;
}

// Finds where nlohmann's parser stops, without building a document and without throwing:
// a number out of range (1e400), like any other syntax error, is only a position.
struct ErrorLocator {
  std::size_t position = ParseError::npos;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(std::int64_t) { return true; }
  bool number_unsigned(std::uint64_t) { return true; }
  bool number_float(double, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(std::vector<std::uint8_t>&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception&) {
    position = byte > 0 ? byte - 1 : 0;
    return false;
  }
};

[[noreturn]] void malformed(std::string_view body, simdjson::error_code code) {
  ErrorLocator locator;  // simdjson does not say where; nlohmann's SAX parser reports the byte
  nlohmann::json::sax_parse(body.begin(), body.end(), &locator);
  std::size_t position = locator.position;
  std::string where = position == ParseError::npos ? std::string() : " at byte " + std::to_string(position);
  throw ParseError(std::string("call event is not valid JSON") + where + ": " +
                       simdjson::error_message(code),
                   position);
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
  thread_local simdjson::dom::parser parser(kMaxCallEventBytes);
  element root;
  auto code = parser.parse(body.data(), body.size(), true).get(root);
  if (code != simdjson::SUCCESS) malformed(body, code);
  object o;
  if (root.get_object().get(o) != simdjson::SUCCESS)
    throw ParseError("a call event must be a JSON object", 0);

  CallEvent ev;
  object body_object;
  if (child_object(o, "body", body_object) && (has(o, "uuid") || has(o, "event")) &&
      (has(body_object, "parties") || has(body_object, "telephonySessionId"))) {
    ev = parse_telephony(o, body_object);
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
