// SqliteStore: Frappe tables in one SQLite file through SQLiteCpp, with a prepared-statement
// cache, WAL, BEGIN IMMEDIATE writers, savepoints and in-place schema migration.
#include "switchboard/log.h"
#include "switchboard/schema.h"
#include "switchboard/sqlite_store.h"
#include "switchboard/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "sqlite_sql.h"

namespace switchboard {
namespace {

// Bumped when a release needs a data migration (not for added tables, columns or indexes:
// those follow the schema fingerprint automatically).
constexpr int kSchemaVersion = 1;
constexpr const char* kMetaTable = "__switchboard_meta";

// `path` as an SQLite URI opening the file read-only without locks or a WAL index.
std::string immutable_uri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char* hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[(static_cast<unsigned char>(c) >> 4) & 15];
      uri += hex[static_cast<unsigned char>(c) & 15];
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

// Our code for an SQLite error other than a constraint failure.
ErrorCode store_error_code(int sqlite_code) {
  switch (sqlite_code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ErrorCode::kBusy;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM: return ErrorCode::kIo;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return ErrorCode::kCorrupt;
    default: return ErrorCode::kBackend;
  }
}

[[noreturn]] void throw_mapped(const SQLite::Exception& e, const std::string& context) {
  std::string msg = context + ": " + e.what();
  if (e.getErrorCode() == SQLITE_CONSTRAINT) {
    const int ext = e.getExtendedErrorCode();
    if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE)
      throw StoreError(ErrorCode::kDuplicate, msg);
    throw ValidationError(msg);
  }
  throw StoreError(store_error_code(e.getErrorCode()), msg);
}

// Ends each field name in an INSERT's shape key (never part of a column name).
constexpr char kShapeSeparator = '\x1f';

// A table's actual columns (schema fields plus custom ones found in the file), and the SQL
// and statements that depend only on them.
struct TableInfo {
  const DocTypeDef* def = nullptr;
  std::string sql_name;                  // "tabX", quoted
  std::set<std::string, std::less<>> columns;
  std::vector<char> declared_present;    // parallel to def->columns(): in the file?
  std::vector<std::string> sorted;       // all columns, sorted: SELECT order == Document order
  std::vector<bool> is_custom;           // parallel to `sorted`
  std::string select_all;                // quoted list in `sorted` order
  std::string get_sql;                   // SELECT every column WHERE name = ?
  // INSERT statements by the list of fields they write (one per document shape).
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> inserts;
  // The INSERT used last and its key in `inserts` (map nodes do not move): bulk inserts repeat
  // one shape, so it is tried first, by comparing names, before building the shape key.
  SQLite::Statement* last_insert = nullptr;
  const std::string* last_insert_shape = nullptr;

  // Asked for every filtered and ordered column of every query: declared fields by index.
  bool has(std::string_view c) const {
    if (const FieldDef* f = def->field(c))
      return declared_present[static_cast<std::size_t>(f - def->columns().data())] != 0;
    return columns.find(c) != columns.end();
  }
  void forget_inserts() {
    inserts.clear();
    last_insert = nullptr;
    last_insert_shape = nullptr;
  }
  // Whether `doc`'s non-null fields are exactly the last INSERT's, in order.
  bool is_last_insert_shape(const Document& doc) const {
    if (!last_insert) return false;
    std::string_view rest = *last_insert_shape;
    for (const auto& [k, v] : doc) {
      if (v.is_null()) continue;
      if (rest.size() <= k.size() || rest[k.size()] != kShapeSeparator ||
          std::memcmp(rest.data(), k.data(), k.size()) != 0)
        return false;
      rest.remove_prefix(k.size() + 1);
    }
    return rest.empty();
  }
  void rebuild() {
    declared_present.clear();
    for (const auto& c : def->columns()) declared_present.push_back(columns.count(c.name) ? 1 : 0);
    sorted.assign(columns.begin(), columns.end());
    is_custom.clear();
    select_all.clear();
    for (const auto& c : sorted) {
      is_custom.push_back(def->field(c) == nullptr);
      if (!select_all.empty()) select_all += ", ";
      sqlite::append_quoted(select_all, c);
    }
    get_sql = "SELECT " + select_all + " FROM " + sql_name + " WHERE \"name\" = ?";
    forget_inserts();
  }
};

// Naming-series counters of the open write transaction. BEGIN IMMEDIATE holds the file's
// write lock, so no one else can bump a counter until COMMIT: after the first bump of a
// prefix (an upsert in tabSeries) the next ones need no statement. Each savepoint keeps a
// copy, so rolling an item back gives its numbers back as the upsert's undo would.
class SeriesCounters {
 public:
  // The counter after one more bump, or nullptr when this transaction has not bumped it yet.
  std::int64_t* bump(std::string_view prefix) {
    auto it = counters_.find(prefix);
    if (it == counters_.end()) return nullptr;
    ++it->second.current;
    return &it->second.current;
  }
  void start(std::string_view prefix, std::int64_t stored) {
    counters_.insert_or_assign(std::string(prefix), Counter{stored, stored});
  }
  bool unwritten() const noexcept {
    for (const auto& [prefix, c] : counters_)
      if (c.current != c.stored) return true;
    return false;
  }
  // Calls write(prefix, value) for each counter ahead of tabSeries, then counts it as stored.
  template <typename Write>
  void write(Write&& write) {
    for (auto& [prefix, c] : counters_) {
      if (c.current == c.stored) continue;
      write(prefix, c.current);
      c.stored = c.current;
    }
  }
  void savepoint() { saved_.push_back(counters_); }
  void release() {
    if (!saved_.empty()) saved_.pop_back();
  }
  void rollback_savepoint() {
    if (saved_.empty()) return;
    counters_ = std::move(saved_.back());
    saved_.pop_back();
  }
  void clear() noexcept {
    counters_.clear();
    saved_.clear();
  }

