// Planning and applying merges: which rows move, which duplicate links go, what the survivor
// inherits, and the audit row of each merged record.

#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/json.h"
#include "merge_internal.h"
#include "model/directory.h"

namespace switchboard::merge_detail {
namespace {

Kind make_kind(const char* doctype, std::vector<std::string> state, std::vector<std::string> fill,
               std::vector<std::string> customer) {
  return Kind{doctype, std::string(merge_pointer_field(doctype)), &phone_key_fields(doctype),
              std::move(state), std::move(fill), std::move(customer)};
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::string slot_of(const Document& link_row) {
  return link_row.text("parenttype") + '\x1f' + link_row.text("parent") + '\x1f' +
         link_row.text("parentfield");
}

}  // namespace

const Kind& kind_for(std::string_view doctype) {
  static const Kind kTicket = make_kind("HD Ticket", {"is_merged", "merged_with", "status"},
                                        {"raised_by", "contact", "customer", "contact_mobile"},
                                        {"contact", "raised_by"});
  static const Kind kLead = make_kind(
      "CRM Lead", {"custom_merged_into", "converted", "status"},
      {"salutation", "first_name", "last_name", "email", "mobile_no", "phone", "organization",
       "website", "job_title", "industry", "territory", "source", "gender"},
      {"email"});
  if (doctype == kTicket.doctype) return kTicket;
  if (doctype == kLead.doctype) return kLead;
  throw ValidationError("'" + std::string(doctype) +
                            "' is not merged by phone (only CRM Lead and HD Ticket are)",
                        ErrorCode::kInvalidArgument);
}

bool is_merged(const Kind& kind, const Document& doc) {
  if (doc.has(kind.pointer)) return true;
  return kind.doctype == "HD Ticket" && doc.integer("is_merged") != 0;
}

bool in_scope(const Kind& kind, const MergeOptions& options, const Document& doc) {
  if (is_merged(kind, doc)) return false;
  if (kind.doctype == "CRM Lead")
    return options.include_converted || doc.integer("converted") == 0;
  if (options.include_closed) return true;
  const std::string status = doc.text("status");
  const std::vector<std::string>& closed = options.closed_statuses.value();
  return std::find(closed.begin(), closed.end(), status) == closed.end();
}

Document tombstone(const Kind& kind, const MergeOptions& options, const std::string& target) {
  Document d;
  d.set(kind.pointer, Value(target));
  if (kind.doctype == "HD Ticket") {
    d.set("is_merged", Value(1));
    if (!options.merged_ticket_status.empty())
      d.set("status", Value(options.merged_ticket_status));
  }
  return d;
}

std::string identity(std::string_view key, std::string_view extension) {
  std::string id(key);
  if (!extension.empty()) {
    id += ";ext=";
    id += extension;
  }
  return id;
}

std::vector<std::string> identities(const Kind& kind, const Document& doc) {
  std::vector<std::string> out;
  for (const auto& f : *kind.keys) {
    const Value& key = doc.get(f.key);
    if (key.is_empty()) continue;
    add_unique(out, identity(key.to_text(), doc.text(f.extension)));
  }
  return out;
}

std::vector<std::string> record_fields(const Kind& kind) {
  std::vector<std::string> fields = {"name", "creation"};
  for (const auto& f : *kind.keys) {
    fields.push_back(f.key);
    fields.push_back(f.extension);
  }
  for (const auto& f : kind.state_fields) add_unique(fields, f);
  for (const auto& f : kind.customer_fields) add_unique(fields, f);
  return fields;
}

std::vector<RelinkRule> active_rules(Store& store, const Kind& kind, const MergeOptions& options,
                                     bool skip_empty) {
  std::vector<RelinkRule> all = default_relink_rules(kind.doctype);
  all.insert(all.end(), options.extra_relink_rules.begin(), options.extra_relink_rules.end());
  std::vector<RelinkRule> out;
  for (auto& rule : all) {
    if (!store.schema().find(rule.doctype)) continue;
    if (skip_empty && !store.find_one(rule.doctype, Query().select({"name"}))) continue;
    out.push_back(std::move(rule));
  }
  return out;
}

std::vector<Document> find_in(Store& store, std::string_view doctype, const std::string& field,
                              const std::vector<std::string>& values,
                              const std::vector<std::string>& fields, const Filters& extra) {
  std::vector<Document> out;
  for_chunks(values, [&](std::vector<Value> chunk) {
    Query q(extra);
    q.where(Filter(field, Op::kIn, std::move(chunk)));
    q.fields = fields;
    for (auto& d : store.find(doctype, q)) out.push_back(std::move(d));
  });
  return out;
}

std::vector<GroupPlan> plan_groups(Store& store, const Kind& kind, const MergeOptions& options,
                                   const std::vector<RelinkRule>& rules,
                                   const std::vector<GroupSpec>& specs, bool dry_run) {
  // 1. The current state of every target and source.
  std::vector<std::string> names;
  for (const auto& spec : specs) {
    names.push_back(spec.target);
    names.insert(names.end(), spec.sources.begin(), spec.sources.end());
  }
  // Blanks filled on the survivor: the kind's fields, and the alias the customer wrote to
  // (so replies keep going out from it) where the schema has that field.
  std::vector<std::string> fill = kind.fill_fields;
  const DocTypeDef* def = store.schema().find(kind.doctype);
  if (def && def->field(model::kReplyAliasField)) fill.push_back(model::kReplyAliasField);
  std::vector<std::string> fields = {"name"};
  for (const auto& f : kind.state_fields) add_unique(fields, f);
  if (options.fill_blanks)
    for (const auto& f : fill) add_unique(fields, f);
  std::sort(names.begin(), names.end());  // neighbouring keys: fewer pages to read
  std::unordered_map<std::string, Document> docs;
  for (auto& d : find_in(store, kind.doctype, "name", names, fields)) {
    std::string name = d.text("name");
    docs.emplace(std::move(name), std::move(d));
  }

  // 2. The steps that still make sense: live, unmerged sources other than the target.
  std::vector<GroupPlan> plans(specs.size());
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> step_of;  // source
  std::vector<std::string> live_sources, live_targets;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const GroupSpec& spec = specs[i];
    MergeReport& report = plans[i].report;
    report.doctype = kind.doctype;
    report.target = spec.target;
    report.dry_run = dry_run;
    auto target = docs.find(spec.target);
    if (target == docs.end() || is_merged(kind, target->second)) {
      report.skipped = "target_merged";
      continue;
    }
    for (std::size_t j = 0; j < spec.sources.size(); ++j) {
      const std::string& source = spec.sources[j];
      auto it = docs.find(source);
      if (source == spec.target || it == docs.end() || is_merged(kind, it->second) ||
          step_of.count(source))
        continue;
      MergeStep step;
      step.source = source;
      if (j < spec.keys.size()) step.keys = spec.keys[j];
      step_of[source] = {i, report.steps.size()};
      report.steps.push_back(std::move(step));
      live_sources.push_back(source);
    }
    if (report.steps.empty()) {
      report.skipped = "already_merged";
    } else {
      report.survivor_reason = spec.reason;
      live_targets.push_back(spec.target);
    }
  }

