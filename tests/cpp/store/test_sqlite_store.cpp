// SqliteStore beyond the contract: files, WAL, migration, several processes on one file.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

#include "switchboard/switchboard.h"
#include "test_support.h"

using namespace switchboard;
using test_support::TempDir;

namespace {

std::string pragma(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, sql);
  s.executeStep();
  return s.getColumn(0).getString();
}

std::set<std::string> indexes_of(const std::string& path, const std::string& table) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name=?");
  s.bind(1, table);
  std::set<std::string> out;
  while (s.executeStep()) out.insert(s.getColumn(0).getString());
  return out;
}

}  // namespace

TEST_CASE("sqlite: data persists and the file is in WAL mode") {
  TempDir dir;
  std::string path = dir.file("crm.sqlite");
  std::string name;
  {
    auto s = make_sqlite_store(path);
    name = s->insert("CRM Lead", {{"first_name", "Ann"}, {"custom_flag", 1}});
  }
  CHECK(pragma(path, "PRAGMA journal_mode") == "wal");
  auto s = make_sqlite_store(path);
  auto lead = s->get("CRM Lead", name);
  REQUIRE(lead);
  CHECK(lead->text("first_name") == "Ann");
  CHECK(lead->get("custom_flag") == Value(1));
  CHECK(s->count("CRM Lead Status") == 6);  // seeding is idempotent
  CHECK(pragma(path, "SELECT value FROM __switchboard_meta WHERE key='schema_version'") ==
        std::to_string(sqlite_schema_version()));
}

TEST_CASE("sqlite: closing a store leaves the query planner statistics of the tables it read") {
  TempDir dir;
  std::string path = dir.file("stats.sqlite");
  {
    auto s = make_sqlite_store(path);
    for (int i = 0; i < 300; ++i)
      s->insert("CRM Lead", {{"first_name", "Lead"}, {"email", "l" + std::to_string(i) + "@x.com"}});
    CHECK(s->find("CRM Lead", Query{Filter("email", "l7@x.com")}).size() == 1);
  }
  // PRAGMA optimize ran at close (sampling each index: analysis_limit).
  CHECK(pragma(path, "SELECT count(*) FROM sqlite_stat1 WHERE tbl='tabCRM Lead'") != "0");
}

TEST_CASE("sqlite: every looked-up field has an index") {
  TempDir dir;
  std::string path = dir.file("idx.sqlite");
  make_sqlite_store(path);
  auto lead = indexes_of(path, "tabCRM Lead");
  CHECK(lead.count("idx_CRM Lead_email"));
  CHECK(lead.count("idx_CRM Lead_mobile_no"));
  auto comm = indexes_of(path, "tabCommunication");
  CHECK(comm.count("idx_Communication_message_id"));
  CHECK(comm.count("idx_Communication_reference_doctype_reference_name"));
  CHECK(indexes_of(path, "tabHelpdesk Call Log").count("uniq_Helpdesk Call Log_call_id"));
  // Lookups by a unique field use its unique index.
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement plan(db, "EXPLAIN QUERY PLAN SELECT name FROM \"tabHelpdesk Call Log\" WHERE \"call_id\" = ?");
  plan.bind(1, "x");
  REQUIRE(plan.executeStep());
  CHECK(plan.getColumn(3).getString().find("USING INDEX") != std::string::npos);
  CHECK(indexes_of(path, "tabDynamic Link").count("idx_Dynamic Link_link_doctype_link_name"));
  CHECK(indexes_of(path, "tabContact Phone").count("idx_Contact Phone_parent"));
}

namespace {

std::string index_sql(const std::string& path, const std::string& index) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, "SELECT sql || ' @' || rootpage FROM sqlite_master WHERE type='index' AND name=?");
  s.bind(1, index);
  return s.executeStep() ? s.getColumn(0).getString() : "";
}

std::string plan_of(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, "EXPLAIN QUERY PLAN " + sql);
  std::string out;
  while (s.executeStep()) out += s.getColumn(3).getString() + "\n";
  return out;
}

}  // namespace

