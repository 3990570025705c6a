// aggregate_production_status: a table of inputs and outputs.
#include <doctest/doctest.h>

#include <optional>

#include "switchboard/switchboard.h"

using namespace switchboard;
using S = std::vector<std::optional<std::string>>;

TEST_CASE("orders: aggregate production status ranks blockers and follows progression") {
  struct Case {
    S in;
    const char* out;
  };
  const Case cases[] = {
      {{}, "N/A"},
      {{std::nullopt}, "N/A"},
      {{"", "   ", std::nullopt}, "N/A"},
      {{"DONE"}, "DONE"},
      {{"done", " Completed ", "COMPLETED"}, "DONE"},
      {{"DONE", std::nullopt, ""}, "DONE"},  // unknown values do not hold an order back
      {{"DONE", "NEW", "WIP"}, "NEW"},
      {{"done", "wip"}, "WIP"},
      {{"In Progress", "DONE"}, "WIP"},
      {{"in_progress"}, "WIP"},
      // Blockers: the highest-ranked wins, wherever it is, however it is spelled.
      {{"QA REWORK", "BLOCKED OPS"}, "BLOCKED OPS"},
      {{"blocked_ops", "Blocked_Factory"}, "BLOCKED FACTORY"},
      {{"QA Rework", "blocked factory", "cancelled"}, "CANCELLED"},
      {{"DONE", "  qa   rework "}, "QA REWORK"},
      {{"BLOCKED-OPS", "NEW"}, "BLOCKED OPS"},
      {{"Canceled"}, "CANCELLED"},
      {{std::nullopt, "NEW", "BLOCKED_OPS"}, "BLOCKED OPS"},
      // Anything else: the first known value, as written (trimmed).
      {{std::nullopt, " Waiting for fabric ", "Queued"}, "Waiting for fabric"},
      {{"DONE", "Queued"}, "Queued"},
  };
  for (const auto& c : cases) {
    std::string in;
    for (const auto& s : c.in) in += (s ? "'" + *s + "'" : std::string("None")) + " ";
    CAPTURE(in);
    CHECK(aggregate_production_status(c.in) == c.out);
  }
}
