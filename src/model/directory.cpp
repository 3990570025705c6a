// The Directory: contacts, open tickets and leads, survivors and create recipes.
#include "model/directory.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/text.h"
#include "switchboard/model.h"
#include "switchboard/phone_fields.h"

namespace switchboard::model {
namespace {

constexpr std::int64_t kPage = 20;  // candidates read per query while looking for an open one
constexpr int kMaxHops = 64;

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (!contains(list, value)) list.push_back(value);
}

std::vector<Value> values_of(const std::vector<std::string>& items) {
  return std::vector<Value>(items.begin(), items.end());
}

// The form two addresses or names are compared in when letter case must not matter.
std::string folded(std::string_view s) { return text::lower(text::trim(s)); }

// A LIKE pattern that finds `s` in any letter case: ASCII kept, wildcards and every other
// character become "_" (a superset of the matches: callers re-check each row it finds).
std::string any_case_pattern(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c == '%' || c == '_' || c == '\\') ? '_' : static_cast<char>(c);
      ++i;
      continue;
    }
    out += '_';
    i += std::min(text::utf8_sequence_length(c), s.size() - i);
  }
  return out;
}

// The ORDER BY clause of `order`.
std::string order_clause(const std::vector<SortKey>& order) {
  std::string out;
  for (const auto& key : order) {
    if (!out.empty()) out += ", ";
    out += key.field;
    if (key.desc) out += " desc";
  }
  return out;
}

const std::vector<SortKey> kOldestFirst{{"creation", false}, {"name", false}};
const std::vector<SortKey> kNewestModifiedFirst{{"modified", true}, {"name", true}};

Document child(const char* field, Document row) {
  row.set("parentfield", Value(field));
  return row;
}

}  // namespace

std::string_view merge_pointer(std::string_view doctype) noexcept {
  if (doctype == kTicket) return "merged_with";
  if (doctype == kLead) return "custom_merged_into";
  return {};
}

bool comes_before(const Document& a, const Document& b, const std::vector<SortKey>& order) {
  for (const auto& key : order) {
    const int c = compare_values(a.get(key.field), b.get(key.field));
    if (c != 0) return key.desc ? c > 0 : c < 0;
  }
  return false;
}

bool TicketStatuses::is_open(std::string_view s) const { return contains(open, s); }
bool TicketStatuses::is_waiting(std::string_view s) const { return contains(waiting, s); }
bool TicketStatuses::is_closed(std::string_view s) const { return contains(closed, s); }

Directory::Directory(Store& store, std::shared_ptr<const SiteConfig> site)
    : store_(store), site_(site ? std::move(site) : store.site()) {}

// ---- people ------------------------------------------------------------------------------

std::string Directory::contact_by_email(const std::vector<std::string>& emails, bool any_case) {
  if (emails.empty()) return {};
  const std::vector<Value> spellings = values_of(emails);
  auto rows = first_in_order("Contact Email",
                             Query{Filter("email_id", Op::kIn, spellings), Filter("parenttype", kContact)}
                                 .select({"parent", "creation", "name"}),
                             kOldestFirst, 1);
  if (!rows.empty()) return rows.front().text("parent");
  rows = first_in_order(kContact,
                        Query{Filter("email_id", Op::kIn, spellings)}.select({"name", "creation"}),
                        kOldestFirst, 1);
  if (!rows.empty()) return rows.front().name();
  if (!any_case) return {};
  const std::string want = folded(emails.front());
  const Value pattern("%" + any_case_pattern(want) + "%");
  auto same = [&](const Document& d, const char* field) { return folded(d.text(field)) == want; };
  for (const auto& row :
       store_.find("Contact Email", Query{Filter("email_id", Op::kLike, pattern),
                                          Filter("parenttype", kContact)}
                                        .select({"parent", "email_id"})
                                        .order("creation, name")))
    if (same(row, "email_id")) return row.text("parent");
  for (const auto& c : store_.find(kContact, Query{Filter("email_id", Op::kLike, pattern)}
                                                 .select({"name", "email_id"})
                                                 .order("creation, name")))
    if (same(c, "email_id")) return c.name();
  return {};
}

std::string Directory::contact_by_phone_key(std::string_view key, bool without_extension,
                                            std::string* extension) {
  if (extension) extension->clear();
  if (key.empty()) return {};
  const PhoneKeyField& phone = phone_key_fields("Contact Phone").front();
  Query q{Filter(phone.key, Value(key)), Filter("parenttype", kContact)};
  if (without_extension) q.where(Filter(phone.extension, Op::kIsNotSet, Value()));
  if (extension) q.select({"parent", phone.extension});
  else q.select({"parent"});
  auto row = store_.find_one("Contact Phone", q.order("creation, name"));
  if (!row) return {};
  if (extension) *extension = row->text(phone.extension);
  return row->text("parent");
}

