// ringcentral_sync_status: what an operator needs to see at a glance — the subscription, the
// sync cursor and its lag, the queue — from the store alone.
#include <nlohmann/json.hpp>

#include "switchboard/ringcentral_sync.h"
#include "telephony/time_text.h"

namespace switchboard {
namespace {

using json = nlohmann::ordered_json;
constexpr const char* kSettings = "CRM RingCentral Settings";

json when(std::int64_t t) { return t > 0 ? json(iso_from_unix(t)) : json(nullptr); }

json job_json(const Job& j, std::int64_t now) {
  json o{{"name", j.name}, {"kind", j.kind}, {"state", j.state}, {"key", j.key},
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
  json out;
  out["now"] = now;
  std::int64_t expires = d.integer("subscription_expires_at");
  json filters = json::array();
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
                         {"expires_in", expires > 0 ? json(expires - now) : json(nullptr)},
                         {"checked_at", when(d.integer("subscription_checked_at"))},
                         {"verification_token_stored", d.has("verification_token")},
                         {"error", d.text("subscription_error")}};
  std::int64_t cursor = d.integer("sync_cursor");
  json last = json::parse(d.text("sync_last_result"), nullptr, false);
  out["sync"] = {{"cursor", cursor},
                 {"cursor_iso", when(cursor)},
                 {"lag_seconds", cursor > 0 ? json(now - cursor) : json(nullptr)},
                 {"last_run", when(d.integer("sync_last_run"))},
                 {"last_error", d.text("sync_last_error")},
                 {"last_result", last.is_discarded() ? json(nullptr) : last}};
  JobQueue queue(std::shared_ptr<Store>(&store, [](Store*) {}));
  JobStats st = queue.stats();
  json depth = json::object();
  json totals = json::object();
  for (const auto& [kind, states] : st.depth) {
    for (const auto& [state, n] : states) {
      depth[kind][state] = n;
      totals[state] = totals.value(state, std::int64_t{0}) + n;
    }
  }
  json errors = json::array();
  for (const Job& j : st.recent_errors) errors.push_back(job_json(j, now));
  out["queue"] = {{"depth", depth},
                  {"totals", totals},
                  {"oldest_due", st.oldest_due ? job_json(*st.oldest_due, now) : json(nullptr)},
                  {"recent_errors", errors}};
  return out.dump();
}

}  // namespace switchboard
