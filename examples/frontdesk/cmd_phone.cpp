// frontdesk normalize, merge: phone keys from the shell, and duplicate merging on the database.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "cli.h"
#include "switchboard/mariadb_store.h"

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
  bool exclude_closed = false;
  bool include_closed = false;  // the default; kept so scripts passing it still run
  bool include_converted = false;
  bool no_rekey = false;
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

json describe_json(const std::string& raw, const std::string& region, bool links) {
  auto phone = switchboard::normalize_phone(raw, region);
  json j{{"input", raw}, {"key", nullptr}};
  if (phone) {
    j["key"] = phone->key().empty() ? json(nullptr) : json(phone->key());
    j["e164"] = phone->e164;
    j["extension"] = phone->extension.empty() ? json(nullptr) : json(phone->extension);
    j["possible"] = phone->possible;
    j["valid"] = phone->valid;
    j["region"] = phone->region;
  }
  if (links && phone && phone->possible) {
    auto c = switchboard::click_to_call(raw, region);
    j["links"] = {{"desktop", c.desktop}, {"web", c.web}, {"tel", c.tel}};
  }
  return j;
}

int run_normalize(Context& ctx, NormalizeArgs& args) {
  std::vector<std::string> numbers = args.numbers;
  if (numbers.empty()) {
    for (std::string line; std::getline(std::cin, line);)
      if (!line.empty()) numbers.push_back(line);
  }
  if (numbers.empty()) {
    std::cerr << "frontdesk normalize: no numbers given (as arguments or on stdin)\n";
    return kDataError;
  }
  // Without --region, numbers are read in the region of --site FILE, else of the database's
  // site (opened read-only), else of a new site: nothing is created or changed for it.
  std::string region = args.region;
  if (region.empty()) {
    if (!ctx.site_file.empty()) {
      region = read_site_file(ctx.site_file).region;
    } else if (switchboard::is_mariadb_url(ctx.db) || is_switchboard_database(ctx.db)) {
      ctx.access = Access::kRead;
      region = ctx.store().site()->region;
    } else {
      region = switchboard::SiteConfig().region;
    }
  }
  bool all_keyed = true;
  json results = json::array();
  for (const auto& raw : numbers) {
    if (ctx.as_json) results.push_back(describe_json(raw, region, args.links));
    else ctx.say(describe(raw, region, args.links));
    if (!switchboard::phone_key(raw, region)) all_keyed = false;
  }
  if (ctx.as_json) ctx.print_json(results);
  return all_keyed ? kOk : kFailed;
}

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
  ctx.say(fmt::format("  {} ({}) <- {}", r.target, r.survivor_reason, joined));
}

json shared_json(const std::vector<switchboard::SharedNumber>& shared) {
  json out = json::array();
  for (const auto& s : shared)
    out.push_back({{"key", s.key}, {"count", s.count}, {"names", s.names}, {"reason", s.reason}});
  return out;
}

json merge_json(const MergeReport& r) {
  json steps = json::array();
  for (const auto& step : r.steps)
    steps.push_back({{"source", step.source}, {"keys", step.keys}, {"moved", step.moved},
                     {"removed", step.removed}, {"filled", to_json(step.filled)},
                     {"rows_moved", step.rows_moved()}});
  return {{"doctype", r.doctype},       {"target", r.target},
          {"survivor_reason", r.survivor_reason},
          {"steps", steps},             {"rows_moved", r.rows_moved()},
          {"skipped", r.skipped.empty() ? json(nullptr) : json(r.skipped)},
          {"shared", shared_json(r.shared)}};
}

void summarize(Context& ctx, const BulkMergeReport& r, bool dry_run, std::size_t shown) {
  ctx.say(fmt::format("{}: {} records with a phone key, {} groups, {} records {} into their "
                      "oldest open (else oldest), {} rows moved, {} shared numbers skipped",
                      r.doctype, r.scanned, r.merges.size(), r.records_merged(),
                      dry_run ? "would be merged" : "merged", r.rows_moved(), r.shared.size()));
  for (std::size_t i = 0; i < r.merges.size() && i < shown; ++i) print_merge(ctx, r.merges[i]);
  if (r.merges.size() > shown)
    ctx.say(fmt::format("  ... and {} more groups", r.merges.size() - shown));
  for (std::size_t i = 0; i < r.shared.size() && i < shown; ++i)
    ctx.say(fmt::format("  shared: {} held by {} records (not merged: {})", r.shared[i].key,
                        r.shared[i].count, r.shared[i].reason));
}

