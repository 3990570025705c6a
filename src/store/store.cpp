// The Store facade: validation, naming, defaults, timestamps, cascades, transactions and
// error mapping shared by every backend.
#include "switchboard/store.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <exception>
#include <random>
#include <thread>

#include "core/datetime.h"
#include "core/text.h"
#include "naming.h"

namespace switchboard {
namespace {

constexpr std::size_t kMaxNameLength = 140;
constexpr int kHashRetries = 8;

// Runs a backend call, turning foreign exceptions into StoreError(backend) with context.
template <typename Fn>
auto guarded(const char* op, std::string_view doctype, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error&) {
    throw;
  } catch (const Interrupted&) {  // the program is stopping: never an error result
    throw;
  } catch (const std::exception& e) {
    throw StoreError(ErrorCode::kBackend,
                     std::string(op) + " " + std::string(doctype) + ": " + e.what());
  } catch (...) {
    throw StoreError(ErrorCode::kBackend,
                     std::string(op) + " " + std::string(doctype) + ": unknown exception");
  }
}

[[noreturn]] void bad_value(const DocTypeDef& def, std::string_view field, const Value& v,
                            const char* expected) {
  throw ValidationError("field '" + std::string(field) + "' of " + def.name + " expects " +
                        expected + ", got '" + v.to_text() + "'");
}

// Converts a value in place to the storage class of its field, as Frappe's cint/flt/cstr
// would, but refusing text that is not a number instead of silently storing 0.
void coerce(const DocTypeDef& def, const FieldDef& f, Value& v) {
  switch (f.type) {
    case FieldType::kInt: {
      if (v.is_int()) return;
      if (v.is_null()) {
        v = f.default_value.is_null() ? Value(0) : f.default_value;
        return;
      }
      if (v.is_real()) {
        double d = v.as_real();
        if (std::trunc(d) == d && std::abs(d) < 9.2e18) {
          v = Value(static_cast<std::int64_t>(d));
          return;
        }
        bad_value(def, f.name, v, "an integer");
      }
      std::string s = text::trim(v.as_text());
      std::int64_t i = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), i);
      if (s.empty()) v = Value(0);
      else if (r.ec == std::errc() && r.ptr == s.data() + s.size()) v = Value(i);
      else bad_value(def, f.name, v, "an integer");
      return;
    }
    case FieldType::kReal: {
      if (v.is_real()) {
        if (!std::isfinite(v.as_real())) bad_value(def, f.name, v, "a finite number");
        return;
      }
      if (v.is_int()) {
        v = Value(static_cast<double>(v.as_int()));
        return;
      }
      if (v.is_null()) {
        v = f.default_value.is_null() ? Value(0.0) : f.default_value;
        return;
      }
      std::string s = text::trim(v.as_text());
      double d = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), d);
      if (s.empty()) v = Value(0.0);
      else if (r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(d)) v = Value(d);
      else bad_value(def, f.name, v, "a finite number");
      return;
    }
    case FieldType::kText:
    case FieldType::kDate:
    case FieldType::kDatetime:
      if (!v.is_null() && !v.is_text()) v = Value(v.to_text());
      // The one sanitizer of text that becomes a field: every path (mail, calls, transfers,
      // Frappe) writes through here.
      if (v.is_text() && !text::is_clean_field(v.as_text(), !f.single_line, f.max_length))
        v = Value(text::clean_field(v.as_text(), !f.single_line, f.max_length));
      if (f.unique && v.is_text() && v.as_text().empty()) v = Value();  // '' is "no value"
      return;
  }
}

void check_field_name(const DocTypeDef& def, std::string_view field) {
  if (!is_valid_field_name(field))
    throw ValidationError("'" + std::string(field) + "' is not a valid field name (" + def.name +
                              ")",
                          ErrorCode::kInvalidArgument);
}

// Coerces every known field of `doc` in place; validates every other field (its name, and that
// a number in it is finite). One merge walk over the document's sorted fields and the
// doctype's sorted columns.
void coerce_document(const DocTypeDef& def, Document& doc) {
  const std::vector<FieldDef>& columns = def.columns();
  const std::vector<std::uint32_t>& order = def.column_order();
  std::size_t c = 0;
  doc.for_each_value([&](const std::string& field, Value& value) {
    while (c < order.size() && text::bytes_less(columns[order[c]].name, field)) ++c;
    if (c < order.size() && columns[order[c]].name == field) {
      coerce(def, columns[order[c++]], value);
      return;
    }
    check_field_name(def, field);
    if (value.is_real() && !std::isfinite(value.as_real()))  // no backend stores NaN or infinity
      bad_value(def, field, value, "a finite number");
  });
}

