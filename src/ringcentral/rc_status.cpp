// ringcentral_sync_status: what an operator needs to see at a glance — the subscription, the
// sync cursor and its lag, the queue — from the store alone.
#include "switchboard/ringcentral_sync.h"
#include "core/datetime.h"
#include "core/json.h"

namespace switchboard {
namespace {

using Out = nlohmann::ordered_json;  // keys in the order written
constexpr const char* kSettings = "CRM RingCentral Settings";

Out when(std::int64_t t) { return t > 0 ? Out(dates::iso8601_utc(t)) : Out(nullptr); }

Out job_json(const Job& j, std::int64_t now) {
  Out o{{"name", j.name}, {"kind", j.kind}, {"state", j.state}, {"key", j.key},
         {"run_after", j.run_after}, {"run_after_iso", when(j.run_after)}, {"attempts", j.attempts},
         {"max_attempts", j.max_attempts}, {"last_error", j.last_error}};
  if (j.state == "Queued") o["waiting_seconds"] = std::max<std::int64_t>(0, now - j.run_after);
  return o;
}

}  // namespace

std::string ringcentral_sync_status(Store& store) {
  const std::int64_t now = unix_seconds(store);
  auto doc = store.get(kSettings, kSettings);
  Document d = doc ? *doc : Document();
  Out out;
  out["now"] = now;
  std::int64_t expires = d.integer("subscription_expires_at");
  Out filters = Out::array();
  {
    std::string text = d.text("subscription_event_filters");
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      std::string f = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!f.empty()) filters.push_back(f);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  out["subscription"] = {{"id", d.text("subscription_id")},
                         {"status", d.text("subscription_status")},
                         {"address", d.text("webhook_address")},
                         {"event_filters", filters},
                         {"expires_at", expires},
                         {"expires_at_iso", when(expires)},
                         {"expires_in", expires > 0 ? Out(expires - now) : Out(nullptr)},
                         {"checked_at", when(d.integer("subscription_checked_at"))},
                         {"verification_token_stored", d.has("verification_token")},
                         {"error", d.text("subscription_error")}};
  std::int64_t cursor = d.integer("sync_cursor");
  Out last;
  try {
    if (d.has("sync_last_result")) last = Out(json::parse_object(d.text("sync_last_result"), "the last sync result"));
  } catch (const ParseError&) {  // written by this code; if damaged, status shows none
  }
  out["sync"] = {{"cursor", cursor},
                 {"cursor_iso", when(cursor)},
                 {"lag_seconds", cursor > 0 ? Out(now - cursor) : Out(nullptr)},
                 {"last_run", when(d.integer("sync_last_run"))},
                 {"last_error", d.text("sync_last_error")},
                 {"last_result", last}};
  JobQueue queue(std::shared_ptr<Store>(&store, [](Store*) {}));
  JobStats st = queue.stats();
  Out depth = Out::object();
  Out totals = Out::object();
  for (const auto& [kind, states] : st.depth) {
    for (const auto& [state, n] : states) {
      depth[kind][state] = n;
      totals[state] = totals.value(state, std::int64_t{0}) + n;
    }
  }
  Out errors = Out::array();
  for (const Job& j : st.recent_errors) errors.push_back(job_json(j, now));
  out["queue"] = {{"depth", depth},
                  {"totals", totals},
                  {"oldest_due", st.oldest_due ? job_json(*st.oldest_due, now) : Out(nullptr)},
                  {"recent_errors", errors}};
  return json::dump(out);
}

}  // namespace switchboard
