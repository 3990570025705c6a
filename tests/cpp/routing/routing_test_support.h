// Helpers for the email and routing tests: the sample mailbox, mail builders, a router on a
// fresh store with the clock frozen.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "switchboard/switchboard.h"
#include "test_support.h"

namespace routing_test {

/// tests/data/routing, found from this header's own path (no build-system variable needed).
inline std::filesystem::path data_dir() {
  return std::filesystem::path(SWITCHBOARD_SOURCE_DIR) / "tests" / "data" / "routing";
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A mail from the sample mailbox, parsed with GMime.
inline switchboard::InboundEmail sample(const std::string& file) {
  return switchboard::InboundEmail::from_rfc822(read_file(data_dir() / "mailbox" / file), "Support");
}

/// Every .eml of the sample mailbox, sorted by name.
inline std::vector<std::filesystem::path> mailbox_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "mailbox"))
    if (entry.path().extension() == ".eml") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// A received mail built from fields, with an email account set.
inline switchboard::InboundEmail mail(const std::string& id, const std::string& from,
                                      std::vector<std::string> to, const std::string& subject = "Hello") {
  switchboard::InboundEmail e;
  e.message_id = id;
  e.sender = from;
  e.to = std::move(to);
  e.subject = subject;
  e.email_account = "Support";
  e.content = "body text that must never reach Error Log";
  return e;
}

inline const std::string kSupport = "support@cozycornerpatios.com";
inline const std::string kSales = "sales@cozycornerpatios.com";
inline const std::string kInfo = "info@zipcushions.com";

/// 2025-03-10 12:00:00 UTC: every timestamp a test store writes is deterministic.
inline std::chrono::system_clock::time_point frozen_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1741608000));
}

inline std::shared_ptr<switchboard::Store> fresh_store() {
  auto store = test_support::site_store();
  auto now = frozen_now();
  store->set_clock([now] { return now; });
  return store;
}

inline std::shared_ptr<switchboard::Store> sqlite_store(const std::string& path) {
  auto store = test_support::with_site(switchboard::make_sqlite_store(path));
  auto now = frozen_now();
  store->set_clock([now] { return now; });
  return store;
}

/// Moves a store's clock (tests that need time to pass).
inline void set_time(switchboard::Store& store, std::chrono::system_clock::time_point t) {
  store.set_clock([t] { return t; });
}

}  // namespace routing_test

namespace routing_test {

/// A store of the test company's site and a router with the default rules, plus builders for
/// existing records.
struct RouterFixture {
  std::shared_ptr<switchboard::Store> store = fresh_store();
  switchboard::Router router{store};

  switchboard::Router with(switchboard::RoutingRules rules) const {
    return switchboard::Router(store, std::move(rules));
  }
  std::string ticket(const std::string& raised_by, const std::string& status = "Open",
                     const std::string& modified = "", const std::string& subject = "Old problem") {
    switchboard::Document d{{"subject", subject}, {"raised_by", raised_by}, {"status", status}};
    if (!modified.empty()) {
      d.set("modified", modified);
      d.set("creation", modified);
    }
    return store->insert("HD Ticket", d);
  }
  std::string lead(const std::string& email) {
    return store->insert("CRM Lead", {{"first_name", "Lead"}, {"email", email}});
  }
  /// A Communication carrying `message_id` filed on a record (our outgoing mail by default).
  std::string communication(const std::string& message_id, const std::string& doctype,
                            const std::string& name, const std::string& sent_or_received = "Sent",
                            const std::string& creation = "") {
    switchboard::Document d{{"message_id", message_id},   {"reference_doctype", doctype},
                            {"reference_name", name},     {"sent_or_received", sent_or_received},
                            {"subject", "Re: something"}, {"communication_medium", "Email"}};
    if (!creation.empty()) {
      d.set("creation", creation);
      d.set("modified", creation);
    }
    return store->insert("Communication", d);
  }
  std::int64_t count(const std::string& doctype) { return store->count(doctype); }
};

}  // namespace routing_test