// True when coerce() would leave `v` exactly as it is.
bool is_coerced(const FieldDef& f, const Value& v) {
  switch (f.type) {
    case FieldType::kInt: return v.is_int();
    case FieldType::kReal: return v.is_real() && std::isfinite(v.as_real());
    case FieldType::kText:
    case FieldType::kDate:
    case FieldType::kDatetime:
      if (v.is_null()) return true;
      return v.is_text() && text::is_clean_field(v.as_text(), !f.single_line, f.max_length) &&
             !(f.unique && v.as_text().empty());
  }
  return false;
}

// True when normalizing `filters` (Store::normalize_query) would neither change nor reject
// them: most queries are already normal, and then they go to the backend without a copy.
bool filters_are_normal(const DocTypeDef& def, const Filters& filters) {
  for (const auto& f : filters) {
    const FieldDef* fd = def.field(f.field);  // a declared column's name is valid
    if (!fd && !is_valid_field_name(f.field)) return false;
    auto ok = [&](const Value& v) { return !fd || is_coerced(*fd, v); };
    switch (f.op) {
      case Op::kIn:
      case Op::kNotIn:
        for (const auto& v : f.values)
          if (v.is_null() || !ok(v)) return false;
        break;
      case Op::kBetween:
        if (f.values.size() != 2) return false;
        for (const auto& v : f.values)
          if (v.is_null() || !ok(v)) return false;
        break;
      case Op::kLike:
      case Op::kNotLike:
        if (!f.value.is_text()) return false;
        break;
      case Op::kIsSet:
      case Op::kIsNotSet:
        if (!f.value.is_null()) return false;
        break;
      case Op::kEq:
      case Op::kNe:
        if (!f.value.is_null() && !ok(f.value)) return false;
        break;
      default:
        if (f.value.is_null() || !ok(f.value)) return false;
    }
  }
  return true;
}

// True when `order_by` is empty or already in the form normalize_query writes:
// "field asc|desc" terms joined by ", ".
bool order_is_normal(std::string_view order_by) {
  while (!order_by.empty()) {
    std::size_t end = order_by.find(", ");
    std::string_view term = order_by.substr(0, end);
    std::size_t space = term.find(' ');
    if (space == std::string_view::npos || !is_valid_field_name(term.substr(0, space)))
      return false;
    std::string_view dir = term.substr(space + 1);
    if (dir != "asc" && dir != "desc") return false;
    if (end == std::string_view::npos) break;
    order_by.remove_prefix(end + 2);
    if (order_by.empty()) return false;  // a trailing ", "
  }
  return true;
}

bool query_is_normal(const DocTypeDef& def, const Query& query) {
  if ((query.limit && *query.limit < 0) || query.offset < 0) return false;
  for (std::size_t i = 0; i < query.fields.size(); ++i) {
    if (!is_valid_field_name(query.fields[i])) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (query.fields[j] == query.fields[i]) return false;
  }
  return order_is_normal(query.order_by) && filters_are_normal(def, query.filters);
}

bool is_write_free(const Document& changes) { return changes.empty(); }

// ---- derived fields (DocTypeDef::derived) ----------------------------------------------------

bool touches(const DerivedFields& d, const Document& changes) {
  for (const auto& f : d.sources)
    if (changes.contains(f)) return true;
  for (const auto& f : d.targets)
    if (changes.contains(f)) return true;
  return false;
}

bool has_all_sources(const DerivedFields& d, const Document& doc) {
  for (const auto& f : d.sources)
    if (!doc.contains(f)) return false;
  return true;
}

// Sets d's targets in `into`, computed from the sources in `changes`, falling back to
// `stored` (the row before the change; may be null) for sources `changes` lacks.
void derive(const SiteConfig& site, const DocTypeDef& def, const DerivedFields& d,
            const Document& changes, const Document* stored, Document& into) {
  Document sources;
  sources.reserve(d.sources.size());
  for (const auto& f : d.sources) {
    const Value* v = changes.find(f);
    sources.set(f, v ? *v : stored ? stored->get(f) : Value());
  }
  Document out;
  try {
    d.compute(site, sources, out);
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kInternal, "computing derived fields of " + def.name + ": " + e.what());
  }
  // `out` becomes exactly the targets (coerced; missing ones null), then joins `into` in one
  // merge pass that moves names and values instead of inserting target by target.
  for (const auto& t : d.targets)
    if (!out.contains(t)) out.set(t, Value());
  if (out.size() != d.targets.size()) {  // compute wrote other fields too: drop them
    Document exact;
    for (const auto& t : d.targets) exact.set(t, std::move(out[t]));
    out = std::move(exact);
  }
  out.for_each_value([&](const std::string& field, Value& v) { coerce(def, *def.field(field), v); });
  into.merge(std::move(out));
}

