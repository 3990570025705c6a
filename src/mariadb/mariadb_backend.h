// Internal: the MariaDB StoreBackend. store_mariadb.cpp holds the operations and transactions,
// mariadb_tables.cpp the table layout (migration of an own database, column discovery, custom
// columns), frappe_site.cpp what is particular to a Frappe site's database (its meta tables,
// single doctypes in tabSingles, autoincrement sequences).
//
// Thread safety: called by one Store, one call at a time (see store_backend.h).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connection.h"
#include "switchboard/error.h"
#include "mariadb_sql.h"
#include "switchboard/schema.h"
#include "switchboard/store_backend.h"

namespace switchboard::mariadb {

/// One doctype's table as it is on the server.
struct TableInfo {
  const DocTypeDef* def = nullptr;
  std::string sql_name;                                  // `tabX`
  std::map<std::string, ColumnClass, std::less<>> columns;  // every column of the table
  std::vector<std::string> sorted;       // column names, sorted: SELECT order == Document order
  std::vector<bool> is_custom;           // parallel to `sorted`: not a schema field
  std::string select_all;                // the quoted column list in `sorted` order
  bool single = false;                   // Frappe single doctype: values live in tabSingles
  bool int_name = false;                 // Frappe autoincrement: name is a bigint from a sequence
  std::string sequence;                  // that sequence

  const ColumnClass* column(std::string_view name) const {
    auto it = columns.find(name);
    return it == columns.end() ? nullptr : &it->second;
  }
  void rebuild();
};

class MariaDbBackend final : public StoreBackend {
 public:
  MariaDbBackend(ConnectSpec spec, const MariaDbOptions& options);
  ~MariaDbBackend() override;

  void open(std::shared_ptr<const Schema> schema) override;
  std::optional<Document> get(std::string_view doctype, std::string_view name) override;
  std::vector<Document> find(std::string_view doctype, const Query& query) override;
  std::string insert(std::string_view doctype, const Document& doc) override;
  void update(std::string_view doctype, std::string_view name, const Document& changes) override;
  std::int64_t update_where(std::string_view doctype, const Filters& filters,
                            const Document& changes) override;
  void remove(std::string_view doctype, std::string_view name) override;
  void begin() override;
  void commit() override;
  void rollback() override;
  std::uint32_t capabilities() const override;
  std::int64_t count(std::string_view doctype, const Filters& filters) override;
  std::int64_t remove_where(std::string_view doctype, const Filters& filters) override;
  std::int64_t next_series(std::string_view prefix) override;
  void lock(std::string_view key) override;
  void insert_many(std::string_view doctype, const std::vector<Document>& docs) override;

  /// Attached mode: the doctypes of `wanted` that the site has, with the site's fields, custom
  /// fields, naming rules and defaults (frappe_site.cpp).
  std::shared_ptr<Schema> read_site_schema(const Schema& wanted);
  // Attached: the time zone of the site's System Settings (Frappe's Asia/Kolkata when unset).
  std::string read_site_time_zone();
  const ConnectSpec& spec() const noexcept { return spec_; }

 private:
  // ---- statements (store_mariadb.cpp) ----
  template <typename Fn>
  auto run(const char* what, std::string_view subject, bool read_only, Fn&& fn) -> decltype(fn());
  std::uint64_t exec(const std::string& sql, const std::vector<const Value*>& params);
  template <typename OnRow>
  void select(const std::string& sql, const std::vector<const Value*>& params, OnRow&& on_row);
  Document read_row(const TableInfo& t, std::vector<Value>& row) const;
  std::int64_t update_rows(TableInfo& t, const Filters& filters, const Document& changes);
  std::int64_t delete_rows(TableInfo& t, const Filters& filters);
  void prepare_values(const TableInfo& t, const Document& doc, std::vector<Value>& values) const;
  std::string insert_row(TableInfo& t, const Document& doc);
  void check_open_transaction(const char* what) const;
  void abort_transaction(unsigned code) noexcept;
  void end_outermost() noexcept;
  void touch(const TableInfo& t);
  TableInfo& info(std::string_view doctype);

  // ---- tables (mariadb_tables.cpp) ----
  void migrate();
  void upgrade_table(const DocTypeDef& def, const std::map<std::string, ColumnClass, std::less<>>* existing);
  std::map<std::string, std::map<std::string, ColumnClass, std::less<>>> read_columns(
      Connection& conn, const std::vector<std::string>& tables);
  void load_tables();
  void reload_table(TableInfo& t);
  void ensure_columns(TableInfo& t, const Document& doc);
  Connection& ddl();
  void refresh_if_changed();

  // ---- Frappe site (frappe_site.cpp) ----
  std::optional<Document> single_get(const TableInfo& t);
  void single_write(const TableInfo& t, const Document& doc, bool replace_all);
  std::string next_sequence_name(TableInfo& t, const Document& doc);

  ConnectSpec spec_;
  MariaDbOptions options_;
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<Connection> ddl_;  // table changes run here, outside the open transaction
  std::shared_ptr<const Schema> schema_;
  std::map<std::string, TableInfo, std::less<>> tables_;
  int depth_ = 0;
  bool poisoned_ = false;       // the server ended the open transaction (deadlock, timeout...)
  std::string poison_reason_;
  std::set<std::string, std::less<>> touched_;  // tables used by the open transaction
  std::set<std::string, std::less<>> locks_;    // GET_LOCK names held until the outermost end
  std::int64_t generation_ = -1;
  std::chrono::steady_clock::time_point next_check_{};
};

/// Sleeps a random, growing time before retry number `attempt` (1, 2, ...): 1-200 ms.
void backoff(int attempt);
constexpr int kMaxAttempts = 8;

template <typename Fn>
auto MariaDbBackend::run(const char* what, std::string_view subject, bool read_only, Fn&& fn)
    -> decltype(fn()) {
  if (poisoned_ && depth_ > 0)
    throw StoreError(ErrorCode::kConflict, std::string(what) + " " + std::string(subject) + ": " +
                                               poison_reason_);
  for (int attempt = 1;; ++attempt) {
    conn_->take_failure();
    try {
      return fn();
    } catch (const Error& e) {
      const unsigned code = conn_->take_failure();
      if (code == 0) throw;
      const bool lost = is_connection_lost(code);
      if (depth_ > 0) {
        if (lost || is_transaction_abort(code)) abort_transaction(code);
        if (lost)
          throw StoreError(ErrorCode::kConflict, std::string(e.what()) +
                                                     " (the transaction was rolled back by the "
                                                     "server: run it again)");
        throw;
      }
      // Outside a transaction the statement was the whole operation: retry it.
      const bool retry = is_transaction_abort(code) || (lost && read_only);
      if (lost) conn_->reconnect();  // throws StoreError(io) while the server stays away
      if (!retry || attempt >= kMaxAttempts) throw;
      backoff(attempt);
    }
  }
}

template <typename OnRow>
void MariaDbBackend::select(const std::string& sql, const std::vector<const Value*>& params,
                            OnRow&& on_row) {
  Statement& s = conn_->prepare(sql);
  s.execute(params);
  std::vector<Value> row;
  try {
    while (s.fetch(row)) on_row(row);
  } catch (...) {
    s.finish();
    throw;
  }
}

}  // namespace switchboard::mariadb
