// MariaDbStore beyond the contract: URLs and secrets, concurrent writers with reruns at the
// outermost level, locks, lost connections, several processes' view of custom columns.
#include <atomic>
#include <cstdlib>
#include <thread>

#include "mariadb_test_support.h"
#include "switchboard/open_store.h"
#include "switchboard/switchboard.h"

using namespace switchboard;

TEST_CASE("mariadb: URLs, passwords and redaction") {
  using mariadb::parse_url;
  auto s = parse_url("mariadb://ann:p%40ss%3Aword@db.example:3307/crm?lock_wait_timeout=3", {});
  CHECK(s.user == "ann");
  CHECK(s.password == "p@ss:word");
  CHECK(s.password_given);
  CHECK(s.host == "db.example");
  CHECK(s.port == 3307);
  CHECK(s.database == "crm");
  CHECK(s.lock_wait_timeout == 3);
  CHECK(s.redacted == "mariadb://ann:***@db.example:3307/crm?lock_wait_timeout=3");
  s = parse_url("mariadb://ann@localhost/crm?socket=/run/mysqld/mysqld.sock&frappe=1", {});
  CHECK(s.socket == "/run/mysqld/mysqld.sock");
  CHECK(s.frappe);
  CHECK_FALSE(s.password_given);
  s = parse_url("mysql://[::1]:3306/x", {});
  CHECK(s.host == "::1");
  // The password from the environment, never from a message.
  ::setenv("SB_TEST_PW", "from-env", 1);
  s = parse_url("mariadb://ann@localhost/crm?password_env=SB_TEST_PW", {});
  CHECK(s.password == "from-env");
  ::unsetenv("SB_TEST_PW");
  for (const char* bad : {"postgres://a@b/c", "mariadb://ann:secret@host", "mariadb://ann:secret@host:99x/db",
                          "mariadb://ann:secret@host/db?nonsense=1", "mariadb://ann:sec%zzret@host/db"}) {
    CAPTURE(bad);
    try {
      parse_url(bad, {});
      FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
      CHECK(std::string(e.what()).find("secret") == std::string::npos);
      CHECK(std::string(e.what()).find("sec%zzret") == std::string::npos);
    }
  }
  CHECK(redact_database_url("mariadb://u:pw@h/db") == "mariadb://u:***@h/db");
  CHECK(redact_database_url("mariadb://u@h/db") == "mariadb://u@h/db");
  CHECK(describe_database("/tmp/x.sqlite") == "/tmp/x.sqlite");
  CHECK(is_mariadb_url("mysql://x/y"));
  CHECK_FALSE(is_mariadb_url("crm.sqlite"));
}

TEST_CASE("mariadb: a refused login names the URL without its password") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  std::string url = mariadb_test::with_database(mariadb_test::server_url(), "mysql");
  url.insert(url.find("root") + 4, ":wrong-s3cret");
  try {
    make_mariadb_backend(url);
    FAIL("expected AuthError");
  } catch (const AuthError& e) {
    CHECK(std::string(e.what()).find("wrong-s3cret") == std::string::npos);
    CHECK(std::string(e.what()).find("***") != std::string::npos);
  }
}

TEST_CASE("mariadb: concurrent writers lose no update (serializable, rerun at the outermost level)") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  make_mariadb_store(db.url())->insert("CRM Lead", {{"name", "counter"}, {"no_of_employees", "0"}});
  constexpr int kThreads = 4, kEach = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      try {
        std::shared_ptr<Store> s = make_mariadb_store(db.url());  // a connection per thread
        for (int i = 0; i < kEach; ++i) {
          in_retrying_transaction(*s, [&] {
            auto lead = s->get("CRM Lead", "counter");
            int n = std::atoi(lead->text("no_of_employees").c_str());
            s->update("CRM Lead", "counter", {{"no_of_employees", std::to_string(n + 1)}});
          });
        }
      } catch (const std::exception& e) {
        MESSAGE(e.what());
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(make_mariadb_store(db.url())->get("CRM Lead", "counter")->text("no_of_employees") ==
        std::to_string(kThreads * kEach));
}

TEST_CASE("mariadb: lock(key) excludes other sessions until the outermost transaction ends") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  auto a = make_mariadb_store(mariadb_test::with_param(db.url(), "lock_wait_timeout=1"));
  auto b = make_mariadb_store(mariadb_test::with_param(db.url(), "lock_wait_timeout=1"));
  a->begin();
  a->lock("ringcentral-token");
  a->begin();  // a savepoint does not release it
  a->commit();
  b->begin();
  try {
    b->lock("ringcentral-token");
    FAIL("expected busy");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kBusy);
    CHECK(is_retryable(e));
  }
  b->rollback();
  a->commit();  // the outermost end releases it
  b->begin();
  b->lock("ringcentral-token");
  b->lock(std::string(300, 'k'));  // long keys are hashed into GET_LOCK's limit
  b->commit();
}

TEST_CASE("mariadb: a lost connection") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  auto s = make_mariadb_store(db.url());
  s->insert("CRM Lead", {{"name", "L1"}});
  auto kill_sessions = [&] {
    for (auto& row : db.admin().query("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = " +
                                      db.admin().quote(db.name())))
      db.admin().exec("KILL " + row[0].to_text());
  };
  kill_sessions();
  CHECK(s->get("CRM Lead", "L1"));  // outside a transaction: reconnected and read again
  s->begin();
  s->insert("CRM Lead", {{"name", "L2"}});
  kill_sessions();
  try {
    s->insert("CRM Lead", {{"name", "L3"}});
    FAIL("expected a retryable error");
  } catch (const StoreError& e) {
    CHECK(is_retryable(e));
  }
  s->rollback();
  CHECK_FALSE(s->exists("CRM Lead", "L2"));  // the server rolled it back with the session
  s->insert("CRM Lead", {{"name", "L3"}});   // and the store works on
  CHECK(s->exists("CRM Lead", "L3"));
}

TEST_CASE("mariadb: a second process opens without migrating and sees new custom columns") {
  if (!mariadb_test::server_url()) return mariadb_test::skip();
  mariadb_test::Database db;
  auto a = make_mariadb_store(db.url());
  auto b = make_mariadb_store(db.url());  // same fingerprint: no DDL
  a->insert("HD Ticket", {{"name", "T1"}, {"custom_region", "EU"}});
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // b looks once a second
  CHECK(b->get("HD Ticket", "T1")->text("custom_region") == "EU");
  CHECK(b->count("HD Ticket", {Filter("custom_region", "EU")}) == 1);
  auto c = open_store(db.url());  // the database-string dispatch
  CHECK(c->count("HD Ticket") == 1);
}
