// frontdesk normalize, merge: phone keys from the shell, and duplicate merging on the database.
#include <unistd.h>

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "cli.h"

namespace frontdesk {
namespace {

using switchboard::BulkMergeReport;
using switchboard::MergeReport;

struct NormalizeArgs {
  std::vector<std::string> numbers;
  std::string region;
  bool links = false;
};

struct MergeArgs {
  std::string what = "all";
  bool dry_run = false;
  std::string record;
  std::string find;
  std::int64_t cap = 20;
  bool include_closed = false;
  bool include_converted = false;
  bool no_rekey = false;
  bool progress = false;
};

std::string describe(const std::string& raw, const std::string& region, bool links) {
  auto phone = switchboard::normalize_phone(raw, region);
  if (!phone) return fmt::format("{:<26} no key: not a phone number", "'" + raw + "'");
  if (!phone->possible)
    return fmt::format("{:<26} no key: {} is not a complete number here", "'" + raw + "'",
                       phone->e164);
  std::string line = fmt::format("{:<26} {}{}  ({}, {})", "'" + raw + "'", phone->e164,
                                 phone->extension.empty() ? "" : " ext " + phone->extension,
                                 phone->valid ? "valid" : "possible, not valid", phone->region);
  if (links) {
    auto c = switchboard::click_to_call(raw, region);
    line += fmt::format("\n    desktop {}\n    web     {}\n    tel     {}", c.desktop, c.web,
                        c.tel);
  }
  return line;
}

int run_normalize(Context& ctx, NormalizeArgs& args) {
  std::vector<std::string> numbers = args.numbers;
  if (numbers.empty()) {
    for (std::string line; std::getline(std::cin, line);)
      if (!line.empty()) numbers.push_back(line);
  }
  if (numbers.empty()) {
    std::cerr << "frontdesk normalize: no numbers given (as arguments or on stdin)\n";
    return kNoData;
  }
  // Without --region, numbers are read in the region of the database's site (an SQLite file
  // that does not exist yet is not created for it: a new site's region).
  std::string region = args.region;
  if (region.empty()) {
    const bool exists = ctx.db.rfind("mariadb://", 0) == 0 || std::ifstream(ctx.db).good();
    region = exists ? ctx.store().site()->region : switchboard::SiteConfig().region;
  }
  bool all_keyed = true;
  for (const auto& raw : numbers) {
    ctx.say(describe(raw, region, args.links));
    if (!switchboard::phone_key(raw, region)) all_keyed = false;
  }
  return all_keyed ? kOk : kNoData;
}

// A progress bar created on the first report, when the total is known.
class LazyBar {
 public:
  LazyBar(std::string label, bool enabled) : label_(std::move(label)), enabled_(enabled) {}
  switchboard::MergeProgress callback() {
    return [this](std::int64_t done, std::int64_t total) {
      if (!bar_) bar_ = std::make_unique<ProgressBar>(label_, total, enabled_);
      bar_->tick(done - done_);
      done_ = done;
    };
  }
  void finish() {
    if (bar_) bar_->finish();
  }

