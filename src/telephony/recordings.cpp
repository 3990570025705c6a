// Recording URLs and ids, and transcripts: formatting RingSense insights and the original
// scripts' cache.
#include <cctype>
#include <map>

#include "core/json.h"
#include "core/text.h"
#include "switchboard/error.h"
#include "switchboard/telephony.h"

namespace switchboard {
namespace {

bool id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!id_char(c)) return false;
  return true;
}


}  // namespace

std::string recording_url(std::string_view recording_id, std::string_view account_id,
                          std::string_view media_server) {
  if (!valid_id(recording_id))
    throw ValidationError("'" + std::string(recording_id) + "' is not a RingCentral recording id",
                          ErrorCode::kInvalidArgument);
  if (account_id != "~" && !valid_id(account_id))
    throw ValidationError("'" + std::string(account_id) + "' is not a RingCentral account id",
                          ErrorCode::kInvalidArgument);
  while (!media_server.empty() && media_server.back() == '/') media_server.remove_suffix(1);
  return std::string(media_server) + "/restapi/v1.0/account/" + std::string(account_id) +
         "/recording/" + std::string(recording_id) + "/content";
}

std::optional<std::string> extract_recording_id(std::string_view url) {
  const std::string trimmed = text::trim(url);
  const std::string_view s = trimmed;  // ids below are views into it
  if (s.empty()) return std::nullopt;
  if (valid_id(s)) return trimmed;  // a bare id
  std::string l = text::lower_ascii(s);
  // .../recording/<id>[/content][?...][#...]
  std::size_t at = l.find("/recording/");
  if (at != std::string::npos) {
    std::size_t begin = at + 11, end = begin;
    while (end < s.size() && id_char(s[end])) ++end;
    std::string_view id = s.substr(begin, end - begin);
    bool boundary = end == s.size() || s[end] == '/' || s[end] == '?' || s[end] == '#';
    if (valid_id(id) && boundary) return std::string(id);
  }
  // ...?recordingId=<id>
  for (std::string_view key : {"recordingid=", "recording_id="}) {
    std::size_t q = l.find(key);
    if (q != std::string::npos && q > 0 && (l[q - 1] == '?' || l[q - 1] == '&')) {
      std::size_t begin = q + key.size(), end = begin;
      while (end < s.size() && id_char(s[end])) ++end;
      std::string_view id = s.substr(begin, end - begin);
      if (valid_id(id)) return std::string(id);
    }
  }
  return std::nullopt;
}

std::string format_transcript(std::string_view insights_json) {
  const json::Json o = json::parse_object(insights_json, "transcript");
  // Speaker ids and texts: strings or integers; anything else counts as absent.
  auto field = [](const json::Json& obj, const char* key) -> std::string {
    auto it = obj.find(key);
    if (it == obj.end() || !(it->is_string() || it->is_number_integer())) return {};
    return json::scalar_text(*it);
  };
  std::map<std::string, std::string> names;
  auto speakers = o.find("speakerInfo");
  if (speakers != o.end() && speakers->is_array()) {
    for (const auto& so : *speakers) {
      if (!so.is_object()) continue;
      std::string id = field(so, "speakerId"), name = field(so, "name");
      if (!id.empty() && !name.empty()) names[id] = name;
    }
  }
  const json::Json* segments = nullptr;
  auto insights = o.find("insights");
  if (insights != o.end() && insights->is_object()) {
    auto t = insights->find("Transcript");
    if (t != insights->end() && t->is_array()) segments = &*t;
  }
  if (!segments) {
    auto t = o.find("segments");  // the shape the original scripts cached
    if (t != o.end() && t->is_array()) segments = &*t;
  }
  if (!segments) return {};
  std::string out;
  for (const auto& so : *segments) {
    if (!so.is_object()) continue;
    std::string line = field(so, "text");
    if (line.empty()) continue;
    std::string speaker = field(so, "speakerId");
    auto named = names.find(speaker);
    if (named != names.end()) speaker = named->second;
    if (speaker.empty()) speaker = "Unknown";
    if (!out.empty()) out += '\n';
    out += "[" + speaker + "]: " + line;
  }
  return out;
}

TranscriptSource::~TranscriptSource() = default;

namespace {

TranscriptResult fetch_transcript(Store& store, std::string_view doctype, std::string_view call_log,
                                  TranscriptSource& source, bool use_cache) {
  if (doctype != "CRM Call Log" && doctype != "Helpdesk Call Log")
    throw ValidationError("transcripts are kept on CRM Call Log and Helpdesk Call Log, not " +
                              std::string(doctype),
                          ErrorCode::kInvalidArgument);
  auto log = store.get(doctype, call_log);
  if (!log) throw NotFound(std::string(doctype) + " '" + std::string(call_log) + "' not found");
  TranscriptResult r;
  if (use_cache && log->has("transcript")) {
    r.success = true;
    r.cached = true;
    r.transcript = log->text("transcript");
    return r;
  }
  std::string recording;
  for (const char* f : {"recording_url", "ringcentral_recording_url", "recording_id"}) {
    if (recording.empty() && log->has(f))
      if (auto id = extract_recording_id(log->text(f))) recording = *id;
  }
  std::string session = log->text("telephony_session_id");
  if (recording.empty() && session.empty()) {
    r.message = "This call has no recording to transcribe";
    return r;
  }
  std::optional<std::string> json;
  try {
    json = source.fetch_insights(recording, session);
  } catch (const Error& e) {
    r.message = e.what();
    return r;
  }
  if (!json) {
    r.message = "Transcript unavailable for this call";
    return r;
  }
  std::string text = format_transcript(*json);
  if (text.empty()) {
    r.message = "The transcript has no speech segments yet";
    return r;
  }
  store.update(doctype, call_log, Document{{"transcript", text}}, /*update_modified=*/false);
  r.success = true;
  r.transcript = std::move(text);
  return r;
}

}  // namespace

TranscriptResult get_or_create_transcript(Store& store, std::string_view doctype,
                                          std::string_view call_log, TranscriptSource& source) {
  return fetch_transcript(store, doctype, call_log, source, true);
}

TranscriptResult refresh_transcript(Store& store, std::string_view doctype,
                                    std::string_view call_log, TranscriptSource& source) {
  return fetch_transcript(store, doctype, call_log, source, false);
}

}  // namespace switchboard