bool Directory::has_desks(std::string_view key) {
  if (key.empty()) return false;
  constexpr std::size_t kRowsPerField = 64;
  std::set<std::string> extensions;
  for (const char* doctype : {"Contact Phone", kTicket, kLead}) {
    if (!store_.schema().find(doctype)) continue;
    for (const auto& f : phone_key_fields(doctype)) {
      if (!has_field(doctype, f.extension)) continue;
      for (const auto& row : store_.find(doctype, Query{Filter(f.key, Value(key)),
                                                        Filter(f.extension, Op::kIsSet, Value())}
                                                      .select({f.extension})
                                                      .take(kRowsPerField))) {
        extensions.insert(row.text(f.extension));
        if (extensions.size() >= 2) return true;
      }
    }
  }
  return false;
}

std::vector<std::string> Directory::customers_by_name(std::string_view customer_name) {
  const std::string wanted = text::trim(customer_name);
  if (wanted.empty()) return {};
  const std::string key = folded(wanted);
  std::vector<std::string> out;
  for (const auto& c : store_.find("Customer", Query{Filter("customer_name", Op::kLike,
                                                            Value("%" + any_case_pattern(wanted) + "%"))}
                                                   .select({"name", "customer_name"})
                                                   .order("name")))
    // Equal names have equal word counts, so a one-word name never matches "First Last".
    if (folded(c.text("customer_name")) == key) out.push_back(c.name());
  return out;
}

// ---- open records -------------------------------------------------------------------------

const TicketStatuses& Directory::ticket_statuses() {
  if (statuses_) return *statuses_;
  TicketStatuses s;
  s.open = site_->open_ticket_statuses;
  s.closed = site_->closed_ticket_statuses;
  std::vector<std::string> category_open;
  if (store_.schema().find("HD Ticket Status")) {
    for (const auto& row :
         store_.find("HD Ticket Status", Query().select({"name", "category"}).order("name"))) {
      const std::string category = row.text("category");
      if (category == "Open" || category == "Paused") add_unique(s.open, row.name());
      if (category == "Open") category_open.push_back(row.name());
      if (category == "Resolved") add_unique(s.closed, row.name());
    }
  }
  for (const auto& status : s.open)
    if (!contains(category_open, status)) s.waiting.push_back(status);
  statuses_ = std::move(s);
  return *statuses_;
}

const std::vector<std::string>& Directory::ended_lead_statuses() {
  if (ended_lead_statuses_) return *ended_lead_statuses_;
  std::vector<std::string> ended = site_->closed_lead_statuses;
  if (store_.schema().find("CRM Lead Status"))
    for (const auto& row : store_.find("CRM Lead Status",
                                       Query{Filter("type", Value("Lost"))}.select({"name"}).order("name")))
      add_unique(ended, row.name());
  ended_lead_statuses_ = std::move(ended);
  return *ended_lead_statuses_;
}

bool Directory::is_open_lead(const Document& lead) const {
  return lead.integer("converted") == 0 &&
         !contains(site_->closed_lead_statuses, lead.text("status"));
}

std::vector<Found> Directory::newest(std::string_view doctype, const Filters& by,
                                     std::size_t limit, const std::vector<std::string>& fields,
                                     const std::function<bool(const Document&)>& keep) {
  std::vector<Found> out;
  if (limit == 0) return out;
  const std::string pointer(merge_pointer(doctype));
  std::set<std::string> seen;
  std::vector<std::string> selected = fields;
  add_unique(selected, "modified");
  add_unique(selected, "name");
  const Query query = Query(by).select(selected);
  bool all_read = false;
  auto rows = first_in_order(doctype, query, kNewestModifiedFirst, kPage, &all_read);
  for (std::int64_t offset = 0;; offset += kPage) {
    if (offset > 0)
      rows = store_.find(doctype, Query(query)
                                      .order(order_clause(kNewestModifiedFirst))
                                      .take(kPage)
                                      .skip(offset));
    for (auto& row : rows) {
      Found f;
      if (!pointer.empty() && row.has(pointer)) {  // merged: what counts is the survivor
        auto survivor = survivor_row(doctype, row, fields);
        if (!survivor) continue;
        f.merged_from = row.name();
        f.row = std::move(*survivor);
        if (f.row.name() == f.merged_from) f.merged_from.clear();
      } else {
        f.row = std::move(row);
      }
      f.name = f.row.name();
      if (!keep(f.row) || !seen.insert(f.name).second) continue;
      out.push_back(std::move(f));
      if (out.size() == limit) return out;
    }
    if (all_read || static_cast<std::int64_t>(rows.size()) < kPage) return out;
  }
}