TEST_CASE("sqlite: indexes leave out rows without a value, and lookups by value still use them") {
  TempDir dir;
  std::string path = dir.file("partial.sqlite");
  {
    auto s = make_sqlite_store(path);
    s->insert("HD Ticket", {{"subject", "no phone"}, {"raised_by", "a@x.com"}});
  }
  // A ticket from mail has no phone, no merge and no split: none of those indexes holds it.
  CHECK(index_sql(path, "idx_HD Ticket_contact_mobile").find("WHERE \"contact_mobile\" IS NOT NULL") != std::string::npos);
  CHECK(index_sql(path, "idx_HD Ticket_merged_with").find("IS NOT NULL") != std::string::npos);
  CHECK(index_sql(path, "idx_HD Ticket_creation").find("WHERE") == std::string::npos);  // orders listings
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement n(db, "SELECT count(*) FROM \"tabHD Ticket\" INDEXED BY \"idx_HD Ticket_merged_with\" WHERE \"merged_with\" IS NOT NULL");
    REQUIRE(n.executeStep());
    CHECK(n.getColumn(0).getInt() == 0);
  }
  // Every way the store asks by value is implied by the index's condition.
  for (const char* where : {"\"contact_mobile\" = 'x'", "\"contact_mobile\" IN ('x', 'y')",
                            "(\"contact_mobile\" IS NOT NULL AND \"contact_mobile\" != '')"}) {
    CAPTURE(where);
    CHECK(plan_of(path, std::string("SELECT name FROM \"tabHD Ticket\" WHERE ") + where)
              .find("idx_HD Ticket_contact_mobile") != std::string::npos);
  }
  CHECK(plan_of(path, "SELECT name FROM \"tabHD Ticket\" WHERE \"custom_contact_mobile_key\" = 'k' ORDER BY creation")
            .find("idx_HD Ticket_custom_contact_mobile_key_creation") != std::string::npos);
}

TEST_CASE("sqlite: an older file is migrated in place without losing data") {
  TempDir dir;
  std::string path = dir.file("old.sqlite");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE \"tabCRM Lead\" (name TEXT PRIMARY KEY, creation TEXT, first_name TEXT,"
            " legacy_note TEXT)");
    db.exec("INSERT INTO \"tabCRM Lead\" VALUES ('OLD-1', '2020-01-01 00:00:00.000000', 'Old', 'kept')");
    db.exec("CREATE TABLE __switchboard_meta (key TEXT PRIMARY KEY NOT NULL, value)");
    db.exec("INSERT INTO __switchboard_meta VALUES ('schema_version', 0)");
  }
  auto s = make_sqlite_store(path);
  auto old = s->get("CRM Lead", "OLD-1");
  REQUIRE(old);
  CHECK(old->text("first_name") == "Old");
  CHECK(old->text("legacy_note") == "kept");  // a site's own column survives
  CHECK(old->text("status") == "New");        // new column with its default
  CHECK(old->get("converted") == Value(0));
  CHECK(s->find("CRM Lead", {Filter("email", Op::kIsNotSet, Value())}).size() == 1);
  CHECK(indexes_of(path, "tabCRM Lead").count("idx_CRM Lead_email"));
  // An index of an earlier layout (holding every row) is rebuilt; one already right is kept.
  const std::string email_index = index_sql(path, "idx_CRM Lead_email");
  const std::string creation_index = index_sql(path, "idx_CRM Lead_creation");
  CHECK(email_index.find("WHERE \"email\" IS NOT NULL") != std::string::npos);
  s.reset();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("DROP INDEX \"idx_CRM Lead_email\"");
    db.exec("CREATE INDEX \"idx_CRM Lead_email\" ON \"tabCRM Lead\"(\"email\")");
    db.exec("UPDATE __switchboard_meta SET value = 'an earlier layout' WHERE key = 'schema_fingerprint'");
  }
  s = make_sqlite_store(path);
  CHECK(index_sql(path, "idx_CRM Lead_email").find("WHERE \"email\" IS NOT NULL") != std::string::npos);
  CHECK(index_sql(path, "idx_CRM Lead_creation") == creation_index);  // same root page: not rebuilt
  std::string name = s->insert("CRM Lead", {{"first_name", "New"}, {"email", "n@x.com"}});
  CHECK(s->get("CRM Lead", name)->text("email") == "n@x.com");

  // A schema with an extra field migrates the same file again, in place.
  auto extended = std::make_shared<Schema>(*Schema::standard());
  extended->add_field("CRM Lead", FieldDef{"custom_tier", FieldType::kText, Value("Gold"), true, false});
  SqliteOptions opt;
  opt.path = path;
  opt.schema = extended;
  s.reset();
  auto s2 = make_sqlite_store(opt);
  CHECK(s2->get("CRM Lead", "OLD-1")->text("custom_tier") == "Gold");
  CHECK(indexes_of(path, "tabCRM Lead").count("idx_CRM Lead_custom_tier"));

  // A schema that no longer indexes the field drops its index (every insert paid for it).
  auto unindexed = std::make_shared<Schema>(*Schema::standard());
  unindexed->add_field("CRM Lead", FieldDef{"custom_tier", FieldType::kText, Value("Gold"), false, false});
  opt.schema = unindexed;
  s2.reset();
  auto s3 = make_sqlite_store(opt);
  CHECK_FALSE(indexes_of(path, "tabCRM Lead").count("idx_CRM Lead_custom_tier"));
  CHECK(indexes_of(path, "tabCRM Lead").count("idx_CRM Lead_email"));
  CHECK(s3->get("CRM Lead", "OLD-1")->text("custom_tier") == "Gold");
}

