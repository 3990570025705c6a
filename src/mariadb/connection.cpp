// MariaDB Connector/C connections: URL parsing, session setup, prepared statements with
// parameter and result binding, array binding for bulk inserts, and error mapping.
#include "connection.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "switchboard/error.h"

namespace switchboard {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of one URL component; `what` names it in errors (never its value).
std::string decode(std::string_view s, const char* what, const std::string& redacted) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      throw ValidationError(std::string("bad percent-escape in the ") + what + " of " + redacted,
                            ErrorCode::kInvalidArgument);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

struct UrlParts {
  std::string_view scheme, userinfo, hostport, path, query;
  bool has_userinfo = false;
};

bool split_url(std::string_view url, UrlParts& p) {
  std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) return false;
  p.scheme = url.substr(0, colon);
  std::string_view rest = url.substr(colon + 3);
  std::size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    p.query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  p.path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    p.has_userinfo = true;
    p.userinfo = authority.substr(0, at);
    p.hostport = authority.substr(at + 1);
  } else {
    p.hostport = authority;
  }
  return true;
}

bool parse_int(std::string_view s, int& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

bool is_mariadb_url(std::string_view url) noexcept {
  return url.rfind("mariadb://", 0) == 0 || url.rfind("mysql://", 0) == 0;
}

std::string redact_database_url(std::string_view url) {
  try {
    UrlParts p;
    if (!split_url(url, p) || !p.has_userinfo) return std::string(url);
    std::size_t colon = p.userinfo.find(':');
    if (colon == std::string_view::npos) return std::string(url);
    std::string out(url.substr(0, static_cast<std::size_t>(p.userinfo.data() - url.data())));
    out += p.userinfo.substr(0, colon);
    out += ":***";
    out += url.substr(static_cast<std::size_t>(p.userinfo.data() + p.userinfo.size() - url.data()));
    return out;
  } catch (...) {
    return "mariadb://(unprintable)";
  }
}

namespace mariadb {

namespace {
std::vector<TracedStatement>* g_trace = nullptr;
}  // namespace

void set_process_trace(std::vector<TracedStatement>* trace) noexcept { g_trace = trace; }

ConnectSpec parse_url(std::string_view url, const MariaDbOptions& options) {
  ConnectSpec spec;
  spec.redacted = redact_database_url(url);
  auto bad = [&](const std::string& why) -> ValidationError {
    return ValidationError("bad MariaDB URL " + spec.redacted + ": " + why +
                               " (expected mariadb://user:password@host:port/database or "
                               "mariadb://user@localhost/database?socket=/path)",
                           ErrorCode::kInvalidArgument);
  };
  UrlParts p;
  if (!split_url(url, p) || (p.scheme != "mariadb" && p.scheme != "mysql"))
    throw bad("the scheme must be mariadb://");
  if (p.has_userinfo) {
    std::size_t colon = p.userinfo.find(':');
    spec.user = decode(p.userinfo.substr(0, colon), "user", spec.redacted);
    if (colon != std::string_view::npos) {
      spec.password = decode(p.userinfo.substr(colon + 1), "password", spec.redacted);
      spec.password_given = true;
    }
  }
  std::string_view hostport = p.hostport;
  std::string_view host = hostport, port;
  if (!hostport.empty() && hostport.front() == '[') {  // [ipv6]:port
    std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) throw bad("unclosed [ in the host");
    host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') throw bad("junk after the host");
      port = hostport.substr(close + 2);
    }
  } else if (std::size_t c = hostport.rfind(':'); c != std::string_view::npos) {
    host = hostport.substr(0, c);
    port = hostport.substr(c + 1);
  }
  if (!host.empty()) spec.host = decode(host, "host", spec.redacted);
  if (!port.empty()) {
    int n = 0;
    if (!parse_int(port, n) || n <= 0 || n > 65535) throw bad("the port must be a number from 1 to 65535");
    spec.port = static_cast<unsigned>(n);
  }
  spec.database = decode(p.path, "database", spec.redacted);
  if (spec.database.empty()) throw bad("no database name");
  if (spec.database.find('/') != std::string::npos) throw bad("the database name has a '/'");
  spec.option_file = options.option_file;
  spec.option_group = options.option_group;
  spec.connect_timeout = options.connect_timeout_seconds;
  spec.lock_wait_timeout = options.lock_wait_timeout_seconds;
  spec.frappe = options.frappe_site;
  std::string password_env = options.password_env;
  std::string_view query = p.query;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    std::string key(item.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? "" : decode(item.substr(eq + 1), "parameters", spec.redacted);
    auto flag = [&]() {
      if (value.empty() || value == "1" || value == "true" || value == "yes") return true;
      if (value == "0" || value == "false" || value == "no") return false;
      throw bad("'" + key + "' takes 1 or 0");
    };
    auto number = [&]() {
      int n = 0;
      if (!parse_int(value, n) || n <= 0) throw bad("'" + key + "' takes a positive number");
      return n;
    };
    if (key == "socket") spec.socket = value;
    else if (key == "frappe") spec.frappe = flag();
    else if (key == "password_env") password_env = value;
    else if (key == "option_file") spec.option_file = value;
    else if (key == "option_group") spec.option_group = value;
    else if (key == "connect_timeout") spec.connect_timeout = number();
    else if (key == "lock_wait_timeout") spec.lock_wait_timeout = number();
    else throw bad("unknown parameter '" + key + "'");
  }
  if (!spec.password_given && !password_env.empty()) {
    if (const char* env = std::getenv(password_env.c_str())) {
      spec.password = env;
      spec.password_given = true;
    }
  }
  return spec;
}

