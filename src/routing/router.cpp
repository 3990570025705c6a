// The router's decision: the seed's rules in their order, plus dedupe, automated mail,
// bounces, loop breaking, threading across tickets and leads, forwards and merge redirects.
// Reads only; router_write.cpp does the writes. docs/routing.md explains every step.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "email/email_internal.h"
#include "routing/router_internal.h"
#include "switchboard/merge.h"

namespace switchboard::routing_detail {
namespace {

using email_detail::casefold;
using email_detail::lower_ascii;
using email_detail::trim;

constexpr const char* kTicket = "HD Ticket";
constexpr const char* kLead = "CRM Lead";

std::string strip_brackets(std::string_view id) {
  std::string s = trim(id);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = trim(std::string_view(s).substr(1, s.size() - 2));
  return s;
}

// Mailboxes of one address field entry; plain addresses skip the GMime parser.
std::vector<Mailbox> mailboxes(std::string_view entry) {
  std::string_view t = entry;
  if (t.find_first_of("<>\",;()") == std::string_view::npos && t.find('@') == t.rfind('@') &&
      t.find('@') != std::string_view::npos)
    return {Mailbox{"", trim(t)}};
  return parse_address_list(entry);
}

// A thread found through a Message-ID.
struct Thread {
  std::string doctype, name, pointed_at, communication, level;
  std::string recipients;  // To of the matched Communication
  Document record;  // the fields of the record that the decision needs
};

class Decider {
 public:
  Decider(Store& store, const CompiledRules& c, const InboundEmail& e, Decision& d)
      : store_(store), c_(c), rules_(c.rules), e_(e), d_(d), r_(d.result) {}

  void run() {
    r_.kind = mail_kind_name(MailKind::kHuman);
    r_.subject = truncate_subject(e_.subject, rules_.subject_max_length, rules_.empty_subject);
    if (!email_detail::iequals(trim(e_.sent_or_received), "Received")) return skip("outgoing");
    resolve_sender();
    if (!sender_.empty() && (c_.is_internal(sender_) || c_.is_alias(sender_))) return skip("internal");
    if (!trim(e_.reference_doctype).empty() && !trim(e_.reference_name).empty())
      return skip("already_routed");
    if (trim(e_.email_account).empty()) return skip("no_account");
    log("Route: Start", "[START] " + utf8_prefix(r_.sender.empty() ? e_.sender : r_.sender, 30) +
                            " | " + utf8_prefix(r_.subject, 30));
    if (sender_.empty())
      return skip("invalid_sender", "Route: Skipped", "[INVALID SENDER] " + utf8_prefix(e_.sender, 60));

    r_.message_id = strip_brackets(e_.message_id);
    if (r_.message_id.empty()) r_.message_id = synthetic_message_id(e_);
    if (is_duplicate())
      return skip("duplicate", "Route: Duplicate", "[DUPLICATE] " + r_.message_id + " | " + r_.sender);
    if (c_.blocked.count(sender_.address) || c_.blocked.count(sender_.base()))
      return skip("blocked", "Route: Blocked", "[BLOCKED] " + r_.sender);

    MailKind kind = classify_mail(e_);
    r_.kind = mail_kind_name(kind);
    if (kind == MailKind::kBounce) return bounce();
    if (kind != MailKind::kHuman) return automated();
    if (c_.is_system_sender(sender_))
      return skip("automated_sender", "Route: System Email", "[SYSTEM] " + r_.sender);

    generate_name();
    collect_aliases();
    if (auto t = thread_by_headers({})) {
      if (follow_thread(*t)) return;
    }
    if (support_) return support("support_alias");
    if (recent_open_ticket()) return;
    if (sales_) return sales("sales_alias");
    fallback();
  }

 private:
  // ---- outcomes ------------------------------------------------------------------------------
  void skip(const char* reason, const char* category = "", std::string message = {}) {
    r_.action = "skip";
    r_.reason = reason;
    r_.doctype.clear();
    r_.name.clear();
    if (*category) {
      d_.final_category = category;
      d_.final_message = std::move(message);
    }
  }

