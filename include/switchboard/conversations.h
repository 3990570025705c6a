// switchboard: communications and transfers between CRM and Helpdesk.
// Thread-safe: free functions over a thread-safe Store; every multi-write call is one
// transaction (all or nothing).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/export.h"
#include "switchboard/model.h"  // split_name
#include "switchboard/store.h"

namespace switchboard {

/// The email Communications filed on a record (`reference_doctype`/`reference_name`,
/// `communication_medium = "Email"`), oldest first (creation, then name). Each has the original scripts'
/// fields (name, subject, sender, recipients, creation, content, text_content) plus
/// sender_full_name, message_id, in_reply_to, sent_or_received, communication_date and
/// has_attachment. Reads only; an unknown record gives an empty list.
SWITCHBOARD_EXPORT std::vector<Document> list_communications(Store& store, std::string_view doctype,
                                                             std::string_view name);

/// Copies Communication `communication` onto `target_doctype`/`target_name` in one
/// transaction and returns the copy's name. The copy keeps every field of the original
/// (custom fields included, message_id untouched), gets the new reference and status
/// "Linked", is strictly newer than the original (so it owns the Message-ID: the newest
/// Communication carrying it wins), and gets its own File rows for the original's
/// attachments. Throws NotFound when the communication or the target does not exist.
SWITCHBOARD_EXPORT std::string copy_communication(Store& store, std::string_view communication,
                                                  std::string_view target_doctype,
                                                  std::string_view target_name);

/// What a transfer does besides creating the target record.
struct SWITCHBOARD_EXPORT TransferOptions {
  /// Communications to copy (names); nullopt copies every email Communication of the source,
  /// an empty list copies none. Each must be filed on the source (else ValidationError).
  std::optional<std::vector<std::string>> communication_ids;
  /// Delete the source afterwards: its record, child rows, Comments, attached Files and the
  /// copied originals (with their Files) go; its other Communications are unlinked.
  bool delete_source = true;
  /// Mail domains (and their subdomains) whose addresses are never the customer's; nullopt
  /// (the default) = the store's site: SiteConfig::all_internal_domains().
  std::optional<std::vector<std::string>> internal_domains;
  /// Region for reading phone numbers written without a country code; "" (the default) = as
  /// the store's site keys them (its region and fallback regions).
  std::string region;
};

/// The outcome of a transfer (Python gets a dict with the original scripts' keys).
struct SWITCHBOARD_EXPORT TransferResult {
  bool success = false;
  std::string doctype;  ///< "HD Ticket" or "CRM Lead": the record created
  std::string name;     ///< its name (the original scripts' `ticket_name` / `lead_name`)
  std::int64_t transferred_count = 0;
  std::string contact;  ///< the Contact created or updated ("" without email and phone)
  std::string customer_email;
  std::string note;  ///< the Comment left on the new record
  bool source_deleted = false;
  /// (original, copy) Communication names, oldest first.
  std::vector<std::pair<std::string, std::string>> copies;
};

/// Moves a CRM Lead's conversation to a new HD Ticket, in one transaction: Contact created
/// or updated by email (and phone key), ticket subject from the latest selected email, the
/// selected Communications copied, a transfer note on the ticket, the lead deleted when asked.
/// Site facts (internal domains, phone region) come from the store's SiteConfig unless the
/// options override them. Throws NotFound for an unknown lead; nothing is written when
/// anything fails.
SWITCHBOARD_EXPORT TransferResult transfer_lead_to_ticket(Store& store, std::string_view lead,
                                                          const TransferOptions& options = {});

/// Moves an HD Ticket's conversation to a new CRM Lead (status New, source "Support
/// Transfer", names from split_name), in one transaction, with the same guarantees as
/// transfer_lead_to_ticket. Throws NotFound for an unknown ticket.
SWITCHBOARD_EXPORT TransferResult transfer_ticket_to_lead(Store& store, std::string_view ticket,
                                                          const TransferOptions& options = {});

/// The address an agent's reply on HD Ticket or CRM Lead `name` goes out from: the record's
/// custom_reply_email_alias (the alias its customer wrote to); else the routing alias the
/// newest received mail filed on it was written to (To, then Cc); else, when that mail went to
/// a brand's domain, the brand's reply_from (else its first support alias for a ticket, sales
/// then info alias for a lead); else the site's first such alias (the flat lists, then the
/// brands'); "" when the site has no alias. Throws NotFound for an unknown record and
/// ValidationError for another doctype. Reads only.
SWITCHBOARD_EXPORT std::string reply_from_address(Store& store, std::string_view doctype,
                                                  std::string_view name);

/// The first address among `candidates` (each may be "Name <a@b>" or a comma-separated
/// list) outside `internal_domains` (and their subdomains), normalized as normalize_email
/// does; "" when there is none. Never throws.
SWITCHBOARD_EXPORT std::string extract_customer_email(
    const std::vector<std::string>& candidates,
    const std::vector<std::string>& internal_domains = {});

}  // namespace switchboard
