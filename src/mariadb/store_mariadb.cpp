// MariaDbStore: the StoreBackend operations over one Connector/C connection — prepared
// statements, serializable transactions with savepoints, deadlock handling, GET_LOCK locks,
// tabSeries counters and array-bound bulk inserts.
//
// Where a retry is correct: a deadlock (1213), a lock-wait timeout (1205) or a lost connection
// ends the server's transaction, so nothing inside it can be retried on its own — the caller's
// decisions rest on what it read. Inside a transaction the backend therefore only marks the
// transaction aborted (every later call fails fast with a retryable error until the outermost
// rollback) and leaves the retry to whoever owns the outermost level (the Store's own single
// operations, in_transaction()). Outside a transaction a statement is a whole operation and is
// retried here, with backoff.
#include <mysqld_error.h>

#include <algorithm>
#include <deque>
#include <random>
#include <thread>

#include "mariadb_backend.h"
#include "switchboard/error.h"
#include "switchboard/schema.h"

namespace switchboard {
namespace mariadb {
namespace {

constexpr std::size_t kBulkRows = 1000;
constexpr std::size_t kBulkBytes = 4u << 20;

std::string not_found(std::string_view doctype, std::string_view name) {
  return std::string(doctype) + " '" + std::string(name) + "' not found";
}

// GET_LOCK names are server-wide: prefix the database; long keys are hashed (stable FNV-1a).
std::string lock_name(const std::string& database, std::string_view key) {
  std::string n = "sb:" + database + ":" + std::string(key);
  if (n.size() <= 64) return n;
  return "sb:" + stable_hash(n) + ":" + n.substr(3, 40);
}

// "UPDATE <table> SET a = ?, b = ?" for `changes`; returns their values, "" as NULL in a
// non-text column (MariaDB's strict mode refuses '' for a number or a date).
std::vector<Value> append_update_set(std::string& sql, const TableInfo& t, const Document& changes) {
  sql += "UPDATE " + t.sql_name + " SET ";
  std::vector<Value> values;
  values.reserve(changes.size() + 1);
  bool first = true;
  for (const auto& [k, v] : changes) {
    if (!first) sql += ", ";
    first = false;
    append_ident(sql, k);
    sql += " = ?";
    const ColumnClass* cls = t.column(k);
    values.push_back(cls && *cls != ColumnClass::kText && v.is_text() && v.as_text().empty() ? Value() : v);
  }
  return values;
}

}  // namespace

void backoff(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  int cap = std::min(200, 2 << std::min(attempt, 7));
  std::this_thread::sleep_for(std::chrono::milliseconds(
      std::uniform_int_distribution<int>(cap / 2, cap)(rng)));
}

void TableInfo::rebuild() {
  sorted.clear();
  is_custom.clear();
  select_all.clear();
  for (const auto& [name, cls] : columns) {
    sorted.push_back(name);
    is_custom.push_back(def->field(name) == nullptr);
    if (!select_all.empty()) select_all += ", ";
    append_ident(select_all, name);
  }
}

MariaDbBackend::MariaDbBackend(ConnectSpec spec, const MariaDbOptions& options)
    : spec_(std::move(spec)),
      options_(options),
      conn_(std::make_unique<Connection>(spec_, options.statement_cache_size)) {}

MariaDbBackend::~MariaDbBackend() = default;

void MariaDbBackend::open(std::shared_ptr<const Schema> schema) {
  schema_ = schema ? std::move(schema) : Schema::standard();
  if (!spec_.frappe) migrate();
  load_tables();
}

std::uint32_t MariaDbBackend::capabilities() const {
  return Capability::kSavepoints | Capability::kLock | Capability::kCount |
         Capability::kRemoveWhere | Capability::kSeries | Capability::kInsertMany |
         Capability::kCompleteDocuments;
}

TableInfo& MariaDbBackend::info(std::string_view doctype) {
  auto it = tables_.find(doctype);
  if (it == tables_.end())
    throw NotFound("unknown doctype '" + std::string(doctype) + "'", ErrorCode::kUnknownDoctype);
  return it->second;
}

void MariaDbBackend::touch(const TableInfo& t) {
  if (depth_ > 0 && !touched_.count(t.def->name)) touched_.insert(t.def->name);
}

// ---- statements ------------------------------------------------------------------------------

std::uint64_t MariaDbBackend::exec(const std::string& sql, const std::vector<const Value*>& params) {
  return conn_->prepare(sql).execute(params);
}

Document MariaDbBackend::read_row(const TableInfo& t, std::vector<Value>& row) const {
  Document d;
  d.reserve(t.sorted.size());
  for (std::size_t c = 0; c < t.sorted.size(); ++c) {
    if (row[c].is_null() && t.is_custom[c]) continue;  // unset custom fields are absent
    d.append_sorted(t.sorted[c], std::move(row[c]));
  }
  if (d.size() < t.def->columns().size()) {  // schema fields the table lacks read as null
    for (const auto& f : t.def->columns())
      if (!t.column(f.name)) d.set(f.name, Value());
  }
  return d;
}

// The values written for `doc`'s non-null fields, as each column stores them: "" is NULL in
// date, time and number columns (Frappe writes None there).
void MariaDbBackend::prepare_values(const TableInfo& t, const Document& doc,
                                    std::vector<Value>& values) const {
  values.clear();
  for (const auto& [k, v] : doc) {
    if (v.is_null()) continue;
    const ColumnClass* cls = t.column(k);
    if (cls && *cls != ColumnClass::kText && v.is_text() && v.as_text().empty()) values.emplace_back();
    else values.push_back(v);
  }
}

std::optional<Document> MariaDbBackend::get(std::string_view doctype, std::string_view name) {
  TableInfo& t = info(doctype);
  if (depth_ == 0) refresh_if_changed();
  if (t.single) {
    if (name != t.def->name) return std::nullopt;
    return run("get", doctype, true, [&] { return single_get(t); });
  }
  touch(t);
  // Names compare under the table's collation, as Frappe's (and the primary key's) do.
  const std::string sql = "SELECT " + t.select_all + " FROM " + t.sql_name + " WHERE `name` = ?";
  const Value key{std::string(name)};
  return run("get", doctype, true, [&] {
    std::optional<Document> out;
    select(sql, {&key}, [&](std::vector<Value>& row) { out = read_row(t, row); });
    return out;
  });
}

std::vector<Document> MariaDbBackend::find(std::string_view doctype, const Query& q) {
  TableInfo& t = info(doctype);
  if (depth_ == 0) refresh_if_changed();
  if (t.single) {  // one document at most: Frappe's filter semantics evaluated here
    auto doc = run("find", doctype, true, [&] { return single_get(t); });
    std::vector<Document> out;
    if (!doc || !filters_match(q.filters, *doc) || q.offset > 0 || (q.limit && *q.limit == 0))
      return out;
    if (q.fields.empty()) {
      out.push_back(std::move(*doc));
    } else {
      Document projected;
      for (const auto& f : q.fields) projected.set(f, doc->get(f));
      out.push_back(std::move(projected));
    }
    return out;
  }
  touch(t);
  auto lookup = [&](std::string_view c) { return t.column(c); };
  std::string sql;
  sql.reserve(200);
  sql += "SELECT ";
  if (q.fields.empty()) {
    sql += t.select_all;
  } else {
    for (std::size_t i = 0; i < q.fields.size(); ++i) {
      if (i) sql += ", ";
      if (t.column(q.fields[i])) append_ident(sql, q.fields[i]);
      else sql += "NULL";
    }
  }
  sql += " FROM " + t.sql_name;
  std::vector<const Value*> params;
  std::vector<Value> owned;
  append_where(sql, params, owned, q.filters, lookup);
  append_order(sql, q.order_by, lookup);
  const Value limit(q.limit ? *q.limit : std::numeric_limits<std::int64_t>::max());
  const Value offset(q.offset);
  if (q.limit || q.offset) {
    sql += " LIMIT ? OFFSET ?";
    params.push_back(&limit);
    params.push_back(&offset);
  }
  return run("find", doctype, true, [&] {
    std::vector<Document> out;
    select(sql, params, [&](std::vector<Value>& row) {
      if (q.fields.empty()) {
        out.push_back(read_row(t, row));
      } else {
        Document d;
        d.reserve(q.fields.size());
        for (std::size_t c = 0; c < q.fields.size(); ++c) d.set(q.fields[c], std::move(row[c]));
        out.push_back(std::move(d));
      }
    });
    return out;
  });
}

std::int64_t MariaDbBackend::count(std::string_view doctype, const Filters& filters) {
  TableInfo& t = info(doctype);
  if (t.single) {
    Query q(filters);
    return static_cast<std::int64_t>(find(doctype, q).size());
  }
  if (depth_ == 0) refresh_if_changed();
  touch(t);
  std::string sql = "SELECT COUNT(*) FROM " + t.sql_name;
  std::vector<const Value*> params;
  std::vector<Value> owned;
  append_where(sql, params, owned, filters, [&](std::string_view c) { return t.column(c); });
  return run("count", doctype, true, [&] {
    std::int64_t n = 0;
    select(sql, params, [&](std::vector<Value>& row) { n = row[0].as_int(); });
    return n;
  });
}

std::string MariaDbBackend::insert_row(TableInfo& t, const Document& doc) {
  Document named;
  const Document* row = &doc;
  if (t.int_name) {  // Frappe autoincrement: the sequence names it
    named = doc;
    named.set("name", Value(next_sequence_name(t, doc)));
    row = &named;
  }
  std::string sql = "INSERT INTO " + t.sql_name + " (";
  std::string marks;
  for (const auto& [k, v] : *row) {
    if (v.is_null()) continue;
    if (!marks.empty()) {
      sql += ", ";
      marks += ", ";
    }
    append_ident(sql, k);
    marks += '?';
  }
  sql += ") VALUES (" + marks + ")";
  std::vector<Value> values;
  prepare_values(t, *row, values);
  std::vector<const Value*> params;
  params.reserve(values.size());
  for (const auto& v : values) params.push_back(&v);
  touch(t);
  run("insert into", t.def->name, false, [&] { return exec(sql, params); });
  return row->text("name");
}

std::string MariaDbBackend::insert(std::string_view doctype, const Document& doc) {
  TableInfo& t = info(doctype);
  if (t.single) {
    run("insert into", doctype, false, [&] {
      if (single_get(t)) throw StoreError(ErrorCode::kDuplicate, not_found(doctype, doctype) + " exists already");
      single_write(t, doc, true);
      return 0;
    });
    return t.def->name;
  }
  ensure_columns(t, doc);
  return insert_row(t, doc);
}

void MariaDbBackend::insert_many(std::string_view doctype, const std::vector<Document>& docs) {
  if (docs.empty()) return;
  TableInfo& t = info(doctype);
  for (const auto& d : docs) ensure_columns(t, d);
  begin();  // all or nothing, also across chunks
  try {
    if (t.single || t.int_name) {
      for (const auto& d : docs) t.single ? (void)insert(doctype, d) : (void)insert_row(t, d);
    } else {
      std::vector<std::string> fields;  // every field set in any document, sorted
      for (const auto& d : docs)
        for (const auto& [k, v] : d)
          if (!v.is_null() && !std::binary_search(fields.begin(), fields.end(), k))
            fields.insert(std::upper_bound(fields.begin(), fields.end(), k), k);
      std::string sql = "INSERT INTO " + t.sql_name + " (";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) sql += ", ";
        append_ident(sql, fields[i]);
      }
      sql += ") VALUES (";
      for (std::size_t i = 0; i < fields.size(); ++i) sql += i ? ", ?" : "?";
      sql += ")";
      static const Value kNull;
      std::deque<Value> converted;  // "" in date and number columns becomes NULL
      for (std::size_t start = 0; start < docs.size();) {
        std::vector<std::vector<const Value*>> columns(fields.size());
        std::size_t bytes = 0, end = start;
        for (; end < docs.size() && end - start < kBulkRows && bytes < kBulkBytes; ++end) {
          for (std::size_t c = 0; c < fields.size(); ++c) {
            const Value* v = docs[end].find(fields[c]);
            if (v && v->is_text()) {
              bytes += v->as_text().size();
              const ColumnClass* cls = t.column(fields[c]);
              if (v->as_text().empty() && cls && *cls != ColumnClass::kText) v = &kNull;
            }
            columns[c].push_back(v);  // absent: the column's DEFAULT
          }
        }
        touch(t);
        run("bulk insert into", doctype, false,
            [&] { return conn_->prepare(sql).execute_bulk(columns, end - start); });
        start = end;
      }
    }
    commit();
  } catch (...) {
    try {
      rollback();
    } catch (...) {
    }
    throw;
  }
}

