// Shared helpers of the merge tests: stores whose clock ticks one second per read (so
// `creation` orders records by insertion), and the seed's records.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "switchboard/switchboard.h"
#include "test_support.h"

namespace merge_fixtures {

using namespace switchboard;

/// Every read of the store's clock advances it by one second from 2026-01-01.
inline void ticking_clock(Store& s) {
  auto t = std::make_shared<std::atomic<long>>(1767225600);
  s.set_clock([t] { return std::chrono::system_clock::from_time_t(t->fetch_add(1)); });
}

struct Memory {
  static std::shared_ptr<Store> make() {
    std::shared_ptr<Store> s = make_memory_store();
    ticking_clock(*s);
    return s;
  }
};

struct Sqlite {
  static std::shared_ptr<Store> make() {
    static test_support::TempDir dir;
    static int n = 0;
    std::shared_ptr<Store> s = make_sqlite_store(dir.file("merge-" + std::to_string(++n) + ".sqlite"));
    ticking_clock(*s);
    return s;
  }
};

/// A CRM Call Log referencing a lead, with its Dynamic Link row, as Frappe CRM writes them.
inline std::string lead_call(Store& s, const std::string& id, const std::string& lead,
                             const std::string& from = "+15551234567") {
  return s.insert("CRM Call Log",
                  {{"id", id}, {"type", "Incoming"}, {"from", from}, {"to", "+15550000000"},
                   {"reference_doctype", "CRM Lead"}, {"reference_docname", lead}},
                  {{"links", {Document{{"link_doctype", "CRM Lead"}, {"link_name", lead}}}}});
}

/// A Helpdesk Call Log on a ticket.
inline std::string ticket_call(Store& s, const std::string& id, const std::string& ticket,
                               const std::string& from = "+15551234567") {
  return s.insert("Helpdesk Call Log", {{"call_id", id}, {"type", "Incoming"},
                                        {"from_number", from}, {"ticket", ticket}});
}

/// Names of `doctype` rows whose `field` equals `value`, sorted.
inline std::vector<std::string> names_where(Store& s, const std::string& doctype,
                                            const std::string& field, const std::string& value) {
  std::vector<std::string> out;
  for (const auto& d : s.find(doctype, Query{Filter(field, Value(value))}.select({"name"}).order("name")))
    out.push_back(d.text("name"));
  return out;
}

}  // namespace merge_fixtures
