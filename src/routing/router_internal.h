// Internals of the router: the rules compiled for one site (router.cpp), the single pass that
// reads the facts of one mail, decides and — for route() — writes (router.cpp), and the rows it
// writes (router_write.cpp).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "email/domains.h"
#include "model/directory.h"
#include "switchboard/email.h"
#include "switchboard/routing.h"
#include "switchboard/site.h"
#include "switchboard/store.h"

namespace switchboard::routing_detail {

enum class AliasKind { kSupport, kSales, kInfo };

/// The rules and one site's facts in the form every lookup uses. Immutable once built.
struct CompiledRules {
  /// Throws ValidationError for invalid rules.
  CompiledRules(const RoutingRules& rules, std::shared_ptr<const SiteConfig> store_site);
  RoutingRules rules;
  std::shared_ptr<const SiteConfig> store_site;  // the store's site these were compiled for
  std::shared_ptr<const SiteConfig> site;        // it, with the rules' overrides applied
  std::unordered_map<std::string, AliasKind> aliases;  // base address -> kind
  email_detail::DomainSet internal;
  std::unordered_set<std::string> blocked;        // normalized addresses
  std::unordered_set<std::string> keywords;       // lowercased
  std::vector<std::string> prefixes;              // lowercased
  std::vector<std::string> roles;                 // role_mailboxes, lowercased
  std::unordered_set<std::string> generic_names;  // casefolded
  std::unordered_set<std::string> loop_allow;     // addresses and "@domain"

  bool is_alias(const EmailAddress& a) const { return aliases.count(a.base()) > 0; }
  bool is_system_sender(const EmailAddress& a) const;
  /// A team's mailbox (support@, customer.service@): role_mailboxes as words of the local part.
  bool is_role_mailbox(const EmailAddress& a) const;
};

/// The Message-IDs a mail's thread is looked up by, in order, each with the level it matches
/// at: `first` (a bounce's original Message-ID) when given, In-Reply-To, then References
/// newest first (at most rules.max_references); brackets removed, empty ones kept.
std::vector<std::pair<std::string, const char*>> thread_ids(const InboundEmail& e,
                                                           const RoutingRules& rules,
                                                           const std::string& first);

/// The Communications carrying the Message-IDs a batch's mails name in their threading
/// headers (thread_ids, with each bounce's original), read in one query per 100 ids before
/// each pass over the batch, plus what the batch's own mails insert and re-file —
/// so a pass finds in memory what its own query would return. One thread at a time.
class BatchThreads {
 public:
  BatchThreads(const std::vector<InboundEmail>& emails, const RoutingRules& rules);
  /// Before each pass over the batch (each_in_savepoint's restart): reads the rows afresh.
  void restart(Store& store);
  /// Before each mail: keeps what the mail before it wrote (it was not failed()).
  void next();
  /// The current mail failed: its savepoint was rolled back, so are its notes.
  void failed() { pending_.clear(); }
  /// Every Communication carrying `id` (fields kFields, any order), or null when `id` was not
  /// read (ask the store).
  const std::vector<Document>* rows_of(const std::string& id) const;
  /// Whether a Communication carrying `message_id` belongs to the rows (inserted() wants it).
  bool tracks(const std::string& message_id) const { return active_ && rows_.count(message_id) > 0; }
  /// The current mail inserted Communication `row` (kFields, as stored).
  void inserted(Document row);
  /// The current mail re-filed Communication `name` on `doctype`/`reference`.
  void refiled(const std::string& name, const std::string& doctype, const std::string& reference);

  static const std::vector<std::string> kFields;

 private:
  struct Note {
    Document row;                         // inserted; or, for a re-filing:
    std::string name, doctype, reference;
  };
  void read(Store& store);
  void apply(Note note);