std::int64_t MariaDbBackend::update_rows(TableInfo& t, const Filters& filters,
                                         const Document& changes) {
  std::string sql;
  std::vector<Value> values = append_update_set(sql, t, changes);
  std::vector<const Value*> params;
  for (const auto& v : values) params.push_back(&v);
  std::vector<Value> owned;
  append_where(sql, params, owned, filters, [&](std::string_view c) { return t.column(c); });
  touch(t);
  return run("update", t.def->name, false,
             [&] { return static_cast<std::int64_t>(exec(sql, params)); });
}

void MariaDbBackend::update(std::string_view doctype, std::string_view name,
                            const Document& changes) {
  TableInfo& t = info(doctype);
  if (t.single) {
    run("update", doctype, false, [&] {
      if (name != t.def->name || !single_get(t)) throw NotFound(not_found(doctype, name));
      single_write(t, changes, false);
      return 0;
    });
    return;
  }
  ensure_columns(t, changes);
  std::string sql;
  std::vector<Value> values = append_update_set(sql, t, changes);
  sql += " WHERE `name` = ?";
  values.emplace_back(std::string(name));
  std::vector<const Value*> params;
  for (const auto& v : values) params.push_back(&v);
  touch(t);
  auto n = run("update", doctype, false, [&] { return exec(sql, params); });
  if (n == 0) throw NotFound(not_found(doctype, name));
}

