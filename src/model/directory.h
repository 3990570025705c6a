// Internal: the Directory — the one place each question about a site's people and records is
// answered: contact by email or phone key, customers by name, the customer's open ticket and
// lead (one meaning of "open"), the survivor of a merged record, and the recipes that create a
// contact, a ticket and a lead. Every service asks it; none keeps its own copy.
// One thread at a time: a Directory lives for one operation (it caches the site's statuses);
// the Store underneath is thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/query.h"
#include "switchboard/site.h"
#include "switchboard/store.h"

namespace switchboard::model {

inline constexpr const char* kTicket = "HD Ticket";
inline constexpr const char* kLead = "CRM Lead";
inline constexpr const char* kContact = "Contact";

/// The field of `doctype` that points at the record it was merged into ("merged_with" for HD
/// Ticket, "custom_merged_into" for CRM Lead), or "" when the doctype is never merged.
std::string_view merge_pointer(std::string_view doctype) noexcept;

/// How a site's HD Ticket statuses count. `open`: the site's open_ticket_statuses plus every
/// HD Ticket Status of category Open or Paused; `waiting`: the open ones not of category Open
/// (a customer's reply reopens them); `closed`: the site's closed_ticket_statuses plus every
/// status of category Resolved.
struct TicketStatuses {
  std::vector<std::string> open, waiting, closed;
  bool is_open(std::string_view status) const;
  bool is_waiting(std::string_view status) const;
  bool is_closed(std::string_view status) const;
};

/// A record found for a customer: the survivor's name and row, and the record that matched
/// when it was merged into the survivor ("" otherwise).
struct Found {
  std::string name;
  Document row;
  std::string merged_from;
};

/// The full name of a first and a last name: joined by one space, whitespace collapsed (the
/// inverse of split_name, in src/model/names.cpp).
std::string join_name(std::string_view first, std::string_view last);

/// A new Contact. Names: first/last from split_name(full_name) unless given; full_name
/// defaults to the email, then the phone. The email gets a Contact Email row (primary), the
/// phone a Contact Phone row (primary mobile and phone), each link a Dynamic Link row.
struct NewContact {
  std::string full_name, first_name, last_name;
  std::string email;
  std::string phone;
  std::vector<std::pair<std::string, std::string>> links;  ///< (link_doctype, link_name)
};

/// A new HD Ticket: via_customer_portal 0 and the opening date and time always; the other
/// fields when not empty (status and priority otherwise take the schema's defaults). `phone`
/// goes to contact_mobile and contact_number. Never a description: Helpdesk would turn it
/// into a second Communication. `follow_up_of`: the closed ticket this one continues; it goes
/// to kFollowUpField, and a Comment on that ticket names the new one (the link shows on both).
struct NewTicket {
  std::string subject, raised_by, contact, phone, email_account, status, priority;
  std::string follow_up_of;
  std::string reply_alias;  ///< kReplyAliasField, when the schema has it
};

/// The field of HD Ticket and CRM Lead holding the alias the customer wrote to (tag removed):
/// replies are recognised through it and agents' answers go out from it.
inline constexpr const char* kReplyAliasField = "custom_reply_email_alias";

/// The HD Ticket field naming the ticket a follow-up continues (Helpdesk's own "Ticket Split
/// From", which Helpdesk also sets when an agent splits a ticket).
inline constexpr const char* kFollowUpField = "ticket_split_from";

/// A new CRM Lead; first/last from split_name(full_name) unless given; lead_name = full_name,
/// else first and last joined. Empty fields stay unset (status then takes the schema's
/// default, New).
struct NewLead {
  std::string full_name, first_name, last_name;
  std::string email, mobile_no, status, source;
  std::string reply_alias;  ///< kReplyAliasField, when the schema has it
};

/// One key of an ordering: rows compare by `field`, descending when `desc`.
struct SortKey {
  const char* field;
  bool desc;
};

/// Whether row `a` comes before row `b` in `order` (compare_values on each key in turn; a row
/// missing a field sorts as null) — the order the store's ORDER BY on the same keys gives.
bool comes_before(const Document& a, const Document& b, const std::vector<SortKey>& order);

/// Answers a site's domain questions over one store. Reads and writes go through the store in
/// the caller's transaction.
class Directory {
 public:
  /// A directory over `store` deciding by `site`, or by the store's site when null.
  explicit Directory(Store& store, std::shared_ptr<const SiteConfig> site = nullptr);

  Store& store() noexcept { return store_; }
  const SiteConfig& site() const noexcept { return *site_; }

  // ---- people --------------------------------------------------------------------------------
  /// The oldest Contact with a Contact Email row, else an email_id, equal to one of `emails`
  /// (as stored: the caller passes every spelling it accepts); "" when none. With `any_case`,
  /// rows differing from emails[0] only in letter case also count (a LIKE scan: for rare
  /// operations, not per mail).
  std::string contact_by_email(const std::vector<std::string>& emails, bool any_case = false);
  /// The oldest Contact with a Contact Phone row whose stored key is `key`; "" when none. With
  /// `without_extension`, only rows that store no extension count. `extension`, when given,
  /// gets the extension of the row found ("" when none).
  std::string contact_by_phone_key(std::string_view key, bool without_extension = false,
                                   std::string* extension = nullptr);
  /// Whether the records customers are found by (Contact Phone, HD Ticket, CRM Lead) write
  /// number `key` with two or more different extensions: a line with desks, whose callers a
  /// caller ID (which carries no extension) cannot tell apart. At most 64 rows per field read.
  bool has_desks(std::string_view key);
  /// The ERPNext Customers whose customer_name equals `customer_name` ignoring case and
  /// surrounding whitespace, sorted by name; none for "".
  std::vector<std::string> customers_by_name(std::string_view customer_name);