  void link(const std::string& doctype, const std::string& name, const std::string& reason,
            const std::string& match) {
    r_.action = doctype == kTicket ? "link_ticket" : "link_lead";
    r_.doctype = doctype;
    r_.name = name;
    r_.reason = reason;
    r_.match = match;
    r_.contact = find_contact();
    if (d_.automated) {
      d_.final_category = r_.kind == std::string("bounce") ? "Route: Bounce" : "Route: Automated";
      d_.final_message = "[" + upper_words(r_.kind) + "] " + doctype + " {name} | " + r_.sender;
    } else {
      d_.final_category = doctype == kTicket ? "Route: Support Linked" : "Route: CRM Linked";
      d_.final_message = std::string("[LINKED] ") + (doctype == kTicket ? "Ticket" : "Lead") +
                         ": {name} | " + r_.sender + " | " + reason;
    }
  }

  void create(const std::string& doctype, const std::string& reason) {
    if (loop_suspected()) return;
    r_.action = doctype == kTicket ? "create_ticket" : "create_lead";
    r_.doctype = doctype;
    r_.name.clear();
    r_.reason = reason;
    r_.contact = find_contact();
    d_.create_record = true;
    d_.create_contact = doctype == kTicket && r_.contact.empty();
    d_.final_category = doctype == kTicket ? "Route: Support Created" : "Route: CRM Created";
    d_.final_message = std::string("[CREATED] ") + (doctype == kTicket ? "Ticket" : "Lead") +
                       ": {name} | " + r_.sender + " | " + reason;
  }

  // "out_of_office" -> "OUT OF OFFICE", for log lines.
  static std::string upper_words(std::string s) {
    for (char& ch : s) ch = ch == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  }

  // Records a policy that decided; several are listed in order ("reply_to=..., closed_ticket=...").
  void set_policy(const char* name, const std::string& value) {
    r_.policy += (r_.policy.empty() ? "" : ", ") + std::string(name) + "=" + value;
  }

  void log(std::string category, std::string message) {
    r_.log.emplace_back(std::move(category), std::move(message));
  }

  // ---- sender, names, recipients -------------------------------------------------------------
  void resolve_sender() {
    auto from = mailboxes(e_.sender);
    std::string from_address = from.empty() ? trim(e_.sender) : from.front().address;
    display_ = trim(e_.sender_full_name).empty() && !from.empty() ? from.front().name : e_.sender_full_name;
    sender_ = parse_email_address(from_address, rules_.plus_delimiter);
    bool reply_to_used = false;
    if (rules_.reply_to != "use_from" && !trim(e_.reply_to).empty()) {
      auto boxes = mailboxes(e_.reply_to);
      if (!boxes.empty()) {
        EmailAddress rt = parse_email_address(boxes.front().address, rules_.plus_delimiter);
        if (!rt.empty() && !c_.is_alias(rt) && !c_.is_internal(rt) && rt.base() != sender_.base()) {
          sender_ = rt;
          reply_to_used = true;
          if (rules_.reply_to == "use_reply_to") display_ = boxes.front().name;
          set_policy("reply_to", rules_.reply_to);
        }
      }
    }
    r_.sender = sender_.address;
    variants_ = {Value(sender_.address)};
    // Also the address as written: rows a site stored without normalizing still match (on
    // Frappe, MariaDB's case-insensitive collation matches any case anyway).
    std::string written = trim(from_address);
    if (!written.empty() && written != sender_.address && !reply_to_used) variants_.emplace_back(written);
  }

  void generate_name() {
    std::string name = clean_display_name(display_, sender_.address);
    if (name.empty()) name = name_from_address(sender_.address);
    if (name.empty() || c_.generic_names.count(casefold(name))) name = "Customer";
    r_.sender_name = name;
    auto space = name.find(' ');
    d_.first_name = name.substr(0, space);
    d_.last_name = space == std::string::npos ? "" : trim(std::string_view(name).substr(space + 1));
    log("Route: Name Gen", "[NAME] " + name + " | " + r_.sender);
  }

  void collect_aliases() {
    auto scan = [&](const std::vector<std::string>& entries, bool in_to, std::vector<std::string>* keep) {
      for (const auto& entry : entries) {
        for (const auto& box : mailboxes(entry)) {
          EmailAddress a = parse_email_address(box.address, rules_.plus_delimiter);
          if (a.empty()) continue;
          if (keep) keep->push_back(a.address);
          auto it = c_.aliases.find(a.base());
          if (it == c_.aliases.end()) continue;
          bool support = it->second == AliasKind::kSupport;
          if (in_to) (support ? support_in_to_ : sales_in_to_) = true;
          auto& hit = support ? support_ : sales_;
          if (!hit) hit = a;
        }
      }
    };
    scan(e_.to, true, &d_.to);
    scan(e_.cc, false, &d_.cc);
    scan(e_.delivered_to, false, nullptr);
  }