TEST_CASE("sqlite: a file from a newer switchboard is refused, not damaged") {
  TempDir dir;
  std::string path = dir.file("new.sqlite");
  make_sqlite_store(path);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE __switchboard_meta SET value = 999 WHERE key = 'schema_version'");
  }
  try {
    make_sqlite_store(path);
    FAIL("expected StoreError");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kSchema);
    CHECK(std::string(e.what()).find("999") != std::string::npos);
  }
}

TEST_CASE("sqlite: clear errors for files that cannot be used") {
  TempDir dir;
  std::string junk = dir.file("junk.sqlite");
  std::ofstream(junk) << "this is not a database, just some text that is long enough to matter";
  try {
    make_sqlite_store(junk);
    FAIL("expected StoreError");
  } catch (const StoreError& e) {
    CHECK((e.code() == ErrorCode::kCorrupt));
  }
  try {
    make_sqlite_store(dir.file("no/such/dir/x.sqlite"));
    FAIL("expected StoreError");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kIo);
  }
  SqliteOptions opt;
  opt.path = dir.file("absent.sqlite");
  opt.create = false;
  CHECK_THROWS_AS(make_sqlite_store(opt), NotFound);
}

TEST_CASE("sqlite: read_only opens a switchboard database and writes nothing") {
  TempDir dir;
  std::string path = dir.file("ro.sqlite");
  std::string lead;
  {
    auto store = make_sqlite_store(path);
    lead = store->insert("CRM Lead", {{"first_name", "Ann"}});
  }
  SqliteOptions opt;
  opt.path = path;
  opt.read_only = true;
  auto store = make_sqlite_store(opt);
  CHECK(store->get("CRM Lead", lead)->text("first_name") == "Ann");
  CHECK(store->count("HD Ticket Status") > 0);  // seeded when it was created
  {
    Transaction tx(*store);  // a read transaction works
    CHECK(store->count("CRM Lead") == 1);
    tx.commit();
  }
  CHECK_THROWS_AS(store->insert("CRM Lead", {{"first_name", "Bob"}}), StoreError);
  CHECK(store->count("CRM Lead") == 1);

  opt.path = dir.file("absent.sqlite");
  CHECK_THROWS_AS(make_sqlite_store(opt), NotFound);
  std::ifstream absent(opt.path);
  CHECK(!absent.good());  // not created

  opt.path = dir.file("other.sqlite");
  { SQLite::Database(opt.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE).exec("CREATE TABLE t(x)"); }
  try {
    make_sqlite_store(opt);
    FAIL("expected StoreError");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kSchema);
    CHECK(std::string(e.what()).find("not a switchboard database") != std::string::npos);
  }
  CHECK(pragma(opt.path, "SELECT count(*) FROM sqlite_master") == "1");  // untouched
}