// Identifies a set of target values (groups rows that get the same derived values).
std::string targets_signature(const std::vector<const DerivedFields*>& defs, const Document& doc) {
  std::string sig;
  for (const DerivedFields* d : defs) {
    for (const auto& t : d->targets) {
      const Value& v = doc.get(t);
      sig += static_cast<char>('0' + static_cast<int>(v.type()));
      sig += v.to_text();
      sig += '\x1f';
    }
  }
  return sig;
}

constexpr std::size_t kNamesPerStatement = 500;

}  // namespace

std::string format_datetime(std::chrono::system_clock::time_point t) {
  return dates::frappe_now(t);
}

// Ends the transaction level `level` of `store` (commit or rollback). A callback (a Python
// backend or hook) that began a transaction inside it and left it open would make the
// commit land in the wrong level: those levels and `level` itself are rolled back and
// StoreError(kTransaction) says so.
static void end_level(Store& store, int level, bool commit) {
  int leaked = store.transaction_depth() - level;
  if (leaked <= 0) {
    if (commit) store.commit();
    else store.rollback();
    return;
  }
  while (store.transaction_depth() >= level && store.transaction_depth() > 0) {
    try {
      store.rollback();
    } catch (...) {  // rollback() closes its level even when the backend fails
    }
  }
  if (commit)
    throw StoreError(ErrorCode::kTransaction,
                     std::to_string(leaked) + " transaction(s) begun inside the operation (by a "
                     "backend or hook) were never committed or rolled back; the operation was "
                     "rolled back");
}

// Opens a transaction level for one facade operation when needed and closes it: commit on
// done(), rollback when destroyed without done(). At depth 0 it is the operation's own
// transaction; inside one, `always` (several rows that must stand or fall together) asks for
// a savepoint, except inside an all-or-nothing level, where a failure only marks the level
// broken and whoever opened it rolls it all back.
struct Store::WriteScope {
  WriteScope(Store& s, bool always)
      : store(s),
        owns(s.depth_ == 0 || (always && !all_or_nothing(s))),
        unguarded(always && !owns) {
    if (owns) {
      store.begin();
      level = store.depth_;
    }
  }
  void done() {
    unguarded = false;
    if (owns) {
      owns = false;
      end_level(store, level, true);
    }
  }
  ~WriteScope() {
    if (unguarded) store.all_or_nothing_broken_ = true;
    if (owns) {
      try {
        end_level(store, level, false);
      } catch (...) {  // the original error is what matters
      }
    }
  }
  static bool all_or_nothing(const Store& s) {
    return s.all_or_nothing_level_ > 0 && s.depth_ >= s.all_or_nothing_level_;
  }
  Store& store;
  bool owns;
  bool unguarded;  // several rows without a savepoint: not done() = the level is broken
  int level = 0;
};

struct Store::SeriesCacheEntry {
  naming::SeriesParts parts;
  std::chrono::system_clock::time_point valid_from, valid_until;
};

Store::Store(std::shared_ptr<StoreBackend> backend, std::shared_ptr<const Schema> schema)
    : backend_(std::move(backend)), schema_(std::move(schema)),
      site_(std::make_shared<const SiteConfig>()) {
  if (!backend_) throw ValidationError("a Store needs a backend", ErrorCode::kInvalidArgument);
  if (!schema_) throw ValidationError("a Store needs a schema", ErrorCode::kInvalidArgument);
  if (auto* forwarding = dynamic_cast<ForwardingBackend*>(backend_.get()))
    forward_to_ = forwarding->inner_ptr().get();
  guarded("open", "store", [&] { backend_->open(schema_); });
}

Store::~Store() = default;

std::shared_ptr<const SiteConfig> Store::site() const {
  if (forward_to_) return forward_to_->site();  // a decorator's site is the inner store's
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  return site_;
}

void Store::set_site(SiteConfig site) {
  if (forward_to_) return forward_to_->set_site(std::move(site));
  site.validate();
  auto fresh = std::make_shared<const SiteConfig>(std::move(site));
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  site_ = std::move(fresh);
}

const DocTypeDef& Store::doctype_def(std::string_view doctype) const {
  return schema_->get(doctype);
}

std::string Store::now() { return datetime_text(now_time_point()); }

std::shared_ptr<const dates::Zone> Store::zone() const {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  return zone_;
}

std::string Store::datetime_text(std::chrono::system_clock::time_point t) {
  if (forward_to_) return forward_to_->datetime_text(t);
  return dates::zone_text(zone().get(), t, true);
}

std::string Store::datetime_text(std::int64_t unix_seconds) {
  if (forward_to_) return forward_to_->datetime_text(unix_seconds);
  const auto t = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(unix_seconds));
  return dates::zone_text(zone().get(), t, false);
}

std::string Store::time_zone() const {
  if (forward_to_) return forward_to_->time_zone();
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  return zone_name_;
}