  void use_alias(const std::optional<EmailAddress>& a) {
    r_.alias = a->base();
    r_.alias_tag = a->tag;
  }

  // ---- store lookups -------------------------------------------------------------------------
  std::string ago(std::chrono::minutes m) { return format_datetime(store_.now_time_point() - m); }

  bool is_duplicate() {
    Query q{Filter("message_id", Value(r_.message_id)), Filter("sent_or_received", Value("Received"))};
    if (!trim(e_.communication).empty()) q.where(Filter("name", Op::kNe, Value(trim(e_.communication))));
    return !store_.find("Communication", q.select({"name"}).take(1)).empty();
  }

  std::string find_contact() {
    if (contact_looked_up_) return contact_;
    contact_looked_up_ = true;
    auto rows = store_.find("Contact Email", Query{Filter("email_id", Op::kIn, variants_),
                                                   Filter("parenttype", Value("Contact"))}
                                                 .select({"parent"})
                                                 .order("creation, name")
                                                 .take(1));
    if (!rows.empty()) contact_ = rows.front().text("parent");
    return contact_;
  }

  // Statuses counted as open, and the subset that means "waiting" (reopened by a reply).
  void load_statuses() {
    if (statuses_loaded_) return;
    statuses_loaded_ = true;
    open_.assign(rules_.open_statuses.begin(), rules_.open_statuses.end());
    for (const auto& s : store_.find("HD Ticket Status", Query().select({"name", "category"}))) {
      std::string category = s.text("category");
      if (category == "Open" || category == "Paused") open_.push_back(s.name());
      if (category == "Open") open_category_.push_back(s.name());
    }
    if (std::find(open_category_.begin(), open_category_.end(), rules_.ticket_status) == open_category_.end())
      open_category_.push_back(rules_.ticket_status);
  }
  bool is_open(const std::string& status) {
    load_statuses();
    return std::find(open_.begin(), open_.end(), status) != open_.end();
  }
  bool is_waiting(const std::string& status) {
    return is_open(status) &&
           std::find(open_category_.begin(), open_category_.end(), status) == open_category_.end();
  }

  // The sender's open tickets, newest-modified first (optionally modified since `since`).
  std::vector<Document> open_tickets(const std::string& since, std::int64_t limit) {
    load_statuses();
    std::vector<Value> open(open_.begin(), open_.end());
    Query q{Filter("raised_by", Op::kIn, variants_), Filter("status", Op::kIn, open)};
    if (!since.empty()) q.where(Filter("modified", Op::kGe, Value(since)));
    return store_.find(kTicket, q.select({"name", "subject", "status", "merged_with"})
                                    .order("modified desc, name desc")
                                    .take(limit));
  }

  // The record a row ended up in: only a row whose merge pointer is set costs more lookups.
  std::string survivor(const std::string& doctype, const Document& row) {
    if (row.text(merge_pointer_field(doctype)).empty()) return row.name();
    std::string name = resolve_survivor(store_, doctype, row.name());
    if (name != row.name()) r_.merged_from = row.name();
    return name;
  }

  // The first ticket of `rows` whose subject matches this mail's, or the first one.
  std::optional<Document> pick(std::vector<Document> rows, bool same_subject) {
    const std::string want = same_subject ? casefold(normalize_subject(e_.subject)) : std::string();
    for (auto& row : rows) {
      if (!same_subject || casefold(normalize_subject(row.text("subject"))) == want)
        return std::move(row);
    }
    return std::nullopt;
  }

