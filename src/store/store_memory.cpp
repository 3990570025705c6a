// MemoryStore: documents in hash maps, an undo log for nested transactions, and the
// reference filter semantics of query.h.
#include "switchboard/memory_store.h"
#include "switchboard/schema.h"
#include "switchboard/store.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace switchboard {
namespace {

// Key of a unique-index entry: the value's type and text (so 1 and "1" differ, as in SQLite).
std::string unique_key(const Value& v) {
  return std::to_string(static_cast<int>(v.is_real() ? Value::Type::kInt : v.type())) + ":" +
         v.to_text();
}

struct Table {
  std::map<std::uint64_t, Document> rows;                  // insertion order
  std::unordered_map<std::string, std::uint64_t> by_name;  // name -> sequence
  // unique field -> value key -> document name
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> unique;
};

struct UndoEntry {
  enum class Kind { kInserted, kUpdated, kRemoved } kind;
  const DocTypeDef* def;
  std::uint64_t seq;
  Document before;  // kUpdated / kRemoved: the row as it was
};


// Thread-safety: called by one Store facade, one call at a time.
class MemoryBackend final : public StoreBackend {
 public:
  void open(std::shared_ptr<const Schema> schema) override { schema_ = std::move(schema); }
  std::uint32_t capabilities() const override {
    // One process: the facade mutex already serializes, so lock() has nothing more to do.
    return Capability::kSavepoints | Capability::kLock | Capability::kCount |
           Capability::kCompleteDocuments;
  }
  void lock(std::string_view) override {}
  const Schema& schema() const { return *schema_; }

  std::optional<Document> get(std::string_view doctype, std::string_view name) override {
    Table& t = table(doctype);
    auto it = t.by_name.find(std::string(name));
    if (it == t.by_name.end()) return std::nullopt;
    return t.rows.at(it->second);
  }

  std::vector<Document> find(std::string_view doctype, const Query& q) override {
    Table& t = table(doctype);
    std::vector<const Document*> hits = matches(t, q.filters);
    auto terms = parse_order_by(q.order_by);
    if (!terms.empty()) {
      std::stable_sort(hits.begin(), hits.end(), [&](const Document* a, const Document* b) {
        for (const auto& term : terms) {
          int c = compare_values(a->get(term.field), b->get(term.field));
          if (c != 0) return term.descending ? c > 0 : c < 0;
        }
        return false;
      });
    }
    std::size_t begin = std::min(hits.size(), static_cast<std::size_t>(q.offset));
    std::size_t end = hits.size();
    if (q.limit) end = std::min(end, begin + static_cast<std::size_t>(*q.limit));
    std::vector<Document> out;
    out.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      if (q.fields.empty()) {
        out.push_back(*hits[i]);
      } else {
        Document d;
        for (const auto& f : q.fields) d.set(f, hits[i]->get(f));
        out.push_back(std::move(d));
      }
    }
    return out;
  }

  std::int64_t count(std::string_view doctype, const Filters& filters) override {
    return static_cast<std::int64_t>(matches(table(doctype), filters).size());
  }

  std::string insert(std::string_view doctype, const Document& doc) override {
    const DocTypeDef& def = schema().get(doctype);
    Table& t = table(doctype);
    std::string name = doc.text("name");
    if (t.by_name.count(name))
      throw StoreError(ErrorCode::kDuplicate,
                       std::string(doctype) + " '" + name + "' already exists");
    Document row;
    row.reserve(def.columns().size() + 4);
    for (const auto& c : def.columns()) row.set(c.name, doc.get(c.name));
    for (const auto& [k, v] : doc)
      if (!def.field(k) && !v.is_null()) row.set(k, v);
    check_unique(def, t, row, name);
    std::uint64_t seq = next_seq_++;
    index_add(def, t, row, name);
    t.by_name.emplace(name, seq);
    t.rows.emplace(seq, std::move(row));
    log({UndoEntry::Kind::kInserted, &def, seq, {}});
    return name;
  }

  void update(std::string_view doctype, std::string_view name,
              const Document& changes) override {
    const DocTypeDef& def = schema().get(doctype);
    Table& t = table(doctype);
    auto it = t.by_name.find(std::string(name));
    if (it == t.by_name.end())
      throw NotFound(std::string(doctype) + " '" + std::string(name) + "' not found");
    apply(def, t, it->second, changes);
  }

  std::int64_t update_where(std::string_view doctype, const Filters& filters,
                            const Document& changes) override {
    const DocTypeDef& def = schema().get(doctype);
    Table& t = table(doctype);
    std::vector<std::uint64_t> seqs;
    for (const Document* d : matches(t, filters)) seqs.push_back(t.by_name.at(d->text("name")));
    // All-or-nothing: check unique constraints for every row before changing any.
    for (std::uint64_t seq : seqs) {
      Document after = t.rows.at(seq);
      after.merge(changes);
      check_unique(def, t, after, after.text("name"));
    }
    if (seqs.size() > 1)
      for (const auto& f : def.columns())
        if (f.unique && changes.has(f.name))
          throw StoreError(ErrorCode::kDuplicate, std::string(doctype) + ": setting unique field '" +
                                                      f.name + "' on several rows");
    for (std::uint64_t seq : seqs) apply(def, t, seq, changes);
    return static_cast<std::int64_t>(seqs.size());
  }