  std::vector<std::string> ids_;  // unique
  bool active_ = false;
  std::unordered_map<std::string, std::vector<Document>> rows_;  // message_id -> rows
  std::unordered_map<std::string, std::string> id_of_;           // row name -> message_id
  std::vector<Note> pending_;  // the current mail's notes, kept once the next one starts
};

/// A mail's From as a pass reads it: its mailboxes, the address (the first mailbox's, else the
/// field trimmed) and that address parsed.
struct FromField {
  std::vector<Mailbox> boxes;
  std::string address;
  EmailAddress parsed;
};
FromField read_from(const InboundEmail& e, const RoutingRules& rules);

/// The addresses a mail's sender may be looked up by: From (normalized and as written) and the
/// first Reply-To (normalized); none for mail a pass skips before any such lookup (not
/// received, already routed, no account, from a blocked, internal or alias address without
/// Reply-To). `from`, when given, receives read_from(e) when it was read (then the pass need
/// not read it). Never throws.
std::vector<std::string> sender_candidates(const InboundEmail& e, const CompiledRules& rules,
                                           std::optional<FromField>* from = nullptr);

/// Which of a batch's sender addresses (sender_candidates) no HD Ticket (raised_by), CRM Lead
/// (email), Contact Email or Contact (email_id) carries, read before each pass over the batch
/// in one query per doctype and 64 addresses still unknown, so that a pass skips the lookups
/// by a new sender: their answer is "none" until a mail of the pass creates records for a
/// like address. One thread at a time.
class BatchSenders {
 public:
  BatchSenders(const std::vector<InboundEmail>& emails, const CompiledRules& rules);
  /// Before each pass over the batch (each_in_savepoint's restart): reads afresh.
  void restart(Store& store);
  /// Whether no record carries any of `spellings` (every lookup by them finds nothing);
  /// false when unsure.
  bool unknown(const std::vector<std::string>& spellings) const;
  /// The current mail creates records (ticket, lead, contact) carrying `sender`. Kept even
  /// when the mail fails: unsure is safe.
  void creating(const std::string& sender);
  /// The From of the batch's mail `i` as read_from gives it, or null when it was not read.
  const FromField* from(std::size_t i) const {
    return i < from_.size() && from_[i] ? &*from_[i] : nullptr;
  }

 private:
  void read(Store& store);

  std::vector<std::optional<FromField>> from_;   // per mail
  std::vector<std::string> candidates_;          // unique
  bool active_ = false;
  std::unordered_set<std::string> absent_;       // read, and carried by no record
  std::unordered_set<std::string> created_;      // lowercased senders this pass created for
};

/// The store's facts a pass reads that stay the same from mail to mail: read once by a batch
/// (route_many) and handed to each of its passes. Empty members are read by the pass itself.
struct SiteFacts {
  std::optional<model::TicketStatuses> statuses;  // HD Ticket Status categories + the site's
  std::optional<bool> has_route_log;              // the schema has the decision-log doctype
  /// HD Ticket and CRM Lead have custom_reply_email_alias in the schema.
  std::optional<bool> ticket_alias_field, lead_alias_field;
  /// The batch's thread rows (route_many calls restart(), next() and failed()).
  std::shared_ptr<BatchThreads> threads;
  /// The batch's new senders (route_many calls restart()).
  std::shared_ptr<BatchSenders> senders;
  std::size_t item = 0;  // the index of the mail being routed in the batch
};

/// Decides `email` in one pass over the store into `result` and, when `write` is set, writes
/// what the decision says as it is made (contact, ticket or lead, status, Communication, log
/// rows) — in the caller's transaction. Throws on store errors, leaving in `result` what was
/// decided until then. `facts`, when given, must have been read from the same store and site.
void route_pass(Store& store, const CompiledRules& rules, const InboundEmail& email, bool write,
                RouteResult& result, const SiteFacts* facts = nullptr);

// ---- writes (router_write.cpp) -------------------------------------------------------------

/// The `error` text of an Error Log row: the category, a newline, the message.
std::string log_text(const std::pair<std::string, std::string>& entry);
/// The Communication of a routed mail, filed on result.doctype/result.name.
Document communication_fields(Store& store, const RoutingRules& rules, const InboundEmail& e,
                              const RouteResult& r, const std::vector<std::string>& to,
                              const std::vector<std::string>& cc, bool automated);
/// Inserts the decision-log and Error Log rows that RoutingRules::route_log and error_log ask
/// for. A decision-log row names the Communication route() wrote, else `mail_communication`
/// (InboundEmail::communication, trimmed: the row a hook stored the mail in).
void write_logs(Store& store, const RoutingRules& rules, const RouteResult& r,
                const std::string& mail_communication, bool has_route_log);

}  // namespace switchboard::routing_detail