  // The record a Message-ID belongs to: the newest Communication carrying it (creation desc,
  // then name desc) owns the thread; its reference is followed through merges.
  std::optional<Thread> owner_of(const std::string& id, const char* level) {
    auto rows = store_.find(
        "Communication",
        Query{Filter("message_id", Value(id)),
              Filter("reference_doctype", Op::kIn, std::vector<Value>{Value(kTicket), Value(kLead)}),
              Filter::make("reference_name", "is", Value("set"))}
            .select({"name", "reference_doctype", "reference_name", "recipients"})
            .order("creation desc, name desc")
            .take(1));
    if (rows.empty()) return std::nullopt;
    Thread t;
    t.recipients = rows.front().text("recipients");
    t.doctype = rows.front().text("reference_doctype");
    t.pointed_at = rows.front().text("reference_name");
    t.communication = rows.front().name();
    t.level = level;
    std::string pointer(merge_pointer_field(t.doctype));
    std::vector<std::string> fields{"name", pointer};
    if (t.doctype == kTicket) fields = {"name", pointer, "status", "modified", "resolution_date", "subject"};
    auto record = store_.find(t.doctype, Query{Filter("name", Value(t.pointed_at))}.select(fields).take(1));
    t.name = t.pointed_at;
    if (!record.empty() && !record.front().text(pointer).empty()) {  // merged: follow to the survivor
      t.name = resolve_survivor(store_, t.doctype, t.pointed_at);
      record = store_.find(t.doctype, Query{Filter("name", Value(t.name))}.select(fields).take(1));
    }
    if (record.empty()) return std::nullopt;  // the record is gone: no thread
    t.record = std::move(record.front());
    return t;
  }

  // In-Reply-To, then References newest first (at most max_references), skipping this mail's
  // own id. `first` is tried before them (a bounce's original Message-ID).
  std::optional<Thread> thread_by_headers(const std::string& first) {
    std::vector<std::pair<std::string, const char*>> ids;
    if (!first.empty()) ids.emplace_back(strip_brackets(first), "original_message_id");
    if (!trim(e_.in_reply_to).empty()) ids.emplace_back(strip_brackets(e_.in_reply_to), "in_reply_to");
    std::size_t n = e_.references.size();
    std::size_t keep = std::min(n, static_cast<std::size_t>(rules_.max_references));
    for (std::size_t i = 0; i < keep; ++i) ids.emplace_back(strip_brackets(e_.references[n - 1 - i]), "references");
    std::vector<std::string> seen;
    for (const auto& [id, level] : ids) {
      if (id.empty() || id == r_.message_id) continue;
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      seen.push_back(id);
      if (auto t = owner_of(id, level)) return t;
    }
    return std::nullopt;
  }

  void note_thread(const Thread& t) {
    r_.in_reply_to = t.communication;
    if (t.pointed_at != t.name) r_.merged_from = t.pointed_at;
  }

  // ---- the rules -----------------------------------------------------------------------------
  void bounce() {
    r_.bounce_recipient = e_.bounce.final_recipient;
    r_.bounce_status = e_.bounce.status;
    d_.automated = true;
    std::string message = "[BOUNCE] " + r_.sender +
                          (r_.bounce_recipient.empty() ? "" : " | " + r_.bounce_recipient + " " + r_.bounce_status);
    if (rules_.automated_mail == "drop") return skip("bounce", "Route: Bounce", message);
    auto t = thread_by_headers(e_.bounce.original_message_id);
    if (!t) return skip("bounce", "Route: Bounce", message);
    note_thread(*t);
    link(t->doctype, t->name, "bounce", t->level);
  }

  void automated() {
    d_.automated = true;
    std::string message = "[AUTOMATED] " + r_.kind + " | " + r_.sender;
    set_policy("automated_mail", rules_.automated_mail);
    // Reached for auto-reply, out-of-office and mailing-list mail: the kind is the reason.
    if (rules_.automated_mail == "drop") return skip(r_.kind.c_str(), "Route: Automated", message);
    auto t = thread_by_headers({});
    if (!t) return skip(r_.kind.c_str(), "Route: Automated", message);
    note_thread(*t);
    link(t->doctype, t->name, r_.kind, t->level);
  }

  // Whether the thread's matched email was itself addressed to `alias` (then a mail to that
  // alias is a reply in the same conversation, e.g. after a lead <-> ticket transfer).
  bool thread_addressed_to(const Thread& t, const std::optional<EmailAddress>& alias) const {
    if (!alias) return false;
    for (const auto& box : mailboxes(t.recipients))
      if (parse_email_address(box.address, rules_.plus_delimiter).base() == alias->base()) return true;
    return false;
  }

