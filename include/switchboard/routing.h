// switchboard: the email router — where one inbound mail belongs (an existing HD Ticket or
// CRM Lead, a new one, or nothing) by the original scripts' rules in their order, plus what
// mature helpdesks add (dedupe, automated mail and bounces, loop breaking, threading across
// tickets and leads, forwards, merge redirects). See docs/routing.md.
// Thread-safe: RoutingRules and RouteResult are values; a Router's rules are fixed at
// construction and it works on a thread-safe Store.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/email.h"
#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

namespace routing_detail {
struct CompiledRules;
struct RouterState;
}

/// Everything the router decides by besides the site's facts. The site's aliases, internal
/// domains and open statuses come from the store's SiteConfig; the fields below that repeat
/// them are overrides (nullopt, the default: the site's). The other defaults are the original
/// scripts' lists and behaviour; each risky rule is an explicit policy. Strings name policy
/// values exactly as JSON and Python spell them; validate() checks them.
struct SWITCHBOARD_EXPORT RoutingRules {
  /// Routing aliases by team; nullopt = SiteConfig's support/sales/info_aliases.
  std::optional<std::vector<std::string>> support_aliases;
  std::optional<std::vector<std::string>> sales_aliases;
  std::optional<std::vector<std::string>> info_aliases;
  /// Mail from these domains (and their subdomains) is internal and skipped; nullopt = the
  /// site's company_domains and internal_domains.
  std::optional<std::vector<std::string>> internal_domains;
  /// Exact sender addresses that are never routed (the company's own admin@ and
  /// administrator@ are internal already).
  std::vector<std::string> blocked_senders{"admin@example.com", "administrator@example.com"};
  /// The original scripts' system keywords: a sender whose whole local part (tag removed) is one of them
  /// is a system sender.
  std::vector<std::string> system_keywords{"mailer-daemon", "noreply",  "no-reply",
                                           "postmaster",    "bounce",   "donotreply",
                                           "do-not-reply",  "automated"};
  /// Also a system sender: a local part containing one of these as a word, i.e. not preceded
  /// or followed by a letter ("noreply-orders@" and "shop.noreply@" are, "bouncer.smith@" is not).
  /// Notification and alert mailboxes of shops, carriers and monitors send without headers.
  std::vector<std::string> system_prefixes{
      "noreply",      "no-reply",      "mailer-daemon", "postmaster", "bounce",
      "bounces",      "donotreply",    "do-not-reply",  "notification", "notifications",
      "notify",       "alert",         "alerts",      "wordpress"};
  /// Mailboxes of a team rather than a person: a local part containing one of these as a word
  /// (as system_prefixes). Under reply_to "web_forms" a system sender's Reply-To to one of them
  /// (a shop's notification answered at its support@) does not make the mail a customer's.
  std::vector<std::string> role_mailboxes{
      "support",  "help",     "helpdesk",  "service",  "services", "customerservice",
      "care",     "customercare", "info",  "contact",  "hello",    "sales",
      "team",     "office",   "admin",     "billing",  "accounts", "orders",
      "shop",     "store",    "enquiries", "inquiries", "feedback", "returns",
      "reply",    "replies"};
  /// Generated names (lowercased) that become "Customer".
  std::vector<std::string> generic_names{"administrator", "admin", "noreply",
                                         "support",       "sales", "info"};
  /// Ticket statuses counted as open, besides every HD Ticket Status of category Open or
  /// Paused; nullopt = SiteConfig::open_ticket_statuses.
  std::optional<std::vector<std::string>> open_statuses;

  /// The level-3 window: the sender's open ticket must have been modified within this many
  /// days (0: no limit, as the original scripts' code).
  int reply_window_days = 7;
  std::size_t subject_max_length = 140;
  std::string empty_subject = "(no subject)";
  /// Subaddress delimiter: support+orders@ is support@ ("" disables).
  std::string plus_delimiter = "+";
  /// At most this many References ids are looked at, newest first.
  int max_references = 32;