void Store::set_time_zone(std::string_view name) {
  if (forward_to_) return forward_to_->set_time_zone(name);
  auto zone = dates::zone_named(name);  // throws for unknown names
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  zone_name_ = zone ? text::trim(name) : std::string();
  zone_ = std::move(zone);
  series_cache_.clear();  // resolved in the old zone's days
}

std::chrono::system_clock::time_point Store::now_time_point() {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

void Store::set_clock(Clock clock) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  clock_ = std::move(clock);
}

// ---- reads ---------------------------------------------------------------------------------

std::optional<Document> Store::get(std::string_view doctype, std::string_view name) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  auto doc = guarded("get", doctype, [&] { return backend_->get(doctype, name); });
  if (doc) complete_document(def, *doc);
  return doc;
}

bool Store::exists(std::string_view doctype, std::string_view name) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  doctype_def(doctype);
  return guarded("get", doctype, [&] { return backend_->get(doctype, name); }).has_value();
}

const Query& Store::normal_query(const DocTypeDef& def, const Query& query, Query& storage) const {
  if (query_is_normal(def, query)) return query;
  storage = normalize_query(def, query);
  return storage;
}

const Filters& Store::normal_filters(const DocTypeDef& def, const Filters& filters,
                                     Query& storage) const {
  if (filters_are_normal(def, filters)) return filters;
  storage = normalize_query(def, Query(filters));
  return storage.filters;
}

Query Store::normalize_query(const DocTypeDef& def, const Query& query) const {
  Query q;
  q.fields.reserve(query.fields.size());
  for (const auto& f : query.fields) {
    check_field_name(def, f);
    if (std::find(q.fields.begin(), q.fields.end(), f) == q.fields.end()) q.fields.push_back(f);
  }
  if (!query.order_by.empty()) {
    auto terms = parse_order_by(query.order_by);
    for (std::size_t i = 0; i < terms.size(); ++i) {
      if (i) q.order_by += ", ";
      q.order_by += terms[i].field;
      q.order_by += terms[i].descending ? " desc" : " asc";
    }
  }
  if (query.limit && *query.limit < 0)
    throw ValidationError("limit must not be negative", ErrorCode::kInvalidArgument);
  if (query.offset < 0)
    throw ValidationError("offset must not be negative", ErrorCode::kInvalidArgument);
  q.limit = query.limit;
  q.offset = query.offset;
  q.filters = query.filters;
  for (auto& f : q.filters) {
    check_field_name(def, f.field);
    const FieldDef* fd = def.field(f.field);
    auto fix = [&](Value& v) {
      if (fd) coerce(def, *fd, v);
    };
    switch (f.op) {
      case Op::kIn:
      case Op::kNotIn:
        for (auto& v : f.values) {
          if (v.is_null())
            throw ValidationError("filter '" + f.field + " " + op_name(f.op) +
                                      "' lists a null; use 'is not set'",
                                  ErrorCode::kInvalidArgument);
          fix(v);
        }
        break;
      case Op::kBetween:
        if (f.values.size() != 2 || f.values[0].is_null() || f.values[1].is_null())
          throw ValidationError("filter '" + f.field + " between' needs two values",
                                ErrorCode::kInvalidArgument);
        for (auto& v : f.values) fix(v);
        break;
      case Op::kLike:
      case Op::kNotLike:
        if (!f.value.is_text()) f.value = Value(f.value.to_text());
        break;
      case Op::kIsSet:
      case Op::kIsNotSet:
        f.value = Value();
        break;
      case Op::kEq:
      case Op::kNe:
        // `= null` / `!= null` keep their null meaning (is null / is not null).
        if (!f.value.is_null()) fix(f.value);
        break;
      default:
        if (f.value.is_null())
          throw ValidationError("filter '" + f.field + " " + op_name(f.op) + "' needs a value",
                                ErrorCode::kInvalidArgument);
        fix(f.value);
    }
  }
  return q;
}

void Store::complete_document(const DocTypeDef& def, Document& doc) const {
  if (has(Capability::kCompleteDocuments)) return;
  Document out;
  out.reserve(def.columns().size() + 4);
  for (const auto& c : def.columns()) out.set(c.name, doc.get(c.name));
  for (const auto& [field, value] : doc)  // custom fields: present only when set
    if (!def.field(field) && !value.is_null()) out.set(field, value);
  doc = std::move(out);
}

std::vector<Document> Store::find(std::string_view doctype, const Query& query) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  Query normalized;
  const Query& q = normal_query(def, query, normalized);
  auto rows = guarded("find", doctype, [&] { return backend_->find(doctype, q); });
  if (!has(Capability::kCompleteDocuments)) {
    for (auto& row : rows) {
      if (q.fields.empty()) {
        complete_document(def, row);
      } else {  // exactly the requested fields
        Document projected;
        for (const auto& f : q.fields) projected.set(f, row.get(f));
        row = std::move(projected);
      }
    }
  }
  return rows;
}