std::vector<Document> Directory::first_in_order(std::string_view doctype, Query q,
                                                const std::vector<SortKey>& order,
                                                std::int64_t limit, bool* complete) {
  std::vector<Document> rows;
  if (limit > 0 && limit <= kPage) {
    rows = store_.find(doctype, q.take(kPage + 1));  // q is this call's copy
    if (static_cast<std::int64_t>(rows.size()) <= kPage) {
      std::sort(rows.begin(), rows.end(),
                [&](const Document& a, const Document& b) { return comes_before(a, b, order); });
      if (complete) *complete = static_cast<std::int64_t>(rows.size()) <= limit;
      if (static_cast<std::int64_t>(rows.size()) > limit) rows.resize(static_cast<std::size_t>(limit));
      return rows;
    }
  }
  rows = store_.find(doctype, q.order(order_clause(order)).take(limit));
  if (complete) *complete = static_cast<std::int64_t>(rows.size()) < limit;
  return rows;
}

void Directory::restrict_to(std::string field, Keep keep) {
  restrict_field_ = std::move(field);
  restrict_ = std::move(keep);
}

bool Directory::has_field(std::string_view doctype, std::string_view field) const {
  const DocTypeDef* def = store_.schema().find(doctype);
  return def && def->field(field);
}

std::vector<Found> Directory::open_tickets(const Filters& by, std::size_t limit,
                                           const std::vector<std::string>& fields) {
  const TicketStatuses& statuses = ticket_statuses();
  std::vector<std::string> wanted = {"name", "status", "subject", "modified", "merged_with"};
  for (const auto& f : fields) add_unique(wanted, f);
  if (restrict_) add_unique(wanted, restrict_field_);
  return newest(kTicket, by, limit, wanted, [&](const Document& t) {
    return statuses.is_open(t.text("status")) && (!restrict_ || restrict_(kTicket, t));
  });
}

std::vector<Found> Directory::tickets(const Filters& by, std::size_t limit,
                                      const std::vector<std::string>& fields) {
  std::vector<std::string> wanted = {"name", "status", "subject", "modified", "merged_with"};
  for (const auto& f : fields) add_unique(wanted, f);
  if (restrict_) add_unique(wanted, restrict_field_);
  return newest(kTicket, by, limit, wanted,
                [&](const Document& t) { return !restrict_ || restrict_(kTicket, t); });
}

