// What a batch reads once instead of once per mail: the Communications of its threads and
// which of its senders are new.
#include <algorithm>
#include <unordered_set>

#include "email/email_internal.h"
#include "model/directory.h"
#include "routing/router_internal.h"

namespace switchboard::routing_detail {
namespace {

// Values per IN list. SqliteStore binds lists of up to 64 values as parameters (longer ones
// go through JSON), and a list padded to exactly this size (the last value repeated, which
// changes no match) keeps the SQL text the same, so its prepared statement is reused.
constexpr std::size_t kIdsPerQuery = 64;

// values[at, at + kIdsPerQuery), padded with its last value to kIdsPerQuery values.
std::vector<Value> chunk_of(const std::vector<std::string>& values, std::size_t at) {
  const std::size_t end = std::min(values.size(), at + kIdsPerQuery);
  std::vector<Value> out;
  out.reserve(kIdsPerQuery);
  for (std::size_t i = at; i < end; ++i) out.emplace_back(values[i]);
  while (out.size() < kIdsPerQuery) out.push_back(out.back());
  return out;
}

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
    auto rows = store.find("Communication", Query{Filter("message_id", Op::kIn, chunk_of(ids_, at))}
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

BatchSenders::BatchSenders(const std::vector<InboundEmail>& emails, const CompiledRules& rules) {
  std::unordered_set<std::string> seen;
  from_.resize(emails.size());
  // Non-ASCII addresses are never taken for new: a database collation may equate them with
  // other spellings (accents, case beyond ASCII) that an exact comparison here tells apart.
  for (std::size_t i = 0; i < emails.size(); ++i)
    for (auto& a : sender_candidates(emails[i], rules, &from_[i]))
      if (!a.empty() && text::is_ascii(a) && seen.insert(a).second) candidates_.push_back(std::move(a));
  absent_.reserve(candidates_.size());
}

void BatchSenders::restart(Store& store) {
  created_.clear();
  read(store);
}

void BatchSenders::read(Store& store) {
  absent_.clear();
  active_ = false;  // until every query is read: a read that throws leaves the passes asking
  if (candidates_.empty()) return;
  // (doctype, field): every lookup by the sender filters on one of these. Contact Email
  // first: it holds most known senders, who are then not asked about again.
  static const std::pair<const char*, const char*> kCarriers[] = {
      {"Contact Email", "email_id"}, {model::kTicket, "raised_by"}, {model::kLead, "email"},
      {model::kContact, "email_id"}};
  for (const auto& [doctype, field] : kCarriers)
    if (!store.schema().find(doctype)) return;
  // Bounded: a chunk whose addresses carry unusually many records counts as known.
  constexpr std::int64_t kBudget = 8 * static_cast<std::int64_t>(kIdsPerQuery) + 64;
  std::vector<std::string> left = candidates_;  // carried by none of the doctypes asked so far
  std::vector<bool> present;
  for (const auto& [doctype, field] : kCarriers) {
    std::size_t kept = 0;  // left[0, kept): still unknown after this doctype
    for (std::size_t at = 0; at < left.size(); at += kIdsPerQuery) {
      const std::size_t end = std::min(left.size(), at + kIdsPerQuery);
      const auto first = left.begin() + static_cast<std::ptrdiff_t>(at);
      const auto last = left.begin() + static_cast<std::ptrdiff_t>(end);
      auto rows = store.find(doctype, Query{Filter(field, Op::kIn, chunk_of(left, at))}
                                          .select({field})
                                          .take(kBudget + 1));
      if (static_cast<std::int64_t>(rows.size()) > kBudget) continue;
      present.assign(end - at, false);
      for (const auto& row : rows) {
        const Value& value = row.get(field);
        // A row the backend matched otherwise than exactly (a case-insensitive collation):
        // the passes ask the store themselves.
        auto it = value.is_text() ? std::find(first, last, value.as_text()) : last;
        if (it == last) return;
        present[static_cast<std::size_t>(it - first)] = true;
      }
      for (std::size_t i = at; i < end; ++i)
        if (!present[i - at]) {
          if (kept != i) left[kept] = std::move(left[i]);
          ++kept;
        }
    }
    left.resize(kept);
  }
  for (auto& a : left) absent_.insert(std::move(a));
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
  if (!text::is_ascii(sender)) active_ = false;
  created_.insert(email_detail::lower_ascii(sender));
}

}  // namespace switchboard::routing_detail
