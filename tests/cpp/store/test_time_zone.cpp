// A store's time zone: the zone of every datetime it writes and compares (a Frappe site writes
// its System Settings zone, whatever the process's TZ). The test binary runs with TZ=UTC.
#include <doctest/doctest.h>

#include <chrono>

#include "core/datetime.h"
#include "model/directory.h"
#include "switchboard/switchboard.h"

using namespace switchboard;

namespace {

std::chrono::system_clock::time_point at(std::int64_t unix_seconds, int micros = 0) {
  return std::chrono::system_clock::from_time_t(static_cast<std::time_t>(unix_seconds)) +
         std::chrono::microseconds(micros);
}

constexpr std::int64_t kJan6Evening = 1736193600;  // 2025-01-06 20:00:00 UTC
constexpr std::int64_t kJuly1Noon = 1751371200;    // 2025-07-01 12:00:00 UTC

}  // namespace

TEST_CASE("time zone: a store writes now() in its zone, with offsets and daylight saving") {
  auto s = make_memory_store();
  s->set_clock([] { return at(kJan6Evening, 250000); });
  CHECK(s->time_zone().empty());
  CHECK(s->now() == "2025-01-06 20:00:00.250000");  // the process's TZ (UTC here)
  s->set_time_zone("Asia/Kolkata");
  CHECK(s->time_zone() == "Asia/Kolkata");
  CHECK(s->now() == "2025-01-07 01:30:00.250000");  // +05:30, the next day
  CHECK(s->datetime_text(kJan6Evening) == "2025-01-07 01:30:00");
  s->set_time_zone("America/New_York");
  CHECK(s->now() == "2025-01-06 15:00:00.250000");                  // EST, -05:00
  CHECK(s->datetime_text(kJuly1Noon) == "2025-07-01 08:00:00");  // EDT, -04:00
  s->set_time_zone("");
  CHECK(s->now() == "2025-01-06 20:00:00.250000");
}

TEST_CASE("time zone: unknown names are refused and leave the zone as it was") {
  auto s = make_memory_store();
  s->set_time_zone("Europe/Berlin");
  CHECK_THROWS_AS(s->set_time_zone("Mars/Olympus_Mons"), ValidationError);
  CHECK_THROWS_AS(dates::zone_named("Not a zone"), ValidationError);
  CHECK(s->time_zone() == "Europe/Berlin");
}

TEST_CASE("time zone: tickets open at the zone's date and time, and series count by its days") {
  auto s = make_memory_store();
  s->set_clock([] { return at(1735680600); });  // 2024-12-31 21:30 UTC: 2025-01-01 in Kolkata
  s->set_time_zone("Asia/Kolkata");
  model::Directory dir(*s);
  model::NewTicket t;
  t.subject = "Where is my order?";
  t.raised_by = "ann@example.org";
  std::string ticket = dir.create_ticket(t);
  auto row = s->get("HD Ticket", ticket);
  REQUIRE(row);
  CHECK(row->text("opening_date") == "2025-01-01");
  CHECK(row->text("opening_time") == "03:00:00");
  // A dated naming series takes the zone's year.
  s->insert("CRM Lead", {{"first_name", "Ann"}, {"email", "ann@example.org"}});
  auto leads = s->find("CRM Lead", Query{}.select({"name"}));
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].text("name").find("2025") != std::string::npos);
}

TEST_CASE("time zone: a store over a ForwardingBackend uses the inner store's zone") {
  std::shared_ptr<Store> inner = make_memory_store();
  inner->set_clock([] { return at(kJan6Evening); });
  Store outer(std::make_shared<ForwardingBackend>(inner), inner->schema_ptr());
  outer.set_clock([] { return at(kJan6Evening); });
  outer.set_time_zone("Asia/Tokyo");
  CHECK(inner->time_zone() == "Asia/Tokyo");
  CHECK(inner->datetime_text(kJan6Evening) == "2025-01-07 05:00:00");
  CHECK(outer.now() == "2025-01-07 05:00:00.000000");
}