std::optional<Document> Store::find_one(std::string_view doctype, Query query) {
  query.limit = 1;
  auto rows = find(doctype, query);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::int64_t Store::count(std::string_view doctype, const Filters& filters) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  Query normalized;
  const Filters& where = normal_filters(def, filters, normalized);
  return guarded("count", doctype, [&] { return backend_count(doctype, where); });
}

// ---- writes --------------------------------------------------------------------------------

void Store::prepare_insert(const DocTypeDef& def, Document& doc, bool parent_known) {
  coerce_document(def, doc);
  if (def.is_child && ((parent_known && !doc.has("parent")) || !doc.has("parenttype") ||
                       !doc.has("parentfield")))
    throw ValidationError("a " + def.name + " row needs parent, parenttype and parentfield");
  // A self-managed backend names, defaults and stamps documents itself; derived fields are ours.
  const bool self_managed = capabilities() & Capability::kSelfManaged;
  // name, creation and modified get null slots here, filled in place below and by naming.
  if (!self_managed) doc.fill_missing(def.insert_defaults());
  if (!def.derived.empty()) {
    auto site = this->site();
    for (const auto& d : def.derived) derive(*site, def, d, doc, nullptr, doc);
  }
  if (self_managed) return;
  // One stamp for both when both are unset; the slots are there (insert_defaults).
  std::string stamp;
  Value& creation = doc["creation"];
  if (creation.is_null()) {
    stamp = now();
    creation = Value(stamp);
  }
  Value& modified = doc["modified"];
  if (modified.is_null()) modified = Value(stamp.empty() ? now() : std::move(stamp));
}

std::string Store::insert_prepared(const DocTypeDef& def, Document& doc) {
  if (capabilities() & Capability::kSelfManaged)
    return guarded("insert", def.name, [&] { return backend_->insert(def.name, doc); });

  if (doc.has("name")) {
    std::string given = text::trim(doc.text("name"));
    if (given.size() > kMaxNameLength)
      throw ValidationError("name of " + def.name + " is longer than 140 characters");
    if (!given.empty()) {
      if (given.size() != doc.get("name").to_text().size()) doc.set("name", Value(given));
      return guarded("insert", def.name, [&] { return backend_->insert(def.name, doc); });
    }
  }

  std::size_t hash_length = 10;
  switch (def.naming) {
    case NamingRule::kSingle:
      doc.set("name", Value(def.name));
      return guarded("insert", def.name, [&] { return backend_->insert(def.name, doc); });
    case NamingRule::kSeries: {
      naming::SeriesParts parts = series_parts(def, doc);
      std::int64_t n = guarded("series", def.name, [&] { return backend_next_series(parts.prefix); });
      doc.set("name", Value(naming::series_name(parts, n)));
      return guarded("insert", def.name, [&] { return backend_->insert(def.name, doc); });
    }
    case NamingRule::kField: {
      std::string base = text::trim(doc.text(def.naming_arg));
      if (!base.empty()) {
        if (base.size() > kMaxNameLength) base.resize(kMaxNameLength);
        std::string candidate = base;
        if (!def.dedupe_separator.empty()) {
          for (int i = 1; guarded("get", def.name, [&] { return backend_->get(def.name, candidate); });
               ++i)
            candidate = base + def.dedupe_separator + std::to_string(i);
        }
        doc.set("name", Value(candidate));
        return guarded("insert", def.name, [&] { return backend_->insert(def.name, doc); });
      }
      hash_length = 12;  // Frappe CRM's fallback for call logs without an id
      break;
    }
    case NamingRule::kHash:
      break;
  }
  for (int attempt = 1;; ++attempt) {
    doc.set("name", Value(naming::random_hash(hash_length)));
    try {
      return guarded("insert", def.name, [&] { return backend_->insert(def.name, doc); });
    } catch (const StoreError& e) {
      // A hash collision: the row was not written (SPI contract), so draw again.
      if (e.code() != ErrorCode::kDuplicate || attempt >= kHashRetries) throw;
      if (!guarded("get", def.name, [&] { return backend_->get(def.name, doc.text("name")); })) throw;
    }
  }
}

