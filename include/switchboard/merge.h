// switchboard: duplicate leads and tickets found by stored phone keys, merged without losing
// anything, and the merge pointers that send later calls and mail to the survivor.
// Thread-safe: PhoneMerger keeps no mutable state; every merge is one store transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/export.h"
#include "switchboard/model.h"  // RekeyReport
#include "switchboard/store.h"

namespace switchboard {

/// The field of `doctype` that points at the record it was merged into ("merged_with" for
/// HD Ticket, as Helpdesk does; "custom_merged_into" for CRM Lead), or "" when the doctype
/// is never merged.
SWITCHBOARD_EXPORT std::string_view merge_pointer_field(std::string_view doctype) noexcept;

/// The record that `name` ended up in: follows merge pointers until a record that was not
/// merged (or that no longer exists). Safe against cycles and long chains: it stops at the
/// first record seen twice, or after 64 hops, and returns the last record reached. Returns
/// `name` itself when it was never merged. Never throws for unknown names.
SWITCHBOARD_EXPORT std::string resolve_survivor(Store& store, std::string_view doctype,
                                                std::string_view name);

/// The audit doctype: one row per record merged (when, key, source, target, what moved).
inline constexpr const char* kMergeLogDoctype = "Switchboard Merge Log";

/// Rows that reference a merged record and are re-pointed at the survivor.
struct SWITCHBOARD_EXPORT RelinkRule {
  std::string doctype;        ///< doctype holding the reference, e.g. "Communication"
  std::string name_field;     ///< field holding the merged record's name, e.g. "reference_name"
  std::string doctype_field;  ///< field naming the merged doctype; "" for a typed link
  bool dedupe = false;        ///< link rows: a parent keeps one link to the survivor
};

/// The built-in rules for merging `doctype`: CRM Call Log reference_docname, Communication,
/// Comment, File attachments, Dynamic Link and Communication Link rows (de-duplicated), plus
/// Helpdesk Call Log `ticket` and follow-ups' HD Ticket `ticket_split_from` for HD Ticket
/// (a survivor that was itself the follow-up loses the link to itself), and CRM Deal `lead`
/// for CRM Lead.
SWITCHBOARD_EXPORT std::vector<RelinkRule> default_relink_rules(std::string_view doctype);

/// Policy of a PhoneMerger. The defaults are the safe ones.
struct SWITCHBOARD_EXPORT MergeOptions {
  /// A key held by more records than this (merged records aside) is a shared number (a
  /// company line, a front desk) and is reported instead of merged.
  std::int64_t shared_cap = 20;
  /// A key whose holders belong to more distinct customers than this is a shared number too
  /// (a family phone, a front desk, our own number typed in). A customer is known by a
  /// ticket's contact or raised_by, a lead's email; records sharing one of them are one
  /// customer, records with none count for nobody.
  std::int64_t max_customers_per_number = 1;
  /// A number with an extension also matches the same number without one, when no other
  /// extension of that number is held (different extensions never match).
  bool match_without_extension = true;
  bool include_converted = false;  ///< also merge CRM Leads with converted = 1
  /// Also merge closed HD Tickets (the default): a customer's history stays in one place.
  /// A closed record never absorbs an open one: the survivor is the group's oldest open
  /// record, else its oldest. A closed lead: converted, or of a status in the site's
  /// closed_lead_statuses or of type Lost (CRM Lead Status: Unqualified, Junk).
  bool include_closed = true;
  /// HD Ticket statuses that are closed; nullopt (the default) = the site's: its
  /// closed_ticket_statuses plus every HD Ticket Status of category Resolved.
  std::optional<std::vector<std::string>> closed_statuses;
  /// The company's own numbers, never merged on; nullopt (the default) = the site's
  /// company_numbers.
  std::optional<std::vector<std::string>> company_numbers;
  std::string merged_ticket_status = "Closed";  ///< status of a merged ticket ("" = keep)
  /// Fill the survivor's blank fields (email, names, numbers, contact...) from the merged
  /// records, oldest first; its own non-empty values always win.
  bool fill_blanks = true;
  /// bulk_merge: merges committed per transaction; 0 (the default) runs the whole bulk merge
  /// in one all-or-nothing transaction, the fastest on SQLite (it holds the write lock).
  std::int64_t batch_size = 0;
  std::vector<RelinkRule> extra_relink_rules;  ///< a site's own references, moved too
};

/// Called by bulk operations after each batch with (done, total).
using MergeProgress = std::function<void(std::int64_t done, std::int64_t total)>;

/// One record merged into the target.
struct SWITCHBOARD_EXPORT MergeStep {
  std::string source;
  /// The phone keys it shares with the target's group ("+15551234567", "+1...;ext=89").
  std::vector<std::string> keys;
  /// Rows re-pointed at the target, by "Doctype.field", names sorted.
  std::map<std::string, std::vector<std::string>> moved;
  /// Duplicate link rows deleted (the parent already linked the target), by doctype.
  std::map<std::string, std::vector<std::string>> removed;
  /// Blank target fields filled from this record.
  Document filled;