 private:
  std::string label_;
  bool enabled_;
  std::int64_t done_ = 0;
  std::unique_ptr<ProgressBar> bar_;
};

void print_merge(Context& ctx, const MergeReport& r) {
  std::vector<std::string> parts;
  for (const auto& step : r.steps) {
    std::string keys;
    for (const auto& k : step.keys) keys += (keys.empty() ? "" : ", ") + k;
    parts.push_back(fmt::format("{}{}, {} row{} moved", step.source,
                                keys.empty() ? "" : " (" + keys + ")", step.rows_moved(),
                                step.rows_moved() == 1 ? "" : "s"));
  }
  std::string joined;
  for (const auto& p : parts) joined += (joined.empty() ? "" : "; ") + p;
  ctx.say(fmt::format("  {} <- {}", r.target, joined));
}

int summarize(Context& ctx, const BulkMergeReport& r, std::size_t shown) {
  ctx.say(fmt::format("{}: {} records with a phone key, {} groups, {} records {} into their "
                      "oldest, {} rows moved, {} shared numbers skipped",
                      r.doctype, r.scanned, r.merges.size(), r.records_merged(),
                      r.dry_run ? "would be merged" : "merged", r.rows_moved(), r.shared.size()));
  for (std::size_t i = 0; i < r.merges.size() && i < shown; ++i) print_merge(ctx, r.merges[i]);
  if (r.merges.size() > shown)
    ctx.say(fmt::format("  ... and {} more groups", r.merges.size() - shown));
  for (std::size_t i = 0; i < r.shared.size() && i < shown; ++i)
    ctx.say(fmt::format("  shared: {} held by {} records (not merged)", r.shared[i].key,
                        r.shared[i].count));
  return r.merges.empty() ? kNoData : kOk;
}

int run_merge(Context& ctx, MergeArgs& args) {
  std::vector<std::string> doctypes;
  if (args.what == "leads" || args.what == "all") doctypes.push_back("CRM Lead");
  if (args.what == "tickets" || args.what == "all") doctypes.push_back("HD Ticket");
  switchboard::MergeOptions options;
  options.shared_cap = args.cap;
  options.include_closed = args.include_closed;
  options.include_converted = args.include_converted;
  switchboard::PhoneMerger merger(ctx.store_ptr(), "", options);
  const bool bars = args.progress || (!ctx.quiet && isatty(STDERR_FILENO));

  if (!args.record.empty() || !args.find.empty()) {
    if (doctypes.size() != 1) {
      std::cerr << "frontdesk merge: --record and --find need 'leads' or 'tickets'\n";
      return kUsage;
    }
    if (!args.find.empty()) {
      auto names = merger.find_duplicates(doctypes[0], args.find);
      for (const auto& n : names) ctx.say(n);
      return names.empty() ? kNoData : kOk;
    }
    MergeReport r = merger.merge_call_logs(doctypes[0], args.record, args.dry_run);
    if (!r.merged()) {
      ctx.say(fmt::format("{} {}: nothing to merge ({})", r.doctype, r.target, r.skipped));
      return kNoData;
    }
    ctx.say(fmt::format("{} {}: {} record(s) {}, {} rows moved", r.doctype, r.target,
                        r.steps.size(), args.dry_run ? "would be merged" : "merged",
                        r.rows_moved()));
    print_merge(ctx, r);
    return kOk;
  }

  int code = kNoData;
  for (const auto& doctype : doctypes) {
    if (!args.no_rekey && !args.dry_run) {
      LazyBar bar("re-keying " + doctype, bars);
      auto rk = merger.rekey(doctype, bar.callback());
      bar.finish();
      if (rk.updated)
        ctx.say(fmt::format("{}: {} stored phone keys refreshed", doctype, rk.updated));
    }
    LazyBar bar("merging " + doctype, bars);
    BulkMergeReport r = merger.bulk_merge(doctype, args.dry_run, bar.callback());
    bar.finish();
    if (summarize(ctx, r, 10) == kOk) code = kOk;
  }
  if (args.dry_run) ctx.say("(dry run: nothing was written)");
  return code;
}

}  // namespace

void add_phone_commands(CLI::App& app, Context& ctx, Runner& run) {
  auto normalize_args = std::make_shared<NormalizeArgs>();
  auto* normalize = app.add_subcommand(
      "normalize", "Show the E.164 key, extension and validity of phone numbers (exit 3 when "
                   "some number has no key)");
  normalize->add_option("numbers", normalize_args->numbers,
                        "Numbers as people type them (default: one per line on stdin)");
  normalize->add_option("--region", normalize_args->region,
                        "Region for numbers without a country code (default: the database's "
                        "site, US for a new database)");
  normalize->add_flag("--links", normalize_args->links, "Also print the click-to-call links");
  normalize->callback([&ctx, &run, normalize_args] {
    run = [&ctx, normalize_args] { return run_normalize(ctx, *normalize_args); };
  });

  auto merge_args = std::make_shared<MergeArgs>();
  auto* merge = app.add_subcommand(
      "merge", "Merge duplicate leads/tickets sharing a phone number into the oldest record "
               "(exit 3 when there is nothing to merge)");
  merge->add_option("what", merge_args->what, "leads, tickets or all (default)")
      ->check(CLI::IsMember({"leads", "tickets", "all"}));
  merge->add_flag("--dry-run", merge_args->dry_run, "Report what would be merged; write nothing");
  merge->add_option("--record", merge_args->record,
                    "Merge the duplicates of this one lead/ticket into it instead");
  merge->add_option("--find", merge_args->find, "List the records holding this number");
  merge->add_option("--cap", merge_args->cap,
                    "A number held by more records is a shared number, never merged (default 20)")
      ->check(CLI::PositiveNumber);
  merge->add_flag("--include-closed", merge_args->include_closed, "Also merge closed tickets");
  merge->add_flag("--include-converted", merge_args->include_converted,
                  "Also merge converted leads");
  merge->add_flag("--no-rekey", merge_args->no_rekey,
                  "Skip refreshing stored phone keys before a bulk merge");
  merge->add_flag("--progress", merge_args->progress,
                  "Show progress bars even when not a terminal");
  merge->callback([&ctx, &run, merge_args] {
    run = [&ctx, merge_args] { return run_merge(ctx, *merge_args); };
  });
}

void demo_phones(Context& ctx) {
  using switchboard::Document;
  auto& store = ctx.store();
  ctx.say("== phones: one key for every way of writing a number");
  for (const char* raw : {"+1 (555) 201-3344", "555.201.3344", "1-555-201-3344 x 12", "253 0000"})
    ctx.say("  " + describe(raw, "US", false));
  auto links = switchboard::click_to_call("555.201.3344", "US");
  ctx.say(fmt::format("  click to call: {} | {}", links.desktop, links.web));

  ctx.say("== duplicates: the seed's lead workflow");
  std::string old_lead = store.insert("CRM Lead", {{"first_name", "Sam"}, {"last_name", "Old"},
                                                   {"email", "sam@example.com"}});
  std::string new_lead;
  {
    switchboard::Transaction tx(store);
    new_lead =
        store.insert("CRM Lead", {{"first_name", "Caller"}, {"mobile_no", "+1 (555) 201-3344"}});
    for (const char* id : {"demo-call-1", "demo-call-2"})
      store.insert("CRM Call Log",
                   {{"id", id}, {"type", "Incoming"}, {"from", "+15552013344"},
                    {"reference_doctype", "CRM Lead"}, {"reference_docname", new_lead}},
                   {{"links", {Document{{"link_doctype", "CRM Lead"}, {"link_name", new_lead}}}}});
    tx.commit();
  }
  ctx.say(fmt::format("  old lead {} has no phone; a call created lead {} with 2 call logs",
                      old_lead, new_lead));
  store.update("CRM Lead", old_lead, {{"mobile_no", "555.201.3344"}});
  switchboard::PhoneMerger merger(ctx.store_ptr());
  auto r = merger.on_phone_changed("CRM Lead", old_lead);
  ctx.say(fmt::format("  set 555.201.3344 on {}: {} merged into it, {} rows moved "
                      "(call logs and their Dynamic Link rows)",
                      old_lead, r.sources().empty() ? "nothing" : r.sources().front(),
                      r.rows_moved()));
  ctx.say(fmt::format("  a later call for {} lands on {}", new_lead,
                      switchboard::resolve_survivor(store, "CRM Lead", new_lead)));

  ctx.say("== duplicates: bulk merge of tickets into the oldest");
  std::vector<std::string> tickets;
  for (const char* phone : {"+1 555 301 2000", "(555) 301-2000", "15553012000"}) {
    std::string t = store.insert("HD Ticket", {{"subject", std::string("Call from ") + phone},
                                               {"contact_mobile", phone}});
    store.insert("Helpdesk Call Log", {{"call_id", "demo-" + t}, {"type", "Incoming"},
                                       {"from_number", phone}, {"ticket", t}});
    tickets.push_back(t);
  }
  auto dry = merger.bulk_merge("HD Ticket", /*dry_run=*/true);
  ctx.say(fmt::format("  dry run: {} group(s), {} ticket(s) would be merged", dry.merges.size(),
                      dry.records_merged()));
  auto bulk = merger.bulk_merge("HD Ticket");
  for (const auto& m : bulk.merges) print_merge(ctx, m);
  ctx.say(fmt::format("  again: {} group(s) left to merge",
                      merger.bulk_merge("HD Ticket", true).merges.size()));
  ctx.say("");
}

}  // namespace frontdesk