ColumnClass column_class_of(std::string_view t) noexcept {
  auto is = [&](const char* s) { return t == s; };
  if (is("int") || is("bigint") || is("tinyint") || is("smallint") || is("mediumint") ||
      is("year") || is("bit"))
    return ColumnClass::kInt;
  if (is("decimal") || is("double") || is("float")) return ColumnClass::kReal;
  if (is("date")) return ColumnClass::kDate;
  if (is("datetime") || is("timestamp")) return ColumnClass::kDatetime;
  if (is("time")) return ColumnClass::kTime;
  return ColumnClass::kText;
}

bool is_connection_lost(unsigned code) noexcept {
  return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST || code == CR_CONNECTION_ERROR ||
         code == CR_CONN_HOST_ERROR || code == ER_CONNECTION_KILLED || code == CR_SERVER_LOST_EXTENDED;
}

bool is_transaction_abort(unsigned code) noexcept {
  return code == kDeadlock || code == kLockWaitTimeout || code == kCheckRead;
}

void raise(unsigned code, std::string_view message, const std::string& context) {
  std::string msg = context + ": " + std::string(message) + " [" + std::to_string(code) + "]";
  switch (code) {
    case kDupEntry:
    case kDupEntryWithKey:
      throw StoreError(ErrorCode::kDuplicate, msg);
    case kDeadlock:
    case kCheckRead:
      throw StoreError(ErrorCode::kConflict, msg);
    case kLockWaitTimeout:
      throw StoreError(ErrorCode::kBusy, msg);
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
      throw AuthError(msg);
    case ER_BAD_DB_ERROR:
      throw NotFound(msg);
    case kNoSuchTable:
    case kBadField:
      throw StoreError(ErrorCode::kSchema, msg);
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case WARN_DATA_TRUNCATED:
    case ER_DATA_TOO_LONG:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_BAD_NULL_ERROR:
    case ER_NO_DEFAULT_FOR_FIELD:
    case ER_DIVISION_BY_ZERO:
    case ER_INVALID_CHARACTER_STRING:
      throw ValidationError(msg);
    case ER_STATEMENT_TIMEOUT:
    case ER_QUERY_INTERRUPTED:
      throw StoreError(ErrorCode::kTimeout, msg);
    default:
      if (is_connection_lost(code) || code == CR_CONNECTION_ERROR || code == CR_CONN_HOST_ERROR ||
          code == CR_UNKNOWN_HOST || code == ER_CON_COUNT_ERROR || code == ER_SERVER_SHUTDOWN)
        throw StoreError(ErrorCode::kIo, msg);
      throw StoreError(ErrorCode::kBackend, msg);
  }
}

