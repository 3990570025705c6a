// Call ingestion: parse throughput (parse_call_event, on the one JSON library nlohmann::json,
// against nlohmann::json parsing the same bodies) and CallLogger::ingest of 100,000 payloads into SqliteStore
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

// The least any ingest on this schema must do, in raw sqlite3 with statements prepared once:
// per event the 8 indexed reads an ingest needs (the call by call id and by session in both
// call-log doctypes; the caller's contact, open ticket and lead by phone key) and the 2 call-log
// INSERTs with the same values and index entries. Phone keys are precomputed and nothing is
// parsed, so this is a floor, not an equivalent.
double raw_ingest_floor(const std::string& path, int batch) {
  seeded_store(path);  // same schema, indexes and 5,000 tickets
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384",
               nullptr, nullptr, nullptr);
  const char* reads[] = {
      "SELECT * FROM \"tabHelpdesk Call Log\" WHERE call_id = ?1 LIMIT 1",
      "SELECT * FROM \"tabHelpdesk Call Log\" WHERE session_id = ?2 ORDER BY creation LIMIT 8",
      "SELECT * FROM \"tabCRM Call Log\" WHERE id = ?1 LIMIT 1",
      "SELECT * FROM \"tabCRM Call Log\" WHERE session_id = ?2 ORDER BY creation LIMIT 8",
      "SELECT parent FROM \"tabContact Phone\" WHERE custom_phone_key = ?3 AND parenttype = 'Contact' "
      "ORDER BY creation DESC LIMIT 1",
      "SELECT name, status, merged_with FROM \"tabHD Ticket\" WHERE custom_contact_mobile_key = ?3 "
      "ORDER BY creation DESC LIMIT 20",
      "SELECT name FROM \"tabCRM Lead\" WHERE custom_mobile_no_key = ?3 AND converted = 0 "
      "ORDER BY creation DESC LIMIT 1",
      "SELECT name FROM \"tabCRM Lead\" WHERE custom_phone_key = ?3 AND converted = 0 "
      "ORDER BY creation DESC LIMIT 1"};
  std::vector<sqlite3_stmt*> selects;
  for (const char* sql : reads) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "floor: %s: %s\n", sql, sqlite3_errmsg(db));
      std::exit(1);
    }
    selects.push_back(st);
  }
  sqlite3_stmt *hd = nullptr, *crm = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO \"tabHelpdesk Call Log\" (name, creation, modified, modified_by, owner, "
                     "docstatus, idx, call_id, session_id, type, status, from_number, to_number, ticket, "
                     "recording_url, ringcentral_recording_url, duration, start_time, custom_from_number_key, "
                     "custom_to_number_key, custom_phone_key_version, telephony_sequence, result, recording_id) "
                     "VALUES (?1, ?2, ?2, 'Administrator', 'Administrator', 0, 0, ?1, ?3, 'Incoming', "
                     "'Completed', ?4, '+15559876543', ?5, ?6, ?6, 30.0, '2026-03-02 14:05:09', ?4, "
                     "'+15559876543', 1, 0, 'Call connected', ?7)",
                     -1, &hd, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO \"tabCRM Call Log\" (name, creation, modified, modified_by, owner, "
                     "docstatus, idx, id, type, status, \"from\", \"to\", duration, start_time, recording_url, "
                     "reference_doctype, telephony_medium, caller, custom_from_key, custom_to_key, "
                     "custom_phone_key_version, telephony_sequence, result, recording_id, session_id) "
                     "VALUES (?1, ?2, ?2, 'Administrator', 'Administrator', 0, 0, ?1, 'Incoming', "
                     "'Completed', ?4, '+15559876543', 30.0, '2026-03-02 14:05:09', ?6, 'CRM Lead', "
                     "'RingCentral', 'Customer', ?4, '+15559876543', 1, 0, 'Call connected', ?7, ?3)",
                     -1, &crm, nullptr);
  if (!hd || !crm) {
    std::fprintf(stderr, "floor: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  auto text = [](sqlite3_stmt* st, int i, const std::string& v) {
    sqlite3_bind_text(st, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  auto t0 = Clock::now();
  for (int i = 0; i < kEvents; i += batch) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (int j = i; j < i + batch && j < kEvents; ++j) {
      std::string id = "floor-" + std::to_string(j), session = std::to_string(900000000 + j);
      std::string key = phone((j * 7919) % kCustomers), ticket;
      for (sqlite3_stmt* st : selects) {
        text(st, 1, id);
        text(st, 2, session);
        text(st, 3, key);
        while (sqlite3_step(st) == SQLITE_ROW)
          if (st == selects[5] && ticket.empty())
            ticket = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_reset(st);
      }
      char now[40];
      std::snprintf(now, sizeof now, "2026-11-24 10:00:00.%06d", j % 1000000);
      std::string url = "https://media.ringcentral.com/restapi/v1.0/account/~/recording/" +
                        std::to_string(7000000 + j) + "/content";
      for (sqlite3_stmt* st : {hd, crm}) {
        text(st, 1, id);
        text(st, 2, now);
        text(st, 3, session);
        text(st, 4, key);
        if (ticket.empty()) sqlite3_bind_null(st, 5);
        else text(st, 5, ticket);
        text(st, 6, url);
        text(st, 7, std::to_string(7000000 + j));
        if (sqlite3_step(st) != SQLITE_DONE) {
          std::fprintf(stderr, "floor insert: %s\n", sqlite3_errmsg(db));
          std::exit(1);
        }
        sqlite3_reset(st);
      }
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double s = seconds_since(t0);
  for (sqlite3_stmt* st : selects) sqlite3_finalize(st);
  sqlite3_finalize(hd);
  sqlite3_finalize(crm);
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
  std::printf("| parse_call_event (nlohmann::json DOM + normalization) | %.0f | %.0f |\n", mb / ours, kEvents / ours);
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
      fs::remove(dir / ("floor" + std::to_string(batch) + ".sqlite" + suffix));
    }
    auto store = seeded_store((dir / ("ingest" + std::to_string(batch) + ".sqlite")).string());
    switchboard::CallLoggerOptions options;
    options.company_numbers = {"+15559876543"};
    switchboard::CallLogger logger(store, options);
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < bodies.size(); i += static_cast<std::size_t>(batch)) {
      if (batch == 1) {
        logger.ingest(switchboard::parse_call_event(bodies[i]));
        continue;
      }
      // CallLogger::ingest_many: one transaction for the batch, a savepoint per event.
      std::vector<switchboard::CallEvent> events;
      for (std::size_t j = i; j < i + static_cast<std::size_t>(batch) && j < bodies.size(); ++j)
        events.push_back(switchboard::parse_call_event(bodies[j]));
      for (const auto& r : logger.ingest_many(events))
        if (r.action == "failed") std::fprintf(stderr, "failed: %s\n", r.error.c_str());
    }
    double t = seconds_since(t0);
    double raw = raw_inserts((dir / ("raw" + std::to_string(batch) + ".sqlite")).string(), batch);
    std::printf("| parse + ingest, %s | %.0f | %.2f |\n",
                batch == 1 ? "ingest(), one transaction per event (webhook)"
                           : "ingest_many(), 500 events per batch (frontdesk calls)",
                kEvents / t, t / raw);
    std::printf("| baseline: raw sqlite3, one INSERT per event, %s | %.0f | 1.00 |\n",
                batch == 1 ? "one transaction each" : "500 per transaction", kEvents / raw);
    double floor = raw_ingest_floor((dir / ("floor" + std::to_string(batch) + ".sqlite")).string(), batch);
    std::printf("| floor: raw sqlite3, the 8 reads and 2 call-log INSERTs of an ingest, %s | %.0f | %.2f |\n",
                batch == 1 ? "one transaction each" : "500 per transaction", kEvents / floor, floor / raw);
    std::printf("| parse + ingest against the floor | | %.2f |\n", t / floor);
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