  // A header match. Returns false to let the alias rules decide instead.
  bool follow_thread(const Thread& t) {
    bool is_ticket = t.doctype == kTicket;
    bool other_alias = (is_ticket && sales_in_to_ && !support_in_to_) ||
                       (!is_ticket && support_in_to_ && !sales_in_to_);
    if (other_alias && !thread_addressed_to(t, is_ticket ? sales_ : support_)) {
      // Forwarded to another routing alias: a new record for that alias.
      r_.match = "forwarded";
      if (is_ticket) sales("forwarded");
      else support("forwarded");
      return true;
    }
    note_thread(t);
    if (!is_ticket) {
      link(t.doctype, t.name, t.level, t.level);
      return true;
    }
    std::string status = t.record.text("status");
    if (is_open(status)) {
      link(t.doctype, t.name, t.level, t.level);
      reopen_if_waiting(status);
      return true;
    }
    // A reply to a closed ticket.
    set_policy("closed_ticket", rules_.closed_ticket);
    bool reopen = rules_.closed_ticket == "reopen";
    if (rules_.closed_ticket == "new_ticket_after_days") {
      std::string closed_at = t.record.text("resolution_date");
      if (closed_at.empty()) closed_at = t.record.text("modified");
      reopen = closed_at >= ago(std::chrono::hours(24) * rules_.closed_ticket_days);
    }
    if (reopen) {
      link(t.doctype, t.name, "reopened", t.level);
      d_.reopen_to = rules_.reopen_status.empty() ? rules_.ticket_status : rules_.reopen_status;
      return true;
    }
    r_.in_reply_to.clear();  // a new ticket answers nothing of its own
    r_.merged_from.clear();
    create(kTicket, "closed_ticket");
    return true;
  }

  void reopen_if_waiting(const std::string& status) {
    if (!rules_.reopen_status.empty() && status != rules_.reopen_status && is_waiting(status))
      d_.reopen_to = rules_.reopen_status;
  }

  void support(const char* reason) {
    log("Route: Support", "[SUPPORT] " + r_.sender);
    if (support_) use_alias(support_);
    const std::string& policy = rules_.support_alias_existing_ticket;
    set_policy("support_alias_existing_ticket", policy);
    if (policy != "always_new") {
      bool same_subject = policy == "link_if_same_subject";
      if (auto ticket = pick(open_tickets("", same_subject ? 50 : 1), same_subject)) {
        link(kTicket, survivor(kTicket, *ticket), std::string(reason) == "forwarded" ? "forwarded" : "support_alias_open_ticket",
             "sender_open_ticket");
        reopen_if_waiting(ticket->text("status"));
        return;
      }
    }
    create(kTicket, reason);
  }

  bool recent_open_ticket() {
    const std::string& policy = rules_.sender_recency_link;
    if (policy == "off") return false;
    std::string since = rules_.reply_window_days > 0
                            ? ago(std::chrono::hours(24) * rules_.reply_window_days)
                            : std::string();
    bool same_subject = policy == "same_subject";
    auto ticket = pick(open_tickets(since, same_subject ? 50 : 1), same_subject);
    if (!ticket) return false;
    set_policy("sender_recency_link", policy);
    link(kTicket, survivor(kTicket, *ticket), "sender_open_ticket", "sender_open_ticket");
    reopen_if_waiting(ticket->text("status"));
    return true;
  }

  std::optional<std::string> existing_lead() {
    auto rows = store_.find(kLead, Query{Filter("email", Op::kIn, variants_)}
                                       .select({"name", "custom_merged_into"})
                                       .order("modified desc, name desc")
                                       .take(1));
    if (rows.empty()) return std::nullopt;
    return survivor(kLead, rows.front());
  }

  void sales(const char* reason) {
    if (sales_) use_alias(sales_);
    if (auto lead = existing_lead()) {
      link(kLead, *lead, std::string(reason) == "forwarded" ? "forwarded" : "sales_alias_existing_lead",
           "lead_email");
      return;
    }
    create(kLead, reason);
  }

  void fallback() {
    auto history = store_.find(kTicket, Query{Filter("raised_by", Op::kIn, variants_)}.select({"name"}).take(1));
    if (!history.empty()) return create(kTicket, "ticket_history");
    if (auto lead = existing_lead()) return link(kLead, *lead, "lead_history", "lead_email");
    create(kLead, "new_customer");
  }

