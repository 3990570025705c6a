// Finding, completing and creating the Contact of a transferred customer.
#include "conversations/contacts.h"

#include <algorithm>
#include <optional>

#include "conversations/copy.h"
#include "conversations/text.h"
#include "switchboard/conversations.h"
#include "switchboard/phone.h"

namespace switchboard::conversations {
namespace {

constexpr const char* kContact = "Contact";

Filters rows_of(const char* parentfield) {
  return {Filter("parenttype", kContact), Filter("parentfield", Value(parentfield))};
}

// The parent of the first row (oldest first) whose `field` passes `same`.
template <typename Same>
std::optional<std::string> first_parent(Store& store, const char* child, const char* parentfield,
                                        const char* field, Filter narrow, Same&& same) {
  Query q(rows_of(parentfield));
  q.where(std::move(narrow)).select({"parent", field}).order("creation, name");
  for (const auto& row : store.find(child, q))
    if (same(row.text(field))) return row.text("parent");
  return std::nullopt;
}

std::optional<std::string> by_email(Store& store, const std::string& email) {
  auto same = [&](const std::string& v) { return text::lower(text::trim(v)) == email; };
  // The exact spelling first (indexed), then any case (a scan narrowed by LIKE).
  const std::string any_case = "%" + text::like_candidates(email) + "%";
  for (Filter f : {Filter("email_id", Value(email)), Filter("email_id", Op::kLike, any_case)}) {
    if (auto p = first_parent(store, "Contact Email", "email_ids", "email_id", f, same)) return p;
    Query q{f};
    q.select({"name", "email_id"}).order("creation, name");
    for (const auto& c : store.find(kContact, q))
      if (same(c.text("email_id"))) return c.text("name");
  }
  return std::nullopt;
}

// "%4%5%6%7%" for a number ending in 4567: every spelling of it has those digits in order.
std::string last_digits_pattern(const std::string& key) {
  std::string digits;
  for (char c : key)
    if (c >= '0' && c <= '9') digits += c;
  std::string tail = digits.substr(digits.size() > 4 ? digits.size() - 4 : 0);
  std::string pattern = "%";
  for (char c : tail) (pattern += c) += '%';
  return pattern;
}

std::optional<std::string> by_phone(Store& store, const std::string& raw, const std::string& key,
                                    const std::string& region) {
  auto same = [&](const std::string& v) { return switchboard::phone_key(v, region) == key; };
  std::vector<Value> spellings{Value(raw), Value(text::trim(raw)), Value(key)};
  if (auto p = first_parent(store, "Contact Phone", "phone_nos", "phone",
                            Filter("phone", Op::kIn, spellings), same))
    return p;
  return first_parent(store, "Contact Phone", "phone_nos", "phone",
                      Filter("phone", Op::kLike, Value(last_digits_pattern(key))), same);
}

Document child_row(const std::string& contact, const char* parentfield, Document fields) {
  fields.set("parent", Value(contact));
  fields.set("parenttype", Value(kContact));
  fields.set("parentfield", Value(parentfield));
  return fields;
}

void complete_contact(Store& store, const std::string& name, const Customer& customer,
                      const std::optional<std::string>& key, const std::string& region) {
  auto contact = store.get(kContact, name);
  if (!contact) return;
  Document changes;
  if (!customer.email.empty()) {
    auto rows = store.find("Contact Email", Query(rows_of("email_ids"))
                                                .where(Filter("parent", Value(name)))
                                                .select({"email_id", "is_primary"}));
    bool known = std::any_of(rows.begin(), rows.end(), [&](const Document& r) {
      return text::lower(text::trim(r.text("email_id"))) == customer.email;
    });
    if (!known)
      store.insert("Contact Email",
                   child_row(name, "email_ids",
                             {{"email_id", customer.email}, {"is_primary", rows.empty() ? 1 : 0}}));
    if (!contact->has("email_id")) changes.set("email_id", Value(customer.email));
  }
  if (key) {
    auto rows = store.find("Contact Phone", Query(rows_of("phone_nos"))
                                                .where(Filter("parent", Value(name)))
                                                .select({"phone", "is_primary_mobile_no"}));
    bool known = std::any_of(rows.begin(), rows.end(), [&](const Document& r) {
      return switchboard::phone_key(r.text("phone"), region) == key;
    });
    bool has_primary = std::any_of(rows.begin(), rows.end(), [](const Document& r) {
      return r.integer("is_primary_mobile_no") != 0;
    });
    if (!known)
      store.insert("Contact Phone", child_row(name, "phone_nos",
                                              {{"phone", text::trim(customer.phone)},
                                               {"is_primary_mobile_no", has_primary ? 0 : 1}}));
    if (!contact->has("mobile_no")) changes.set("mobile_no", Value(text::trim(customer.phone)));
  }
  if (!contact->has("first_name") && !customer.full_name.empty()) {
    auto [first, last] = split_name(customer.full_name);
    changes.set("first_name", Value(first));
    if (!last.empty()) changes.set("last_name", Value(last));
    if (!contact->has("full_name")) changes.set("full_name", Value(customer.full_name));
  }
  if (!changes.empty()) store.update(kContact, name, changes);
}

}  // namespace

std::string ensure_contact(Store& store, const Customer& customer, const std::string& region) {
  std::optional<std::string> key =
      customer.phone.empty() ? std::nullopt : switchboard::phone_key(customer.phone, region);
  bool linked = !customer.contact.empty() && store.exists(kContact, customer.contact);
  if (customer.email.empty() && !key) return linked ? customer.contact : std::string();
  std::optional<std::string> found;
  if (linked) found = customer.contact;
  if (!found && !customer.email.empty()) found = by_email(store, customer.email);
  if (!found && key) found = by_phone(store, customer.phone, *key, region);
  if (found) {
    complete_contact(store, *found, customer, key, region);
    return *found;
  }

  auto [first, last] = split_name(customer.full_name);
  std::string full_name = customer.full_name.empty() ? customer.email : customer.full_name;
  if (full_name.empty()) full_name = text::trim(customer.phone);
  Document contact{{"first_name", first.empty() ? full_name : first},
                   {"last_name", or_null(last)},
                   {"full_name", full_name}};
  ChildRows children;
  if (!customer.email.empty()) {
    contact.set("email_id", Value(customer.email));
    children.push_back({"email_ids", {Document{{"email_id", customer.email}, {"is_primary", 1}}}});
  }
  if (key) {
    contact.set("mobile_no", Value(text::trim(customer.phone)));
    children.push_back(
        {"phone_nos",
         {Document{{"phone", text::trim(customer.phone)}, {"is_primary_mobile_no", 1}}}});
  }
  return store.insert(kContact, std::move(contact), children);
}

}  // namespace switchboard::conversations