 private:
  struct Counter {
    std::int64_t stored;   // the value in tabSeries
    std::int64_t current;  // the last number handed out
  };
  std::map<std::string, Counter, std::less<>> counters_;
  std::vector<std::map<std::string, Counter, std::less<>>> saved_;
};

// LRU cache of prepared statements keyed by SQL text.
class StatementCache {
 public:
  StatementCache(SQLite::Database& db, std::size_t capacity) : db_(db), capacity_(capacity) {}
  SQLite::Statement& get(const std::string& sql) {
    auto it = map_.find(sql);
    if (it != map_.end()) {
      if (it->second != lru_.begin()) lru_.splice(lru_.begin(), lru_, it->second);
      return *it->second->second;
    }
    lru_.emplace_front(sql, std::make_unique<SQLite::Statement>(db_, sql));
    map_.emplace(sql, lru_.begin());
    if (map_.size() > capacity_) {
      map_.erase(lru_.back().first);
      lru_.pop_back();
    }
    return *lru_.front().second;
  }

 private:
  using Entry = std::pair<std::string, std::unique_ptr<SQLite::Statement>>;
  SQLite::Database& db_;
  std::size_t capacity_;
  std::list<Entry> lru_;
  std::unordered_map<std::string, std::list<Entry>::iterator> map_;
};

// Resets a statement when a use ends, so no read cursor outlives the call.
struct Use {
  explicit Use(SQLite::Statement& s) : stmt(s) {}
  ~Use() { stmt.tryReset(); }
  SQLite::Statement& stmt;
};

void bind(SQLite::Statement& stmt, int index, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: stmt.bind(index); break;
    case Value::Type::kInt: stmt.bind(index, static_cast<int64_t>(v.as_int())); break;
    case Value::Type::kReal: stmt.bind(index, v.as_real()); break;
    case Value::Type::kText: stmt.bindNoCopy(index, v.as_text()); break;
  }
}

Value column_value(const SQLite::Column& c) {
  switch (c.getType()) {
    case SQLITE_INTEGER: return Value(static_cast<std::int64_t>(c.getInt64()));
    case SQLITE_FLOAT: return Value(c.getDouble());
    case SQLITE_NULL: return Value();
    default: {
      const char* data = static_cast<const char*>(c.getBlob());  // before getBytes (SQLite rule)
      int size = c.getBytes();
      return Value(std::string(data, static_cast<std::size_t>(size)));
    }
  }
}

// Thread-safety: called by one Store facade, one call at a time.
class SqliteBackend final : public StoreBackend {
 public:
  explicit SqliteBackend(const SqliteOptions& opt)
      : options_(opt),
        db_(open_database(opt)),
        cache_(db_, opt.statement_cache_size ? opt.statement_cache_size : 1) {
    try {
      db_.setBusyTimeout(opt.busy_timeout_ms);
      if (opt.path != ":memory:" && !opt.path.empty() && !opt.read_only) {
        retry_busy([&] { db_.exec("PRAGMA journal_mode=WAL"); });
      }
      db_.exec("PRAGMA synchronous=" + (opt.synchronous == "FULL" ? std::string("FULL")
                                                                   : std::string("NORMAL")));
      db_.exec("PRAGMA foreign_keys=OFF");
      db_.exec("PRAGMA cache_size=-" + std::to_string(std::max(opt.page_cache_kib, 64)));
      db_.exec("PRAGMA temp_store=MEMORY");
      if (!opt.read_only) {
        SQLite::Statement page_size(db_, "PRAGMA page_size");
        page_size.executeStep();
        const long long bytes = std::max(1, page_size.getColumn(0).getInt());
        db_.exec("PRAGMA wal_autocheckpoint=" +
                 std::to_string(std::max(1LL, std::max(0, opt.wal_checkpoint_kib) * 1024LL / bytes)));
      }
    } catch (const SQLite::Exception& e) {
      throw_mapped(e, "opening " + opt.path);
    }
  }