  void remove(std::string_view doctype, std::string_view name) override {
    const DocTypeDef& def = schema().get(doctype);
    Table& t = table(doctype);
    auto it = t.by_name.find(std::string(name));
    if (it == t.by_name.end())
      throw NotFound(std::string(doctype) + " '" + std::string(name) + "' not found");
    std::uint64_t seq = it->second;
    Document before = std::move(t.rows.at(seq));
    index_remove(def, t, before);
    t.rows.erase(seq);
    t.by_name.erase(it);
    log({UndoEntry::Kind::kRemoved, &def, seq, std::move(before)});
  }

  void begin() override { marks_.push_back(undo_.size()); }

  void commit() override {
    marks_.pop_back();
    if (marks_.empty()) undo_.clear();
  }

  void rollback() override {
    std::size_t mark = marks_.back();
    while (undo_.size() > mark) {
      undo(undo_.back());
      undo_.pop_back();
    }
    marks_.pop_back();
  }


 private:
  Table& table(std::string_view doctype) {
    auto it = tables_.find(doctype);
    if (it == tables_.end()) it = tables_.emplace(std::string(doctype), Table{}).first;
    return it->second;
  }

  std::vector<const Document*> matches(Table& t, const Filters& filters) {
    std::vector<const Document*> out;
    // Fast path: a filter on name picks at most one row.
    for (const auto& f : filters) {
      if (f.field == "name" && f.op == Op::kEq && f.value.is_text()) {
        auto it = t.by_name.find(f.value.as_text());
        if (it != t.by_name.end() && filters_match(filters, t.rows.at(it->second)))
          out.push_back(&t.rows.at(it->second));
        return out;
      }
    }
    for (const auto& [seq, doc] : t.rows)
      if (filters_match(filters, doc)) out.push_back(&doc);
    return out;
  }

  void check_unique(const DocTypeDef& def, Table& t, const Document& row, const std::string& name) {
    for (const auto& c : def.columns()) {
      if (!c.unique) continue;
      const Value& v = row.get(c.name);
      if (v.is_empty()) continue;
      auto& index = t.unique[c.name];
      auto hit = index.find(unique_key(v));
      if (hit != index.end() && hit->second != name)
        throw StoreError(ErrorCode::kDuplicate, def.name + ": " + c.name + " '" + v.to_text() +
                                                    "' is already used by '" + hit->second + "'");
    }
  }

  void index_add(const DocTypeDef& def, Table& t, const Document& row, const std::string& name) {
    for (const auto& c : def.columns())
      if (c.unique && !row.get(c.name).is_empty())
        t.unique[c.name][unique_key(row.get(c.name))] = name;
  }

  void index_remove(const DocTypeDef& def, Table& t, const Document& row) {
    for (const auto& c : def.columns())
      if (c.unique && !row.get(c.name).is_empty()) t.unique[c.name].erase(unique_key(row.get(c.name)));
  }

  void apply(const DocTypeDef& def, Table& t, std::uint64_t seq, const Document& changes) {
    Document& row = t.rows.at(seq);
    Document after = row;
    for (const auto& [k, v] : changes) {
      if (!def.field(k) && v.is_null()) after.erase(k);  // unset custom fields disappear
      else after.set(k, v);
    }
    std::string name = row.text("name");
    check_unique(def, t, after, name);
    index_remove(def, t, row);
    index_add(def, t, after, name);
    log({UndoEntry::Kind::kUpdated, &def, seq, row});
    row = std::move(after);
  }

  void log(UndoEntry e) {
    if (!marks_.empty()) undo_.push_back(std::move(e));
  }

  void undo(UndoEntry& e) {
    Table& t = table(e.def->name);
    switch (e.kind) {
      case UndoEntry::Kind::kInserted: {
        Document& row = t.rows.at(e.seq);
        index_remove(*e.def, t, row);
        t.by_name.erase(row.text("name"));
        t.rows.erase(e.seq);
        break;
      }
      case UndoEntry::Kind::kUpdated: {
        Document& row = t.rows.at(e.seq);
        index_remove(*e.def, t, row);
        index_add(*e.def, t, e.before, e.before.text("name"));
        row = std::move(e.before);
        break;
      }
      case UndoEntry::Kind::kRemoved: {
        std::string name = e.before.text("name");
        index_add(*e.def, t, e.before, name);
        t.by_name.emplace(name, e.seq);
        t.rows.emplace(e.seq, std::move(e.before));
        break;
      }
    }
  }

  std::map<std::string, Table, std::less<>> tables_;
  std::vector<UndoEntry> undo_;
  std::vector<std::size_t> marks_;
  std::uint64_t next_seq_ = 1;
  std::shared_ptr<const Schema> schema_;
};

}  // namespace

std::shared_ptr<StoreBackend> make_memory_backend() { return std::make_shared<MemoryBackend>(); }

}  // namespace switchboard