std::int64_t MariaDbBackend::update_where(std::string_view doctype, const Filters& filters,
                                          const Document& changes) {
  TableInfo& t = info(doctype);
  if (t.single) {
    auto doc = get(doctype, doctype);
    if (!doc || !filters_match(filters, *doc)) return 0;
    update(doctype, doctype, changes);
    return 1;
  }
  ensure_columns(t, changes);
  return update_rows(t, filters, changes);
}

std::int64_t MariaDbBackend::delete_rows(TableInfo& t, const Filters& filters) {
  std::string sql = "DELETE FROM " + t.sql_name;
  std::vector<const Value*> params;
  std::vector<Value> owned;
  append_where(sql, params, owned, filters, [&](std::string_view c) { return t.column(c); });
  touch(t);
  return run("delete from", t.def->name, false,
             [&] { return static_cast<std::int64_t>(exec(sql, params)); });
}

void MariaDbBackend::remove(std::string_view doctype, std::string_view name) {
  TableInfo& t = info(doctype);
  const Value key{std::string(t.single ? t.def->name : std::string(name))};
  std::string sql = t.single ? "DELETE FROM `tabSingles` WHERE `doctype` = ?"
                             : "DELETE FROM " + t.sql_name + " WHERE `name` = ?";
  if (t.single && name != t.def->name) throw NotFound(not_found(doctype, name));
  touch(t);
  auto n = run("delete from", doctype, false, [&] { return exec(sql, {&key}); });
  if (n == 0) throw NotFound(not_found(doctype, name));
}