std::string Store::insert(std::string_view doctype, Document doc) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  prepare_insert(def, doc);
  if (def.is_child && doc.integer("idx") == 0 && !(capabilities() & Capability::kSelfManaged)) {
    Query q{Filter("parent", doc.get("parent")), Filter("parenttype", doc.get("parenttype")),
            Filter("parentfield", doc.get("parentfield"))};
    q.fields = {"idx"};
    q.order_by = "idx desc";
    q.limit = 1;
    auto last = guarded("find", doctype, [&] { return backend_->find(doctype, q); });
    doc.set("idx", Value(last.empty() ? 1 : last.front().integer("idx") + 1));
  }
  // A series bump and the row are two writes: at depth 0 they share one transaction. Inside a
  // caller's transaction a failed row leaves the bump (a gap in the series, as in Frappe): a
  // savepoint per series-named insert would cost route() ~2% for callers that catch it.
  WriteScope scope(*this, false);
  std::string name = insert_prepared(def, doc);
  scope.done();
  return name;
}

std::string Store::insert(std::string_view doctype, Document doc, const ChildRows& children) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  // Validate the whole request before writing anything.
  std::vector<std::pair<const DocTypeDef*, std::vector<Document>>> rows;
  for (const auto& [parentfield, list] : children) {
    const ChildTableDef* table = nullptr;
    for (const auto& t : def.tables)
      if (t.fieldname == parentfield) table = &t;
    if (!table)
      throw ValidationError("'" + parentfield + "' is not a table field of " + def.name);
    rows.emplace_back(&doctype_def(table->child_doctype), list);
  }
  WriteScope scope(*this, true);
  prepare_insert(def, doc);
  // A self-managed backend that takes the rows with their parent names both: one call for all.
  const bool one_call = has(Capability::kSelfManaged) && has(Capability::kInsertWithRows);
  std::string name = one_call ? std::string() : insert_prepared(def, doc);
  std::vector<ChildTableRows> tables;
  for (std::size_t t = 0; t < rows.size(); ++t) {
    const DocTypeDef& cdef = *rows[t].first;
    ChildTableRows table{children[t].first, cdef.name, {}};
    std::int64_t idx = 0;
    for (Document& row : rows[t].second) {
      if (!one_call) row.set("parent", Value(name));
      row.set("parenttype", Value(def.name));
      row.set("parentfield", Value(children[t].first));
      ++idx;
      if (row.integer("idx") == 0) row.set("idx", Value(idx));
      prepare_insert(cdef, row, /*parent_known=*/!one_call);
      if (one_call) table.rows.push_back(std::move(row));
      else insert_prepared(cdef, row);
    }
    if (one_call) tables.push_back(std::move(table));
  }
  if (one_call)
    name = guarded("insert", def.name, [&] { return backend_->insert_with_rows(def.name, doc, tables); });
  scope.done();
  return name;
}

Document Store::prepare_changes(const DocTypeDef& def, const Document& changes,
                                bool update_modified) {
  Document c = changes;
  coerce_document(def, c);
  if (c.contains("name"))
    throw ValidationError("cannot change the name of a " + def.name + " with update()",
                          ErrorCode::kInvalidArgument);
  // Even self-managed backends get `modified` from here: the facade alone decides whether an
  // update bumps it (they must write changes as given, without stamping on their own).
  if (update_modified && !c.contains("modified"))
    c.set("modified", Value(now()));
  return c;
}

void Store::update(std::string_view doctype, std::string_view name, const Document& changes,
                   bool update_modified) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  Document c = prepare_changes(def, changes, update_modified);
  if (is_write_free(c)) {
    if (!guarded("get", doctype, [&] { return backend_->get(doctype, name); }))
      throw NotFound(std::string(doctype) + " '" + std::string(name) + "' not found");
    return;
  }
  WriteScope scope(*this, false);
  derive_changes(def, name, c);  // reads the stored row inside the write's transaction
  guarded("update", doctype, [&] { backend_->update(doctype, name, c); });
  scope.done();
}

std::int64_t Store::update_where(std::string_view doctype, const Filters& filters,
                                 const Document& changes, bool update_modified) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  Query normalized;
  const Filters& where = normal_filters(def, filters, normalized);
  Document c = prepare_changes(def, changes, update_modified);
  if (is_write_free(c)) return guarded("count", doctype, [&] { return backend_count(doctype, where); });
  std::vector<const DerivedFields*> per_row;
  for (const auto& d : def.derived) {
    if (!touches(d, c)) continue;
    if (has_all_sources(d, c)) derive(*site(), def, d, c, nullptr, c);
    else per_row.push_back(&d);
  }
  if (!per_row.empty()) return update_where_derived(def, where, c, per_row);
  // Several rows: a backend may write them one by one (Frappe's does), so inside a caller's
  // transaction they get a savepoint and stand or fall together.
  WriteScope scope(*this, true);
  auto n = guarded("update_where", doctype, [&] { return backend_->update_where(doctype, where, c); });
  scope.done();
  return n;
}