  // ---- open records --------------------------------------------------------------------------
  /// The site's ticket statuses (read once per Directory).
  const TicketStatuses& ticket_statuses();
  /// Uses `statuses` (read earlier for the same site) instead of reading them.
  void use_ticket_statuses(TicketStatuses statuses) { statuses_ = std::move(statuses); }
  /// A lead is open when not converted and its status is not one of closed_lead_statuses.
  bool is_open_lead(const Document& lead) const;
  /// The CRM Lead statuses that end a lead: the site's closed_lead_statuses plus every CRM
  /// Lead Status of type Lost (Frappe CRM's Unqualified and Junk), decided by type, never by
  /// label. Read once per Directory.
  const std::vector<std::string>& ended_lead_statuses();
  /// From now on open_tickets, tickets and lead keep only records (survivors) for which
  /// `keep(doctype, row)` holds; their rows then also carry `field`. For one operation's view
  /// (a brand).
  using Keep = std::function<bool(std::string_view doctype, const Document& row)>;
  void restrict_to(std::string field, Keep keep);
  /// Whether `doctype` declares `field` in the store's schema.
  bool has_field(std::string_view doctype, std::string_view field) const;

  /// The customer's open tickets: HD Tickets matching `by`, newest modified first, each
  /// followed to its survivor, kept when the survivor's status is open; at most `limit`, no
  /// survivor twice. Rows carry name, status, subject, modified and `fields`.
  std::vector<Found> open_tickets(const Filters& by, std::size_t limit,
                                  const std::vector<std::string>& fields = {});
  std::optional<Found> open_ticket(const Filters& by);
  /// The customer's tickets of any status, the same way (newest modified first, through merges).
  std::vector<Found> tickets(const Filters& by, std::size_t limit,
                             const std::vector<std::string>& fields = {});
  /// The customer's lead: the newest-modified CRM Lead matching `by`, followed to its
  /// survivor; with `open_only`, the first whose survivor is open (is_open_lead). The row
  /// carries name, status, converted and `fields`.
  std::optional<Found> lead(const Filters& by, bool open_only,
                            const std::vector<std::string>& fields = {});
  /// The customer's leads the same way, newest modified first, no survivor twice; at most
  /// `limit`.
  std::vector<Found> leads(const Filters& by, bool open_only, std::size_t limit,
                           const std::vector<std::string>& fields = {});
  /// The newest follow-up of ticket `name` (kFollowUpField), followed down the chain of
  /// follow-ups and through merges to its last record; nullopt when `name` has none. Rows
  /// carry name, status, modified, resolution_date and subject.
  std::optional<Found> latest_follow_up(std::string_view name);

  // ---- ordered reads -----------------------------------------------------------------------
  /// The first `limit` rows of `doctype` matching `q` (its filters and fields; the fields must
  /// include every key of `order`) in `order`. A filter matching at most a page of rows (20)
  /// is read unordered and ordered here: asking the database to order costs it a temporary
  /// sort per lookup. `complete`, when given, is set to whether the result holds every match.
  std::vector<Document> first_in_order(std::string_view doctype, Query q,
                                       const std::vector<SortKey>& order, std::int64_t limit,
                                       bool* complete = nullptr);

  // ---- merges --------------------------------------------------------------------------------
  /// The record `name` ended up in: follows merge pointers until a record that was not merged
  /// (or whose pointer leads nowhere); stops at the first record seen twice or after 64 hops
  /// and returns the last record reached. `name` itself when never merged. Never throws for
  /// unknown names.
  std::string survivor(std::string_view doctype, std::string_view name);
  /// The survivor of `row` (a row of `doctype` read with its merge pointer) with `fields`;
  /// `row` itself when it was never merged; nullopt when the survivor cannot be read.
  std::optional<Document> survivor_row(std::string_view doctype, const Document& row,
                                       const std::vector<std::string>& fields);

  // ---- recipes -------------------------------------------------------------------------------
  std::string create_contact(const NewContact& contact);
  /// The customer's Contact: `linked` when it exists, else the oldest whose email matches in
  /// any case (contact_by_email) or whose phone key is `phone_key`; completed with the
  /// customer's missing email and phone rows and names; created when none matches. "" when
  /// the customer has neither email nor phone key (then `linked`, when it exists).
  std::string ensure_contact(const NewContact& customer, std::string_view phone_key,
                             std::string_view linked = {});
  std::string create_ticket(const NewTicket& ticket);
  std::string create_lead(const NewLead& lead);
  /// Adds a Dynamic Link row (parenttype `parent_doctype`, parentfield "links") pointing at
  /// `link_doctype`/`link_name`, unless the parent has it already. True when a row was added.
  /// (A parent created with its links takes them as child rows of its insert instead.)
  bool add_link(std::string_view parent_doctype, std::string_view parent,
                std::string_view link_doctype, std::string_view link_name);

 private:
  void complete_contact(const std::string& name, const NewContact& customer,
                        std::string_view phone_key);
  std::vector<Found> newest(std::string_view doctype, const Filters& by, std::size_t limit,
                            const std::vector<std::string>& fields,
                            const std::function<bool(const Document&)>& keep);

  Store& store_;
  std::shared_ptr<const SiteConfig> site_;
  std::optional<TicketStatuses> statuses_;
  std::optional<std::vector<std::string>> ended_lead_statuses_;
  std::string restrict_field_;
  Keep restrict_;
};

}  // namespace switchboard::model