  // 3. Rows referencing the sources, re-pointed at the target; duplicate links dropped.
  for (const RelinkRule& rule : rules) {
    if (live_sources.empty()) break;
    Filters typed;
    if (!rule.doctype_field.empty()) typed.emplace_back(rule.doctype_field, Value(kind.doctype));
    std::vector<std::string> row_fields = {"name", rule.name_field};
    if (rule.dedupe) row_fields.insert(row_fields.end(), {"parent", "parenttype", "parentfield"});
    auto rows = find_in(store, rule.doctype, rule.name_field, live_sources, row_fields, typed);
    if (rows.empty()) continue;
    // Oldest source first, then by row name: the first link to a parent is the one kept.
    std::vector<std::tuple<std::size_t, std::size_t, std::string, std::size_t>> order;
    order.reserve(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto& at = step_of.at(rows[r].text(rule.name_field));
      order.emplace_back(at.first, at.second, rows[r].text("name"), r);
    }
    std::sort(order.begin(), order.end());
    std::unordered_map<std::string, std::set<std::string>> linked;  // target -> slots
    if (rule.dedupe)
      for (const auto& d : find_in(store, rule.doctype, rule.name_field, live_targets,
                                   row_fields, typed))
        linked[d.text(rule.name_field)].insert(slot_of(d));
    const std::string moved_as = rule.doctype + "." + rule.name_field;
    std::map<std::size_t, std::vector<std::string>> moves, removals;  // plan -> rows
    for (const auto& [plan_index, step_index, row_name, r] : order) {
      const Document& row = rows[r];
      GroupPlan& plan = plans[plan_index];
      MergeStep& step = plan.report.steps[step_index];
      if (rule.dedupe && !linked[plan.report.target].insert(slot_of(row)).second) {
        step.removed[rule.doctype].push_back(row_name);
        removals[plan_index].push_back(row_name);
      } else {
        step.moved[moved_as].push_back(row_name);
        moves[plan_index].push_back(row_name);
      }
    }
    for (auto& [i, rows_moved] : moves) plans[i].moves.emplace_back(rule, std::move(rows_moved));
    for (auto& [i, rows_removed] : removals)
      plans[i].removals.emplace_back(rule.doctype, std::move(rows_removed));
  }