int run_merge(Context& ctx, MergeArgs& args) {
  std::vector<std::string> doctypes;
  if (args.what == "leads" || args.what == "all") doctypes.push_back("CRM Lead");
  if (args.what == "tickets" || args.what == "all") doctypes.push_back("HD Ticket");
  if ((!args.record.empty() || !args.find.empty()) && doctypes.size() != 1) {
    std::cerr << "frontdesk merge: --record and --find need 'leads' or 'tickets'\n";
    return kUsage;
  }
  switchboard::MergeOptions options;
  options.shared_cap = args.cap;
  options.include_closed = !args.exclude_closed;
  options.include_converted = args.include_converted;
  switchboard::PhoneMerger merger(ctx.store_ptr(), "", options);

  if (!args.find.empty()) {
    auto names = merger.find_duplicates(doctypes[0], args.find);
    if (ctx.as_json) ctx.print_json({{"doctype", doctypes[0]}, {"phone", args.find}, {"records", names}});
    for (const auto& n : names) ctx.say(n);
    return kOk;
  }
  // --dry-run: the real merge inside one transaction that is rolled back, so the report is
  // exactly what a real run does (stored keys refreshed first, leads before tickets).
  std::optional<switchboard::Transaction> scratch;
  if (args.dry_run) scratch.emplace(ctx.store());
  const char* would = args.dry_run ? "would be merged" : "merged";
  if (!args.record.empty()) {
    MergeReport r = merger.merge_call_logs(doctypes[0], args.record);
    if (ctx.as_json) {
      json j = merge_json(r);
      j["dry_run"] = args.dry_run;
      ctx.print_json(j);
    } else if (!r.merged()) {
      ctx.say(fmt::format("{} {}: nothing to merge ({})", r.doctype, r.target, r.skipped));
    } else {
      ctx.say(fmt::format("{} {}: {} record(s) {}, {} rows moved", r.doctype, r.target,
                          r.steps.size(), would, r.rows_moved()));
      print_merge(ctx, r);
    }
    return kOk;
  }

  json reports = json::array();
  for (const auto& doctype : doctypes) {
    std::int64_t rekeyed = 0;
    if (!args.no_rekey) {
      LazyBar bar("re-keying " + doctype, ctx.progress());
      rekeyed = merger.rekey(doctype, bar.callback()).updated;
      bar.finish();
      if (rekeyed) ctx.say(fmt::format("{}: {} stored phone keys refreshed", doctype, rekeyed));
    }
    LazyBar bar("merging " + doctype, ctx.progress());
    BulkMergeReport r = merger.bulk_merge(doctype, false, bar.callback());
    bar.finish();
    summarize(ctx, r, args.dry_run, 10);
    if (ctx.as_json) {
      json merges = json::array();
      for (const auto& m : r.merges) merges.push_back(merge_json(m));
      reports.push_back({{"doctype", doctype}, {"keys_refreshed", rekeyed},
                         {"scanned", r.scanned}, {"records_merged", r.records_merged()},
                         {"rows_moved", r.rows_moved()}, {"merges", merges},
                         {"shared", shared_json(r.shared)}});
    }
  }
  if (ctx.as_json) ctx.print_json({{"dry_run", args.dry_run}, {"doctypes", reports}});
  if (args.dry_run) ctx.say("(dry run: nothing was written)");
  return kOk;
}

}  // namespace

void add_phone_commands(CLI::App& app, Context& ctx, Runner& run) {
  auto normalize_args = std::make_shared<NormalizeArgs>();
  auto* normalize = app.add_subcommand("normalize", "Phone numbers to E.164 keys and links");
  normalize->add_option("numbers", normalize_args->numbers,
                        "Numbers as people type them (default: one per line on stdin)");
  normalize->add_option("--region", normalize_args->region,
                        "Region for numbers without a country code (default: the database's "
                        "site, US for a new database)");
  normalize->add_flag("--links", normalize_args->links, "Also print the click-to-call links");
  add_json_flag(normalize, ctx);
  set_help(normalize,
           "Shows each number's E.164 key, extension and validity (exit 1 when some number has\n"
           "no key). Needs no database.",
           {"frontdesk normalize '+1 (555) 123-4567' '555.123.4567 x 89' --links",
                           "frontdesk normalize --region IN '98455 52671' --json",
                           "cut -f3 contacts.tsv | frontdesk normalize"});
  on_run(normalize, ctx, run, Access::kNone,
         [&ctx, normalize_args] { return run_normalize(ctx, *normalize_args); });

  auto merge_args = std::make_shared<MergeArgs>();
  auto* merge = app.add_subcommand("merge", "Merge duplicate leads and tickets by phone number");
  merge->add_option("what", merge_args->what, "leads, tickets or all (default)")
      ->check(CLI::IsMember({"leads", "tickets", "all"}));
  merge->add_flag("--dry-run", merge_args->dry_run,
                  "Merge in one transaction and roll it back: the report of a real run, nothing "
                  "written");
  merge->add_option("--record", merge_args->record,
                    "Merge the duplicates of this one lead/ticket into it instead");
  merge->add_option("--find", merge_args->find, "List the records holding this number");
  merge->add_option("--cap", merge_args->cap,
                    "A number held by more records is a shared number, never merged (default 20)")
      ->check(CLI::PositiveNumber);
  merge->add_flag("--exclude-closed", merge_args->exclude_closed,
                  "Leave closed tickets out (by default they merge, into an open one if any)");
  merge->add_flag("--include-closed", merge_args->include_closed,
                  "Merge closed tickets too (the default)");
  merge->add_flag("--include-converted", merge_args->include_converted,
                  "Also merge converted leads");
  merge->add_flag("--no-rekey", merge_args->no_rekey,
                  "Skip refreshing stored phone keys before a bulk merge");
  add_json_flag(merge, ctx);
  set_help(merge,
           "Merges leads (and tickets) sharing a phone number into the oldest record, with its\n"
           "call logs. Stored phone keys are refreshed first; shared numbers (held by more than\n"
           "--cap records) are never merged. --find only reads.",
           {"frontdesk merge --dry-run", "frontdesk merge tickets --json",
                       "frontdesk merge leads --find '555.201.3344'",
                       "frontdesk merge leads --record CRM-LEAD-2026-00001"});
  merge->callback([&ctx, &run, merge_args] {
    // --find only reads; everything else writes (a dry run too: it rolls its writes back).
    ctx.access = merge_args->find.empty() ? Access::kWrite : Access::kRead;
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