std::int64_t MariaDbBackend::remove_where(std::string_view doctype, const Filters& filters) {
  TableInfo& t = info(doctype);
  if (t.single) {
    auto doc = get(doctype, doctype);
    if (!doc || !filters_match(filters, *doc)) return 0;
    remove(doctype, doctype);
    return 1;
  }
  return delete_rows(t, filters);
}

// ---- naming series and locks -----------------------------------------------------------------

std::int64_t MariaDbBackend::next_series(std::string_view prefix) {
  // One statement bumps or creates the row and returns the value: the row stays locked until
  // the transaction ends, so a rollback gives the number back and Frappe's own getseries()
  // (SELECT ... FOR UPDATE) waits for us.
  static const std::string sql =
      "INSERT INTO `tabSeries` (`name`, `current`) VALUES (?, LAST_INSERT_ID(1)) "
      "ON DUPLICATE KEY UPDATE `current` = LAST_INSERT_ID(`current` + 1)";
  const Value key{std::string(prefix)};
  if (depth_ > 0) touched_.insert("Series");
  return run("naming series", prefix, false, [&] {
    Statement& s = conn_->prepare(sql);
    s.execute({&key});
    return static_cast<std::int64_t>(s.insert_id());
  });
}

void MariaDbBackend::lock(std::string_view key) {
  check_open_transaction("lock");
  std::string name = lock_name(spec_.database, key);
  if (locks_.count(name)) return;
  const Value n(name), timeout(static_cast<std::int64_t>(spec_.lock_wait_timeout));
  Value got;
  run("lock", key, false, [&] {
    select("SELECT GET_LOCK(?, ?)", {&n, &timeout}, [&](std::vector<Value>& row) { got = row[0]; });
    return 0;
  });
  if (got.is_null())
    throw StoreError(ErrorCode::kBackend, "lock " + std::string(key) + ": GET_LOCK failed");
  if (got.as_int() != 1)
    throw StoreError(ErrorCode::kBusy, "lock " + std::string(key) + ": still held by another " +
                                           "session after " +
                                           std::to_string(spec_.lock_wait_timeout) + " s");
  locks_.insert(std::move(name));
}

