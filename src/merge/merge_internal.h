// Internal: how mergeable doctypes are read, and the plan/apply halves of a merge. A plan is
// computed by reads alone, so a dry run returns exactly the plan a real run then applies.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "email/domains.h"
#include "switchboard/merge.h"
#include "switchboard/phone.h"
#include "switchboard/store.h"

namespace switchboard::merge_detail {

/// How one mergeable doctype is read, scoped and tombstoned.
struct Kind {
  std::string doctype;
  std::string pointer;                      // merge pointer field
  const std::vector<PhoneKeyField>* keys;   // stored phone keys
  std::vector<std::string> state_fields;    // what decides "merged", "in scope" and "open"
  std::vector<std::string> fill_fields;     // survivor blanks filled from merged records
  std::vector<std::string> customer_fields; // who the record is for (contact, email)
};

/// The options with every site fact resolved: closed ticket statuses (the options' or the
/// site's), closed lead statuses, the keys of the company's own numbers, and the company's
/// mail domains (whose addresses are staff, never a customer).
struct Facts {
  MergeOptions options;
  std::vector<std::string> closed_lead_statuses;
  std::vector<std::string> company_keys;
  email_detail::DomainSet staff_domains;
};

/// The Kind of "CRM Lead" or "HD Ticket"; throws ValidationError for any other doctype.
const Kind& kind_for(std::string_view doctype);

bool is_merged(const Kind& kind, const Document& doc);
/// Not merged, and not converted / closed unless the options include those. The options'
/// closed_statuses must be resolved (PhoneMerger fills them from the site).
bool in_scope(const Kind& kind, const MergeOptions& options, const Document& doc);
/// An open ticket's status is not closed; an open lead is not converted and its status is not
/// one of the site's closed lead statuses.
bool is_open(const Kind& kind, const Facts& facts, const Document& doc);
/// Who a record is for, as comparable tokens ("c:<contact>", "e:<lower-case address>").
std::vector<std::string> customer_tokens(const Kind& kind, const Facts& facts, const Document& doc);
/// The changes that tombstone a record merged into `target`.
Document tombstone(const Kind& kind, const MergeOptions& options, const std::string& target);
/// "key" or "key;ext=89": what must be equal for two numbers to merge.
std::string identity(std::string_view key, std::string_view extension);
/// The identities of a record's stored keys, unique, in field order.
std::vector<std::string> identities(const Kind& kind, const Document& doc);
/// Fields to read for grouping: name, creation, keys, extensions, state and customer.
std::vector<std::string> record_fields(const Kind& kind);

/// One record as matching sees it.
struct Holder {
  std::string name, creation;
  bool in_scope = false, open = false;
  std::vector<std::string> customers;                         // customer_tokens
  std::vector<std::pair<std::string, std::string>> numbers;   // (key, extension), unique
};
Holder holder_of(const Kind& kind, const Facts& facts, const Document& doc);
bool older(const Holder& a, const Holder& b);

/// Records that match on one number: `label` is the key ("+1555...;ext=22" when every holder
/// has that extension), `members` indexes into the holders, oldest first.
struct NumberMatch {
  std::string label;
  std::vector<std::uint32_t> members;
};

/// Applies the matching rules to `holders`: company numbers, extensions (equal, or one
/// extension and none when the number has no other), the shared cap and the distinct-customer
/// guard. Returns the matches of two or more records; every number not merged on is added to
/// `shared`. With `only` >= 0, numbers that record does not hold are ignored.
std::vector<NumberMatch> match_numbers(const std::vector<Holder>& holders, const Facts& facts,
                                       std::vector<SharedNumber>& shared,
                                       std::int64_t only = -1);
/// Distinct customers among `members` (records sharing a token are one customer).
std::int64_t distinct_customers(const std::vector<Holder>& holders,
                                const std::vector<std::uint32_t>& members);
SharedNumber shared_number(std::string key, const std::vector<Holder>& holders,
                           std::vector<std::uint32_t> members, std::int64_t cap,
                           std::string reason);

/// Relink rules in effect: the defaults and the extras, for doctypes the schema has; with
/// `skip_empty`, rules whose doctype holds no row at all are left out (bulk runs).
std::vector<RelinkRule> active_rules(Store& store, const Kind& kind, const MergeOptions& options,
                                     bool skip_empty);

/// Documents of `doctype` whose `field` is one of `values` (queried in chunks).
std::vector<Document> find_in(Store& store, std::string_view doctype, const std::string& field,
                              const std::vector<std::string>& values,
                              const std::vector<std::string>& fields, const Filters& extra = {});

/// One group to merge: a target and its sources, oldest first, with the keys each shares.
struct GroupSpec {
  std::string target;
  std::vector<std::string> sources;
  std::vector<std::vector<std::string>> keys;  // parallel to sources
  std::string reason;                          // MergeReport::survivor_reason
};

/// A planned merge: its report and the writes that perform it.
struct GroupPlan {
  MergeReport report;
  std::vector<std::pair<RelinkRule, std::vector<std::string>>> moves;    // rule, row names
  std::vector<std::pair<std::string, std::vector<std::string>>> removals;  // doctype, rows
  Document fill;                        // target blanks filled
  std::vector<Document> source_before;  // per step: tombstoned fields before the merge
};

/// Plans the merges of `specs` by reading the store; writes nothing. Sources that are gone,
/// merged already or equal to their target are dropped; a plan with no step left says why
/// in report.skipped.
std::vector<GroupPlan> plan_groups(Store& store, const Kind& kind, const MergeOptions& options,
                                   const std::vector<RelinkRule>& rules,
                                   const std::vector<GroupSpec>& specs, bool dry_run);

/// Performs a plan's writes: relinks, duplicate link removals, tombstones, blank fills and
/// one audit row per merged record. The caller holds the transaction.
void apply_plan(Store& store, const Kind& kind, const MergeOptions& options,
                const GroupPlan& plan, std::string_view trigger);

/// Calls fn(chunk) on consecutive slices of `names` small enough for one IN filter.
template <typename Fn>
void for_chunks(const std::vector<std::string>& names, Fn&& fn) {
  constexpr std::size_t kChunk = 500;
  for (std::size_t i = 0; i < names.size(); i += kChunk) {
    std::vector<Value> chunk;
    const std::size_t end = std::min(names.size(), i + kChunk);
    chunk.reserve(end - i);
    for (std::size_t j = i; j < end; ++j) chunk.emplace_back(names[j]);
    fn(std::move(chunk));
  }
}

}  // namespace switchboard::merge_detail