  std::int64_t rows_moved() const;
  friend bool operator==(const MergeStep& a, const MergeStep& b);
};

/// A phone key never merged on, and why.
struct SWITCHBOARD_EXPORT SharedNumber {
  std::string key;                 ///< "+15551234567" (";ext=..." when it has one)
  std::int64_t count = 0;          ///< records holding it
  std::vector<std::string> names;  ///< the oldest of them (at most shared_cap + 1)
  /// "company_number" (one of the company's own), "shared_cap" (more holders than the cap),
  /// "customers" (holders of several distinct customers), "group_cap" (a bulk group grown
  /// past the cap by chaining keys).
  std::string reason;
  friend bool operator==(const SharedNumber& a, const SharedNumber& b);
};

/// What one merge did (or, with dry_run, would do).
struct SWITCHBOARD_EXPORT MergeReport {
  std::string doctype;
  std::string target;
  std::vector<MergeStep> steps;      ///< one per record merged, oldest first
  std::vector<SharedNumber> shared;  ///< keys skipped as shared numbers
  /// Why nothing was merged: "no_phone_key", "no_duplicates", "target_merged",
  /// "out_of_scope", "already_merged"; "" when steps is not empty.
  std::string skipped;
  /// Why `target` survives: "oldest_open" (the group's oldest open record), "oldest" (none
  /// is open: the oldest), "named" (the record named by on_phone_changed/merge_call_logs,
  /// open or in a group with none open), "chosen" (merge()); "" when nothing merged.
  std::string survivor_reason;
  bool keys_refreshed = false;  ///< the target's stored keys were stale and were rewritten
  bool dry_run = false;

  std::vector<std::string> sources() const;
  std::int64_t rows_moved() const;
  bool merged() const noexcept { return !steps.empty(); }
  friend bool operator==(const MergeReport& a, const MergeReport& b);
};

/// What bulk_merge did (or would do).
struct SWITCHBOARD_EXPORT BulkMergeReport {
  std::string doctype;
  bool dry_run = false;
  std::int64_t scanned = 0;          ///< unmerged records with a phone key examined
  std::vector<MergeReport> merges;   ///< one per group, ordered by survivor (oldest first)
  std::vector<SharedNumber> shared;  ///< shared numbers and oversized groups, not merged

  std::int64_t records_merged() const;
  std::int64_t rows_moved() const;
  friend bool operator==(const BulkMergeReport& a, const BulkMergeReport& b);
};

/// Finds and merges duplicate CRM Leads and HD Tickets by their stored phone keys.
/// Thread-safe: it holds no mutable state, and every merge is one transaction on the store.
/// Only equal keys merge (an extension matches the same one, or none when the number has no
/// other), never through a company number or a shared one; a merged record is tombstoned
/// (HD Ticket: is_merged, merged_with, closed; CRM Lead: custom_merged_into), never deleted,
/// and an audit row records each merge. Running any merge twice changes nothing.
class SWITCHBOARD_EXPORT PhoneMerger {
 public:
  /// Raw numbers given to find_duplicates are keyed on the store's site (SiteConfig region
  /// and fallback regions), as the stored keys are; a non-empty `region` reads them in that
  /// region instead. Throws ValidationError for an unknown region or bad options.
  explicit PhoneMerger(std::shared_ptr<Store> store, std::string region = {},
                       MergeOptions options = {});

  /// The validate/on_update hook flow, after a CRM Lead's mobile_no/phone or an HD Ticket's
  /// contact_mobile changed: refreshes the record's stored keys when stale, then merges the
  /// other in-scope records with a matching key into it; when it is closed and one of them is
  /// open, it and the others merge into the oldest open one instead (survivor_reason).
  /// Throws NotFound, ValidationError.
  MergeReport on_phone_changed(std::string_view doctype, std::string_view name,
                               bool dry_run = false);
  /// The manual trigger: the same merge into `name`, recorded as a manual merge.
  MergeReport merge_call_logs(std::string_view doctype, std::string_view name,
                              bool dry_run = false);
  /// Merges the chosen `sources` into `target`, whatever their keys or scope. Throws
  /// ValidationError for a record merged into itself or a merged target, NotFound for a
  /// missing record. Sources already merged into `target` are skipped.
  MergeReport merge(std::string_view doctype, std::string_view target,
                    const std::vector<std::string>& sources, bool dry_run = false);
  /// Unmerged, in-scope records of `doctype` holding the key of `raw_phone` (extension
  /// included), oldest first (creation, then name). Empty for input without a key.
  std::vector<std::string> find_duplicates(std::string_view doctype, std::string_view raw_phone);
  /// Groups every unmerged in-scope record by matching keys (records sharing any key join one
  /// group) and merges each group into its oldest open record, else its oldest (creation,
  /// then name; survivor_reason says which), in one
  /// transaction (or one per options().batch_size merges); progress after every 1,000 groups.
  BulkMergeReport bulk_merge(std::string_view doctype, bool dry_run = false,
                             const MergeProgress& progress = {});
  /// rekey_phone_keys (model.h) on this merger's store: recomputes the stored keys of every
  /// row of a keyed doctype on the store's site and rewrites the rows whose keys or key
  /// version differ.
  RekeyReport rekey(std::string_view doctype, const MergeProgress& progress = {});

  const MergeOptions& options() const noexcept { return options_; }
  /// The region override given at construction ("" = the store's site decides).
  const std::string& region() const noexcept { return region_; }

 private:
  MergeReport merge_into(std::string_view doctype, std::string_view name, bool dry_run,
                         const char* trigger);
  std::shared_ptr<Store> store_;
  std::string region_;
  MergeOptions options_;
};

}  // namespace switchboard
