// Phone keys and duplicate merging. Prints markdown tables; every ratio is against a baseline
// measured in the same run.
//
//   phone_key:        mixed North American formats, one thread: switchboard (fast path on and
//                     off) against calling libphonenumber directly (Parse, IsPossible, Format)
//   bulk_merge:       SqliteStore with N tickets (default 1,000,000; argv[2]), 10% of them
//                     duplicates of another ticket, 3 Helpdesk Call Logs each
//   on_phone_changed: latency p50/p99 on SqliteStore with 100,000 leads, each merge moving
//                     3 call logs and their Dynamic Link rows
// Usage: bench_phone DIR [TICKETS] [keys|hook|bulk]
#include <sys/resource.h>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "phone/phone_internal.h"
#include "switchboard/switchboard.h"

namespace {

using Clock = std::chrono::steady_clock;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
using namespace switchboard;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU seconds (user + system) of this process so far: the machine may be shared.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string digits(std::mt19937& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
  return s;
}

// A North American number in one of ten common shapes.
std::string nanp(std::mt19937& rng, int shape) {
  std::string a = std::to_string(2 + rng() % 8) + digits(rng, 2), b = std::to_string(2 + rng() % 8) + digits(rng, 2),
              c = digits(rng, 4);
  switch (shape % 10) {
    case 0: return "+1 (" + a + ") " + b + "-" + c;
    case 1: return "(" + a + ") " + b + "-" + c;
    case 2: return a + "-" + b + "-" + c;
    case 3: return a + "." + b + "." + c;
    case 4: return a + b + c;
    case 5: return "+1" + a + b + c;
    case 6: return "1-" + a + "-" + b + "-" + c;
    case 7: return "1 " + a + " " + b + " " + c;
    case 8: return a + "/" + b + "-" + c;
    default: return "+1 " + a + " " + b + " " + c;
  }
}

// Ten percent of real-world input is messier: extensions, NBSP, full-width digits, IDD.
std::string messy(std::mt19937& rng, int shape) {
  std::string n = nanp(rng, shape);
  switch (shape % 4) {
    case 0: return n + " x " + digits(rng, 3);
    case 1: return "011 44 20 " + digits(rng, 4) + " " + digits(rng, 4);
    case 2: {
      std::string out;
      for (char ch : n) out += ch == ' ' ? std::string("\xc2\xa0") : std::string(1, ch);
      return out;
    }
    default: return "tel:+1-" + n.substr(n.size() - 12);
  }
}

template <typename Fn>
double rate(const std::vector<std::string>& inputs, int rounds, Fn&& fn) {
  std::size_t sink = 0;
  std::vector<double> rates;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = Clock::now();
    for (const auto& s : inputs) sink += fn(s);
    rates.push_back(static_cast<double>(inputs.size()) / seconds_since(t0));
  }
  if (sink == 42) std::puts("");  // keep the work observable
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

void bench_phone_key() {
  std::mt19937 rng(1);
  std::vector<std::string> plain, mixed, slow_sample;
  for (int i = 0; i < 200000; ++i) plain.push_back(nanp(rng, i));
  for (int i = 0; i < 200000; ++i) mixed.push_back(i % 10 == 9 ? messy(rng, i) : nanp(rng, i));
  slow_sample.assign(plain.begin(), plain.begin() + 20000);
  const PhoneNumberUtil& u = *PhoneNumberUtil::GetInstance();
  auto direct = [&u](const std::string& s) -> std::size_t {
    PhoneNumber n;
    if (u.Parse(s, "US", &n) != PhoneNumberUtil::NO_PARSING_ERROR) return 0;
    if (u.IsPossibleNumberWithReason(n) != PhoneNumberUtil::IS_POSSIBLE) return 0;
    std::string e164;
    u.Format(n, PhoneNumberUtil::E164, &e164);
    return e164.size();
  };
  auto ours = [](const std::string& s) -> std::size_t {
    auto k = phone_key(s, "US");
    return k ? k->size() : 0;
  };
  double lib = rate(slow_sample, 5, direct);
  double fast = rate(plain, 7, ours);
  double lib_mixed = rate(std::vector<std::string>(mixed.begin(), mixed.begin() + 20000), 5, direct);
  double fast_mixed = rate(mixed, 5, ours);
  phone_detail::set_fast_path_enabled(false);
  double slow = rate(slow_sample, 5, ours);
  phone_detail::set_fast_path_enabled(true);

  std::printf("### phone_key throughput (one thread)\n\n");
  std::printf("| input | libphonenumber direct calls/s | switchboard phone_key calls/s | speed-up |\n");
  std::printf("|---|---|---|---|\n");
  std::printf("| 10 common North American shapes | %.0f | %.0f | %.1fx |\n", lib, fast, fast / lib);
  std::printf("| same, fast path off | %.0f | %.0f | %.2fx |\n", lib, slow, slow / lib);
  std::printf("| 90%% common shapes + 10%% extensions/NBSP/IDD/tel: | %.0f | %.0f | %.1fx |\n\n",
              lib_mixed, fast_mixed, fast_mixed / lib_mixed);
}

std::string stamp(long i) {  // distinct, ordered creation times
  char buf[40];
  std::snprintf(buf, sizeof buf, "2025-01-01 00:00:00.%06ld", i % 1000000);
  std::string s = buf;
  s[14] = static_cast<char>('0' + (i / 1000000) % 6);
  return s;
}

void bench_bulk_merge(const std::string& dir, long tickets) {
  const std::string path = dir + "/bulk.sqlite";
  std::shared_ptr<Store> store = make_sqlite_store(path);
  std::mt19937 rng(2);
  const long duplicates = tickets / 10, originals = tickets - duplicates;
  std::vector<std::string> numbers;
  numbers.reserve(static_cast<std::size_t>(originals));
  // Originals have distinct numbers; each duplicate copies a distinct original's number.
  for (long i = 0; i < originals; ++i) {
    long v = 2000000000L + i * 7;  // distinct 10-digit numbers with area codes 2xx-8xx
    numbers.push_back(std::to_string(v));
  }
  std::vector<long> dup_of(static_cast<std::size_t>(originals));
  for (long i = 0; i < originals; ++i) dup_of[static_cast<std::size_t>(i)] = i;
  std::shuffle(dup_of.begin(), dup_of.end(), rng);
  auto t0 = Clock::now();
  constexpr long kBatch = 5000;
  for (long b = 0; b < tickets; b += kBatch) {
    Transaction tx(*store);
    for (long i = b; i < std::min(tickets, b + kBatch); ++i) {
      std::string n = i < originals ? numbers[static_cast<std::size_t>(i)]
                                    : numbers[static_cast<std::size_t>(dup_of[static_cast<std::size_t>(i - originals)])];
      std::string shown = i < originals ? "+1 (" + n.substr(0, 3) + ") " + n.substr(3, 3) + "-" + n.substr(6)
                                        : n.substr(0, 3) + "." + n.substr(3, 3) + "." + n.substr(6);
      char name[32];
      std::snprintf(name, sizeof name, "T%07ld", i);
      // Every ticket has its customer's address, as Helpdesk fills raised_by; a duplicate
      // is the same customer's.
      const long customer = i < originals ? i : dup_of[static_cast<std::size_t>(i - originals)];
      store->insert("HD Ticket", {{"name", name}, {"subject", "call"}, {"contact_mobile", shown},
                                  {"raised_by", "Customer " + std::to_string(customer) + " <c" +
                                                    std::to_string(customer) + "@example.net>"},
                                  {"creation", stamp(i)}, {"modified", stamp(i)}});
      for (int c = 0; c < 3; ++c)
        store->insert("Helpdesk Call Log", {{"call_id", std::string(name) + "-" + std::to_string(c)},
                                            {"ticket", name}, {"from_number", shown},
                                            {"creation", stamp(i)}, {"modified", stamp(i)}});
    }
    tx.commit();
  }
  const double setup = seconds_since(t0);

  // Baseline: one read of every ticket's name and key, through the same store.
  t0 = Clock::now();
  double c0 = cpu_seconds();
  long scanned = 0;
  std::string last;
  for (;;) {
    Query q{Filter("name", Op::kGt, Value(last))};
    auto rows = store->find("HD Ticket", q.select({"name", "custom_contact_mobile_key"}).order("name").take(20000));
    if (rows.empty()) break;
    scanned += static_cast<long>(rows.size());
    last = rows.back().text("name");
  }
  const double scan = seconds_since(t0), scan_cpu = cpu_seconds() - c0;

  PhoneMerger merger(store);
  t0 = Clock::now();
  c0 = cpu_seconds();
  auto dry = merger.bulk_merge("HD Ticket", true);
  const double dry_time = seconds_since(t0), dry_cpu = cpu_seconds() - c0;
  t0 = Clock::now();
  c0 = cpu_seconds();
  auto real = merger.bulk_merge("HD Ticket");
  const double merge_time = seconds_since(t0), merge_cpu = cpu_seconds() - c0;
  t0 = Clock::now();
  c0 = cpu_seconds();
  auto again = merger.bulk_merge("HD Ticket");
  const double again_time = seconds_since(t0), again_cpu = cpu_seconds() - c0;
  const bool ok = real.records_merged() == duplicates && real.rows_moved() == 3 * duplicates &&
                  dry.records_merged() == duplicates && again.merges.empty() && scanned == tickets;

  std::printf("### bulk_merge on SqliteStore (%ld tickets, %ld duplicates, %ld call logs)\n\n",
              tickets, duplicates, 3 * tickets);
  std::printf("| step | wall s | CPU s | wall / baseline scan |\n|---|---|---|---|\n");
  std::printf("| baseline: read every ticket's name and key (paged find) | %.2f | %.2f | 1.0 |\n", scan,
              scan_cpu);
  std::printf("| bulk_merge dry run | %.2f | %.2f | %.1f |\n", dry_time, dry_cpu, dry_time / scan);
  std::printf("| **bulk_merge** (%ld merges, %ld call logs moved, audit rows) | **%.2f** | %.2f | %.1f |\n",
              real.records_merged(), real.rows_moved(), merge_time, merge_cpu, merge_time / scan);
  std::printf("| bulk_merge again (nothing left) | %.2f | %.2f | %.1f |\n", again_time, again_cpu,
              again_time / scan);
  std::printf("\n(setup: %.1f s to insert %ld rows through the store; results %s)\n\n", setup,
              4 * tickets, ok ? "verified" : "WRONG");
  if (!ok) std::exit(1);
}

void bench_on_phone_changed(const std::string& dir) {
  std::shared_ptr<Store> store = make_sqlite_store(dir + "/hook.sqlite");
  constexpr int kPairs = 2000, kBackground = 96000;
  std::mt19937 rng(3);
  std::vector<std::pair<std::string, std::string>> pairs;  // (old lead, number of its duplicate)
  {
    Transaction tx(*store);
    for (int i = 0; i < kBackground; ++i)
      store->insert("CRM Lead", {{"first_name", "L"}, {"mobile_no", std::to_string(3000000000L + i * 13)}});
    for (int i = 0; i < kPairs; ++i) {
      std::string number = std::to_string(7000000000L + i * 11);
      std::string old = store->insert("CRM Lead", {{"first_name", "Old"}});
      std::string dup = store->insert("CRM Lead", {{"first_name", "Caller"}, {"mobile_no", "+1 " + number}});
      for (int c = 0; c < 3; ++c)
        store->insert("CRM Call Log",
                      {{"id", dup + "-" + std::to_string(c)}, {"reference_doctype", "CRM Lead"},
                       {"reference_docname", dup}, {"from", "+1" + number}},
                      {{"links", {Document{{"link_doctype", "CRM Lead"}, {"link_name", dup}}}}});
      pairs.emplace_back(old, number);
    }
    tx.commit();
  }
  PhoneMerger merger(store);
  std::vector<double> hook, lookup;
  for (const auto& [old, number] : pairs) {
    store->update("CRM Lead", old, {{"mobile_no", number.substr(0, 3) + "." + number.substr(3, 3) + "." + number.substr(6)}});
    auto t0 = Clock::now();
    auto r = merger.on_phone_changed("CRM Lead", old);
    hook.push_back(seconds_since(t0) * 1e6);
    if (r.rows_moved() != 6) std::exit(1);
    t0 = Clock::now();
    auto found = store->find("CRM Lead", Query{Filter("custom_mobile_no_key", Value("+1" + number))}.select({"name"}));
    lookup.push_back(seconds_since(t0) * 1e6);
    if (found.size() != 2) std::exit(1);
  }
  auto pct = [](std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
  };
  std::printf("### on_phone_changed latency (SqliteStore, %d leads, each merge moving 3 call logs and 3 links)\n\n",
              kBackground + 2 * kPairs);
  std::printf("| operation | p50 µs | p99 µs | p50 / baseline |\n|---|---|---|---|\n");
  std::printf("| baseline: indexed find by phone key | %.0f | %.0f | 1.0 |\n", pct(lookup, 0.5), pct(lookup, 0.99));
  std::printf("| on_phone_changed (one transaction) | %.0f | %.0f | %.0f |\n\n", pct(hook, 0.5),
              pct(hook, 0.99), pct(hook, 0.5) / pct(lookup, 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  const long tickets = argc > 2 ? std::atol(argv[2]) : 1000000;
  const std::string only = argc > 3 ? argv[3] : "";  // "keys", "hook" or "bulk"
  if (only.empty() || only == "keys") bench_phone_key();
  if (only.empty() || only == "hook") bench_on_phone_changed(dir);
  if (only.empty() || only == "bulk") bench_bulk_merge(dir, tickets);
  return 0;
}