TEST_CASE("sqlite: two processes writing one file lose nothing and never see SQLITE_BUSY") {
  TempDir dir;
  std::string path = dir.file("shared.sqlite");
  make_sqlite_store(path);  // created up front; the children race on everything else
  constexpr int kChildren = 3, kEach = 150;
  std::vector<pid_t> pids;
  for (int c = 0; c < kChildren; ++c) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int code = 0;
      try {
        auto s = make_sqlite_store(path);
        for (int i = 0; i < kEach; ++i) {
          Transaction tx(*s);
          std::string lead = s->insert("CRM Lead", {{"first_name", "child" + std::to_string(c)}});
          s->insert("Communication", {{"subject", "hello"}, {"reference_doctype", "CRM Lead"},
                                      {"reference_name", lead}, {"custom_child", c}});
          s->update_where("CRM Lead", {Filter("name", lead)}, {{"source", "Race"}});
          tx.commit();
          if (i % 10 == 0) s->count("Communication");  // reads interleave with writes
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", c, e.what());
        code = 1;
      }
      _exit(code);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto s = make_sqlite_store(path);
  CHECK(s->count("CRM Lead") == kChildren * kEach);
  CHECK(s->count("Communication") == kChildren * kEach);
  CHECK(s->count("CRM Lead", {Filter("source", "Race")}) == kChildren * kEach);
  // Series numbers were handed out exactly once each: 1..N with no gaps or repeats.
  std::set<std::string> names;
  for (const auto& d : s->find("CRM Lead", Query().select({"name"}))) names.insert(d.name());
  CHECK(names.size() == static_cast<std::size_t>(kChildren * kEach));
  const std::string& last = *names.rbegin();
  CHECK(last.substr(last.size() - 5) == "00450");
  CHECK(s->next_series(last.substr(0, last.size() - 5)) == kChildren * kEach + 1);
}

TEST_CASE("sqlite: a custom column added by another connection becomes visible") {
  TempDir dir;
  std::string path = dir.file("custom.sqlite");
  auto a = make_sqlite_store(path);
  auto b = make_sqlite_store(path);
  std::string name = b->insert("HD Ticket", {{"subject", "x"}, {"custom_sla", "gold"}});
  {
    Transaction tx(*a);  // a transaction refreshes the column list
    tx.commit();
  }
  CHECK(a->get("HD Ticket", name)->text("custom_sla") == "gold");
  CHECK(a->find("HD Ticket", {Filter("custom_sla", "gold")}).size() == 1);

  // Outside a transaction too: a read of whole rows, or naming a column it has not seen, looks.
  std::string other = b->insert("HD Ticket", {{"subject", "y"}, {"custom_tier", "2"}});
  CHECK(a->find("HD Ticket", Query{Filter("name", other)}.select({"name", "subject"})).front().text("subject") == "y");
  CHECK(a->find("HD Ticket", Query{Filter("name", other)}.select({"custom_tier"})).front().text("custom_tier") == "2");
  std::string third = b->insert("HD Ticket", {{"subject", "z"}, {"custom_zone", "eu"}});
  CHECK(a->count("HD Ticket", {Filter("custom_zone", "eu")}) == 1);
  std::string fourth = b->insert("HD Ticket", {{"subject", "w"}, {"custom_desk", "north"}});
  CHECK(a->get("HD Ticket", fourth)->text("custom_desk") == "north");
  std::string fifth = b->insert("HD Ticket", {{"subject", "v"}, {"custom_floor", "3"}});
  CHECK(a->find("HD Ticket", Query{Filter("name", fifth)}).front().text("custom_floor") == "3");
}

TEST_CASE("sqlite: more distinct statements than the cache holds") {
  SqliteOptions opt;
  opt.path = ":memory:";
  opt.statement_cache_size = 4;
  auto s = make_sqlite_store(opt);
  for (int i = 0; i < 50; ++i) {
    std::vector<Value> list;
    for (int j = 0; j <= i; ++j) list.emplace_back("n" + std::to_string(j));
    s->insert("CRM Lead", {{"name", "n" + std::to_string(i)}});
    CHECK(s->count("CRM Lead", {Filter("name", Op::kIn, list)}) == i + 1);
  }
}

TEST_CASE("sqlite: the WAL is copied back once it reaches wal_checkpoint_kib") {
  TempDir dir;
  auto wal_size_after_writes = [&](const std::string& name, int kib) {
    SqliteOptions opt;
    opt.path = dir.file(name);
    opt.wal_checkpoint_kib = kib;
    auto s = make_sqlite_store(opt);
    const std::string text(2000, 'x');
    for (int t = 0; t < 40; ++t) {  // 40 transactions of ~100 KiB
      Transaction tx(*s);
      for (int i = 0; i < 50; ++i) s->insert("Comment", {{"content", text + std::to_string(t * 50 + i)}});
      tx.commit();
    }
    return std::filesystem::file_size(opt.path + "-wal");
  };
  // The WAL file keeps its largest size: the frames written between two checkpoints.
  CHECK(wal_size_after_writes("small.sqlite", 256) < 1024 * 1024);
  CHECK(wal_size_after_writes("large.sqlite", 65536) > 3 * 1024 * 1024);
}

TEST_CASE("sqlite: a process whose first SQLite connection is a store keeps no memory statistics") {
  // They cost every SQLite allocation a global mutex; sqlite3_memory_used() stays 0 without them.
  TempDir dir;
  auto s = make_sqlite_store(dir.file("stats.sqlite"));
  for (int i = 0; i < 20; ++i) s->insert("Comment", {{"content", "note " + std::to_string(i)}});
  CHECK(s->count("Comment", {}) == 20);
  CHECK(sqlite3_memory_used() == 0);
}

namespace {

// While it lives, files this process writes may not grow beyond `extra` bytes past the
// largest file in `dir` (a full disk); writing past it fails with EFBIG instead of a signal.
class DiskFull {
 public:
  DiskFull(const std::filesystem::path& dir, rlim_t extra) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = std::signal(SIGXFSZ, SIG_IGN);
    rlim_t largest = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir))
      largest = std::max<rlim_t>(largest, static_cast<rlim_t>(f.file_size()));
    rlimit limit{largest + extra, saved_.rlim_max};
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~DiskFull() { lift(); }
  void lift() {
    if (lifted_) return;
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_);
    lifted_ = true;
  }

 private:
  rlimit saved_{};
  void (*previous_)(int) = nullptr;
  bool lifted_ = false;
};

}  // namespace

