#include <doctest/doctest.h>

#include "switchboard/switchboard.h"

using namespace switchboard;

TEST_CASE("resolve_survivor follows merge pointers and survives cycles") {
  auto s = make_memory_store();
  s->insert("HD Ticket", {{"name", "1"}, {"subject", "a"}, {"is_merged", 1}, {"merged_with", "2"}});
  s->insert("HD Ticket", {{"name", "2"}, {"subject", "b"}, {"is_merged", 1}, {"merged_with", "3"}});
  s->insert("HD Ticket", {{"name", "3"}, {"subject", "c"}});
  CHECK(resolve_survivor(*s, "HD Ticket", "1") == "3");
  CHECK(resolve_survivor(*s, "HD Ticket", "3") == "3");
  CHECK(resolve_survivor(*s, "HD Ticket", "missing") == "missing");
  s->insert("CRM Lead", {{"name", "A"}, {"custom_merged_into", "B"}});
  s->insert("CRM Lead", {{"name", "B"}, {"custom_merged_into", "A"}});  // a cycle
  std::string end = resolve_survivor(*s, "CRM Lead", "A");
  CHECK((end == "A" || end == "B"));
  s->insert("CRM Lead", {{"name", "C"}, {"custom_merged_into", "gone"}});  // dangling
  CHECK(resolve_survivor(*s, "CRM Lead", "C") == "C");
  CHECK(resolve_survivor(*s, "Contact", "x") == "x");
  CHECK(merge_pointer_field("HD Ticket") == "merged_with");
  CHECK(merge_pointer_field("Communication").empty());
}
