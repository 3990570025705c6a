// PhoneMerger: duplicate leads and tickets found by stored phone keys and merged safely.
#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "merge_internal.h"
#include "switchboard/phone.h"
#include "model/directory.h"
#include "model/stored_keys.h"
#include "phone/phone_internal.h"

namespace switchboard {
namespace {

using merge_detail::GroupSpec;
using merge_detail::Kind;

struct ByAge {
  bool operator()(const Document& a, const Document& b) const {
    const std::string ca = a.text("creation"), cb = b.text("creation");
    return ca != cb ? ca < cb : a.text("name") < b.text("name");
  }
};

// Unmerged records of `kind` holding `key` (any extension) in any keyed field, oldest first.
std::vector<Document> holders(Store& store, const Kind& kind, const std::string& key) {
  std::vector<Document> out;
  std::unordered_set<std::string> seen;  // a record holding the key in two fields counts once
  const auto fields = merge_detail::record_fields(kind);
  for (const auto& f : *kind.keys) {
    for (auto& d : store.find(kind.doctype, Query{Filter(f.key, Value(key))}.select(fields))) {
      if (merge_detail::is_merged(kind, d)) continue;
      if (seen.insert(d.text("name")).second) out.push_back(std::move(d));
    }
  }
  std::sort(out.begin(), out.end(), ByAge());
  return out;
}

// Disjoint sets over record indexes (path halving, union by index: older root wins).
struct DisjointSets {
  explicit DisjointSets(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  std::vector<std::uint32_t> parent;
};

}  // namespace

std::vector<RelinkRule> default_relink_rules(std::string_view doctype) {
  std::vector<RelinkRule> rules = {
      {"CRM Call Log", "reference_docname", "reference_doctype", false},
      {"Communication", "reference_name", "reference_doctype", false},
      {"Comment", "reference_name", "reference_doctype", false},
      {"File", "attached_to_name", "attached_to_doctype", false},
      {"Dynamic Link", "link_name", "link_doctype", true},
      {"Communication Link", "link_name", "link_doctype", true},
  };
  if (doctype == "HD Ticket") {
    rules.push_back({"Helpdesk Call Log", "ticket", "", false});
    // Follow-ups of a merged ticket continue its survivor.
    rules.push_back({"HD Ticket", "ticket_split_from", "", false});
  }
  if (doctype == "CRM Lead") rules.push_back({"CRM Deal", "lead", "", false});
  return rules;
}

PhoneMerger::PhoneMerger(std::shared_ptr<Store> store, std::string region, MergeOptions options)
    : store_(std::move(store)), region_(std::move(region)), options_(std::move(options)) {
  if (!store_) throw ValidationError("PhoneMerger needs a store", ErrorCode::kInvalidArgument);
  if (!region_.empty()) region_ = phone_detail::resolve_region(region_);  // fail early
  if (options_.shared_cap < 1 || options_.batch_size < 0 || options_.max_customers_per_number < 1)
    throw ValidationError("shared_cap and max_customers_per_number must be at least 1 and "
                          "batch_size not negative",
                          ErrorCode::kInvalidArgument);
}

namespace {

// The options with every site fact resolved (see merge_detail::Facts).
merge_detail::Facts resolve(Store& store, const MergeOptions& options, std::string_view doctype,
                            const std::string& region) {
  merge_detail::Facts facts;
  facts.options = options;
  auto site = store.site();
  if (!facts.options.closed_statuses) {
    facts.options.closed_statuses.emplace();
    if (doctype == model::kTicket)
      facts.options.closed_statuses = model::Directory(store).ticket_statuses().closed;
  }
  // A lead of a Lost status (Junk, Unqualified) never absorbs an open one.
  if (doctype == model::kLead) facts.closed_lead_statuses = model::Directory(store).ended_lead_statuses();
  else facts.closed_lead_statuses = site->closed_lead_statuses;
  facts.staff_domains = email_detail::DomainSet(site->all_internal_domains());
  for (const auto& n : options.company_numbers ? *options.company_numbers : site->all_company_numbers()) {
    auto key = region.empty() ? phone_key(n, *site) : phone_key(n, region);
    if (key) facts.company_keys.push_back(std::move(*key));
  }
  return facts;
}

}  // namespace

MergeReport PhoneMerger::on_phone_changed(std::string_view doctype, std::string_view name,
                                          bool dry_run) {
  return merge_into(doctype, name, dry_run, "on_phone_changed");
}

MergeReport PhoneMerger::merge_call_logs(std::string_view doctype, std::string_view name,
                                         bool dry_run) {
  return merge_into(doctype, name, dry_run, "merge_call_logs");
}

MergeReport PhoneMerger::merge_into(std::string_view doctype, std::string_view name,
                                    bool dry_run, const char* trigger) {
  const merge_detail::Facts facts = resolve(*store_, options_, doctype, region_);
  const MergeOptions& opts = facts.options;
  const Kind& kind = merge_detail::kind_for(doctype);
  Store& store = *store_;
  auto run = [&]() -> MergeReport {
    MergeReport report;
    report.doctype = kind.doctype;
    report.target = std::string(name);
    report.dry_run = dry_run;
    auto doc = store.get(doctype, name);
    if (!doc)
      throw NotFound(kind.doctype + " '" + std::string(name) + "' not found");
    // Keys written outside the library (a Frappe form) may be stale: recompute them.
    const DocTypeDef& def = store.schema().get(doctype);
    bool stale = false;
    Document fresh = model_detail::recompute_derived(*store.site(), def, *doc, stale);
    if (stale) {
      report.keys_refreshed = true;
      if (!dry_run)
        store.update(doctype, name, model_detail::derived_sources(def, *doc), false);
      doc->merge(fresh);
    }
    if (merge_detail::is_merged(kind, *doc)) {
      report.skipped = "target_merged";
      return report;
    }
    if (!merge_detail::in_scope(kind, opts, *doc)) {
      report.skipped = "out_of_scope";
      return report;
    }
    // The record itself first (with its fresh keys), then every holder of one of its keys.
    std::vector<merge_detail::Holder> rows{merge_detail::holder_of(kind, facts, *doc)};
    if (rows.front().numbers.empty()) {
      report.skipped = "no_phone_key";
      return report;
    }
    std::unordered_set<std::string> seen{std::string(name)};
    for (const auto& number : rows.front().numbers)
      for (const auto& h : holders(store, kind, number.first))
        if (seen.insert(h.text("name")).second)
          rows.push_back(merge_detail::holder_of(kind, facts, h));
    auto matches = merge_detail::match_numbers(rows, facts, report.shared, 0);
    std::vector<std::uint32_t> group{0};
    std::unordered_map<std::uint32_t, std::vector<std::string>> keys_of;
    for (const auto& m : matches)
      for (auto r : m.members) {
        if (!rows[r].in_scope) continue;
        auto& ids = keys_of[r];
        if (ids.empty() && r != 0) group.push_back(r);
        ids.push_back(m.label);
      }
    if (group.size() < 2) {
      report.skipped = "no_duplicates";
      return report;
    }
    // Matches through different keys may still bring several customers together.
    if (merge_detail::distinct_customers(rows, group) > opts.max_customers_per_number) {
      std::string labels;
      for (const auto& m : matches) labels += (labels.empty() ? "" : ", ") + m.label;
      report.shared.push_back(
          merge_detail::shared_number(labels, rows, group, opts.shared_cap, "customers"));
      report.skipped = "no_duplicates";
      return report;
    }
    std::sort(group.begin(), group.end(),
              [&](std::uint32_t a, std::uint32_t b) { return merge_detail::older(rows[a], rows[b]); });
    // The named record survives unless it is closed and another one is open: a closed record
    // never absorbs an open one.
    std::uint32_t survivor = 0;
    std::string reason = "named";
    if (!rows[0].open) {
      for (auto r : group)
        if (rows[r].open) {
          survivor = r;
          reason = "oldest_open";
          break;
        }
    }
    GroupSpec spec;
    spec.target = rows[survivor].name;
    spec.reason = reason;
    for (auto r : group) {
      if (r == survivor) continue;
      spec.sources.push_back(rows[r].name);
      // The keys it shares with the survivor's group: the named record's matching keys.
      auto ids = keys_of[r == 0 ? survivor : r];
      std::sort(ids.begin(), ids.end());
      spec.keys.push_back(std::move(ids));
    }
    auto rules = merge_detail::active_rules(store, kind, opts, false);
    auto plans = merge_detail::plan_groups(store, kind, opts, rules, {spec}, dry_run);
    if (!dry_run) merge_detail::apply_plan(store, kind, opts, plans.front(), trigger);
    MergeReport planned = std::move(plans.front().report);
    planned.shared = std::move(report.shared);
    planned.keys_refreshed = report.keys_refreshed;
    return planned;
  };
  if (dry_run) return run();
  return in_transaction(store, run);
}

MergeReport PhoneMerger::merge(std::string_view doctype, std::string_view target,
                               const std::vector<std::string>& sources, bool dry_run) {
  const MergeOptions opts = resolve(*store_, options_, doctype, region_).options;
  const Kind& kind = merge_detail::kind_for(doctype);
  Store& store = *store_;
  auto run = [&]() -> MergeReport {
    auto target_doc = store.get(doctype, target);
    if (!target_doc) throw NotFound(kind.doctype + " '" + std::string(target) + "' not found");
    if (merge_detail::is_merged(kind, *target_doc))
      throw ValidationError(kind.doctype + " '" + std::string(target) + "' is merged into '" +
                            model::Directory(store).survivor(doctype, target) +
                            "'; merge into that one");
    std::vector<Document> live;
    for (const auto& source : sources) {
      if (source == target)
        throw ValidationError("cannot merge " + kind.doctype + " '" + source + "' into itself");
      auto doc = store.get(doctype, source);
      if (!doc) throw NotFound(kind.doctype + " '" + source + "' not found");
      if (merge_detail::is_merged(kind, *doc)) {
        if (model::Directory(store).survivor(doctype, source) == target) continue;  // done before
        throw ValidationError(kind.doctype + " '" + source + "' is already merged into '" +
                              doc->text(kind.pointer) + "'");
      }
      auto same = [&](const Document& d) { return d.text("name") == source; };
      if (std::none_of(live.begin(), live.end(), same)) live.push_back(std::move(*doc));
    }
    std::sort(live.begin(), live.end(), ByAge());
    const auto target_ids = merge_detail::identities(kind, *target_doc);
    GroupSpec spec;
    spec.target = std::string(target);
    spec.reason = "chosen";
    for (const auto& d : live) {
      spec.sources.push_back(d.text("name"));
      std::vector<std::string> shared;
      for (const auto& id : merge_detail::identities(kind, d))
        if (std::find(target_ids.begin(), target_ids.end(), id) != target_ids.end())
          shared.push_back(id);
      spec.keys.push_back(std::move(shared));
    }
    auto rules = merge_detail::active_rules(store, kind, opts, false);
    auto plans = merge_detail::plan_groups(store, kind, opts, rules, {spec}, dry_run);
    if (!dry_run) merge_detail::apply_plan(store, kind, opts, plans.front(), "merge");
    return std::move(plans.front().report);
  };
  if (dry_run) return run();
  return in_transaction(store, run);
}

std::vector<std::string> PhoneMerger::find_duplicates(std::string_view doctype,
                                                      std::string_view raw_phone) {
  const MergeOptions opts = resolve(*store_, options_, doctype, region_).options;
  const Kind& kind = merge_detail::kind_for(doctype);
  phone_detail::KeyParts parts;
  const bool found = region_.empty()
                         ? phone_detail::site_key_parts(raw_phone, *store_->site(), parts)
                         : phone_detail::key_parts(raw_phone, region_, parts);
  if (!found) return {};
  std::vector<std::string> out;
  auto holds = [&](const Document& d) {  // the key with that very extension, in any field
    for (const auto& f : *kind.keys)
      if (d.text(f.key) == parts.e164 && d.text(f.extension) == parts.extension) return true;
    return false;
  };
  for (const auto& d : holders(*store_, kind, parts.e164))
    if (holds(d) && merge_detail::in_scope(kind, opts, d)) out.push_back(d.text("name"));
  return out;
}

BulkMergeReport PhoneMerger::bulk_merge(std::string_view doctype, bool dry_run,
                                        const MergeProgress& progress) {
  const merge_detail::Facts facts = resolve(*store_, options_, doctype, region_);
  const MergeOptions& opts = facts.options;
  const Kind& kind = merge_detail::kind_for(doctype);
  Store& store = *store_;
  BulkMergeReport report;
  report.doctype = kind.doctype;
  report.dry_run = dry_run;

  // 1. Every unmerged record with a key.
  std::vector<merge_detail::Holder> rows;
  // Only the name range is filtered in SQL: other conditions could make SQLite prefer another
  // index and sort the whole table for every page.
  const auto fields = merge_detail::record_fields(kind);
  model_detail::scan_by_name(store, kind.doctype, {}, fields, [&](std::vector<Document>& page) {
    for (auto& d : page) {
      if (merge_detail::is_merged(kind, d)) continue;
      auto h = merge_detail::holder_of(kind, facts, d);
      if (!h.numbers.empty()) rows.push_back(std::move(h));
    }
  });
  report.scanned = static_cast<std::int64_t>(rows.size());
  auto older = [&](std::uint32_t a, std::uint32_t b) { return merge_detail::older(rows[a], rows[b]); };

  // 2. Records matching on a number join one group, unless the number is the company's, too
  //    many records hold it, or its holders are several customers; out-of-scope holders
  //    count toward those limits but never merge.
  DisjointSets sets(rows.size());
  std::unordered_map<std::uint32_t, std::vector<std::string>> keys_of;
  for (const auto& match : merge_detail::match_numbers(rows, facts, report.shared)) {
    std::int64_t first = -1;
    for (auto r : match.members) {
      if (!rows[r].in_scope) continue;
      if (first < 0) first = r;
      else sets.join(static_cast<std::uint32_t>(first), r);
      keys_of[r].push_back(match.label);
    }
  }

  // 3. Groups: each set of two or more records, merged into its oldest open record, else its
  //    oldest. A group chained past the cap or across customers is reported, not merged.
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> members_of;
  for (const auto& [r, ids] : keys_of) members_of[sets.find(r)].push_back(r);
  std::vector<std::vector<std::uint32_t>> groups;
  for (auto& [root, members] : members_of) {
    if (members.size() < 2) continue;
    std::sort(members.begin(), members.end(), older);
    const bool too_big = static_cast<std::int64_t>(members.size()) > opts.shared_cap;
    if (too_big || merge_detail::distinct_customers(rows, members) > opts.max_customers_per_number) {
      std::vector<std::string> ids;
      for (auto m : members)
        for (const auto& id : keys_of[m])
          if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      std::sort(ids.begin(), ids.end());
      std::string joined;
      for (const auto& id : ids) joined += (joined.empty() ? "" : ", ") + id;
      report.shared.push_back(merge_detail::shared_number(joined, rows, members, opts.shared_cap,
                                                          too_big ? "group_cap" : "customers"));
      continue;
    }
    // The survivor goes first.
    auto open = std::find_if(members.begin(), members.end(),
                             [&](std::uint32_t m) { return rows[m].open; });
    if (open != members.end()) std::rotate(members.begin(), open, open + 1);
    groups.push_back(std::move(members));
  }
  // Work in the order of the records merged away (rows are in name order): their rows, call
  // logs and index entries are the ones rewritten, so neighbours share pages. The report is
  // ordered by survivor afterwards.
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return *std::min_element(a.begin() + 1, a.end()) < *std::min_element(b.begin() + 1, b.end());
  });
  std::sort(report.shared.begin(), report.shared.end(),
            [](const SharedNumber& a, const SharedNumber& b) { return a.key < b.key; });

