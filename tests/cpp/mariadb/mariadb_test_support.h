// MariaDB test helpers: the server given by SWITCHBOARD_TEST_MARIADB_URL (the Makefile starts
// a private one, scripts/mariadb-test-server), and throw-away databases on it.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>

#include <vector>

#include "mariadb/connection.h"
#include "switchboard/mariadb_store.h"
#include "switchboard/memory_store.h"
#include "switchboard/store.h"
#include "switchboard/faulty_store.h"

namespace mariadb_test {

/// The server URL, or nullptr: then the caller skips (skip() prints the reason ctest looks for).
inline const char* server_url() {
  const char* url = std::getenv("SWITCHBOARD_TEST_MARIADB_URL");
  return url && *url ? url : nullptr;
}

/// Prints the skip marker (ctest reports the test as skipped) once per process.
inline void skip() {
  static bool said = false;
  if (!said)
    std::cout << "[mariadb skipped] no MariaDB server: SWITCHBOARD_TEST_MARIADB_URL is not set "
                 "(make test starts one with scripts/mariadb-test-server)\n";
  said = true;
}

/// `url` with its database replaced by `database`.
inline std::string with_database(const std::string& url, const std::string& database) {
  std::size_t scheme = url.find("://");
  std::size_t slash = url.find('/', scheme + 3);
  std::size_t query = url.find('?', scheme + 3);
  std::string head = url.substr(0, slash == std::string::npos ? query : slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + database + tail;
}

/// `url` with one more query parameter ("name=value").
inline std::string with_param(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

/// A fresh, empty database on the test server, dropped when this object dies.
class Database {
 public:
  Database() {
    static std::atomic<int> counter{0};
    name_ = "sbt_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    admin_ = std::make_unique<switchboard::mariadb::Connection>(
        switchboard::mariadb::parse_url(with_database(server_url(), "mysql"), {}), 4);
    admin_->exec("DROP DATABASE IF EXISTS `" + name_ + "`");
    admin_->exec("CREATE DATABASE `" + name_ + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  }
  ~Database() {
    try {
      admin_->exec("DROP DATABASE IF EXISTS `" + name_ + "`");
    } catch (...) {
    }
  }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  std::string url() const { return with_database(server_url(), name_); }
  const std::string& name() const { return name_; }
  switchboard::mariadb::Connection& admin() { return *admin_; }

 private:
  std::string name_;
  std::unique_ptr<switchboard::mariadb::Connection> admin_;
};

/// Fresh stores for the contract suite. Creating a database and its tables takes about a
/// second, so databases are reused: one whose last store is gone is emptied (its rows deleted)
/// and opened again. They are dropped when the process ends.
class StorePool {
 public:
  static StorePool& instance() {
    static StorePool pool;
    return pool;
  }
  std::shared_ptr<switchboard::Store> make() {
    for (auto& slot : slots_) {
      if (!slot.store.expired()) continue;
      empty(*slot.db);
      std::shared_ptr<switchboard::Store> s = switchboard::make_mariadb_store(slot.db->url());
      slot.store = s;
      return s;
    }
    slots_.push_back({std::make_unique<Database>(), {}});
    std::shared_ptr<switchboard::Store> s = switchboard::make_mariadb_store(slots_.back().db->url());
    slots_.back().store = s;
    return s;
  }

 private:
  static void empty(Database& db) {
    auto& c = db.admin();
    for (auto& row : c.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                             "TABLE_SCHEMA = " + c.quote(db.name()) + " AND TABLE_NAME LIKE 'tab%'"))
      c.exec("DELETE FROM `" + db.name() + "`.`" + row[0].as_text() + "`");
  }
  struct Slot {
    std::unique_ptr<Database> db;
    std::weak_ptr<switchboard::Store> store;
  };
  std::vector<Slot> slots_;
};

/// The contract suite's factory. Without a server it prints the skip marker (ctest reports the
/// case as skipped) and hands out memory stores so the case still runs to its end.
struct MariaDbFactory {
  static bool collated_names() { return server_url() != nullptr; }
  static std::shared_ptr<switchboard::Store> make() {
    if (!server_url()) {
      skip();
      return switchboard::make_memory_store();
    }
    return StorePool::instance().make();
  }
};

struct FaultyMariaDbFactory {
  static bool collated_names() { return server_url() != nullptr; }
  static std::shared_ptr<switchboard::Store> make() {
    return switchboard::make_faulty_store(MariaDbFactory::make());
  }
};

}  // namespace mariadb_test