void Store::derive_changes(const DocTypeDef& def, std::string_view name, Document& changes) {
  std::optional<Document> stored;
  bool loaded = false;
  for (const auto& d : def.derived) {
    if (!touches(d, changes)) continue;
    if (has_all_sources(d, changes)) {
      derive(*site(), def, d, changes, nullptr, changes);
      continue;
    }
    if (!loaded) {
      stored = guarded("get", def.name, [&] { return backend_->get(def.name, name); });
      loaded = true;
    }
    if (!stored) return;  // do_update reports NotFound
    derive(*site(), def, d, changes, &*stored, changes);
  }
}

std::int64_t Store::update_where_derived(const DocTypeDef& def, const Filters& filters,
                                         const Document& changes,
                                         const std::vector<const DerivedFields*>& per_row) {
  // Targets depend on each row's stored sources: read them, then update rows in groups that
  // get the same values. Several writes, so always atomic on its own.
  Query rows_query(filters);
  rows_query.fields = {"name"};
  for (const DerivedFields* d : per_row)
    for (const auto& f : d->sources)
      if (std::find(rows_query.fields.begin(), rows_query.fields.end(), f) ==
          rows_query.fields.end())
        rows_query.fields.push_back(f);
  WriteScope scope(*this, true);
  auto rows = guarded("find", def.name, [&] { return backend_->find(def.name, rows_query); });
  std::vector<std::pair<Document, std::vector<Value>>> groups;
  std::map<std::string, std::size_t> group_of;
  auto site = this->site();
  for (const auto& row : rows) {
    Document c = changes;
    for (const DerivedFields* d : per_row) derive(*site, def, *d, changes, &row, c);
    auto [it, fresh] = group_of.emplace(targets_signature(per_row, c), groups.size());
    if (fresh) groups.emplace_back(std::move(c), std::vector<Value>{});
    groups[it->second].second.push_back(row.get("name"));
  }
  std::int64_t n = 0;
  for (auto& group : groups) {
    const auto& c = group.first;  // named, not bound: lambdas may not capture bindings (C++17)
    auto& names = group.second;
    for (std::size_t i = 0; i < names.size(); i += kNamesPerStatement) {
      std::vector<Value> chunk(names.begin() + static_cast<std::ptrdiff_t>(i),
                               names.begin() + static_cast<std::ptrdiff_t>(
                                                   std::min(names.size(), i + kNamesPerStatement)));
      Filters by_name{Filter("name", Op::kIn, std::move(chunk))};
      n += guarded("update_where", def.name,
                   [&] { return backend_->update_where(def.name, by_name, c); });
    }
  }
  scope.done();
  return n;
}

void Store::remove_children(const DocTypeDef& def, std::string_view name) {
  for (const auto& table : def.tables) {
    Filters f{Filter("parent", Value(std::string(name))), Filter("parenttype", Value(def.name)),
              Filter("parentfield", Value(table.fieldname))};
    guarded("remove_where", table.child_doctype,
            [&] { return backend_remove_where(table.child_doctype, f); });
  }
}

void Store::remove(std::string_view doctype, std::string_view name) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  WriteScope scope(*this, !def.tables.empty());
  guarded("remove", doctype, [&] { backend_->remove(doctype, name); });
  remove_children(def, name);
  scope.done();
}

std::int64_t Store::remove_where(std::string_view doctype, const Filters& filters) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  const DocTypeDef& def = doctype_def(doctype);
  Query q = normalize_query(def, Query(filters));
  WriteScope scope(*this, true);  // several rows, as update_where
  std::int64_t n = 0;
  if (def.tables.empty()) {
    n = guarded("remove_where", doctype, [&] { return backend_remove_where(doctype, q.filters); });
  } else {
    Query names = q;
    names.fields = {"name"};
    for (const auto& row : guarded("find", doctype, [&] { return backend_->find(doctype, names); })) {
      std::string name = row.text("name");
      guarded("remove", doctype, [&] { backend_->remove(doctype, name); });
      remove_children(def, name);
      ++n;
    }
  }
  scope.done();
  return n;
}

std::int64_t Store::next_series(std::string_view prefix) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  WriteScope scope(*this, false);
  auto n = guarded("series", "Series", [&] { return backend_next_series(prefix); });
  scope.done();
  return n;
}

// ---- transactions --------------------------------------------------------------------------

void Store::begin() {
  mutex_.lock();
  try {
    guarded("begin", "transaction", [&] { backend_->begin(); });
  } catch (...) {
    mutex_.unlock();
    throw;
  }
  if (depth_++ == 0) owner_.store(std::this_thread::get_id());
}

void Store::require_open_level(const char* operation) const {
  if (owner_.load() != std::this_thread::get_id() || depth_ == 0)
    throw StoreError(ErrorCode::kTransaction, std::string(operation) + "() without a matching begin()");
}