  /// Mail to a support alias when the sender has an open ticket (rule 8a of the original scripts):
  /// "link_latest_open" (the original scripts) | "link_if_same_subject" | "always_new".
  std::string support_alias_existing_ticket = "link_latest_open";
  /// The level-3 match "the sender's newest open ticket": "any_open" (the original scripts, within
  /// reply_window_days) | "same_subject" (also the same normalized subject) | "off".
  std::string sender_recency_link = "any_open";
  /// Level 3 for a mail to a sales or info alias: "link_if_about_ticket" (only an open ticket
  /// its subject names: the same subject, or "#<ticket>") | "sender_recency" (as any mail).
  std::string sales_alias_open_ticket = "link_if_about_ticket";
  /// A mail written to a support alias and to a sales or info alias: "to_before_cc" (the
  /// support alias decides unless only the sales or info alias is in To: To sales@, Cc
  /// support@ is a sales mail) | "support_wins" (a support alias anywhere among the recipients
  /// makes it a support mail, as the original scripts did).
  std::string mixed_aliases = "to_before_cc";
  /// A reply threading to a ticket in status "Closed": "follow_up" (a new ticket linked to the
  /// closed one) | "reopen" | "reopen_within_days" (reopen when closed at most
  /// closed_ticket_days ago, else a follow-up) | "new_ticket" (unlinked, the original checklist)
  /// | "new_ticket_after_days" (reopen within closed_ticket_days, else an unlinked ticket).
  std::string closed_ticket = "follow_up";
  /// The same for a ticket in any other closed status (category Resolved, e.g. "Resolved").
  std::string resolved_ticket = "reopen_within_days";
  int closed_ticket_days = 14;
  /// Automated mail (auto-replies, out-of-office, lists, bounces): "attach_no_reopen" (linked
  /// to the thread it answers, status untouched, never creates) | "drop" (always skipped).
  std::string automated_mail = "attach_no_reopen";
  /// Whose address is the sender: "web_forms" (Reply-To, with its name, when a system sender
  /// such as a form service or a site's mailer sends on behalf of a person: Reply-To is not a
  /// system sender, is at another organisation than From, and is not a role mailbox unless the
  /// mail's text repeats it) | "use_from" (the original scripts: such a form is skipped as
  /// system mail) | "use_reply_to" (Reply-To whenever it is an outside address, with its name)
  /// | "reply_to_keep_from_name". A Reply-To that is ours or internal is never used.
  std::string reply_to = "web_forms";

  /// Loop breaker: a sender for whom at least loop_threshold tickets and leads were created
  /// in the last loop_window_minutes gets no new one (skip, reason "loop"): with 20, the 20th
  /// record in the window is the last one created. 0 disables.
  int loop_threshold = 20;
  int loop_window_minutes = 120;
  /// Senders exempt from the loop breaker: addresses, or "@domain" for a whole domain.
  std::vector<std::string> loop_allow;

  std::string ticket_status = "Open";
  std::string ticket_priority = "Medium";
  std::string lead_status = "New";
  /// Status a human reply sets on a linked ticket that waits (category Paused, or a closed
  /// ticket being reopened); "" leaves statuses alone.
  std::string reopen_status = "Open";
  /// What goes to Error Log: "errors" (Route: Critical Error only) | "outcome" (also one row
  /// per mail) | "all" (also every step, as the original scripts logged) | "none". Never the
  /// mail body. Every step also goes to the diagnostics log (log.h, category "routing").
  std::string error_log = "errors";
  /// What goes to the decision log, the "Switchboard Route Log" doctype: "outcome" (one row
  /// per routed mail: action, reason, record, the outcome's log line) | "all" (a row per log
  /// entry) | "none". Written in the mail's transaction when the store's schema has the
  /// doctype; never the mail body.
  std::string route_log = "outcome";

  /// Throws ValidationError naming the first bad value (unknown policy, negative number).
  void validate() const;
  /// Reads rules from a JSON object whose keys are the field names above; absent keys keep
  /// their defaults. Throws ParseError (and nothing else) for bad JSON, a
  /// non-object, unknown keys, wrong types or values validate() rejects.
  static RoutingRules from_json(std::string_view json);
  /// Every field as a JSON object (from_json reads it back).
  std::string to_json() const;
};

/// The name of the decision-log doctype route() writes (see RoutingRules::route_log).
inline constexpr const char* kRouteLogDoctype = "Switchboard Route Log";