// ---- transactions ----------------------------------------------------------------------------

void MariaDbBackend::check_open_transaction(const char* what) const {
  if (depth_ == 0)
    throw StoreError(ErrorCode::kTransaction, std::string(what) + "() outside a transaction");
}

void MariaDbBackend::abort_transaction(unsigned code) noexcept {
  poisoned_ = true;
  poison_reason_ =
      code == kLockWaitTimeout ? "the transaction was rolled back after a lock-wait timeout"
      : is_connection_lost(code) ? "the transaction was lost with the connection"
      : code == 0 ? "the transaction was rolled back for a table change"
                  : "the transaction was rolled back after a deadlock";
  poison_reason_ += "; roll it back and run it again";
  try {
    if (is_connection_lost(code)) conn_->reconnect();
    else conn_->exec("ROLLBACK");  // after 1205 only the statement was undone: end it all
  } catch (...) {
  }
}

void MariaDbBackend::end_outermost() noexcept {
  if (!locks_.empty()) {
    try {
      conn_->exec("SELECT RELEASE_ALL_LOCKS()");
    } catch (...) {  // a lost connection released them already
    }
    locks_.clear();
  }
  touched_.clear();
  poisoned_ = false;
  poison_reason_.clear();
}

void MariaDbBackend::begin() {
  if (depth_ == 0) {
    refresh_if_changed();
    run("begin", "transaction", true, [&] { return conn_->exec("START TRANSACTION"); });
    touched_.clear();
    poisoned_ = false;
  } else {
    std::string sql = "SAVEPOINT sb_" + std::to_string(depth_);
    run("savepoint", "transaction", false, [&] { return conn_->exec(sql); });
  }
  ++depth_;
}

void MariaDbBackend::commit() {
  check_open_transaction("commit");
  if (poisoned_) throw StoreError(ErrorCode::kConflict, "commit: " + poison_reason_);
  if (depth_ > 1) {
    std::string sql = "RELEASE SAVEPOINT sb_" + std::to_string(depth_ - 1);
    run("release", "transaction", false, [&] { return conn_->exec(sql); });
    --depth_;
    return;
  }
  conn_->take_failure();
  try {
    conn_->exec("COMMIT");
  } catch (const Error& e) {
    const unsigned code = conn_->take_failure();
    if (is_connection_lost(code)) {
      abort_transaction(code);
      throw StoreError(ErrorCode::kIo, std::string(e.what()) +
                                           " (the connection was lost during COMMIT: the "
                                           "transaction may or may not have been committed)");
    }
    if (is_transaction_abort(code)) abort_transaction(code);  // e.g. a Galera certification failure
    throw;
  }
  depth_ = 0;
  end_outermost();
}

void MariaDbBackend::rollback() {
  check_open_transaction("rollback");
  const int level = depth_--;  // the level is gone whatever happens below
  if (level == 1) {
    try {
      conn_->exec("ROLLBACK");
    } catch (...) {
      try {
        if (is_connection_lost(conn_->take_failure())) conn_->reconnect();
      } catch (...) {
      }
    }
    end_outermost();
    return;
  }
  if (poisoned_) return;  // the server already ended the whole transaction
  std::string sql = "ROLLBACK TO SAVEPOINT sb_" + std::to_string(level - 1);
  try {
    conn_->exec(sql);
  } catch (const Error&) {
    const unsigned code = conn_->take_failure();
    if (is_connection_lost(code) || is_transaction_abort(code)) abort_transaction(code);
    throw;
  }
}

}  // namespace mariadb

// ---- public factory ----------------------------------------------------------------------------

std::shared_ptr<StoreBackend> make_mariadb_backend(const std::string& url, MariaDbOptions options) {
  auto spec = mariadb::parse_url(url, options);
  return std::make_shared<mariadb::MariaDbBackend>(std::move(spec), options);
}

std::shared_ptr<const Schema> frappe_site_schema(StoreBackend& backend, const Schema& wanted) {
  auto* b = dynamic_cast<mariadb::MariaDbBackend*>(&backend);
  if (!b || !b->spec().frappe) return nullptr;
  return b->read_site_schema(wanted);
}

std::string frappe_site_time_zone(StoreBackend& backend) {
  auto* b = dynamic_cast<mariadb::MariaDbBackend*>(&backend);
  if (!b || !b->spec().frappe) return "";
  return b->read_site_time_zone();
}

}  // namespace switchboard
