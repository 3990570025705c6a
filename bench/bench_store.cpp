// SqliteStore against the raw sqlite3 C API executing the same statements on an identical
// file (same schema, indexes and pragmas), measured in one run. Prints a markdown table.
//
//   insert: CRM Lead rows named by naming series, in transactions of 500 rows
//           (BEGIN IMMEDIATE; series upsert ... RETURNING; INSERT; ...; COMMIT)
//   find:   an indexed lookup by email returning name and status
//   get:    a full document by name (every column)
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "switchboard/switchboard.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int kRows = 40000;
constexpr int kBatch = 500;
constexpr int kLookups = 40000;
constexpr int kRounds = 7;

std::string email(int i) { return "customer" + std::to_string(i) + "@example.com"; }

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

struct Raw {
  sqlite3* db = nullptr;
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* series = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* find = nullptr;
  sqlite3_stmt* get = nullptr;
  int columns = 0;

  explicit Raw(const std::string& path) {
    check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr), db,
          "open");
    sqlite3_busy_timeout(db, 30000);
    // The same connection settings SqliteStore uses.
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; "
                 "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY",
                 nullptr, nullptr, nullptr);
    prep("BEGIN IMMEDIATE", &begin);
    prep("COMMIT", &commit);
    prep("INSERT INTO \"tabSeries\" (\"name\", \"current\") VALUES (?, 1) "
         "ON CONFLICT(\"name\") DO UPDATE SET \"current\" = \"current\" + 1 RETURNING \"current\"",
         &series);
    // The columns the facade writes for these documents: given fields, standard columns,
    // every non-null default, and the stored phone key with its version (the baseline is given
    // the key for free: the input is already E.164).
    prep("INSERT INTO \"tabCRM Lead\" (\"annual_revenue\", \"communication_status\", \"converted\", "
         "\"creation\", \"docstatus\", \"email\", \"first_name\", \"idx\", \"last_name\", "
         "\"mobile_no\", \"modified\", \"modified_by\", \"name\", \"owner\", \"source\", \"status\", "
         "\"custom_mobile_no_key\", \"custom_phone_key_version\") "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         &insert);
    prep("SELECT \"name\", \"status\" FROM \"tabCRM Lead\" WHERE \"email\" = ?", &find);
    // Every column, as get() reads them.
    sqlite3_stmt* info = nullptr;
    prep("SELECT name FROM pragma_table_info('tabCRM Lead') ORDER BY name", &info);
    std::string cols;
    while (sqlite3_step(info) == SQLITE_ROW) {
      cols += (cols.empty() ? "\"" : ", \"") + std::string((const char*)sqlite3_column_text(info, 0)) + "\"";
      ++columns;
    }
    sqlite3_finalize(info);
    prep(("SELECT " + cols + " FROM \"tabCRM Lead\" WHERE \"name\" = ?").c_str(), &get);
  }
  ~Raw() {
    for (auto* s : {begin, commit, series, insert, find, get}) sqlite3_finalize(s);
    sqlite3_close(db);
  }
  void prep(const char* sql, sqlite3_stmt** out) {
    check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, nullptr), db, sql);
  }
  static void run(sqlite3_stmt* s) {
    sqlite3_step(s);
    sqlite3_reset(s);
  }
};

std::string timestamp() {  // what any Frappe-compatible writer must produce per row
  auto now = std::chrono::system_clock::now();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = micros / 1000000;
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, long(micros % 1000000));
  return buf;
}