void Store::pop_level() {
  if (--depth_ == 0) owner_.store(std::thread::id());
  mutex_.unlock();
}

void Store::commit() {
  require_open_level("commit");
  try {
    guarded("commit", "transaction", [&] { backend_->commit(); });
  } catch (...) {
    try {
      backend_->rollback();
    } catch (...) {  // keep the commit error
    }
    pop_level();
    throw;
  }
  pop_level();
}

void Store::rollback() {
  require_open_level("rollback");
  try {
    guarded("rollback", "transaction", [&] { backend_->rollback(); });
  } catch (...) {
    pop_level();
    throw;
  }
  pop_level();
}

int Store::transaction_depth() const noexcept {
  return owner_.load() == std::this_thread::get_id() ? depth_ : 0;
}

std::uint32_t Store::capabilities() const {
  // A backend's capabilities never change: ask once (for Python stores that saves the GIL).
  std::uint32_t caps = caps_.load(std::memory_order_relaxed);
  if (caps == kCapsUnknown) {
    caps = backend_->capabilities();
    caps_.store(caps, std::memory_order_relaxed);
  }
  return caps;
}

naming::SeriesParts Store::series_parts(const DocTypeDef& def, const Document& doc) {
  // Patterns without {field} depend only on the date: resolve once per doctype and day.
  auto now = now_time_point();
  auto& slot = series_cache_[&def];
  if (slot && now >= slot->valid_from && now < slot->valid_until) return slot->parts;
  const std::tm tm = dates::zone_tm(zone_.get(), now);
  auto parts = naming::resolve_series(def.naming_arg, tm, doc);
  if (def.naming_arg.find('{') != std::string::npos) return parts;
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto since_midnight = std::chrono::seconds(tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
  auto midnight = std::chrono::system_clock::from_time_t(t) - since_midnight;
  slot = std::make_unique<SeriesCacheEntry>(
      SeriesCacheEntry{std::move(parts), midnight, midnight + std::chrono::hours(23)});
  return slot->parts;
}

void Store::lock(std::string_view key) {
  if (transaction_depth() == 0)
    throw StoreError(ErrorCode::kTransaction, "lock() must be called inside a transaction");
  std::lock_guard<std::recursive_mutex> guard(mutex_);
  if (!(capabilities() & Capability::kLock))
    throw NotSupported("this store does not support lock()");
  guarded("lock", key, [&] { backend_->lock(key); });
}

// ---- optional operations: native when the backend declares them --------------------------

std::int64_t Store::backend_count(std::string_view doctype, const Filters& filters) {
  if (has(Capability::kCount)) return backend_->count(doctype, filters);
  Query q(filters);
  q.fields = {"name"};
  return static_cast<std::int64_t>(backend_->find(doctype, q).size());
}

std::int64_t Store::backend_remove_where(std::string_view doctype, const Filters& filters) {
  if (has(Capability::kRemoveWhere)) return backend_->remove_where(doctype, filters);
  Query q(filters);
  q.fields = {"name"};
  auto rows = backend_->find(doctype, q);
  for (const auto& row : rows) backend_->remove(doctype, row.get("name").to_text());
  return static_cast<std::int64_t>(rows.size());
}

std::int64_t Store::backend_next_series(std::string_view prefix) {
  if (has(Capability::kSeries)) return backend_->next_series(prefix);
  // A "Series" document per prefix, read and written through the required operations.
  const DocTypeDef& def = doctype_def("Series");
  auto current = backend_->get("Series", prefix);
  if (!current) {
    Document d{{"name", std::string(prefix)}, {"current", 1}};
    prepare_insert(def, d);
    backend_->insert("Series", d);
    return 1;
  }
  std::int64_t n = current->integer("current") + 1;
  backend_->update("Series", prefix, Document{{"current", n}});
  return n;
}

// ---- helpers -------------------------------------------------------------------------------

void detail::transaction_backoff(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const int cap = std::min(200, 2 << std::min(attempt, 7));
  std::this_thread::sleep_for(
      std::chrono::milliseconds(std::uniform_int_distribution<int>(cap / 2, cap)(rng)));
}

Transaction::Transaction(Store& store) : store_(store) {
  store_.begin();
  level_ = store_.transaction_depth();
}

Transaction::~Transaction() {
  if (active_) {
    try {
      end_level(store_, level_, false);
    } catch (...) {  // destructors never throw
    }
  }
}

void Transaction::commit() {
  if (!active_) throw StoreError(ErrorCode::kTransaction, "transaction already finished");
  active_ = false;
  end_level(store_, level_, true);
}

void Transaction::rollback() {
  if (!active_) throw StoreError(ErrorCode::kTransaction, "transaction already finished");
  active_ = false;
  end_level(store_, level_, false);
}

}  // namespace switchboard