std::optional<Found> Directory::open_ticket(const Filters& by) {
  auto found = open_tickets(by, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<Found> Directory::lead(const Filters& by, bool open_only,
                                     const std::vector<std::string>& fields) {
  auto found = leads(by, open_only, 1, fields);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Found> Directory::leads(const Filters& by, bool open_only, std::size_t limit,
                                    const std::vector<std::string>& fields) {
  std::vector<std::string> wanted = {"name", "status", "converted", "custom_merged_into"};
  for (const auto& f : fields) add_unique(wanted, f);
  if (restrict_) add_unique(wanted, restrict_field_);
  return newest(kLead, by, limit, wanted, [&](const Document& l) {
    return (!open_only || is_open_lead(l)) && (!restrict_ || restrict_(kLead, l));
  });
}

std::optional<Found> Directory::latest_follow_up(std::string_view name) {
  const std::vector<std::string> fields = {"name", "status", "modified", "resolution_date",
                                           "subject", "merged_with"};
  std::optional<Found> last;
  std::set<std::string> seen{std::string(name)};
  std::string current(name);
  for (int hop = 0; hop < kMaxHops; ++hop) {
    auto found = newest(kTicket, {Filter(kFollowUpField, Value(current))}, 1, fields,
                        [](const Document&) { return true; });
    if (found.empty() || !seen.insert(found.front().name).second) break;
    current = found.front().name;
    last = std::move(found.front());
  }
  return last;
}

// ---- merges ---------------------------------------------------------------------------------

std::string Directory::survivor(std::string_view doctype, std::string_view name) {
  std::string current(name);
  const std::string_view field = merge_pointer(doctype);
  if (field.empty()) return current;
  std::set<std::string> seen{current};
  std::string reached = current;  // the last record read: a dangling pointer stays there
  for (int hop = 0; hop <= kMaxHops; ++hop) {
    auto row = store_.find_one(doctype,
                               Query{Filter("name", Value(current))}.select({std::string(field)}));
    if (!row) return reached;
    reached = current;
    if (hop == kMaxHops) return current;
    std::string next = row->text(field);
    if (next.empty() || !seen.insert(next).second) return current;
    current = std::move(next);
  }
  return current;
}

std::optional<Document> Directory::survivor_row(std::string_view doctype, const Document& row,
                                                const std::vector<std::string>& fields) {
  const std::string_view pointer = merge_pointer(doctype);
  if (pointer.empty() || !row.has(pointer)) return row;
  const std::string name = survivor(doctype, row.name());
  if (name == row.name()) return row;
  return store_.find_one(doctype, Query{Filter("name", Value(name))}.select(fields));
}

// ---- recipes --------------------------------------------------------------------------------

std::string Directory::create_contact(const NewContact& c) {
  std::string full = text::trim(c.full_name);
  if (full.empty()) full = c.email.empty() ? text::trim(c.phone) : c.email;
  std::string first = c.first_name, last = c.last_name;
  if (first.empty() && last.empty()) std::tie(first, last) = split_name(c.full_name);
  if (first.empty()) first = full;
  const std::string phone = text::trim(c.phone);
  // Built in field order (no sorting, no shifting): one contact per new sender.
  Document contact;
  contact.reserve(6);
  ChildRows children;
  if (!c.email.empty()) {
    contact.append_sorted("email_id", Value(c.email));
    Document email;
    email.reserve(2);
    email.append_sorted("email_id", Value(c.email));
    email.append_sorted("is_primary", Value(1));
    children.push_back({"email_ids", {std::move(email)}});
  }
  contact.append_sorted("first_name", Value(first));
  contact.append_sorted("full_name", Value(full));
  if (!last.empty()) contact.append_sorted("last_name", Value(last));
  if (!phone.empty()) {
    contact.append_sorted("mobile_no", Value(phone));
    contact.append_sorted("phone", Value(phone));
    children.push_back(
        {"phone_nos",
         {Document{{"phone", phone}, {"is_primary_mobile_no", 1}, {"is_primary_phone", 1}}}});
  }
  if (!c.links.empty()) {
    std::vector<Document> rows;
    for (const auto& [doctype, name] : c.links)
      rows.push_back(Document{{"link_doctype", doctype}, {"link_name", name}});
    children.push_back({"links", std::move(rows)});
  }
  return store_.insert(kContact, std::move(contact), children);
}

std::string Directory::ensure_contact(const NewContact& c, std::string_view phone_key,
                                     std::string_view linked) {
  const bool has_linked = !linked.empty() && store_.exists(kContact, linked);
  if (c.email.empty() && phone_key.empty()) return has_linked ? std::string(linked) : std::string();
  std::string found = has_linked ? std::string(linked) : std::string();
  if (found.empty() && !c.email.empty()) found = contact_by_email({c.email}, /*any_case=*/true);
  if (found.empty() && !phone_key.empty()) found = contact_by_phone_key(phone_key);
  if (found.empty()) {
    NewContact create = c;
    if (phone_key.empty()) create.phone.clear();  // not a number: no Contact Phone row
    return create_contact(create);
  }
  complete_contact(found, c, phone_key);
  return found;
}

void Directory::complete_contact(const std::string& name, const NewContact& c,
                                 std::string_view phone_key) {
  auto contact = store_.get(kContact, name);
  if (!contact) return;
  Document changes;
  auto rows_of = [&](const char* doctype, const char* parentfield,
                     std::vector<std::string> fields) {
    return store_.find(doctype, Query{Filter("parent", Value(name)), Filter("parenttype", kContact),
                                      Filter("parentfield", parentfield)}
                                    .select(std::move(fields)));
  };
  if (!c.email.empty()) {
    const std::string want = folded(c.email);
    auto rows = rows_of("Contact Email", "email_ids", {"email_id"});
    bool known = std::any_of(rows.begin(), rows.end(),
                             [&](const Document& r) { return folded(r.text("email_id")) == want; });
    if (!known)
      store_.insert("Contact Email", child("email_ids", {{"parent", name},
                                                         {"parenttype", kContact},
                                                         {"email_id", c.email},
                                                         {"is_primary", rows.empty() ? 1 : 0}}));
    if (!contact->has("email_id")) changes.set("email_id", Value(c.email));
  }
  if (!phone_key.empty()) {
    const std::string key_field = phone_key_field("Contact Phone", "phone");
    auto rows = rows_of("Contact Phone", "phone_nos", {key_field, "is_primary_mobile_no"});
    bool known = std::any_of(rows.begin(), rows.end(),
                             [&](const Document& r) { return r.text(key_field) == phone_key; });
    bool has_primary = std::any_of(rows.begin(), rows.end(), [](const Document& r) {
      return r.integer("is_primary_mobile_no") != 0;
    });
    const std::string phone = text::trim(c.phone);
    if (!known)
      store_.insert("Contact Phone", child("phone_nos", {{"parent", name},
                                                         {"parenttype", kContact},
                                                         {"phone", phone},
                                                         {"is_primary_mobile_no", has_primary ? 0 : 1}}));
    if (!contact->has("mobile_no")) changes.set("mobile_no", Value(phone));
  }
  if (!contact->has("first_name") && !text::trim(c.full_name).empty()) {
    auto [first, last] = split_name(c.full_name);
    changes.set("first_name", Value(first));
    if (!last.empty()) changes.set("last_name", Value(last));
    if (!contact->has("full_name")) changes.set("full_name", Value(text::trim(c.full_name)));
  }
  if (!changes.empty()) store_.update(kContact, name, changes);
}

std::string Directory::create_ticket(const NewTicket& t) {
  const std::string now = store_.now();
  // Built in field order (no sorting, no shifting): one ticket per new request.
  Document ticket;
  ticket.reserve(13);
  auto put = [&](const char* field, const std::string& value) {
    if (!value.empty()) ticket.append_sorted(field, Value(value));
  };
  const std::string phone = text::trim(t.phone);
  put("contact", t.contact);
  put("contact_mobile", phone);
  put("contact_number", phone);
  if (!t.reply_alias.empty() && has_field(kTicket, kReplyAliasField))
    put(kReplyAliasField, t.reply_alias);
  put("email_account", t.email_account);
  ticket.append_sorted("opening_date", Value(now.substr(0, 10)));
  ticket.append_sorted("opening_time", Value(now.substr(11, 8)));
  put("priority", t.priority);
  put("raised_by", t.raised_by);
  put("status", t.status);
  ticket.append_sorted("subject", Value(t.subject));
  put(kFollowUpField, t.follow_up_of);
  ticket.append_sorted("via_customer_portal", Value(0));
  std::string name = store_.insert(kTicket, std::move(ticket));
  if (!t.follow_up_of.empty())
    store_.insert("Comment", {{"comment_type", "Info"},
                              {"reference_doctype", kTicket},
                              {"reference_name", t.follow_up_of},
                              {"subject", "Follow-up ticket " + name},
                              {"content", "Follow-up ticket " + name + " continues this ticket."}});
  return name;
}

std::string Directory::create_lead(const NewLead& l) {
  std::string first = l.first_name, last = l.last_name;
  if (first.empty() && last.empty()) std::tie(first, last) = split_name(l.full_name);
  // Built in field order (no sorting, no shifting): one lead per new inquiry.
  Document lead;
  lead.reserve(8);
  auto put = [&](const char* field, const std::string& value) {
    if (!value.empty()) lead.append_sorted(field, Value(value));
  };
  if (!l.reply_alias.empty() && has_field(kLead, kReplyAliasField)) put(kReplyAliasField, l.reply_alias);
  put("email", l.email);
  lead.append_sorted("first_name", Value(first));
  put("last_name", last);
  const std::string full = text::trim(l.full_name);
  put("lead_name", !full.empty() ? full : join_name(first, last));
  put("mobile_no", text::trim(l.mobile_no));
  put("source", l.source);
  put("status", l.status);
  return store_.insert(kLead, std::move(lead));
}

bool Directory::add_link(std::string_view parent_doctype, std::string_view parent,
                         std::string_view link_doctype, std::string_view link_name) {
  if (link_name.empty()) return false;
  Filters same{Filter("parent", Value(parent)), Filter("parenttype", Value(parent_doctype)),
               Filter("link_doctype", Value(link_doctype)), Filter("link_name", Value(link_name))};
  if (store_.count("Dynamic Link", same) > 0) return false;
  store_.insert("Dynamic Link", child("links", Document{{"parent", parent},
                                                       {"parenttype", parent_doctype},
                                                       {"link_doctype", link_doctype},
                                                       {"link_name", link_name}}));
  return true;
}

}  // namespace switchboard::model