std::string stable_hash(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

void append_ident(std::string& out, std::string_view identifier) {
  out += '`';
  for (char c : identifier) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
}

std::string ident(std::string_view identifier) {
  std::string out;
  out.reserve(identifier.size() + 2);
  append_ident(out, identifier);
  return out;
}

// ---- Connection ------------------------------------------------------------------------------

Connection::Connection(const ConnectSpec& spec, std::size_t statement_cache_size)
    : spec_(spec), capacity_(statement_cache_size ? statement_cache_size : 1) {
  connect();
}

Connection::~Connection() { close(); }

void Connection::close() noexcept {
  statements_.clear();
  lru_.clear();  // closes the statements while the connection still exists
  if (mysql_) mysql_close(mysql_);
  mysql_ = nullptr;
}

void Connection::connect() {
  static std::once_flag library_once;
  std::call_once(library_once, [] { mysql_library_init(0, nullptr, nullptr); });
  mysql_ = mysql_init(nullptr);
  if (!mysql_) throw StoreError(ErrorCode::kBackend, "MariaDB: out of memory");
  unsigned timeout = static_cast<unsigned>(spec_.connect_timeout);
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  my_bool no = 0;
  mysql_optionsv(mysql_, MYSQL_OPT_RECONNECT, &no);
  if (!spec_.option_file.empty()) {
    mysql_optionsv(mysql_, MYSQL_READ_DEFAULT_FILE, spec_.option_file.c_str());
    mysql_optionsv(mysql_, MYSQL_READ_DEFAULT_GROUP, spec_.option_group.c_str());
  }
  const bool local = spec_.host == "localhost" || spec_.host.empty();
  const char* user = spec_.user.empty() ? nullptr : spec_.user.c_str();
  const char* password = spec_.password_given ? spec_.password.c_str() : nullptr;
  if (!mysql_real_connect(mysql_, local ? "localhost" : spec_.host.c_str(), user, password,
                          spec_.database.c_str(), spec_.port,
                          spec_.socket.empty() ? nullptr : spec_.socket.c_str(),
                          CLIENT_FOUND_ROWS)) {  // UPDATE reports matched rows, not changed ones
    unsigned code = mysql_errno(mysql_);
    std::string message = mysql_error(mysql_);
    mysql_close(mysql_);
    mysql_ = nullptr;
    failure_ = code;
    raise(code, message, "connecting to " + spec_.redacted);
  }
  // Strict values, Frappe's collation for literals, serializable transactions (see the header),
  // bounded waits for row locks and for metadata locks.
  std::string lock_wait = std::to_string(spec_.lock_wait_timeout);
  exec("SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
       "NO_ENGINE_SUBSTITUTION,NO_AUTO_CREATE_USER', "
       "collation_connection = 'utf8mb4_unicode_ci', innodb_lock_wait_timeout = " + lock_wait +
       ", lock_wait_timeout = " + lock_wait);
  exec("SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE");
}

void Connection::reconnect() {
  close();
  connect();
}

unsigned Connection::last_errno() const noexcept { return mysql_ ? mysql_errno(mysql_) : 0; }
std::string Connection::last_error() const { return mysql_ ? mysql_error(mysql_) : "not connected"; }

void Connection::fail(const std::string& context) {
  failure_ = last_errno();
  raise(failure_, last_error(), context);
}

std::uint64_t Connection::exec(const std::string& sql) {
  if (g_trace) g_trace->push_back({sql, {}, false});
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail(sql.substr(0, 200));
  if (MYSQL_RES* res = mysql_store_result(mysql_)) mysql_free_result(res);
  my_ulonglong n = mysql_affected_rows(mysql_);
  return n == static_cast<my_ulonglong>(-1) ? 0 : static_cast<std::uint64_t>(n);
}

std::vector<std::vector<Value>> Connection::query(const std::string& sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail(sql.substr(0, 200));
  MYSQL_RES* res = mysql_store_result(mysql_);
  std::vector<std::vector<Value>> rows;
  if (!res) {
    if (mysql_field_count(mysql_) != 0) fail(sql.substr(0, 200));
    return rows;
  }
  unsigned n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    std::vector<Value> out;
    out.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      if (!row[i]) {
        out.emplace_back();
        continue;
      }
      std::string_view text(row[i], lengths[i]);
      switch (fields[i].type) {
        case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_LONG:
        case MYSQL_TYPE_INT24: case MYSQL_TYPE_LONGLONG: {
          long long v = 0;
          std::from_chars(text.data(), text.data() + text.size(), v);
          out.emplace_back(static_cast<std::int64_t>(v));
          break;
        }
        case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_FLOAT:
        case MYSQL_TYPE_DOUBLE:
          out.emplace_back(std::strtod(std::string(text).c_str(), nullptr));
          break;
        default:
          out.emplace_back(std::string(text));
      }
    }
    rows.push_back(std::move(out));
  }
  mysql_free_result(res);
  return rows;
}