  // 4. Survivor blanks, filled from the oldest source that has a value; tombstone snapshots.
  for (GroupPlan& plan : plans) {
    if (plan.report.steps.empty()) continue;
    const Document& target = docs.at(plan.report.target);
    if (options.fill_blanks) {
      for (const auto& f : fill) {
        if (!target.get(f).is_empty()) continue;
        for (MergeStep& step : plan.report.steps) {
          const Value& v = docs.at(step.source).get(f);
          if (v.is_empty()) continue;
          plan.fill.set(f, v);
          step.filled.set(f, v);
          break;
        }
      }
    }
    const Document marks = tombstone(kind, options, plan.report.target);
    for (MergeStep& step : plan.report.steps) {
      for (auto& [doctype, list] : step.moved) std::sort(list.begin(), list.end());
      for (auto& [doctype, list] : step.removed) std::sort(list.begin(), list.end());
      Document before;
      for (const auto& [field, value] : marks) before.set(field, docs.at(step.source).get(field));
      plan.source_before.push_back(std::move(before));
    }
  }
  return plans;
}

void apply_plan(Store& store, const Kind& kind, const MergeOptions& options,
                const GroupPlan& plan, std::string_view trigger) {
  const MergeReport& report = plan.report;
  if (report.steps.empty()) return;
  const Value target(report.target);
  const std::vector<std::string> sources = report.sources();
  // Rows named by sources or by name: planned in this same transaction, both select exactly
  // the planned rows; by source, the reference index finds them.
  auto by = [](const std::string& field, const std::vector<std::string>& values, auto&& fn) {
    if (values.size() == 1) fn(Filter(field, Value(values.front())));
    else
      for_chunks(values, [&](std::vector<Value> chunk) {
        fn(Filter(field, Op::kIn, std::move(chunk)));
      });
  };
  for (const auto& move_rows : plan.moves) {
    const auto& rule = move_rows.first;  // named, not bound: lambdas may not capture bindings
    const auto& rows = move_rows.second;
    Document change;
    change.set(rule.name_field, target);
    auto move = [&](Filter f) {
      Filters filters{std::move(f)};
      if (!rule.doctype_field.empty())
        filters.emplace_back(rule.doctype_field, Value(kind.doctype));
      store.update_where(rule.doctype, filters, change, /*update_modified=*/false);
    };
    if (rule.dedupe) by("name", rows, move);  // some of the links are removed instead
    else by(rule.name_field, sources, move);
  }
  for (const auto& removal : plan.removals) {
    const std::string& doctype = removal.first;
    for_chunks(removal.second, [&](std::vector<Value> chunk) {
      store.remove_where(doctype, {Filter("name", Op::kIn, std::move(chunk))});
    });
  }
  if (kind.doctype == "HD Ticket") {  // a follow-up merged with the ticket it continued
    store.update_where(kind.doctype,
                       {Filter("name", Value(target)), Filter("ticket_split_from", Value(target))},
                       {{"ticket_split_from", Value()}}, /*update_modified=*/false);
  }
  const Document marks = tombstone(kind, options, report.target);
  by("name", sources, [&](Filter f) { store.update_where(kind.doctype, {std::move(f)}, marks); });
  if (!plan.fill.empty()) store.update(kind.doctype, report.target, plan.fill);
  const Value now(store.now());
  for (std::size_t i = 0; i < report.steps.size(); ++i) {
    const MergeStep& step = report.steps[i];
    std::string keys;
    for (const auto& k : step.keys) keys += (keys.empty() ? "" : ", ") + k;
    store.insert(kMergeLogDoctype, {{"reference_doctype", kind.doctype},
                                    {"source_name", step.source},
                                    {"target_name", target},
                                    {"phone_key", keys},
                                    {"merged_on", now},
                                    {"trigger", std::string(trigger)},
                                    {"moved", json::dump(json::Json(step.moved))},
                                    {"removed", json::dump(json::Json(step.removed))},
                                    {"filled", json::dump(json::from_document(step.filled))},
                                    {"source_before", json::dump(json::from_document(plan.source_before[i]))}});
  }
}

}  // namespace switchboard::merge_detail
