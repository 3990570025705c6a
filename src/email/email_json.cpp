// InboundEmail <-> JSON (core/json.h), header lookup and the synthetic Message-ID of a mail
// built from fields.
#include <string>

#include "core/json.h"
#include "core/text.h"
#include "switchboard/email.h"
#include "switchboard/error.h"

namespace switchboard {
namespace {

using json::Json;

std::string as_string(const Json& v, std::string_view key) {
  if (v.is_null()) return {};
  if (!v.is_string())
    throw ParseError("InboundEmail field '" + std::string(key) + "' must be a string");
  return v.get<std::string>();
}

std::vector<std::string> as_strings(const Json& v, std::string_view key) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (v.is_string()) {  // one address or id given as a plain string
    out.push_back(v.get<std::string>());
    return out;
  }
  if (!v.is_array())
    throw ParseError("InboundEmail field '" + std::string(key) + "' must be a list of strings");
  for (const auto& item : v) out.push_back(as_string(item, key));
  return out;
}

bool as_bool(const Json& v, std::string_view key) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>() != 0;
  throw ParseError("InboundEmail field '" + std::string(key) + "' must be a boolean");
}

std::vector<HeaderField> as_headers(const Json& v) {
  std::vector<HeaderField> out;
  if (v.is_object()) {
    for (const auto& [name, value] : v.items()) out.emplace_back(name, as_string(value, "headers"));
  } else if (v.is_array()) {
    for (const auto& pair : v) {
      auto items = as_strings(pair, "headers");
      if (items.size() != 2) throw ParseError("InboundEmail 'headers' pairs must be [name, value]");
      out.emplace_back(items[0], items[1]);
    }
  } else if (!v.is_null()) {
    throw ParseError("InboundEmail field 'headers' must be an object or a list of pairs");
  }
  return out;
}

BounceReport as_bounce(const Json& v) {
  BounceReport b;
  if (v.is_null()) return b;
  if (!v.is_object()) throw ParseError("InboundEmail field 'bounce' must be an object");
  for (const auto& [k, value] : v.items()) {
    if (k == "dsn") b.dsn = as_bool(value, k);
    else if (k == "original_message_id") b.original_message_id = as_string(value, k);
    else if (k == "final_recipient") b.final_recipient = as_string(value, k);
    else if (k == "action") b.action = as_string(value, k);
    else if (k == "status") b.status = as_string(value, k);
  }
  return b;
}

}  // namespace

const std::string* InboundEmail::header(std::string_view name) const noexcept {
  for (const auto& [n, v] : headers)
    if (text::iequals(n, name)) return &v;
  return nullptr;
}

InboundEmail InboundEmail::from_json(std::string_view text) {
  const Json j = json::parse_object(text, "InboundEmail");
  InboundEmail e;
  for (const auto& [k, v] : j.items()) {
    if (k == "message_id") e.message_id = as_string(v, k);
    else if (k == "synthetic_message_id") e.synthetic_message_id = as_bool(v, k);
    else if (k == "sender") e.sender = as_string(v, k);
    else if (k == "sender_full_name") e.sender_full_name = as_string(v, k);
    else if (k == "reply_to") e.reply_to = as_string(v, k);
    else if (k == "to" || k == "recipients") e.to = as_strings(v, k);
    else if (k == "cc") e.cc = as_strings(v, k);
    else if (k == "delivered_to") e.delivered_to = as_strings(v, k);
    else if (k == "subject") e.subject = as_string(v, k);
    else if (k == "in_reply_to") e.in_reply_to = as_string(v, k);
    else if (k == "references") e.references = as_strings(v, k);
    else if (k == "headers") e.headers = as_headers(v);
    else if (k == "sent_or_received") e.sent_or_received = as_string(v, k);
    else if (k == "email_account") e.email_account = as_string(v, k);
    else if (k == "content") e.content = as_string(v, k);
    else if (k == "text_content") e.text_content = as_string(v, k);
    else if (k == "date") e.date = as_string(v, k);
    else if (k == "date_unix") {
      if (v.is_number_integer()) e.date_unix = v.get<std::int64_t>();
      else if (!v.is_null()) throw ParseError("InboundEmail field 'date_unix' must be an integer or null");
    }
    else if (k == "has_attachment") e.has_attachment = as_bool(v, k);
    else if (k == "reference_doctype") e.reference_doctype = as_string(v, k);
    else if (k == "reference_name") e.reference_name = as_string(v, k);
    else if (k == "communication") e.communication = as_string(v, k);
    else if (k == "bounce") e.bounce = as_bounce(v);
    else if (k == "omitted") e.omitted = as_string(v, k);
  }
  return e;
}

std::string InboundEmail::to_json() const {
  Json j;
  j["message_id"] = message_id;
  j["synthetic_message_id"] = synthetic_message_id;
  j["sender"] = sender;
  j["sender_full_name"] = sender_full_name;
  j["reply_to"] = reply_to;
  j["to"] = to;
  j["cc"] = cc;
  j["delivered_to"] = delivered_to;
  j["subject"] = subject;
  j["in_reply_to"] = in_reply_to;
  j["references"] = references;
  auto hs = Json::array();
  for (const auto& [n, v] : headers) hs.push_back({n, v});
  j["headers"] = hs;
  j["sent_or_received"] = sent_or_received;
  j["email_account"] = email_account;
  j["content"] = content;
  j["text_content"] = text_content;
  j["date"] = date;
  j["date_unix"] = date_unix ? Json(*date_unix) : Json();
  j["has_attachment"] = has_attachment;
  j["reference_doctype"] = reference_doctype;
  j["reference_name"] = reference_name;
  j["communication"] = communication;
  j["omitted"] = omitted;
  j["bounce"] = {{"dsn", bounce.dsn},
                 {"original_message_id", bounce.original_message_id},
                 {"final_recipient", bounce.final_recipient},
                 {"action", bounce.action},
                 {"status", bounce.status}};
  return json::dump(j);
}

std::string synthetic_message_id(const InboundEmail& e) {
  std::string key;
  auto add = [&key](std::string_view part) {
    key.append(part);
    key += '\x1f';
  };
  add(normalize_email(e.sender));
  for (const auto& a : e.to) add(a);
  key += '\x1e';
  for (const auto& a : e.cc) add(a);
  key += '\x1e';
  add(e.subject);
  add(e.date);
  add(e.in_reply_to);
  for (const auto& r : e.references) add(r);
  key += '\x1e';
  add(e.text_content.empty() ? e.content : e.text_content);
  return synthetic_message_id_for(key, e.sender);
}

}  // namespace switchboard