  // More than loop_threshold records created for this sender within the window -> skip.
  bool loop_suspected() {
    if (rules_.loop_threshold <= 0 || rules_.loop_window_minutes <= 0) return false;
    if (c_.loop_allow.count(sender_.address) || c_.loop_allow.count(sender_.base()) ||
        c_.loop_allow.count("@" + sender_.domain))
      return false;
    std::string since = ago(std::chrono::minutes(rules_.loop_window_minutes));
    std::int64_t n = store_.count(kTicket, {Filter("raised_by", Op::kIn, variants_), Filter("creation", Op::kGe, Value(since))});
    if (n < rules_.loop_threshold)
      n += store_.count(kLead, {Filter("email", Op::kIn, variants_), Filter("creation", Op::kGe, Value(since))});
    if (n < rules_.loop_threshold) return false;
    r_.alias.clear();
    r_.alias_tag.clear();
    r_.match.clear();
    r_.policy = "loop_threshold=" + std::to_string(rules_.loop_threshold);
    skip("loop", "Route: Loop",
         "[LOOP] " + r_.sender + " | " + std::to_string(n) + " records in " +
             std::to_string(rules_.loop_window_minutes) + " min");
    return true;
  }

  Store& store_;
  const CompiledRules& c_;
  const RoutingRules& rules_;
  const InboundEmail& e_;
  Decision& d_;
  RouteResult& r_;
  EmailAddress sender_;
  std::string display_;
  std::vector<Value> variants_;  // the sender as stored: normalized, and as written
  std::optional<EmailAddress> support_, sales_;
  bool support_in_to_ = false, sales_in_to_ = false;
  bool contact_looked_up_ = false;
  std::string contact_;
  bool statuses_loaded_ = false;
  std::vector<std::string> open_, open_category_;
};

}  // namespace

CompiledRules::CompiledRules(RoutingRules r) : rules(std::move(r)) {
  rules.validate();
  auto add_aliases = [&](const std::vector<std::string>& list, AliasKind kind) {
    for (const auto& a : list) {
      EmailAddress n = parse_email_address(a, rules.plus_delimiter);
      if (!n.empty()) aliases.emplace(n.base(), kind);
    }
  };
  add_aliases(rules.support_aliases, AliasKind::kSupport);
  add_aliases(rules.sales_aliases, AliasKind::kSales);
  add_aliases(rules.info_aliases, AliasKind::kInfo);
  for (const auto& d : rules.internal_domains) {
    EmailAddress n = parse_email_address("x@" + trim(d[0] == '@' ? d.substr(1) : d), "");
    if (!n.empty()) internal_domains.push_back(n.domain);
  }
  for (const auto& b : rules.blocked_senders) {
    std::string n = parse_email_address(b, "").address;
    if (!n.empty()) blocked.insert(n);
  }
  for (const auto& k : rules.system_keywords) keywords.insert(lower_ascii(trim(k)));
  for (const auto& p : rules.system_prefixes) prefixes.push_back(lower_ascii(trim(p)));
  for (const auto& g : rules.generic_names) generic_names.insert(casefold(trim(g)));
  for (const auto& a : rules.loop_allow) {
    std::string t = trim(a);
    if (!t.empty() && t[0] == '@') loop_allow.insert("@" + parse_email_address("x" + t, "").domain);
    else if (auto n = parse_email_address(t, ""); !n.empty()) loop_allow.insert(n.address);
  }
}

bool CompiledRules::is_internal(const EmailAddress& a) const {
  for (const auto& d : internal_domains) {
    if (a.domain == d) return true;
    if (a.domain.size() > d.size() && a.domain.compare(a.domain.size() - d.size(), d.size(), d) == 0 &&
        a.domain[a.domain.size() - d.size() - 1] == '.')
      return true;
  }
  return false;
}

bool CompiledRules::is_system_sender(const EmailAddress& a) const {
  std::string local = lower_ascii(a.local);
  if (keywords.count(local)) return true;
  for (const auto& p : prefixes) {
    if (p.empty()) continue;
    for (std::size_t pos = local.find(p); pos != std::string::npos; pos = local.find(p, pos + 1))
      if (email_detail::word_at(local, pos, p.size())) return true;
  }
  return false;
}

void decide(Store& store, const CompiledRules& rules, const InboundEmail& email, Decision& d) {
  Decider(store, rules, email, d).run();
}

}  // namespace switchboard::routing_detail