  void open(std::shared_ptr<const Schema> schema) override {
    schema_ = std::move(schema);
    const SqliteOptions& opt = options_;
    try {
      if (opt.read_only) check_readable();
      else migrate();
      switchboard::log(LogLevel::kDebug, "sqlite",
          "opened '" + opt.path + "'" + (opt.read_only ? " read-only" : ""));
      begin_ = prepare(opt.read_only ? "BEGIN" : "BEGIN IMMEDIATE");
      read_begin_ = prepare("BEGIN");
      commit_ = prepare("COMMIT");
      rollback_ = prepare("ROLLBACK");
      schema_version_ = prepare("PRAGMA schema_version");
      series_ = prepare(
          "INSERT INTO \"tabSeries\" (\"name\", \"current\") VALUES (?, 1) ON CONFLICT(\"name\") "
          "DO UPDATE SET \"current\" = \"current\" + 1 RETURNING \"current\"");
      series_set_ = prepare("UPDATE \"tabSeries\" SET \"current\" = ? WHERE \"name\" = ?");
      load_tables();
    } catch (const SQLite::Exception& e) {
      throw_mapped(e, "opening " + opt.path);
    }
  }

  ~SqliteBackend() override {
    // SQLite's advice: keep planner statistics fresh when a connection closes. The analysis
    // limit samples each index instead of reading it whole, so closing costs about the same
    // however large the file has grown.
    try {
      db_.exec("PRAGMA analysis_limit=1000");
      db_.exec("PRAGMA optimize");
    } catch (...) {
    }
  }

  const Schema& schema() const { return *schema_; }
  const std::string& path() const { return options_.path; }

  std::uint32_t capabilities() const override {
    return Capability::kSavepoints | Capability::kLock | Capability::kCount |
           Capability::kRemoveWhere | Capability::kSeries | Capability::kCompleteDocuments;
  }
  // BEGIN IMMEDIATE already holds the database's single write lock across processes.
  void lock(std::string_view) override {}

  std::optional<Document> get(std::string_view doctype, std::string_view name) override {
    if (depth_ != 0 || options_.read_only) {
      see_schema_changes(doctype);
      return get_row(doctype, name);
    }
    // Outside a transaction: the schema cookie and the row in one read transaction, which
    // locks the file once instead of once per statement.
    run("begin a read of", doctype, [&] { exec(*read_begin_); });
    try {
      run("read the schema version of", doctype, [&] { refresh_if_schema_changed(); });
      auto row = get_row(doctype, name);
      run("end a read of", doctype, [&] { exec(*commit_); });
      return row;
    } catch (...) {
      try {
        exec(*rollback_);
      } catch (...) {
      }
      throw;
    }
  }

  std::optional<Document> get_row(std::string_view doctype, std::string_view name) {
    const TableInfo& t = info(doctype);
    return run("get", doctype, [&]() -> std::optional<Document> {
      auto& stmt = cache_.get(t.get_sql);
      Use use(stmt);
      std::string key(name);
      stmt.bindNoCopy(1, key);
      if (!step(stmt)) return std::nullopt;
      return read_all(t, stmt);
    });
  }

  std::vector<Document> find(std::string_view doctype, const Query& q) override {
    const std::vector<std::string>& fields = q.fields;  // the facade removed duplicates
    std::vector<Value> owned;
    const TableInfo& t = build_read(doctype, fields.empty(), [&](const TableInfo& table, const auto& has) {
      std::string& sql = scratch_sql();
      sql += "SELECT ";
      if (fields.empty()) {
        sql += table.select_all;
      } else {
        for (std::size_t i = 0; i < fields.size(); ++i) {
          if (i) sql += ", ";
          if (has(fields[i])) sqlite::append_quoted(sql, fields[i]);
          else sql += "NULL";
        }
      }
      sql += " FROM ";
      sql += table.sql_name;
      std::vector<const Value*>& params = scratch_params();
      owned.clear();
      sqlite::append_where(sql, params, owned, q.filters, has);
      sqlite::append_order(sql, q.order_by, has);
      if (q.limit || q.offset) sql += " LIMIT ? OFFSET ?";
    });
    const std::string& sql = sql_scratch_;
    const std::vector<const Value*>& params = params_scratch_;
    return run("find", doctype, [&] {
      auto& stmt = cache_.get(sql);
      Use use(stmt);
      int i = 0;
      for (const Value* p : params) bind(stmt, ++i, *p);
      if (q.limit || q.offset) {
        stmt.bind(++i, static_cast<int64_t>(q.limit ? *q.limit : -1));
        stmt.bind(++i, static_cast<int64_t>(q.offset));
      }
      std::vector<Document> out;
      // The selected columns in name order, so each row's Document is built by appending.
      std::vector<int> by_name(fields.size());
      for (std::size_t c = 0; c < fields.size(); ++c) by_name[c] = static_cast<int>(c);
      std::sort(by_name.begin(), by_name.end(), [&](int a, int b) { return fields[a] < fields[b]; });
      while (step(stmt)) {
        if (fields.empty()) {
          out.push_back(read_all(t, stmt));
        } else {
          Document d;
          d.reserve(fields.size());
          for (std::size_t k = 0; k < by_name.size(); ++k) {
            const int c = by_name[k];
            if (k && fields[c] == fields[by_name[k - 1]]) continue;  // a column named twice
            d.append_sorted(fields[c], column_value(stmt.getColumn(c)));
          }
          out.push_back(std::move(d));
        }
      }
      return out;
    });
  }