  // 4. Plan and apply in chunks (progress is reported after each); commit every batch_size
  //    merges, or once at the end (the default: one all-or-nothing transaction, which is also
  //    what SQLite's write-ahead log handles best).
  auto rules = merge_detail::active_rules(store, kind, opts, true);
  const auto total = static_cast<std::int64_t>(groups.size());
  const std::int64_t per_commit =
      opts.batch_size > 0 ? opts.batch_size : std::max<std::int64_t>(total, 1);
  constexpr std::int64_t kChunk = 1000;
  std::vector<std::pair<std::uint32_t, MergeReport>> done;  // (survivor row, report)
  auto run_chunk = [&](std::int64_t begin, std::int64_t end) {
    std::vector<GroupSpec> specs;
    for (std::int64_t g = begin; g < end; ++g) {
      const auto& members = groups[static_cast<std::size_t>(g)];
      GroupSpec spec;
      spec.target = rows[members.front()].name;
      spec.reason = rows[members.front()].open ? "oldest_open" : "oldest";
      for (std::size_t m = 1; m < members.size(); ++m) {
        spec.sources.push_back(rows[members[m]].name);
        auto ids = keys_of[members[m]];
        std::sort(ids.begin(), ids.end());
        spec.keys.push_back(std::move(ids));
      }
      specs.push_back(std::move(spec));
    }
    auto plans = merge_detail::plan_groups(store, kind, opts, rules, specs, dry_run);
    for (std::size_t i = 0; i < plans.size(); ++i) {
      if (plans[i].report.steps.empty()) continue;  // merged meanwhile by someone else
      if (!dry_run) merge_detail::apply_plan(store, kind, opts, plans[i], "bulk_merge");
      const auto& group = groups[static_cast<std::size_t>(begin) + i];
      done.emplace_back(group.front(), std::move(plans[i].report));
    }
    if (progress) progress(end, total);
  };
  for (std::int64_t batch = 0; batch < total; batch += per_commit) {
    const std::int64_t batch_end = std::min(total, batch + per_commit);
    const std::size_t done_before = done.size();
    auto run_batch = [&] {
      done.erase(done.begin() + static_cast<std::ptrdiff_t>(done_before), done.end());  // a rerun starts afresh
      for (std::int64_t begin = batch; begin < batch_end; begin += kChunk)
        run_chunk(begin, std::min(batch_end, begin + kChunk));
    };
    if (dry_run) run_batch();
    else in_retrying_transaction(store, run_batch);
  }
  std::sort(done.begin(), done.end(),
            [&](const auto& a, const auto& b) { return older(a.first, b.first); });
  for (auto& d : done) report.merges.push_back(std::move(d.second));
  return report;
}

RekeyReport PhoneMerger::rekey(std::string_view doctype, const MergeProgress& progress) {
  return rekey_phone_keys(*store_, doctype, progress);
}

}  // namespace switchboard
