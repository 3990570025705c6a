// Where phone keys are stored: one key and one extension field beside every phone field that
// switchboard matches on. The phone layer derives their values (src/phone/phone_keys.cpp).
#include <utility>

#include "switchboard/phone_fields.h"

namespace switchboard {
namespace {

PhoneKeyField keyed(const char* source) {
  std::string s(source);
  return PhoneKeyField{s, "custom_" + s + "_key", "custom_" + s + "_ext"};
}

const std::vector<std::pair<std::string, std::vector<PhoneKeyField>>>& key_table() {
  static const std::vector<std::pair<std::string, std::vector<PhoneKeyField>>> kTable = {
      {"CRM Lead", {keyed("mobile_no"), keyed("phone")}},
      {"CRM Deal", {keyed("mobile_no"), keyed("phone")}},
      {"Contact Phone", {keyed("phone")}},
      {"HD Ticket", {keyed("contact_mobile")}},
      {"CRM Call Log", {keyed("from"), keyed("to")}},
      {"Helpdesk Call Log", {keyed("from_number"), keyed("to_number")}},
  };
  return kTable;
}

}  // namespace

const std::vector<PhoneKeyField>& phone_key_fields(std::string_view doctype) {
  static const std::vector<PhoneKeyField> kNone;
  for (const auto& [name, fields] : key_table())
    if (name == doctype) return fields;
  return kNone;
}

const std::vector<std::string>& keyed_doctypes() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> out;
    for (const auto& entry : key_table()) out.push_back(entry.first);
    return out;
  }();
  return kNames;
}

std::string phone_key_field(std::string_view doctype, std::string_view source) {
  for (const auto& f : phone_key_fields(doctype))
    if (f.source == source) return f.key;
  return {};
}

}  // namespace switchboard