  std::int64_t count(std::string_view doctype, const Filters& filters) override {
    std::vector<Value> owned;
    build_read(doctype, false, [&](const TableInfo& t, const auto& has) {
      std::string& sql = scratch_sql();
      sql += "SELECT COUNT(*) FROM ";
      sql += t.sql_name;
      std::vector<const Value*>& params = scratch_params();
      owned.clear();
      sqlite::append_where(sql, params, owned, filters, has);
    });
    const std::string& sql = sql_scratch_;
    const std::vector<const Value*>& params = params_scratch_;
    return run("count", doctype, [&] {
      auto& stmt = cache_.get(sql);
      Use use(stmt);
      int i = 0;
      for (const Value* p : params) bind(stmt, ++i, *p);
      step(stmt);
      return static_cast<std::int64_t>(stmt.getColumn(0).getInt64());
    });
  }

  std::string insert(std::string_view doctype, const Document& doc) override {
    TableInfo& t = info(doctype);
    SQLite::Statement* stmt = t.is_last_insert_shape(doc) ? t.last_insert : nullptr;
    if (!stmt) {
      // The statement depends only on which fields are set: key the cache on their names.
      std::string shape;
      shape.reserve(doc.size() * 12);
      for (const auto& [k, v] : doc) {
        if (v.is_null()) continue;
        shape += k;
        shape += kShapeSeparator;
      }
      auto it = t.inserts.find(shape);
      if (it == t.inserts.end()) {
        if (ensure_columns(t, doc)) return insert(doctype, doc);  // table info was rebuilt
        std::string sql = "INSERT INTO " + t.sql_name + " (";
        std::string marks;
        for (const auto& [k, v] : doc) {
          if (v.is_null()) continue;
          if (!marks.empty()) {
            sql += ", ";
            marks += ", ";
          }
          sqlite::append_quoted(sql, k);
          marks += '?';
        }
        sql += ") VALUES (" + marks + ")";
        if (t.inserts.size() >= 64) t.forget_inserts();
        auto prepared = run("prepare insert into", doctype,
                            [&] { return std::make_unique<SQLite::Statement>(db_, sql); });
        it = t.inserts.emplace(std::move(shape), std::move(prepared)).first;
      }
      stmt = it->second.get();
      t.last_insert = stmt;
      t.last_insert_shape = &it->first;
    }
    return run("insert into", doctype, [&] {
      Use use(*stmt);
      int i = 0;
      for (const auto& [k, v] : doc)
        if (!v.is_null()) bind(*stmt, ++i, v);
      stmt->exec();
      return doc.text("name");
    });
  }

  void update(std::string_view doctype, std::string_view name, const Document& changes) override {
    Filters by_name{Filter("name", Value(std::string(name)))};
    if (update_rows(doctype, by_name, changes) == 0)
      throw NotFound(std::string(doctype) + " '" + std::string(name) + "' not found");
  }

  std::int64_t update_where(std::string_view doctype, const Filters& filters,
                            const Document& changes) override {
    return update_rows(doctype, filters, changes);
  }

  void remove(std::string_view doctype, std::string_view name) override {
    Filters by_name{Filter("name", Value(std::string(name)))};
    if (remove_where(doctype, by_name) == 0)
      throw NotFound(std::string(doctype) + " '" + std::string(name) + "' not found");
  }