TEST_CASE("sqlite: after SQLite rolls a transaction back by itself, nothing more is written in it") {
  // A full disk makes SQLite undo the whole open transaction. A savepoint opened after that
  // would begin a new transaction of its own, and writes would commit one at a time.
  TempDir dir;
  std::string path = dir.file("full.sqlite");
  SqliteOptions options;
  options.path = path;
  options.page_cache_kib = 64;  // pages spill into the WAL while the transaction runs
  auto s = make_sqlite_store(options);
  s->insert("CRM Lead", {{"first_name", "before"}});
  const std::string big(20000, 'x');
  {
    DiskFull full(dir.path(), 300000);
    s->begin();
    ErrorCode failure = ErrorCode::kInternal;
    try {
      for (int i = 0; i < 1000; ++i)
        s->insert("CRM Lead", {{"first_name", "big" + std::to_string(i)}, {"lead_name", big}});
    } catch (const StoreError& e) {
      failure = e.code();
    }
    full.lift();
    CHECK(failure == ErrorCode::kIo);
    CHECK(s->transaction_depth() == 1);
    // Each of these would have been committed on its own.
    CHECK_THROWS_AS(in_transaction(*s, [&] { s->insert("CRM Lead", {{"first_name", "in a savepoint"}}); }),
                    StoreError);
    CHECK_THROWS_WITH_AS(s->insert("CRM Lead", {{"first_name", "plain"}}),
                         doctest::Contains("SQLite rolled the transaction back"), StoreError);
    CHECK_THROWS_AS(s->find("CRM Lead", Query{}), StoreError);
    CHECK_THROWS_AS(s->commit(), StoreError);
  }
  CHECK(s->transaction_depth() == 0);
  auto other = make_sqlite_store(path);
  CHECK(other->count("CRM Lead") == 1);
  CHECK(other->count("CRM Lead", {Filter("first_name", "before")}) == 1);
  // The store works again once the transaction is rolled back.
  in_transaction(*s, [&] { s->insert("CRM Lead", {{"first_name", "after"}}); });
  CHECK(other->count("CRM Lead") == 2);
}