// One batch of kBatch rows starting at row `b`; raw and store batches alternate (see main).
double raw_insert(Raw& r, int b) {
  auto t0 = Clock::now();
  std::string year = std::to_string(1900 + [] {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm.tm_year;
  }());
  std::string prefix = "CRM-LEAD-" + year + "-";
  {
    Raw::run(r.begin);
    for (int i = b; i < b + kBatch; ++i) {
      std::string ts = timestamp();
      sqlite3_bind_text(r.series, 1, prefix.c_str(), int(prefix.size()), SQLITE_STATIC);
      sqlite3_step(r.series);
      std::string n = std::to_string(sqlite3_column_int64(r.series, 0));
      sqlite3_reset(r.series);
      std::string name = prefix + std::string(n.size() < 5 ? 5 - n.size() : 0, '0') + n;
      std::string e = email(i), first = "First" + std::to_string(i), mobile = "+1555" + std::to_string(1000000 + i);
      sqlite3_stmt* s = r.insert;
      sqlite3_bind_double(s, 1, 0.0);
      sqlite3_bind_text(s, 2, "Open", 4, SQLITE_STATIC);
      sqlite3_bind_int64(s, 3, 0);
      sqlite3_bind_text(s, 4, ts.c_str(), int(ts.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 5, 0);
      sqlite3_bind_text(s, 6, e.c_str(), int(e.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 7, first.c_str(), int(first.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 8, 0);
      sqlite3_bind_text(s, 9, "Doe", 3, SQLITE_STATIC);
      sqlite3_bind_text(s, 10, mobile.c_str(), int(mobile.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 11, ts.c_str(), int(ts.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 12, "Administrator", 13, SQLITE_STATIC);
      sqlite3_bind_text(s, 13, name.c_str(), int(name.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 14, "Administrator", 13, SQLITE_STATIC);
      sqlite3_bind_text(s, 15, "Web", 3, SQLITE_STATIC);
      sqlite3_bind_text(s, 16, "New", 3, SQLITE_STATIC);
      sqlite3_bind_text(s, 17, mobile.c_str(), int(mobile.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 18, 1);
      check(sqlite3_step(s), r.db, "insert");
      sqlite3_reset(s);
    }
    Raw::run(r.commit);
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double store_insert(switchboard::Store& s, int b) {
  auto t0 = Clock::now();
  {
    switchboard::Transaction tx(s);
    for (int i = b; i < b + kBatch; ++i) {
      s.insert("CRM Lead", {{"first_name", "First" + std::to_string(i)},
                            {"last_name", "Doe"},
                            {"email", email(i)},
                            {"mobile_no", "+1555" + std::to_string(1000000 + i)},
                            {"source", "Web"}});
    }
    tx.commit();
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Row {  // what raw code copies out of a result row
  std::vector<std::string> text;
};

constexpr int kBlocks = 8;  // lookups alternate between raw and store in blocks

double raw_find(Raw& r, int rows, int block) {
  auto t0 = Clock::now();
  std::size_t found = 0;
  for (int i = block; i < kLookups; i += kBlocks) {
    std::string e = email((i * 7919) % rows);
    sqlite3_bind_text(r.find, 1, e.c_str(), int(e.size()), SQLITE_STATIC);
    while (sqlite3_step(r.find) == SQLITE_ROW) {
      std::string name((const char*)sqlite3_column_text(r.find, 0), sqlite3_column_bytes(r.find, 0));
      std::string status((const char*)sqlite3_column_text(r.find, 1), sqlite3_column_bytes(r.find, 1));
      found += name.size() + status.size() > 0;
    }
    sqlite3_reset(r.find);
  }
  if (found != std::size_t(kLookups / kBlocks)) std::fprintf(stderr, "raw find found %zu\n", found);
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double store_find(switchboard::Store& s, int rows, int block) {
  using namespace switchboard;
  auto t0 = Clock::now();
  std::size_t found = 0;
  for (int i = block; i < kLookups; i += kBlocks) {
    auto hits = s.find("CRM Lead", Query{Filter("email", email((i * 7919) % rows))}.select({"name", "status"}));
    found += hits.size();
  }
  if (found != std::size_t(kLookups / kBlocks)) std::fprintf(stderr, "store find found %zu\n", found);
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double raw_get(Raw& r, const std::vector<std::string>& names, int block) {
  auto t0 = Clock::now();
  std::size_t cells = 0;
  for (int i = block; i < kLookups; i += kBlocks) {
    const std::string& n = names[(i * 7919) % names.size()];
    sqlite3_bind_text(r.get, 1, n.c_str(), int(n.size()), SQLITE_STATIC);
    if (sqlite3_step(r.get) == SQLITE_ROW) {
      // Copy every column out as its type, as a document reader must.
      std::vector<std::pair<int, std::string>> row;
      row.reserve(r.columns);
      for (int c = 0; c < r.columns; ++c) {
        int type = sqlite3_column_type(r.get, c);
        if (type == SQLITE_TEXT)
          row.emplace_back(type, std::string((const char*)sqlite3_column_text(r.get, c), sqlite3_column_bytes(r.get, c)));
        else
          row.emplace_back(type, std::to_string(sqlite3_column_int64(r.get, c)));
      }
      cells += row.size();
    }
    sqlite3_reset(r.get);
  }
  if (cells == 0) std::fprintf(stderr, "raw get read nothing\n");
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double store_get(switchboard::Store& s, const std::vector<std::string>& names, int block) {
  auto t0 = Clock::now();
  std::size_t cells = 0;
  for (int i = block; i < kLookups; i += kBlocks) cells += s.get("CRM Lead", names[(i * 7919) % names.size()])->size();
  if (cells == 0) std::fprintf(stderr, "store get read nothing\n");
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "switchboard-bench";
  fs::create_directories(dir);
  std::vector<double> ins_raw, ins_store, find_raw, find_store, get_raw, get_store;
  for (int round = 0; round < kRounds; ++round) {
    std::string raw_path = (dir / ("raw-" + std::to_string(round) + ".sqlite")).string();
    std::string store_path = (dir / ("store-" + std::to_string(round) + ".sqlite")).string();
    for (const auto& p : {raw_path, store_path})
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p + suffix);
    switchboard::make_sqlite_store(raw_path);  // identical schema, indexes and seed rows
    auto store = switchboard::make_sqlite_store(store_path);
    Raw raw(raw_path);
    // Batches alternate between the two files (and which goes first), so both see the same
    // machine: page cache, checkpoints, neighbours' I/O.
    double ir = 0, is = 0;
    for (int b = 0; b < kRows; b += kBatch) {
      if ((b / kBatch + round) % 2 == 0) {
        ir += raw_insert(raw, b);
        is += store_insert(*store, b);
      } else {
        is += store_insert(*store, b);
        ir += raw_insert(raw, b);
      }
    }
    ins_raw.push_back(ir);
    ins_store.push_back(is);
    std::vector<std::string> names;
    for (const auto& d : store->find("CRM Lead", switchboard::Query().select({"name"}))) names.push_back(d.name());
    double fr = 0, fs = 0, gr = 0, gs = 0;
    for (int b = 0; b < kBlocks; ++b) {
      fr += raw_find(raw, kRows, b);
      fs += store_find(*store, kRows, b);
    }
    for (int b = 0; b < kBlocks; ++b) {
      gr += raw_get(raw, names, b);
      gs += store_get(*store, names, b);
    }
    find_raw.push_back(fr);
    find_store.push_back(fs);
    get_raw.push_back(gr);
    get_store.push_back(gs);
  }
  auto line = [](const char* what, int n, const std::vector<double>& raw, const std::vector<double>& ours) {
    double r = median(raw), o = median(ours);
    std::printf("| %s | %d | %.0f | %.0f | %.2f |\n", what, n, n / r, n / o, o / r);
  };
  std::printf("| operation | n | raw sqlite3 ops/s | SqliteStore ops/s | SqliteStore time / raw time |\n");
  std::printf("|---|---|---|---|---|\n");
  line("insert (series-named CRM Lead, 500 per transaction)", kRows, ins_raw, ins_store);
  line("indexed find (email -> name, status)", kLookups, find_raw, find_store);
  line("get by name (all columns)", kLookups, get_raw, get_store);
  std::printf("\nmedian of %d rounds; files in %s\n", kRounds, dir.string().c_str());
  return 0;
}
