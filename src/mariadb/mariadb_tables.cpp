// MariaDbStore's tables: creating and migrating an own database, discovering the columns a
// table really has, and adding columns for custom fields.
//
// Table changes (DDL) commit an open transaction implicitly in MariaDB, so they never run on
// the connection of a transaction: a custom column is added on a second connection. That one
// waits for the metadata lock of every transaction that used the table — including ours, which
// would wait for itself. A custom field first written in a transaction that already used its
// table therefore rolls the transaction back, adds the column, and reports a retryable
// StoreError(conflict): the rerun finds the column.
#include <algorithm>

#include "mariadb_backend.h"
#include "switchboard/error.h"

namespace switchboard::mariadb {
namespace {

// Bumped when a release needs a data migration (added tables, columns and indexes follow the
// schema fingerprint).
constexpr int kSchemaVersion = 1;
constexpr const char* kMetaTable = "`__switchboard_meta`";
constexpr const char* kLayout = ":mariadb-layout-1";
// How often a process looks for columns other processes added.
constexpr auto kGenerationCheck = std::chrono::seconds(1);

std::string in_list(Connection& c, const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + c.quote(n);
  return out;
}

}  // namespace

std::map<std::string, std::map<std::string, ColumnClass, std::less<>>> MariaDbBackend::read_columns(
    Connection& c, const std::vector<std::string>& tables) {
  std::string sql =
      "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS "
      "WHERE TABLE_SCHEMA = DATABASE()";
  if (!tables.empty() && tables.size() <= 500) sql += " AND TABLE_NAME IN (" + in_list(c, tables) + ")";
  std::map<std::string, std::map<std::string, ColumnClass, std::less<>>> out;
  for (auto& row : c.query(sql))
    out[row[0].as_text()][row[1].as_text()] = column_class_of(row[2].as_text());
  return out;
}

void MariaDbBackend::migrate() {
  Connection& c = *conn_;
  c.exec(std::string("CREATE TABLE IF NOT EXISTS ") + kMetaTable +
         " (`key` varchar(140) NOT NULL PRIMARY KEY, `value` longtext) ENGINE=InnoDB "
         "CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
  // Processes opening a fresh database at once migrate it once, one after the other.
  const std::string lock = c.quote("sb:" + spec_.database + ":migrate");
  auto got = c.query("SELECT GET_LOCK(" + lock + ", 120)");
  if (got.empty() || got[0][0].is_null() || got[0][0].as_int() != 1)
    throw StoreError(ErrorCode::kBusy, "migrating " + spec_.redacted +
                                           ": another process held the migration lock for 120 s");
  try {
    int version = 0;
    std::string stored;
    for (auto& row : c.query(std::string("SELECT `key`, `value` FROM ") + kMetaTable)) {
      if (row[0].as_text() == "schema_version") version = std::stoi(row[1].to_text());
      if (row[0].as_text() == "schema_fingerprint") stored = row[1].to_text();
    }
    if (version > kSchemaVersion)
      throw StoreError(ErrorCode::kSchema,
                       spec_.redacted + " has schema version " + std::to_string(version) +
                           ", newer than this switchboard (" + std::to_string(kSchemaVersion) +
                           "); upgrade switchboard");
    const std::string fingerprint = schema_->fingerprint() + kLayout;
    if (version != kSchemaVersion || stored != fingerprint) {
      std::vector<std::string> names;
      for (const auto& def : schema_->doctypes()) names.push_back("tab" + def->name);
      auto existing = read_columns(c, names);
      for (const auto& def : schema_->doctypes()) {
        auto it = existing.find("tab" + def->name);
        upgrade_table(*def, it == existing.end() ? nullptr : &it->second);
      }
      // Data migrations for versions (version, kSchemaVersion] go here, oldest first.
      c.exec(std::string("REPLACE INTO ") + kMetaTable + " VALUES ('schema_version', " +
             c.quote(std::to_string(kSchemaVersion)) + "), ('schema_fingerprint', " +
             c.quote(fingerprint) + ")");
      c.exec(std::string("INSERT INTO ") + kMetaTable +
             " VALUES ('generation', '1') ON DUPLICATE KEY UPDATE `value` = `value` + 1");
    }
  } catch (...) {
    try {
      c.exec("SELECT RELEASE_LOCK(" + lock + ")");
    } catch (...) {
    }
    throw;
  }
  c.exec("SELECT RELEASE_LOCK(" + lock + ")");
}

void MariaDbBackend::upgrade_table(const DocTypeDef& def,
                                   const std::map<std::string, ColumnClass, std::less<>>* existing) {
  Connection& c = *conn_;
  if (!existing) {
    c.exec(create_table_sql(def));  // with its indexes
    return;
  }
  std::string add;
  for (const auto& f : def.columns())
    if (!existing->count(f.name)) add += (add.empty() ? "" : ", ") + ("ADD COLUMN IF NOT EXISTS " + column_sql(f));
  if (!add.empty()) c.exec("ALTER TABLE " + table_ident(def.name) + " " + add);
  for (const auto& sql : create_index_sql(def)) c.exec(sql);
}

void MariaDbBackend::load_tables() {
  tables_.clear();
  std::vector<std::string> names;
  for (const auto& def : schema_->doctypes()) names.push_back("tab" + def->name);
  auto columns = read_columns(*conn_, names);
  std::set<std::string, std::less<>> singles;
  if (spec_.frappe) {
    std::vector<std::string> doctypes;
    for (const auto& def : schema_->doctypes()) doctypes.push_back(def->name);
    for (auto& row : conn_->query("SELECT name FROM `tabDocType` WHERE issingle = 1 AND name IN (" +
                                  in_list(*conn_, doctypes) + ")"))
      singles.insert(row[0].as_text());
  }
  for (const auto& def : schema_->doctypes()) {
    TableInfo t;
    t.def = def.get();
    t.sql_name = table_ident(def->name);
    auto it = columns.find("tab" + def->name);
    if (singles.count(def->name)) {
      t.single = true;
      for (const auto& f : def->columns()) t.columns[f.name] = column_class(f);
    } else if (it != columns.end()) {
      t.columns = std::move(it->second);
    } else {
      throw StoreError(ErrorCode::kSchema, spec_.redacted + " has no table " + t.sql_name +
                                               (spec_.frappe ? " (is the app installed on the site?)"
                                                             : ""));
    }
    if (const ColumnClass* name = t.column("name"); name && *name == ColumnClass::kInt) {
      t.int_name = true;  // Frappe autoincrement: scrub(doctype) + "_id_seq"
      std::string seq;
      for (char ch : def->name) seq += ch == ' ' || ch == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      t.sequence = seq + "_id_seq";
    }
    t.rebuild();
    tables_.emplace(def->name, std::move(t));
  }
  if (!spec_.frappe) {
    auto rows = conn_->query(std::string("SELECT `value` FROM ") + kMetaTable + " WHERE `key` = 'generation'");
    generation_ = rows.empty() ? 0 : std::stoll(rows[0][0].to_text());
    next_check_ = std::chrono::steady_clock::now() + kGenerationCheck;
  }
}

void MariaDbBackend::reload_table(TableInfo& t) {
  auto columns = read_columns(ddl(), {"tab" + t.def->name});
  auto it = columns.find("tab" + t.def->name);
  if (it != columns.end()) t.columns = std::move(it->second);
  t.rebuild();
}

void MariaDbBackend::refresh_if_changed() {
  if (spec_.frappe || depth_ > 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return;
  next_check_ = now + kGenerationCheck;
  static const std::string sql = std::string("SELECT `value` FROM ") + kMetaTable + " WHERE `key` = 'generation'";
  std::int64_t generation = 0;
  run("checking for new columns in", spec_.database, true, [&] {
    select(sql, {}, [&](std::vector<Value>& row) { generation = std::stoll(row[0].to_text()); });
    return 0;
  });
  if (generation == generation_) return;
  auto columns = read_columns(*conn_, {});
  for (auto& [name, t] : tables_) {
    auto it = columns.find("tab" + name);
    if (it == columns.end() || t.single) continue;
    t.columns = std::move(it->second);
    t.rebuild();
  }
  generation_ = generation;
}

Connection& MariaDbBackend::ddl() {
  if (!ddl_) ddl_ = std::make_unique<Connection>(spec_, 4);
  return *ddl_;
}

void MariaDbBackend::ensure_columns(TableInfo& t, const Document& doc) {
  std::vector<std::pair<std::string, const Value*>> missing;
  for (const auto& [k, v] : doc)
    if (!v.is_null() && !t.column(k)) missing.emplace_back(k, &v);
  if (missing.empty()) return;
  if (spec_.frappe || t.single)
    throw ValidationError(t.def->name + " has no field '" + missing.front().first +
                          "' on this site: add it as a Custom Field in Frappe first");
  std::string alter = "ALTER TABLE " + t.sql_name + " ";
  for (std::size_t i = 0; i < missing.size(); ++i)
    alter += (i ? ", ADD COLUMN IF NOT EXISTS " : "ADD COLUMN IF NOT EXISTS ") +
             ident(missing[i].first) + " " + custom_column_type(*missing[i].second);
  const bool must_restart = depth_ > 0 && touched_.count(t.def->name) > 0;
  if (must_restart) abort_transaction(0);  // releases our metadata lock on the table
  try {
    ddl().exec(alter);
    ddl().exec(std::string("INSERT INTO ") + kMetaTable +
               " VALUES ('generation', '1') ON DUPLICATE KEY UPDATE `value` = `value` + 1");
  } catch (const Error& e) {
    throw StoreError(ErrorCode::kBusy, "adding custom field '" + missing.front().first + "' to " +
                                           t.def->name + ": " + e.what());
  }
  reload_table(t);
  for (const auto& m : missing)
    if (!t.column(m.first))
      throw ValidationError("field '" + m.first + "' of " + t.def->name +
                            " differs only in letter case from an existing column");
  if (must_restart)
    throw StoreError(ErrorCode::kConflict,
                     "new custom field '" + missing.front().first + "' of " + t.def->name +
                         ": added, but the transaction had already used the table and was "
                         "rolled back for the change; run it again");
}

}  // namespace switchboard::mariadb