/// The router's decision for one mail (and, after route(), what it wrote).
struct SWITCHBOARD_EXPORT RouteResult {
  /// "create_ticket" | "link_ticket" | "create_lead" | "link_lead" | "skip".
  std::string action;
  /// Machine-readable cause, e.g. "support_alias", "in_reply_to", "duplicate", "loop",
  /// "error" (docs/routing.md lists them all).
  std::string reason;
  std::string doctype;  ///< "HD Ticket" or "CRM Lead"; "" for skips
  std::string name;     ///< the record (after merge redirects); "" for skips and planned creations
  std::string contact;  ///< the sender's Contact, when there is (or route() created) one
  std::string log_category;  ///< the last Error Log category of the decision ("Route: ...")
  std::string match;   ///< how the record was found: in_reply_to, references, sender_open_ticket, ...
  std::string policy;  ///< the policy that decided, as "name=value", or ""
  std::string kind;    ///< mail_kind_name() of the mail
  std::string sender;  ///< the normalized sender the decision used
  std::string sender_name;  ///< the generated name
  std::string subject;      ///< the subject for a new ticket (truncated)
  std::string message_id;   ///< the Message-ID used (synthetic when the mail had none)
  std::string alias;        ///< the routing alias that decided (tag removed), or ""
  std::string alias_tag;    ///< its subaddress tag ("orders" for support+orders@)
  std::string merged_from;  ///< the record the thread pointed at before following merges
  std::string follow_up_of;  ///< for a new follow-up ticket: the closed ticket it continues
  /// The alias stored as the record's custom_reply_email_alias by this mail (a new record, or
  /// a linked one that had none): the alias that decided, else the mail's first routing alias
  /// of the record's kind (a new record: else of any kind); "" when nothing was stored.
  std::string reply_alias;
  std::string communication;  ///< the Communication written or updated by route()
  std::string in_reply_to;    ///< the Communication this mail answers, when found
  bool reopened = false;      ///< the linked ticket's status was set to reopen_status
  std::string bounce_recipient;  ///< for bounces: the failed address
  std::string bounce_status;     ///< for bounces: the DSN status code
  std::string error;             ///< for reason "error": what went wrong
  /// Every log entry of the decision as (category, message); route() writes them to the
  /// decision log and Error Log as RoutingRules::route_log and error_log say.
  std::vector<std::pair<std::string, std::string>> log;

  bool skipped() const noexcept { return action == "skip"; }
  /// The result as a JSON object.
  std::string to_json() const;
};

/// Routes inbound mail into a store. Thread-safe: the rules are fixed at construction; the
/// site's facts are read from the store on every call (a changed SiteConfig applies to the
/// next mail; route_many reads them once per batch); each call works in its own store
/// transaction.
class SWITCHBOARD_EXPORT Router {
 public:
  /// Throws ValidationError for invalid rules (see RoutingRules::validate) and for rules
  /// that, with the store's site, name an alias that is not a mail address.
  explicit Router(std::shared_ptr<Store> store, RoutingRules rules = {});

  /// The decision for `email`, reading the store and writing nothing. Never throws: an error
  /// becomes action "skip", reason "error". Decides exactly as route() does.
  RouteResult plan(const InboundEmail& email) const;
  /// Decides and writes, all in one transaction: the sender's Contact (with its Contact Email
  /// row) before a new ticket, the ticket or lead, the status change of a reopened ticket, the
  /// Communication (message_id without brackets, in_reply_to = the answered Communication's
  /// name), and the decision-log and Error Log rows. Never throws: on any error everything is
  /// rolled back, the result is skip/"error", and "Route: Critical Error" is logged to Error
  /// Log (without the body) unless error_log is "none".
  RouteResult route(const InboundEmail& email) const;
  /// Routes `emails` in order inside one store transaction, each mail in its own savepoint:
  /// the results (and what is written) are those of route() called on each mail in turn, but
  /// the site's facts are read once for the batch and the batch commits once. A mail that
  /// fails rolls back only its own savepoint: its result is skip/"error" and its "Route:
  /// Critical Error" row is written in the batch. Never throws. When the store forces the
  /// whole transaction back (a deadlock on a server database) and this call opened it, the
  /// batch is rerun from its first mail; inside a caller's transaction the mail gets
  /// skip/"error" instead. Interrupted propagates (the batch rolled back). When this call
  /// opens the transaction, the mails first run without savepoints (they cost ~15% of a mail);
  /// a failure undoes that pass and reruns the batch with a savepoint per mail. Batches of a
  /// few hundred mails keep the transaction short.
  std::vector<RouteResult> route_many(const std::vector<InboundEmail>& emails) const;

  const RoutingRules& rules() const noexcept { return rules_; }
  std::shared_ptr<Store> store() const noexcept { return store_; }

 private:
  std::shared_ptr<const routing_detail::CompiledRules> compiled() const;
  std::shared_ptr<Store> store_;
  RoutingRules rules_;
  std::shared_ptr<routing_detail::RouterState> state_;  // the rules compiled for the site
};

}  // namespace switchboard
