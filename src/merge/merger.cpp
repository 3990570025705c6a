// PhoneMerger: duplicate leads and tickets found by stored phone keys and merged safely.
#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "merge_internal.h"
#include "model/directory.h"
#include "phone/phone_internal.h"

namespace switchboard {
namespace {

using merge_detail::GroupSpec;
using merge_detail::Kind;

constexpr std::int64_t kPage = 20000;  // rows read per query while scanning a table

struct ByAge {
  bool operator()(const Document& a, const Document& b) const {
    const std::string ca = a.text("creation"), cb = b.text("creation");
    return ca != cb ? ca < cb : a.text("name") < b.text("name");
  }
};

// Every row of `doctype` matching `filters`, `fields` only, in pages ordered by name.
template <typename Fn>
void scan(Store& store, std::string_view doctype, const Filters& filters,
          const std::vector<std::string>& fields, Fn&& on_page) {
  std::string last;
  bool first = true;
  for (;;) {
    Query q(filters);
    if (!first) q.where(Filter("name", Op::kGt, Value(last)));
    q.select(fields).order("name asc").take(kPage);
    auto rows = store.find(doctype, q);
    if (rows.empty()) return;
    first = false;
    last = rows.back().text("name");
    const bool more = static_cast<std::int64_t>(rows.size()) == kPage;
    on_page(rows);
    if (!more) return;
  }
}

// Unmerged records of `kind` holding `key` with `extension` in any keyed field, oldest first.
std::vector<Document> holders(Store& store, const Kind& kind, const std::string& key,
                              const std::string& extension) {
  std::vector<Document> out;
  std::unordered_set<std::string> seen;  // a record holding the key in two fields counts once
  const auto fields = merge_detail::record_fields(kind);
  for (const auto& f : *kind.keys) {
    for (auto& d : store.find(kind.doctype, Query{Filter(f.key, Value(key))}.select(fields))) {
      if (d.text(f.extension) != extension || merge_detail::is_merged(kind, d)) continue;
      if (seen.insert(d.text("name")).second) out.push_back(std::move(d));
    }
  }
  std::sort(out.begin(), out.end(), ByAge());
  return out;
}

SharedNumber shared_number(std::string key, std::vector<std::string> oldest_first,
                           std::int64_t cap) {
  SharedNumber s;
  s.key = std::move(key);
  s.count = static_cast<std::int64_t>(oldest_first.size());
  if (static_cast<std::int64_t>(oldest_first.size()) > cap + 1)
    oldest_first.resize(static_cast<std::size_t>(cap + 1));
  s.names = std::move(oldest_first);
  return s;
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
  if (doctype == "HD Ticket") rules.push_back({"Helpdesk Call Log", "ticket", "", false});
  if (doctype == "CRM Lead") rules.push_back({"CRM Deal", "lead", "", false});
  return rules;
}

PhoneMerger::PhoneMerger(std::shared_ptr<Store> store, std::string region, MergeOptions options)
    : store_(std::move(store)), region_(std::move(region)), options_(std::move(options)) {
  if (!store_) throw ValidationError("PhoneMerger needs a store", ErrorCode::kInvalidArgument);
  if (!region_.empty()) region_ = phone_detail::resolve_region(region_);  // fail early
  if (options_.shared_cap < 1 || options_.batch_size < 0)
    throw ValidationError("shared_cap must be at least 1 and batch_size not negative",
                          ErrorCode::kInvalidArgument);
}

namespace {

// The options with every site fact resolved: the closed ticket statuses from the store's site
// unless given (leads do not need them).
MergeOptions resolve(Store& store, const MergeOptions& options, std::string_view doctype) {
  MergeOptions out = options;
  if (out.closed_statuses) return out;
  out.closed_statuses.emplace();
  if (doctype == model::kTicket) out.closed_statuses = model::Directory(store).ticket_statuses().closed;
  return out;
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
  const MergeOptions opts = resolve(*store_, options_, doctype);
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
    Document fresh = merge_detail::recompute_derived(*store.site(), def, *doc, stale);
    if (stale) {
      report.keys_refreshed = true;
      if (!dry_run)
        store.update(doctype, name, merge_detail::derived_sources(def, *doc), false);
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
    std::vector<std::pair<std::string, std::string>> keys;  // (key, extension)
    for (const auto& f : *kind.keys) {
      std::pair<std::string, std::string> k{doc->text(f.key), doc->text(f.extension)};
      if (!k.first.empty() && std::find(keys.begin(), keys.end(), k) == keys.end())
        keys.push_back(std::move(k));
    }
    if (keys.empty()) {
      report.skipped = "no_phone_key";
      return report;
    }
    std::vector<Document> candidates;
    std::unordered_map<std::string, std::vector<std::string>> keys_of;
    for (const auto& [key, extension] : keys) {
      const std::string id = merge_detail::identity(key, extension);
      std::vector<Document> others;
      for (auto& h : holders(store, kind, key, extension))
        if (h.text("name") != name) others.push_back(std::move(h));
      // The target always counts, whether or not its stored key is current yet.
      if (static_cast<std::int64_t>(others.size()) + 1 > opts.shared_cap) {
        std::vector<std::string> names{std::string(name)};
        for (const auto& o : others) names.push_back(o.text("name"));
        report.shared.push_back(shared_number(id, std::move(names), opts.shared_cap));
        continue;
      }
      for (auto& o : others) {
        if (!merge_detail::in_scope(kind, opts, o)) continue;
        auto& ids = keys_of[o.text("name")];
        if (ids.empty()) candidates.push_back(o);
        ids.push_back(id);
      }
    }
    if (candidates.empty()) {
      report.skipped = "no_duplicates";
      return report;
    }
    std::sort(candidates.begin(), candidates.end(), ByAge());
    GroupSpec spec;
    spec.target = std::string(name);
    for (const auto& c : candidates) {
      spec.sources.push_back(c.text("name"));
      spec.keys.push_back(keys_of[c.text("name")]);
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
  const MergeOptions opts = resolve(*store_, options_, doctype);
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
  const MergeOptions opts = resolve(*store_, options_, doctype);
  const Kind& kind = merge_detail::kind_for(doctype);
  phone_detail::KeyParts parts;
  const bool found = region_.empty()
                         ? phone_detail::site_key_parts(raw_phone, *store_->site(), parts)
                         : phone_detail::key_parts(raw_phone, region_, parts);
  if (!found) return {};
  std::vector<std::string> out;
  for (const auto& d : holders(*store_, kind, parts.e164, parts.extension))
    if (merge_detail::in_scope(kind, opts, d)) out.push_back(d.text("name"));
  return out;
}

BulkMergeReport PhoneMerger::bulk_merge(std::string_view doctype, bool dry_run,
                                        const MergeProgress& progress) {
  const MergeOptions opts = resolve(*store_, options_, doctype);
  const Kind& kind = merge_detail::kind_for(doctype);
  Store& store = *store_;
  BulkMergeReport report;
  report.doctype = kind.doctype;
  report.dry_run = dry_run;

  // 1. Every unmerged record with a key: compact rows, and (identity, record) pairs.
  struct Row {
    std::string name, creation;
    bool in_scope;
  };
  std::vector<Row> rows;
  std::vector<std::pair<std::string, std::uint32_t>> entries;
  // Only the name range is filtered in SQL: other conditions could make SQLite prefer another
  // index and sort the whole table for every page.
  const auto fields = merge_detail::record_fields(kind);
  scan(store, kind.doctype, {}, fields, [&](std::vector<Document>& page) {
    for (auto& d : page) {
      if (merge_detail::is_merged(kind, d)) continue;
      auto ids = merge_detail::identities(kind, d);
      if (ids.empty()) continue;
      const auto index = static_cast<std::uint32_t>(rows.size());
      rows.push_back(
          Row{d.text("name"), d.text("creation"), merge_detail::in_scope(kind, opts, d)});
      for (auto& id : ids) entries.emplace_back(std::move(id), index);
    }
  });
  report.scanned = static_cast<std::int64_t>(rows.size());
  auto older = [&](std::uint32_t a, std::uint32_t b) {
    return rows[a].creation != rows[b].creation ? rows[a].creation < rows[b].creation
                                                : rows[a].name < rows[b].name;
  };
  auto names_of = [&](std::vector<std::uint32_t> members) {
    std::sort(members.begin(), members.end(), older);
    std::vector<std::string> names;
    for (auto m : members) names.push_back(rows[m].name);
    return names;
  };

  // 2. Records sharing an identity join one group, unless too many hold it (shared number);
  //    out-of-scope holders count toward the cap but never merge.
  std::sort(entries.begin(), entries.end());
  DisjointSets sets(rows.size());
  std::unordered_map<std::uint32_t, std::vector<std::string>> keys_of;
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t j = i;
    while (j < entries.size() && entries[j].first == entries[i].first) ++j;
    const auto holders_count = static_cast<std::int64_t>(j - i);
    if (holders_count > opts.shared_cap) {
      std::vector<std::uint32_t> members;
      for (std::size_t k = i; k < j; ++k) members.push_back(entries[k].second);
      report.shared.push_back(shared_number(entries[i].first, names_of(std::move(members)),
                                            opts.shared_cap));
    } else if (holders_count > 1) {
      std::int64_t first = -1;
      for (std::size_t k = i; k < j; ++k) {
        const std::uint32_t r = entries[k].second;
        if (!rows[r].in_scope) continue;
        if (first < 0) first = r;
        else sets.join(static_cast<std::uint32_t>(first), r);
        keys_of[r].push_back(entries[i].first);
      }
    }
    i = j;
  }

  // 3. Groups: each set of two or more records, merged into its oldest.
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> members_of;
  for (const auto& [r, ids] : keys_of) members_of[sets.find(r)].push_back(r);
  std::vector<std::vector<std::uint32_t>> groups;
  for (auto& [root, members] : members_of) {
    if (members.size() < 2) continue;
    std::sort(members.begin(), members.end(), older);
    if (static_cast<std::int64_t>(members.size()) > opts.shared_cap) {
      std::vector<std::string> ids;
      for (auto m : members)
        for (const auto& id : keys_of[m])
          if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      std::sort(ids.begin(), ids.end());
      std::string joined;
      for (const auto& id : ids) joined += (joined.empty() ? "" : ", ") + id;
      report.shared.push_back(shared_number(joined, names_of(members), opts.shared_cap));
      continue;
    }
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
  if (phone_key_fields(doctype).empty())
    throw ValidationError("'" + std::string(doctype) + "' has no stored phone keys",
                          ErrorCode::kInvalidArgument);
  Store& store = *store_;
  const DocTypeDef& def = store.schema().get(doctype);
  RekeyReport report;
  report.doctype = def.name;
  std::vector<std::string> fields = {"name"};
  for (const auto& d : def.derived) {
    fields.insert(fields.end(), d.sources.begin(), d.sources.end());
    fields.insert(fields.end(), d.targets.begin(), d.targets.end());
  }
  const std::int64_t total = store.count(doctype);
  auto site = store.site();
  scan(store, doctype, {}, fields, [&](std::vector<Document>& page) {
    std::vector<std::pair<std::string, Document>> updates;
    for (const auto& row : page) {
      bool stale = false;
      merge_detail::recompute_derived(*site, def, row, stale);
      if (stale) updates.emplace_back(row.text("name"), merge_detail::derived_sources(def, row));
    }
    if (!updates.empty()) {  // one transaction per page read
      in_transaction(store, [&] {
        for (const auto& [name, sources] : updates)
          store.update(doctype, name, sources, /*update_modified=*/false);
      });
    }
    report.scanned += static_cast<std::int64_t>(page.size());
    report.updated += static_cast<std::int64_t>(updates.size());
    if (progress) progress(report.scanned, std::max(total, report.scanned));
  });
  return report;
}

}  // namespace switchboard
