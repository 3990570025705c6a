// What a batch reads once instead of once per mail: the Communications of its threads and
// which of its senders are new.
#include <algorithm>
#include <unordered_set>

#include "email/email_internal.h"
#include "model/directory.h"
#include "routing/router_internal.h"

namespace switchboard::routing_detail {
namespace {

constexpr std::size_t kIdsPerQuery = 100;

}  // namespace

const std::vector<std::string> BatchThreads::kFields{
    "name",           "creation",   "message_id", "reference_doctype",
    "reference_name", "recipients", "cc",         "sender"};

BatchThreads::BatchThreads(const std::vector<InboundEmail>& emails, const RoutingRules& rules) {
  std::unordered_set<std::string> seen;
  for (const auto& e : emails)
    for (const auto& [id, level] : thread_ids(e, rules, e.bounce.original_message_id))
      if (!id.empty() && seen.insert(id).second) ids_.push_back(id);
}

void BatchThreads::restart(Store& store) {
  pending_.clear();
  read(store);
}

void BatchThreads::next() {
  for (auto& note : pending_) apply(std::move(note));
  pending_.clear();
}

void BatchThreads::read(Store& store) {
  rows_.clear();
  id_of_.clear();
  active_ = false;  // until every row is read: a read that throws leaves the passes asking
  if (ids_.empty()) return;
  // Bounded: a batch whose ids are carried by unusually many rows asks per mail instead.
  const std::size_t budget = 8 * ids_.size() + 64;
  std::size_t read = 0;
  for (const auto& id : ids_) rows_[id];
  for (std::size_t at = 0; at < ids_.size(); at += kIdsPerQuery) {
    std::vector<Value> chunk(ids_.begin() + static_cast<std::ptrdiff_t>(at),
                             ids_.begin() + static_cast<std::ptrdiff_t>(std::min(ids_.size(), at + kIdsPerQuery)));
    auto rows = store.find("Communication", Query{Filter("message_id", Op::kIn, std::move(chunk))}
                                                .select(kFields)
                                                .take(static_cast<std::int64_t>(budget - read + 1)));
    read += rows.size();
    for (auto& row : rows) {
      auto it = rows_.find(row.text("message_id"));
      // Over budget, or a row the backend matched otherwise than exactly (a case-insensitive
      // collation): the passes ask the store themselves.
      if (read > budget || it == rows_.end()) {
        rows_.clear();
        id_of_.clear();
        return;
      }
      id_of_[row.name()] = it->first;
      it->second.push_back(std::move(row));
    }
  }
  active_ = true;
}

const std::vector<Document>* BatchThreads::rows_of(const std::string& id) const {
  if (!active_) return nullptr;
  auto it = rows_.find(id);
  return it == rows_.end() ? nullptr : &it->second;
}

void BatchThreads::inserted(Document row) {
  if (active_) pending_.push_back(Note{std::move(row), {}, {}, {}});
}

void BatchThreads::refiled(const std::string& name, const std::string& doctype,
                           const std::string& reference) {
  if (active_) pending_.push_back(Note{Document(), name, doctype, reference});
}

void BatchThreads::apply(Note note) {
  if (note.name.empty()) {  // an insert
    auto it = rows_.find(note.row.text("message_id"));
    if (it == rows_.end()) return;  // no mail of the batch names it
    id_of_[note.row.name()] = it->first;
    it->second.push_back(std::move(note.row));
    return;
  }
  auto id = id_of_.find(note.name);
  if (id == id_of_.end()) return;  // carries none of the batch's ids
  for (auto& row : rows_[id->second])
    if (row.name() == note.name) {
      row.set("reference_doctype", Value(note.doctype));
      row.set("reference_name", Value(note.reference));
    }
}

// ---- BatchSenders -----------------------------------------------------------------------------

namespace {

// Non-ASCII addresses are never taken for new: a database collation may equate them with
// other spellings (accents, case beyond ASCII) that an exact comparison here tells apart.
bool ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

BatchSenders::BatchSenders(const std::vector<InboundEmail>& emails, const RoutingRules& rules) {
  std::unordered_set<std::string> seen;
  for (const auto& e : emails)
    for (auto& a : sender_candidates(e, rules))
      if (!a.empty() && ascii(a) && seen.insert(a).second) candidates_.push_back(std::move(a));
}

void BatchSenders::restart(Store& store) {
  created_.clear();
  read(store);
}

void BatchSenders::read(Store& store) {
  absent_.clear();
  active_ = false;  // until every query is read: a read that throws leaves the passes asking
  if (candidates_.empty()) return;
  // (doctype, field): every lookup by the sender filters on one of these.
  static const std::pair<const char*, const char*> kCarriers[] = {
      {model::kTicket, "raised_by"}, {model::kLead, "email"}, {"Contact Email", "email_id"},
      {model::kContact, "email_id"}};
  for (const auto& [doctype, field] : kCarriers)
    if (!store.schema().find(doctype)) return;
  for (std::size_t at = 0; at < candidates_.size(); at += kIdsPerQuery) {
    const auto first = candidates_.begin() + static_cast<std::ptrdiff_t>(at);
    const auto last = candidates_.begin() + static_cast<std::ptrdiff_t>(std::min(candidates_.size(), at + kIdsPerQuery));
    std::unordered_set<std::string> present;
    // Bounded: a chunk whose addresses carry unusually many records counts as known.
    const std::int64_t budget = 8 * static_cast<std::int64_t>(last - first) + 64;
    bool complete = true;
    for (const auto& [doctype, field] : kCarriers) {
      auto rows = store.find(doctype, Query{Filter(field, Op::kIn, std::vector<Value>(first, last))}
                                          .select({field})
                                          .take(budget + 1));
      if (static_cast<std::int64_t>(rows.size()) > budget) complete = false;
      for (const auto& row : rows) {
        std::string value = row.text(field);
        // A row the backend matched otherwise than exactly (a case-insensitive collation):
        // the passes ask the store themselves.
        if (std::find(first, last, value) == last) {
          absent_.clear();
          return;
        }
        present.insert(std::move(value));
      }
    }
    if (complete)
      for (auto it = first; it != last; ++it)
        if (!present.count(*it)) absent_.insert(*it);
  }
  active_ = true;
}

bool BatchSenders::unknown(const std::vector<std::string>& spellings) const {
  if (!active_ || spellings.empty()) return false;
  for (const auto& s : spellings)
    if (!absent_.count(s) || created_.count(email_detail::lower_ascii(s))) return false;
  return true;
}

void BatchSenders::creating(const std::string& sender) {
  // A non-ASCII sender may equal another spelling in the database's collation: unsure from
  // now on.
  if (!ascii(sender)) active_ = false;
  created_.insert(email_detail::lower_ascii(sender));
}

}  // namespace switchboard::routing_detail
