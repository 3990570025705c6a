// Call ingestion: parse throughput (simdjson-based parse_call_event against nlohmann::json
// parsing the same bodies) and CallLogger::ingest of 100,000 payloads into SqliteStore
// (target: at least 30,000 per second), against raw sqlite3 inserting the same number of
// Helpdesk Call Log rows — all measured in one run. Prints markdown tables.
#include <sqlite3.h>

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "switchboard/switchboard.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kEvents = 100000;
constexpr int kCustomers = 20000;
constexpr int kTickets = 5000;

std::string phone(int customer) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+1650%07d", 1000000 + customer);
  return buf;
}

std::vector<std::string> payloads() {
  std::vector<std::string> out;
  out.reserve(kEvents);
  for (int i = 0; i < kEvents; ++i) {
    int customer = (i * 7919) % kCustomers;
    nlohmann::json j;
    switch (i % 3) {
      case 0:  // Pabbly relay
        j = {{"call_id", "relay-" + std::to_string(i)}, {"session_id", std::to_string(900000000 + i)},
             {"direction", "Inbound"}, {"from_number", phone(customer)}, {"from_name", "Customer"},
             {"to_number", "+15559876543"}, {"start_time", "2026-03-02T14:05:09Z"},
             {"duration", std::to_string(30 + i % 300)}, {"result", "Call connected"},
             {"recording", {{"id", std::to_string(7000000 + i)}, {"contentUri", ""}}}};
        break;
      case 1:  // RingCentral call-log record
        j = {{"id", "rec-" + std::to_string(i)}, {"sessionId", std::to_string(800000000 + i)},
             {"startTime", "2026-03-02T14:05:09.000Z"}, {"duration", 61}, {"type", "Voice"},
             {"direction", "Outbound"}, {"action", "VoIP Call"}, {"result", "Accepted"},
             {"from", {{"phoneNumber", "+15559876543"}, {"extensionNumber", "101"}}},
             {"to", {{"phoneNumber", phone(customer)}, {"name", "Customer"}}}};
        break;
      default:  // telephony-session notification
        j = {{"uuid", std::to_string(5000000000LL + i)},
             {"event", "/restapi/v1.0/account/1/extension/2/telephony/sessions"},
             {"body", {{"sequence", 4}, {"sessionId", std::to_string(700000000 + i)},
                       {"telephonySessionId", "s-" + std::to_string(i)},
                       {"eventTime", "2026-03-02T14:05:09.000Z"},
                       {"parties", {{{"direction", "Inbound"},
                                     {"from", {{"phoneNumber", phone(customer)}}},
                                     {"to", {{"phoneNumber", "+15559876543"}}},
                                     {"status", {{"code", "Disconnected"}}},
                                     {"missedCall", false}}}}}}};
    }
    out.push_back(j.dump());
  }
  return out;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::shared_ptr<switchboard::Store> seeded_store(const std::string& path) {
  std::shared_ptr<switchboard::Store> s = switchboard::make_sqlite_store(path);
  switchboard::Transaction tx(*s);
  for (int t = 0; t < kTickets; ++t)
    s->insert("HD Ticket", {{"subject", "order question"}, {"contact_mobile", phone(t * 4)}});
  tx.commit();
  return s;
}

double raw_inserts(const std::string& path, int batch) {
  switchboard::make_sqlite_store(path);  // same schema and indexes
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO \"tabHelpdesk Call Log\" (name, call_id, type, status, "
                     "from_number, to_number, creation, modified) VALUES (?, ?, 'Incoming', "
                     "'Completed', ?, '+15559876543', '2026-03-02 14:05:09', '2026-03-02 14:05:09')",
                     -1, &ins, nullptr);
  auto t0 = Clock::now();
  for (int i = 0; i < kEvents; i += batch) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (int j = i; j < i + batch && j < kEvents; ++j) {
      std::string id = "raw-" + std::to_string(j), from = phone(j % kCustomers);
      sqlite3_bind_text(ins, 1, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 2, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 3, from.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_step(ins);
      sqlite3_reset(ins);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double s = seconds_since(t0);
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "switchboard-bench-calls";
  fs::create_directories(dir);
  auto bodies = payloads();
  std::size_t bytes = 0;
  for (const auto& b : bodies) bytes += b.size();

  // Parse throughput (best of 3).
  double ours = 1e9, baseline = 1e9;
  for (int round = 0; round < 3; ++round) {
    auto t0 = Clock::now();
    std::size_t keys = 0;
    for (const auto& b : bodies) keys += switchboard::parse_call_event(b).upsert_key().size();
    ours = std::min(ours, seconds_since(t0));
    t0 = Clock::now();
    std::size_t n = 0;
    for (const auto& b : bodies) n += nlohmann::json::parse(b).size();
    baseline = std::min(baseline, seconds_since(t0));
    if (!keys || !n) return 1;
  }
  double mb = bytes / 1e6;
  std::printf("| parsing %d payloads (%.1f MB, 3 shapes) | MB/s | events/s |\n|---|---|---|\n", kEvents, mb);
  std::printf("| parse_call_event (simdjson DOM + normalization) | %.0f | %.0f |\n", mb / ours, kEvents / ours);
  std::printf("| baseline: nlohmann::json::parse only | %.0f | %.0f |\n", mb / baseline, kEvents / baseline);
  std::printf("| ratio (baseline time / parse_call_event time) | %.2f | |\n\n", baseline / ours);

  std::printf("| ingest of %d payloads into SqliteStore (%d tickets, %d customers) | events/s | time / raw insert time |\n|---|---|---|\n",
              kEvents, kTickets, kCustomers);
  // Optional second argument: one batch size to run alone (for profiling), e.g. `... dir 500`.
  std::vector<int> batches = {1, 500};
  if (argc > 2) batches = {std::max(1, std::atoi(argv[2]))};
  for (int batch : batches) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      fs::remove(dir / ("ingest" + std::to_string(batch) + ".sqlite" + suffix));
      fs::remove(dir / ("raw" + std::to_string(batch) + ".sqlite" + suffix));
    }
    auto store = seeded_store((dir / ("ingest" + std::to_string(batch) + ".sqlite")).string());
    switchboard::CallLoggerOptions options;
    options.company_numbers = {"+15559876543"};
    switchboard::CallLogger logger(store, options);
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < bodies.size(); i += static_cast<std::size_t>(batch)) {
      switchboard::Transaction tx(*store);
      for (std::size_t j = i; j < i + static_cast<std::size_t>(batch) && j < bodies.size(); ++j)
        logger.ingest(switchboard::parse_call_event(bodies[j]));
      tx.commit();
    }
    double t = seconds_since(t0);
    double raw = raw_inserts((dir / ("raw" + std::to_string(batch) + ".sqlite")).string(), batch);
    std::printf("| parse + ingest, %s | %.0f | %.2f |\n",
                batch == 1 ? "one transaction per event (webhook)" : "500 events per transaction (frontdesk calls)",
                kEvents / t, t / raw);
    std::printf("| baseline: raw sqlite3, one INSERT per event, %s | %.0f | 1.00 |\n",
                batch == 1 ? "one transaction each" : "500 per transaction", kEvents / raw);
    std::int64_t linked = store->count("Helpdesk Call Log", {switchboard::Filter("ticket", switchboard::Op::kIsSet, switchboard::Value())});
    if (store->count("Helpdesk Call Log") != kEvents || linked == 0) {
      std::fprintf(stderr, "unexpected result: %lld logs, %lld linked\n",
                   (long long)store->count("Helpdesk Call Log"), (long long)linked);
      return 1;
    }
  }
  std::printf("\nEach ingest writes a Helpdesk Call Log and a CRM Call Log with phone keys, after "
              "looking up the caller's ticket, contact and lead by key.\n");
  return 0;
}