  std::int64_t remove_where(std::string_view doctype, const Filters& filters) override {
    const TableInfo& t = info(doctype);
    std::string& sql = scratch_sql();
    sql += "DELETE FROM ";
    sql += t.sql_name;
    std::vector<const Value*>& params = scratch_params();
    std::vector<Value> owned;
    sqlite::append_where(sql, params, owned, filters, [&](std::string_view c) { return t.has(c); });
    return run("delete from", doctype, [&] {
      auto& stmt = cache_.get(sql);
      Use use(stmt);
      int i = 0;
      for (const Value* p : params) bind(stmt, ++i, *p);
      return static_cast<std::int64_t>(stmt.exec());
    });
  }

  // Inside a write transaction the first bump of a prefix runs the upsert and later bumps
  // count in memory; the counters are written back before COMMIT and before anything touches
  // tabSeries (see SeriesCounters).
  std::int64_t next_series(std::string_view prefix) override {
    if (depth_ > 0)
      if (std::int64_t* n = series_counters_.bump(prefix)) return *n;
    std::int64_t n = run("naming series", prefix, [&] {
      Use use(*series_);
      std::string key(prefix);
      series_->bindNoCopy(1, key);
      step(*series_);
      return static_cast<std::int64_t>(series_->getColumn(0).getInt64());
    });
    if (depth_ > 0) series_counters_.start(prefix, n);
    return n;
  }

  void begin() override {
    if (depth_ == 0) {
      run("begin", "transaction", [&] {
        retry_busy([&] { exec(*begin_); });
        refresh_if_schema_changed();
      });
    } else {
      run("savepoint", "transaction",
          [&] { exec(cache_.get("SAVEPOINT sb_" + std::to_string(depth_))); });
      series_counters_.savepoint();
    }
    ++depth_;
  }

  void commit() override {
    check_transaction_alive("commit");
    if (depth_ == 1) {
      flush_series();
      run("commit", "transaction", [&] { retry_busy([&] { exec(*commit_); }); });
      series_counters_.clear();
    } else {
      run("release", "transaction",
          [&] { exec(cache_.get("RELEASE sb_" + std::to_string(depth_ - 1))); });
      series_counters_.release();
    }
    if (--depth_ == 0) columns_added_ = false;
  }

  void rollback() override {
    if (lost_ || sqlite3_get_autocommit(db_.getHandle())) {
      // SQLite already undid the whole transaction: each level only closes, and the outermost
      // one ends the loss (the file's columns are what they were before it began).
      series_counters_.clear();
      if (depth_ > 0) --depth_;
      if (depth_ == 0) {
        lost_ = false;
        if (columns_added_) load_tables();
        columns_added_ = false;
      }
      return;
    }
    if (depth_ == 1) {
      series_counters_.clear();
      run("rollback", "transaction", [&] { exec(*rollback_); });
    } else {
      std::string sp = "sb_" + std::to_string(depth_ - 1);
      run("rollback to", "transaction", [&] {
        exec(cache_.get("ROLLBACK TO " + sp));
        exec(cache_.get("RELEASE " + sp));
      });
      series_counters_.rollback_savepoint();
    }
    --depth_;
    if (columns_added_) load_tables();  // custom columns added by the undone work are gone
    if (depth_ == 0) columns_added_ = false;
  }

 private:
  // Before this process's first connection, SQLite's memory statistics (sqlite3_status) are
  // turned off: they cost every SQLite allocation a global mutex, about 4% of a routed mail.
  // A host that initialized SQLite first (Python's sqlite3 module does) keeps its own setting.
  static void configure_process_once() {
    static std::once_flag once;
    std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  }

  static SQLite::Database open_database(const SqliteOptions& opt) {
    configure_process_once();
    int flags = SQLite::OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (opt.read_only) flags |= SQLite::OPEN_READONLY;
    else flags |= SQLite::OPEN_READWRITE | (opt.create ? SQLite::OPEN_CREATE : 0);
    try {
      SQLite::Database db(opt.path, flags, opt.busy_timeout_ms);
      if (opt.read_only) {
        try {
          SQLite::Statement(db, "SELECT count(*) FROM sqlite_master").executeStep();
        } catch (const SQLite::Exception& e) {
          // A WAL file in a directory this process cannot write, and no -wal file: no writer
          // is at work on it, and a reader cannot create the -shm index it needs. Read it as
          // an immutable file instead.
          int code = e.getErrorCode();
          std::error_code ignored;
          bool wal_exists = std::filesystem::exists(opt.path + "-wal", ignored);
          if ((code != SQLITE_READONLY && code != SQLITE_CANTOPEN) || wal_exists ||
              opt.path.rfind("file:", 0) == 0)
            throw;
          switchboard::log(LogLevel::kInfo, "sqlite",
              "'" + opt.path + "' is read as an immutable file (no -wal file, and its folder "
              "cannot hold the index a reader needs)");
          return SQLite::Database(immutable_uri(opt.path), flags, opt.busy_timeout_ms);
        }
      }
      return db;
    } catch (const SQLite::Exception& e) {
      if ((!opt.create || opt.read_only) && e.getErrorCode() == SQLITE_CANTOPEN)
        throw NotFound("no SQLite database at '" + opt.path + "'");
      throw_mapped(e, "opening " + opt.path);
    }
  }