std::string Connection::quote(std::string_view text) {
  std::string out(text.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long n = mysql_real_escape_string(mysql_, &out[1], text.data(), text.size());
  out.resize(n + 1);
  out += '\'';
  return out;
}

Statement& Connection::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    if (it->second != lru_.begin()) lru_.splice(lru_.begin(), lru_, it->second);
    return *it->second->second;
  }
  auto stmt = std::make_unique<Statement>(*this, sql);
  lru_.emplace_front(sql, std::move(stmt));
  statements_.emplace(sql, lru_.begin());
  if (statements_.size() > capacity_) {
    statements_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return *lru_.front().second;
}

// ---- Statement -------------------------------------------------------------------------------

Statement::Statement(Connection& conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {
  stmt_ = mysql_stmt_init(conn_.handle());
  if (!stmt_) conn_.fail("preparing a statement");
  if (mysql_stmt_prepare(stmt_, sql_.data(), sql_.size()) != 0) {
    unsigned code = mysql_stmt_errno(stmt_);
    std::string message = mysql_stmt_error(stmt_);
    mysql_stmt_close(stmt_);
    stmt_ = nullptr;
    conn_.note_failure(code);
    raise(code, message, "preparing " + sql_.substr(0, 200));
  }
  bind_results();
}

Statement::~Statement() {
  if (stmt_) mysql_stmt_close(stmt_);
}

void Statement::fail(const char* what) {
  unsigned code = mysql_stmt_errno(stmt_);
  std::string message = mysql_stmt_error(stmt_);
  if (code == 0) {  // an error while rows stream in (a deadlock) is the connection's
    code = conn_.last_errno();
    message = conn_.last_error();
  }
  if (code == 0) {
    code = CR_UNKNOWN_ERROR;
    message = "unknown error";
  }
  finish();
  conn_.note_failure(code);
  raise(code, message, std::string(what) + " " + sql_.substr(0, 200));
}

void Statement::bind_results() {
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_);
  if (!meta) return;
  has_result_ = true;
  unsigned n = mysql_num_fields(meta);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  results_.resize(n);
  result_binds_.assign(n, MYSQL_BIND{});
  for (unsigned i = 0; i < n; ++i) {
    ResultColumn& c = results_[i];
    c.type = fields[i].type;
    c.decimals = fields[i].decimals;
    MYSQL_BIND& b = result_binds_[i];
    b.is_null = &c.is_null;
    b.error = &c.error;
    b.length = &c.length;
    switch (c.type) {
      case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_LONG: case MYSQL_TYPE_INT24:
      case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &c.integer;
        break;
      case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_FLOAT:
      case MYSQL_TYPE_DOUBLE:
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &c.real;
        break;
      case MYSQL_TYPE_DATE: case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP:
      case MYSQL_TYPE_TIME:
        b.buffer_type = c.type;
        b.buffer = &c.time;
        break;
      default:
        c.buffer.resize(256);
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = c.buffer.data();
        b.buffer_length = static_cast<unsigned long>(c.buffer.size());
    }
  }
  mysql_free_result(meta);
}

