// Internal: one MariaDB Connector/C connection with a cache of prepared statements, the URL it
// was opened from, and the mapping of server errors onto switchboard's error model.
// One thread at a time per Connection (and per Statement).
#pragma once

#include <mysql.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/mariadb_store.h"

namespace switchboard::mariadb {

/// Where and how to connect, parsed from a URL (see make_mariadb_backend).
struct ConnectSpec {
  std::string user, password, host = "localhost", database, socket;
  unsigned port = 0;
  bool password_given = false;  // from the URL or the environment (else: option file or none)
  std::string option_file, option_group = "client";
  int connect_timeout = 10;
  int lock_wait_timeout = 10;
  bool frappe = false;
  std::string redacted;  // the URL with its password hidden, for messages
};

/// Parses `url`; options fill what the URL leaves out. Throws ValidationError (the message
/// never contains the password).
ConnectSpec parse_url(std::string_view url, const MariaDbOptions& options);

/// Storage class of a column, from its SQL type.
enum class ColumnClass { kText, kInt, kReal, kDate, kDatetime, kTime };
ColumnClass column_class_of(std::string_view data_type) noexcept;

/// Server error numbers the store treats specially.
constexpr unsigned kDupEntry = 1062, kDupEntryWithKey = 1586, kLockWaitTimeout = 1205,
                   kDeadlock = 1213, kCheckRead = 1020, kNoSuchTable = 1146, kBadField = 1054,
                   kDupFieldName = 1060, kDupKeyName = 1061;
bool is_connection_lost(unsigned code) noexcept;
/// Deadlock / certification failure / lock-wait timeout: the transaction is gone, rerun it.
bool is_transaction_abort(unsigned code) noexcept;

/// Throws the switchboard error for a server or client error (context says what we were doing).
[[noreturn]] void raise(unsigned code, std::string_view message, const std::string& context);

class Connection;

/// A prepared statement bound to one connection.
class Statement {
 public:
  Statement(Connection& conn, std::string sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Binds `params` (by pointer; they must live until execute returns) and runs the
  /// statement. Returns the affected row count. Rows of a result set are read with fetch().
  std::uint64_t execute(const std::vector<const Value*>& params);
  /// Like execute, for `rows` parameter sets at once (array binding; one round trip).
  /// `columns[c][r]` is parameter c of row r; a null Value* uses the column's DEFAULT.
  std::uint64_t execute_bulk(const std::vector<std::vector<const Value*>>& columns,
                             std::size_t rows);
  /// The next row of the result (false at the end; the result is then released).
  bool fetch(std::vector<Value>& row);
  /// Discards unread rows.
  void finish() noexcept;
  unsigned column_count() const noexcept { return static_cast<unsigned>(results_.size()); }
  std::uint64_t insert_id() const;
  const std::string& sql() const noexcept { return sql_; }

 private:
  struct ResultColumn {
    enum_field_types type;
    unsigned decimals = 0;
    std::vector<char> buffer;
    unsigned long length = 0;
    my_bool is_null = 0, error = 0;
    MYSQL_TIME time{};
    long long integer = 0;
    double real = 0;
  };
  [[noreturn]] void fail(const char* what);
  void bind_results();

  Connection& conn_;
  std::string sql_;
  MYSQL_STMT* stmt_ = nullptr;
  std::vector<ResultColumn> results_;
  std::vector<MYSQL_BIND> result_binds_;
  bool has_result_ = false;
  bool reading_ = false;
  // parameter scratch space, reused between executions
  std::vector<MYSQL_BIND> binds_;
  std::vector<unsigned long> lengths_;
  std::vector<long long> ints_;
  std::vector<double> reals_;
  std::vector<std::string> texts_;
};

/// One connection; statements are prepared once and kept (LRU).
class Connection {
 public:
  Connection(const ConnectSpec& spec, std::size_t statement_cache_size);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs SQL without parameters through the text protocol; returns the affected rows.
  std::uint64_t exec(const std::string& sql);
  /// Runs a query through the text protocol and returns every row (numbers as numbers).
  std::vector<std::vector<Value>> query(const std::string& sql);
  /// The cached prepared statement for `sql` (prepared on first use).
  Statement& prepare(const std::string& sql);
  /// Drops the connection and every prepared statement, then connects again.
  void reconnect();
  /// Quotes a string literal for the text protocol.
  std::string quote(std::string_view text);

  MYSQL* handle() const noexcept { return mysql_; }
  const ConnectSpec& spec() const noexcept { return spec_; }
  /// Error number and message of the last failed call on this connection.
  unsigned last_errno() const noexcept;
  std::string last_error() const;
  [[noreturn]] void fail(const std::string& context);
  /// The server/client error number behind the last error this connection raised (0: none),
  /// cleared by reading it: tells a deadlock or a lost connection from other errors.
  unsigned take_failure() noexcept {
    unsigned f = failure_;
    failure_ = 0;
    return f;
  }
  void note_failure(unsigned code) noexcept { failure_ = code; }

 private:
  void connect();
  void close() noexcept;

  ConnectSpec spec_;
  std::size_t capacity_;
  unsigned failure_ = 0;
  MYSQL* mysql_ = nullptr;
  using Entry = std::pair<std::string, std::unique_ptr<Statement>>;
  std::list<Entry> lru_;
  std::unordered_map<std::string, std::list<Entry>::iterator> statements_;
};

/// One statement a connection ran, with its parameters (see Connection::set_trace).
struct TracedStatement {
  std::string sql;
  std::vector<Value> params;
  bool prepared = true;  // false: the text protocol (transaction control, DDL)
};

/// Benchmarks: every statement any connection of this process runs from now on is appended
/// to `trace` (nullptr stops). One thread at a time; one pointer test per statement when off.
void set_process_trace(std::vector<TracedStatement>* trace) noexcept;

/// A stable 16-hex-digit hash of `s` (FNV-1a): short names for long identifiers and lock keys,
/// the same in every process and build.
std::string stable_hash(std::string_view s);

/// Appends a backquoted identifier (embedded backquotes doubled).
void append_ident(std::string& out, std::string_view identifier);
std::string ident(std::string_view identifier);

}  // namespace switchboard::mariadb