  std::unique_ptr<SQLite::Statement> prepare(const char* sql) {
    return std::make_unique<SQLite::Statement>(db_, sql);
  }

  // Runs SQLite work; maps its exceptions (with `what subject` as context) to ours.
  // Inside a transaction SQLite may have rolled back (a full disk, an I/O error): every
  // statement then refuses to run until the outermost level is rolled back.
  template <typename Fn>
  auto run(const char* what, std::string_view subject, Fn&& fn) -> decltype(fn()) {
    if (depth_ > 0) check_transaction_alive(what);
    try {
      return fn();
    } catch (const SQLite::Exception& e) {
      std::string context = std::string(what) + " " + std::string(subject);
      if (depth_ > 0 && sqlite3_get_autocommit(db_.getHandle())) {
        lost_ = true;
        lost_code_ = store_error_code(e.getErrorCode());
        lost_cause_ = context + ": " + e.what();
      }
      throw_mapped(e, context);
    }
  }

  // Throws when SQLite ended the open transaction by itself (the error that did it first, or
  // this statement's view of it): without this, a savepoint would silently begin a new
  // transaction and later writes would commit one at a time.
  void check_transaction_alive(const char* what) {
    if (!lost_ && !sqlite3_get_autocommit(db_.getHandle())) return;
    if (!lost_) {
      lost_ = true;
      lost_code_ = ErrorCode::kBackend;
      lost_cause_ = "an earlier error";
    }
    throw StoreError(lost_code_, std::string(what) + ": SQLite rolled the transaction back after " +
                                     lost_cause_ + "; roll it back and run it again");
  }