std::uint64_t Statement::execute(const std::vector<const Value*>& params) {
  finish();
  if (g_trace) {
    TracedStatement t{sql_, {}, true};
    for (const Value* p : params) t.params.push_back(*p);
    g_trace->push_back(std::move(t));
  }
  const std::size_t n = params.size();
  binds_.assign(n, MYSQL_BIND{});
  lengths_.resize(n);
  ints_.resize(n);
  reals_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    MYSQL_BIND& b = binds_[i];
    const Value& v = *params[i];
    switch (v.type()) {
      case Value::Type::kNull:
        b.buffer_type = MYSQL_TYPE_NULL;
        break;
      case Value::Type::kInt:
        ints_[i] = v.as_int();
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints_[i];
        break;
      case Value::Type::kReal:
        reals_[i] = v.as_real();
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &reals_[i];
        break;
      case Value::Type::kText: {
        const std::string& s = v.as_text();
        lengths_[i] = static_cast<unsigned long>(s.size());
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = const_cast<char*>(s.data());
        b.buffer_length = lengths_[i];
        b.length = &lengths_[i];
        break;
      }
    }
  }
  if (n != mysql_stmt_param_count(stmt_))
    throw StoreError(ErrorCode::kInternal, "parameter count mismatch in " + sql_);
  if (n && mysql_stmt_bind_param(stmt_, binds_.data()) != 0) fail("binding");
  if (mysql_stmt_execute(stmt_) != 0) fail("running");
  if (has_result_) {
    if (mysql_stmt_bind_result(stmt_, result_binds_.data()) != 0) fail("binding results of");
    reading_ = true;
    return 0;
  }
  my_ulonglong rows = mysql_stmt_affected_rows(stmt_);
  return rows == static_cast<my_ulonglong>(-1) ? 0 : static_cast<std::uint64_t>(rows);
}

std::uint64_t Statement::execute_bulk(const std::vector<std::vector<const Value*>>& columns,
                                      std::size_t rows) {
  finish();
  const std::size_t n = columns.size();
  if (n != mysql_stmt_param_count(stmt_))
    throw StoreError(ErrorCode::kInternal, "parameter count mismatch in " + sql_);
  // Column-wise arrays: per parameter one typed array, plus indicators and lengths.
  struct Col {
    std::vector<long long> ints;
    std::vector<double> reals;
    std::vector<const char*> ptrs;
    std::vector<unsigned long> lengths;
    std::vector<char> ind;
    std::vector<std::string> owned;  // numbers in a text column, as text
  };
  std::vector<Col> cols(n);
  binds_.assign(n, MYSQL_BIND{});
  for (std::size_t c = 0; c < n; ++c) {
    Col& col = cols[c];
    bool all_int = true, all_num = true;
    for (std::size_t r = 0; r < rows; ++r) {
      const Value* v = columns[c][r];
      if (!v || v->is_null()) continue;
      if (!v->is_int()) all_int = false;
      if (!v->is_number()) all_num = false;
    }
    col.ind.assign(rows, STMT_INDICATOR_NONE);
    MYSQL_BIND& b = binds_[c];
    if (all_int) {
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      col.ints.assign(rows, 0);
    } else if (all_num) {
      b.buffer_type = MYSQL_TYPE_DOUBLE;
      col.reals.assign(rows, 0);
    } else {
      b.buffer_type = MYSQL_TYPE_STRING;
      col.ptrs.assign(rows, "");
      col.lengths.assign(rows, 0);
      col.owned.reserve(rows);
    }
    for (std::size_t r = 0; r < rows; ++r) {
      const Value* v = columns[c][r];
      if (!v) {
        col.ind[r] = STMT_INDICATOR_DEFAULT;
      } else if (v->is_null()) {
        col.ind[r] = STMT_INDICATOR_NULL;
      } else if (all_int) {
        col.ints[r] = v->as_int();
      } else if (all_num) {
        col.reals[r] = v->as_real();
      } else if (v->is_text()) {
        col.ptrs[r] = v->as_text().data();
        col.lengths[r] = static_cast<unsigned long>(v->as_text().size());
      } else {
        col.owned.push_back(v->to_text());
        col.ptrs[r] = col.owned.back().data();
        col.lengths[r] = static_cast<unsigned long>(col.owned.back().size());
      }
    }
    if (all_int) b.buffer = col.ints.data();
    else if (all_num) b.buffer = col.reals.data();
    else {
      b.buffer = col.ptrs.data();
      b.length = col.lengths.data();
    }
    b.u.indicator = col.ind.data();
  }
  unsigned int size = static_cast<unsigned int>(rows);
  if (mysql_stmt_attr_set(stmt_, STMT_ATTR_ARRAY_SIZE, &size) != 0) fail("array binding");
  bool ok = mysql_stmt_bind_param(stmt_, binds_.data()) == 0 && mysql_stmt_execute(stmt_) == 0;
  unsigned int no_array = 0;
  if (!ok) {
    unsigned code = mysql_stmt_errno(stmt_);
    std::string message = mysql_stmt_error(stmt_);
    mysql_stmt_attr_set(stmt_, STMT_ATTR_ARRAY_SIZE, &no_array);
    finish();
    conn_.note_failure(code);
    raise(code, message, "bulk " + sql_.substr(0, 200));
  }
  mysql_stmt_attr_set(stmt_, STMT_ATTR_ARRAY_SIZE, &no_array);
  binds_.clear();  // they point into `cols`
  my_ulonglong affected = mysql_stmt_affected_rows(stmt_);
  return affected == static_cast<my_ulonglong>(-1) ? 0 : static_cast<std::uint64_t>(affected);
}