  // Retries an operation that failed with SQLITE_BUSY (beyond what the busy handler covers,
  // e.g. WAL recovery) until the busy timeout has passed.
  template <typename Fn>
  void retry_busy(Fn&& fn) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(options_.busy_timeout_ms);
    for (int attempt = 0;; ++attempt) {
      try {
        fn();
        return;
      } catch (const SQLite::Exception& e) {
        if ((e.getErrorCode() != SQLITE_BUSY && e.getErrorCode() != SQLITE_LOCKED) ||
            std::chrono::steady_clock::now() > deadline)
          throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50, 1 + attempt)));
      }
    }
  }

  bool step(SQLite::Statement& stmt) {
    for (int attempt = 0;; ++attempt) {
      try {
        return stmt.executeStep();
      } catch (const SQLite::Exception& e) {
        // Outside a transaction a read can meet a lock during WAL recovery: wait, then retry.
        if (e.getErrorCode() != SQLITE_BUSY || depth_ > 0 || attempt > 1000) throw;
        stmt.tryReset();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  }

  // The SQL text and parameter list of the query being built, emptied but keeping their
  // buffers: find/count/update/delete build one per call (never nested), no allocation each.
  std::string& scratch_sql() {
    sql_scratch_.clear();
    return sql_scratch_;
  }
  std::vector<const Value*>& scratch_params() {
    params_scratch_.clear();
    return params_scratch_;
  }

  static void exec(SQLite::Statement& stmt) {
    Use use(stmt);
    stmt.exec();
  }

  Document read_all(const TableInfo& t, SQLite::Statement& stmt) {
    Document d;
    d.reserve(t.sorted.size());
    for (std::size_t c = 0; c < t.sorted.size(); ++c) {
      Value v = column_value(stmt.getColumn(static_cast<int>(c)));
      if (v.is_null() && t.is_custom[c]) continue;  // unset custom fields are absent
      d.append_sorted(t.sorted[c], std::move(v));
    }
    return d;
  }

  std::int64_t update_rows(std::string_view doctype, const Filters& filters, const Document& changes) {
    TableInfo& t = info(doctype);
    ensure_columns(t, changes);
    std::string& sql = scratch_sql();
    sql += "UPDATE ";
    sql += t.sql_name;
    sql += " SET ";
    bool first = true;
    for (const auto& [k, v] : changes) {
      if (!first) sql += ", ";
      first = false;
      sqlite::append_quoted(sql, k);
      sql += " = ?";
    }
    std::vector<const Value*>& params = scratch_params();
    std::vector<Value> owned;
    sqlite::append_where(sql, params, owned, filters, [&](std::string_view c) { return t.has(c); });
    return run("update", doctype, [&] {
      auto& stmt = cache_.get(sql);
      Use use(stmt);
      int i = 0;
      for (const auto& [k, v] : changes) bind(stmt, ++i, v);
      for (const Value* p : params) bind(stmt, ++i, *p);
      return static_cast<std::int64_t>(stmt.exec());
    });
  }

  TableInfo& info(std::string_view doctype) {
    if (doctype == "Series" && series_counters_.unwritten()) flush_series();
    auto it = tables_.find(doctype);
    if (it == tables_.end())
      throw NotFound("unknown doctype '" + std::string(doctype) + "'", ErrorCode::kUnknownDoctype);
    return it->second;
  }

  // Adds columns for custom fields (untyped, so values keep their type), inside the caller's
  // transaction: a rollback removes them again. Returns whether any was added.
  bool ensure_columns(TableInfo& t, const Document& doc) {
    bool added = false;
    for (const auto& field : doc) {
      const std::string& k = field.first;  // named, not bound: lambdas may not capture bindings
      if (t.has(k) || field.second.is_null()) continue;
      run("adding custom field", k, [&] {
        try {
          db_.exec("ALTER TABLE " + t.sql_name + " ADD COLUMN " + sqlite::quote(k));
        } catch (const SQLite::Exception& e) {
          // Another process added it first.
          if (std::string(e.what()).find("duplicate column") == std::string::npos) throw;
        }
      });
      t.columns.insert(k);
      added = true;
      columns_added_ = true;
    }
    if (added) t.rebuild();
    return added;
  }

  int schema_version_pragma() {
    Use use(*schema_version_);
    schema_version_->executeStep();
    return schema_version_->getColumn(0).getInt();
  }

  // Whether another process changed the schema (then the column lists are read again).
  bool refresh_if_schema_changed() {
    if (schema_version_pragma() == known_schema_version_) return false;
    load_tables();
    return true;
  }

  // Before a read outside a transaction: another process may have changed the schema (a
  // custom field added), and reads must not drop the new columns' values. Inside a
  // transaction begin() has already looked. One PRAGMA step (the schema cookie) per read.
  void see_schema_changes(std::string_view doctype) {
    if (depth_ == 0) run("read the schema version of", doctype, [&] { refresh_if_schema_changed(); });
  }

  // A read's SQL, written by build(table, has_column) into scratch_sql() and scratch_params().
  // Columns never disappear, so the schema
  // cookie is read (outside a transaction) only when the read takes whole rows or names a
  // column the table lacked when last looked at; when it changed, the SQL is written again.
  template <typename Build>
  const TableInfo& build_read(std::string_view doctype, bool whole_rows, Build&& build) {
    for (bool first = true;; first = false) {
      const TableInfo& t = info(doctype);
      bool unknown = false;
      auto has = [&](std::string_view c) {
        const bool known = t.has(c);
        unknown = unknown || !known;
        return known;
      };
      build(t, has);
      if (!first || depth_ != 0 || !(whole_rows || unknown)) return t;
      if (!run("read the schema version of", doctype, [&] { return refresh_if_schema_changed(); }))
        return t;
    }
  }

  // Writes the counters bumped in memory back to tabSeries.
  void flush_series() {
    series_counters_.write([&](const std::string& prefix, std::int64_t n) {
      run("naming series", prefix, [&] {
        Use use(*series_set_);
        series_set_->bind(1, static_cast<int64_t>(n));
        series_set_->bindNoCopy(2, prefix);
        series_set_->exec();
      });
    });
  }

  void load_tables() {
    tables_.clear();
    for (const auto& def : schema().doctypes()) {
      TableInfo t;
      t.def = def.get();
      t.sql_name = sqlite::table_name(def->name);
      SQLite::Statement s(db_, "PRAGMA table_info(" + t.sql_name + ")");
      while (s.executeStep()) t.columns.insert(s.getColumn(1).getString());
      t.rebuild();
      tables_.emplace(def->name, std::move(t));
    }
    known_schema_version_ = schema_version_pragma();
  }
  // A read-only open: the file must already hold switchboard's tables at a version this build
  // reads. Missing columns are tolerated (reads see what the file has); missing tables are not.
  void check_readable() {
    auto table_exists = [&](const std::string& name) {
      SQLite::Statement s(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
      s.bind(1, name);
      return s.executeStep();
    };
    if (!table_exists(kMetaTable))
      throw StoreError(ErrorCode::kSchema, "'" + options_.path + "' is not a switchboard database");
    SQLite::Statement s(db_, std::string("SELECT \"value\" FROM ") + sqlite::quote(kMetaTable) +
                                 " WHERE \"key\" = 'schema_version'");
    int version = s.executeStep() ? s.getColumn(0).getInt() : 0;
    if (version > kSchemaVersion)
      throw StoreError(ErrorCode::kSchema,
                       "'" + options_.path + "' has schema version " + std::to_string(version) +
                           ", newer than this switchboard (" + std::to_string(kSchemaVersion) +
                           "); upgrade switchboard");
    for (const auto& def : schema().doctypes())
      if (!table_exists("tab" + def->name))
        throw StoreError(ErrorCode::kSchema,
                         "'" + options_.path + "' has no table for " + def->name +
                             " yet: open it once for writing to migrate it");
  }

  // Creates or upgrades every table, column and index in one BEGIN IMMEDIATE transaction, so
  // processes opening a fresh file at once migrate it exactly once.
  void migrate() {
    // The schema plus this backend's table and index layout (bump the suffix when the DDL
    // for the same schema changes, so existing files pick the change up).
    const std::string fingerprint = schema().fingerprint() + ":layout-4";
    retry_busy([&] { db_.exec("BEGIN IMMEDIATE"); });
    try {
      db_.exec(std::string("CREATE TABLE IF NOT EXISTS ") + sqlite::quote(kMetaTable) +
               " (\"key\" TEXT PRIMARY KEY NOT NULL, \"value\")");
      int version = 0;
      std::string stored_fingerprint;
      {
        SQLite::Statement s(db_, std::string("SELECT \"key\", \"value\" FROM ") +
                                     sqlite::quote(kMetaTable));
        while (s.executeStep()) {
          std::string key = s.getColumn(0).getString();
          if (key == "schema_version") version = s.getColumn(1).getInt();
          if (key == "schema_fingerprint") stored_fingerprint = s.getColumn(1).getString();
        }
      }
      if (version > kSchemaVersion)
        throw StoreError(ErrorCode::kSchema,
                         "'" + options_.path + "' has schema version " + std::to_string(version) +
                             ", newer than this switchboard (" + std::to_string(kSchemaVersion) +
                             "); upgrade switchboard");
      if (version != kSchemaVersion || stored_fingerprint != fingerprint) {
        switchboard::log(LogLevel::kInfo, "sqlite",
            "'" + options_.path + "': " + (version == 0 ? "creating the tables" : "migrating to this schema") +
                " (schema version " + std::to_string(kSchemaVersion) + ")");
        for (const auto& def : schema().doctypes()) upgrade_table(*def);
        // Data migrations for versions (version, kSchemaVersion] go here, oldest first.
        SQLite::Statement put(db_, std::string("INSERT OR REPLACE INTO ") +
                                       sqlite::quote(kMetaTable) + " VALUES (?, ?)");
        put.bind(1, "schema_version");
        put.bind(2, kSchemaVersion);
        put.exec();
        put.reset();
        put.bind(1, "schema_fingerprint");
        put.bind(2, fingerprint);
        put.exec();
      }
      db_.exec("COMMIT");
    } catch (...) {
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }

  void upgrade_table(const DocTypeDef& def) {
    const std::string table = sqlite::table_name(def.name);
    std::set<std::string> existing;
    {
      SQLite::Statement s(db_, "PRAGMA table_info(" + table + ")");
      while (s.executeStep()) existing.insert(s.getColumn(1).getString());
    }
    if (existing.empty()) {
      db_.exec(sqlite::create_table_sql(def));
    } else {
      for (const auto& c : def.columns())
        if (!existing.count(c.name))
          db_.exec("ALTER TABLE " + table + " ADD COLUMN " + sqlite::column_sql(c));
    }
    std::map<std::string, std::string> indexes;
    {
      SQLite::Statement s(db_, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?");
      s.bind(1, "tab" + def.name);
      while (s.executeStep()) indexes.emplace(s.getColumn(0).getString(), s.getColumn(1).getString());
    }
    for (const auto& sql : sqlite::create_index_sql(def, indexes)) db_.exec(sql);
  }

  std::shared_ptr<const Schema> schema_;
  SqliteOptions options_;
  SQLite::Database db_;
  StatementCache cache_;
  std::unique_ptr<SQLite::Statement> begin_, read_begin_, commit_, rollback_, schema_version_, series_,
      series_set_;
  SeriesCounters series_counters_;
  std::map<std::string, TableInfo, std::less<>> tables_;
  std::string sql_scratch_;
  std::vector<const Value*> params_scratch_;
  int depth_ = 0;
  int known_schema_version_ = -1;
  bool columns_added_ = false;  // custom columns added in the open transaction
  bool lost_ = false;           // SQLite rolled the open transaction back by itself
  ErrorCode lost_code_ = ErrorCode::kBackend;
  std::string lost_cause_;
};

}  // namespace

std::shared_ptr<StoreBackend> make_sqlite_backend(const SqliteOptions& options) {
  return std::make_shared<SqliteBackend>(options);
}

int sqlite_schema_version() noexcept { return kSchemaVersion; }

}  // namespace switchboard