namespace {

std::string format_time(const MYSQL_TIME& t, enum_field_types type, unsigned decimals) {
  char buf[64];
  if (type == MYSQL_TYPE_DATE) {
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", t.year, t.month, t.day);
  } else if (type == MYSQL_TYPE_TIME) {
    int n = std::snprintf(buf, sizeof buf, "%s%02u:%02u:%02u", t.neg ? "-" : "",
                          t.hour + t.day * 24, t.minute, t.second);
    if (decimals > 0 && decimals <= 6)
      std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%06lu", t.second_part);
  } else {  // datetimes always carry microseconds, as Store::now() writes them
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u.%06lu", t.year, t.month, t.day,
                  t.hour, t.minute, t.second, t.second_part);
  }
  return buf;
}

}  // namespace

bool Statement::fetch(std::vector<Value>& row) {
  if (!reading_) return false;
  int rc = mysql_stmt_fetch(stmt_);
  if (rc == MYSQL_NO_DATA) {
    finish();
    return false;
  }
  if (rc == 1) fail("reading");
  const unsigned n = static_cast<unsigned>(results_.size());
  row.clear();
  row.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    ResultColumn& c = results_[i];
    if (c.is_null) {
      row.emplace_back();
      continue;
    }
    switch (result_binds_[i].buffer_type) {
      case MYSQL_TYPE_LONGLONG: row.emplace_back(static_cast<std::int64_t>(c.integer)); break;
      case MYSQL_TYPE_DOUBLE: row.emplace_back(c.real); break;
      case MYSQL_TYPE_DATE: case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP:
      case MYSQL_TYPE_TIME:
        row.emplace_back(format_time(c.time, c.type, c.decimals));
        break;
      default:
        if (c.length <= c.buffer.size()) {
          row.emplace_back(std::string(c.buffer.data(), c.length));
        } else {  // longer than the buffer: fetch the whole value
          std::string full(c.length, '\0');
          MYSQL_BIND b{};
          unsigned long length = 0;
          b.buffer_type = MYSQL_TYPE_STRING;
          b.buffer = full.data();
          b.buffer_length = c.length;
          b.length = &length;
          if (mysql_stmt_fetch_column(stmt_, &b, i, 0) != 0) fail("reading a long value of");
          full.resize(length);
          row.emplace_back(std::move(full));
        }
    }
  }
  return true;
}

void Statement::finish() noexcept {
  if (reading_) {
    mysql_stmt_free_result(stmt_);
    reading_ = false;
  }
}

std::uint64_t Statement::insert_id() const { return mysql_stmt_insert_id(stmt_); }

}  // namespace mariadb
}  // namespace switchboard
