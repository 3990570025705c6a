// The router's single pass over one mail: the original scripts' rules in their order, plus
// dedupe, automated mail, bounces, loop breaking, threading across tickets and leads, forwards
// and merge redirects. Each fact is read once, the first rule that decides ends the pass, and
// route() writes at that point what it decided (plan() writes nothing). docs/routing.md
// explains every step.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "email/email_internal.h"
#include "model/directory.h"
#include "routing/router_internal.h"

namespace switchboard::routing_detail {
namespace {

constexpr std::size_t kSubjectLeads = 20;    // the sender's newest leads a subject is sought in
constexpr std::int64_t kHistoryMails = 5;    // a record's mails read for its brand
constexpr std::int64_t kSubjectMails = 500;  // at most this many of their mails read for it

using email_detail::casefold;
using email_detail::lower_ascii;
using email_detail::trim;
using model::kLead;
using model::kTicket;

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

// "out_of_office" -> "OUT OF OFFICE", for log lines.
std::string upper_words(std::string s) {
  for (char& ch : s) ch = ch == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// A thread found through a Message-ID.
struct Thread {
  std::string doctype, name, pointed_at, communication, level;
  std::string recipients;  // To of the matched Communication
  Document record;         // the survivor's fields the decision needs
};

class Pass {
 public:
  Pass(Store& store, const CompiledRules& c, const InboundEmail& e, bool write, RouteResult& r,
       const SiteFacts* facts)
      : store_(store), dir_(store, c.site), c_(c), rules_(c.rules), e_(e), write_(write), r_(r),
        facts_(facts) {
    if (facts_ && facts_->statuses) dir_.use_ticket_statuses(*facts_->statuses);
  }

  void run() {
    decide();
    if (write_ && r_.action != "skip") write_communication();
    r_.log_category = r_.log.empty() ? std::string() : r_.log.back().first;
    if (write_)
      write_logs(store_, rules_, r_, trim(e_.communication),
                 facts_ && facts_->has_route_log ? *facts_->has_route_log
                                                 : store_.schema().find(kRouteLogDoctype) != nullptr);
  }

 private:
  void decide() {
    r_.kind = mail_kind_name(MailKind::kHuman);
    r_.subject = truncate_subject(e_.subject, rules_.subject_max_length, rules_.empty_subject);
    if (!email_detail::iequals(trim(e_.sent_or_received), "Received")) return skip("outgoing");
    resolve_sender();
    if (!sender_.empty() && (c_.internal.contains(sender_) || c_.is_alias(sender_)))
      return skip("internal");
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
    keep_to_brand();
    if (auto t = thread_by_subject()) {
      if (follow_thread(*t)) return;
    }
    if (reply_alias_record()) return;
    if (support_ && support_decides()) return support("support_alias");
    if (recent_open_ticket()) return;
    if (sales_) return sales("sales_alias");
    fallback();
  }

  // ---- outcomes: each ends the pass, writing what it decided when route() runs -------------
  void skip(const char* reason, const char* category = "", std::string message = {}) {
    r_.action = "skip";
    r_.reason = reason;
    r_.doctype.clear();
    r_.name.clear();
    if (*category) log(category, std::move(message));
  }

  // Links the mail to `name`; `reopen_to` is the status a waiting or closed ticket gets.
  // `row`: the record's row as this pass read it, when it has one.
  void link(const std::string& doctype, const std::string& name, const std::string& reason,
            const std::string& match, const std::string& reopen_to = {},
            const Document* row = nullptr) {
    r_.action = doctype == kTicket ? "link_ticket" : "link_lead";
    r_.doctype = doctype;
    r_.name = name;
    r_.reason = reason;
    r_.match = match;
    r_.contact = contact();
    if (automated_) {
      log(r_.kind == std::string("bounce") ? "Route: Bounce" : "Route: Automated",
          "[" + upper_words(r_.kind) + "] " + doctype + " " + name + " | " + r_.sender);
      return;
    }
    if (write_ && !reopen_to.empty() && doctype == kTicket) {
      store_.update(kTicket, name, {{"status", reopen_to}});
      r_.reopened = true;
    }
    fill_reply_alias(doctype, name, row);
    log(doctype == kTicket ? "Route: Support Linked" : "Route: CRM Linked",
        std::string("[LINKED] ") + (doctype == kTicket ? "Ticket" : "Lead") + ": " + name + " | " +
            r_.sender + " | " + reason);
  }

  void create(const std::string& doctype, const std::string& reason) {
    if (loop_suspected()) return;
    r_.action = doctype == kTicket ? "create_ticket" : "create_lead";
    r_.doctype = doctype;
    r_.name.clear();
    r_.reason = reason;
    r_.contact = contact();
    if (has_alias_field(doctype)) r_.reply_alias = stored_alias(doctype);
    if (write_) {
      if (facts_ && facts_->senders) facts_->senders->creating(r_.sender);
      new_sender_ = false;  // its records exist from here on
      if (doctype == kTicket) {
        if (r_.contact.empty())
          r_.contact = dir_.create_contact({r_.sender_name, "", "", r_.sender, "", {}});
        r_.name = dir_.create_ticket({r_.subject, r_.sender, r_.contact, "", trim(e_.email_account),
                                      rules_.ticket_status, rules_.ticket_priority, r_.follow_up_of,
                                      r_.reply_alias});
      } else {
        r_.name = dir_.create_lead(
            {r_.sender_name, "", "", r_.sender, "", rules_.lead_status, "", r_.reply_alias});
      }
    }
    log(doctype == kTicket ? "Route: Support Created" : "Route: CRM Created",
        std::string("[CREATED] ") + (doctype == kTicket ? "Ticket" : "Lead") + ": " +
            (r_.name.empty() ? "(new)" : r_.name) + " | " + r_.sender + " | " + reason +
            (r_.follow_up_of.empty() ? "" : " of " + r_.follow_up_of));
  }

  // The Communication of the decided mail: a new row, or the hook's own row re-filed.
  // A batch's later mails find in memory what it wrote (BatchThreads).
  void write_communication() {
    BatchThreads* batch = facts_ ? facts_->threads.get() : nullptr;
    std::string existing = trim(e_.communication);
    if (existing.empty()) {
      Document row = communication_fields(store_, rules_, e_, r_, to_, cc_, automated_);
      const bool kept = batch && batch->tracks(r_.message_id);
      if (kept) {  // a later mail of the batch names it: its creation orders it among the rows
        const Value stamp(store_.now());
        row.set("creation", stamp);
        row.set("modified", stamp);
      }
      Document note;  // the fields later mails read, taken before the row moves to the store
      if (kept)
        for (const auto& f : BatchThreads::kFields) note.set(f, row.get(f));
      r_.communication = store_.insert("Communication", std::move(row));
      if (kept) {
        note.set("name", Value(r_.communication));
        batch->inserted(std::move(note));
      }
      return;
    }
    r_.communication = existing;
    if (store_.exists("Communication", existing)) {
      Document link{{"reference_doctype", r_.doctype}, {"reference_name", r_.name}, {"status", "Linked"}};
      if (!r_.in_reply_to.empty()) link.set("in_reply_to", r_.in_reply_to);
      store_.update("Communication", existing, link);
      if (batch) batch->refiled(existing, r_.doctype, r_.name);
    }
  }

  // The batch's rows carrying `id`, or null when the pass asks the store.
  const std::vector<Document>* batch_rows(const std::string& id) const {
    return facts_ && facts_->threads ? facts_->threads->rows_of(id) : nullptr;
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
    const FromField* read = facts_ && facts_->senders ? facts_->senders->from(facts_->item) : nullptr;
    FromField own;
    if (!read) own = read_from(e_, rules_);
    const std::vector<Mailbox>& from = read ? read->boxes : own.boxes;
    const std::string& from_address = read ? read->address : own.address;
    display_ = trim(e_.sender_full_name).empty() && !from.empty() ? from.front().name : e_.sender_full_name;
    sender_ = read ? read->parsed : std::move(own.parsed);
    std::string written = trim(from_address);  // the sender's address as the mail writes it
    if (rules_.reply_to != "use_from" && !trim(e_.reply_to).empty()) {
      auto boxes = mailboxes(e_.reply_to);
      if (!boxes.empty()) {
        EmailAddress rt = parse_email_address(boxes.front().address, rules_.plus_delimiter);
        if (!rt.empty() && !c_.is_alias(rt) && !c_.internal.contains(rt) && rt.base() != sender_.base() &&
            (rules_.reply_to != "web_forms" || sent_for_form(rt))) {
          sender_ = rt;
          written = trim(boxes.front().address);
          if (rules_.reply_to != "reply_to_keep_from_name") display_ = boxes.front().name;
          set_policy("reply_to", rules_.reply_to);
        }
      }
    }
    r_.sender = sender_.address;
    spellings_ = {sender_.address};
    // Also the address as written: rows a site stored without normalizing still match (on
    // Frappe, MariaDB's case-insensitive collation matches any case anyway).
    if (!written.empty() && written != sender_.address) spellings_.push_back(written);
    variants_.assign(spellings_.begin(), spellings_.end());
    new_sender_ = facts_ && facts_->senders && facts_->senders->unknown(spellings_);
  }

  // A web form's mail (reply_to "web_forms"): a system sender (a form service, a site's mailer)
  // writing for the person in Reply-To, a mailbox that is no system sender, at another
  // organisation than From's, and a person's rather than a team's unless the mail's text
  // repeats it (a form echoing the submitter's info@). A shop's notification answered at its
  // support@ stays system mail.
  bool sent_for_form(const EmailAddress& reply_to) const {
    if (!c_.is_system_sender(sender_) || c_.is_system_sender(reply_to) ||
        email_detail::same_organisation(sender_.domain, reply_to.domain))
      return false;
    if (!c_.is_role_mailbox(reply_to)) return true;
    const std::string& text = text::trim_view(e_.text_content).empty() ? e_.content : e_.text_content;
    return lower_ascii(text).find(reply_to.address) != std::string::npos;
  }

  void generate_name() {
    std::string name = clean_display_name(display_, sender_.address);
    if (name.empty()) name = name_from_address(sender_.address);
    if (name.empty() || c_.generic_names.count(casefold(name))) name = "Customer";
    r_.sender_name = name;
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
          if (written_to_.empty()) written_to_ = a.base();
          bool support = it->second == AliasKind::kSupport;
          if (in_to) (support ? support_in_to_ : sales_in_to_) = true;
          if (in_to) to_aliases_.push_back(a.base());
          auto& hit = support ? support_ : sales_;
          if (!hit) hit = a;
        }
      }
    };
    scan(e_.to, true, &to_);
    scan(e_.cc, false, &cc_);
    scan(e_.delivered_to, false, nullptr);
  }

  // Whether the mail's support alias decides (it has one): alone, or against a sales or info
  // alias unless only that one is in To (mixed_aliases).
  bool support_decides() {
    if (!sales_) return true;
    set_policy("mixed_aliases", rules_.mixed_aliases);
    return rules_.mixed_aliases == "support_wins" || support_in_to_ || !sales_in_to_;
  }

  void use_alias(const std::optional<EmailAddress>& a) {
    r_.alias = a->base();
    r_.alias_tag = a->tag;
  }

  // ---- reply aliases and brands --------------------------------------------------------------
  // The alias of this mail a `doctype` record answers from: the alias that decided, else
  // the first routing alias of the record's kind the mail was written to (support for a
  // ticket, sales or info for a lead; To, then Cc, then Delivered-To).
  std::string alias_for(const std::string& doctype) const {
    if (!r_.alias.empty()) return r_.alias;
    const auto& kind = doctype == kTicket ? support_ : sales_;
    return kind ? kind->base() : std::string();
  }
  // For a new record, else the first routing alias of any kind.
  std::string stored_alias(const std::string& doctype) const {
    std::string alias = alias_for(doctype);
    return alias.empty() ? written_to_ : alias;
  }

  // A human reply linked to a record that names no reply alias gives it this mail's alias
  // of the record's kind (never another kind's: a ticket does not become sales' by a reply).
  // A `row` read by this pass that shows an alias already says the update would match nothing.
  void fill_reply_alias(const std::string& doctype, const std::string& name, const Document* row) {
    if (!write_ || automated_ || !has_alias_field(doctype)) return;
    if (row && row->has(model::kReplyAliasField)) return;
    std::string alias = alias_for(doctype);
    if (alias.empty()) return;
    Filters unset{Filter("name", Value(name)), Filter::make(model::kReplyAliasField, "is", Value("not set"))};
    if (store_.update_where(doctype, unset, {{model::kReplyAliasField, alias}}, false) > 0)
      r_.reply_alias = alias;
  }

  // Mail written to one brand's alias sees only records of that brand (or of none) when the
  // rules below look a record up by its customer; header threading is not limited. A record
  // without a reply alias (kept from before brands or aliases were recorded) is of the brand
  // its customer's mails were written to.
  void keep_to_brand() {
    if (written_to_.empty() || !ticket_alias_field_) return;
    const Brand* brand = c_.site->brand_of(written_to_);
    if (!brand) return;
    dir_.restrict_to(model::kReplyAliasField, [this, brand](std::string_view doctype, const Document& row) {
      const std::string alias = row.text(model::kReplyAliasField);
      const Brand* of = alias.empty() ? brand_of_mails(doctype, row.text("name")) : c_.site->brand_of(alias);
      return of == nullptr || of == brand;
    });
  }

  // The brand of the first of the aliases the record's received mails were written to (To,
  // then Cc; oldest mails first, at most kHistoryMails), or null. Read once per record and mail.
  const Brand* brand_of_mails(std::string_view doctype, const std::string& name) {
    auto [it, fresh] = mail_brands_.try_emplace(std::string(doctype) + '\n' + name, nullptr);
    if (!fresh) return it->second;
    Query q{Filter("reference_doctype", Value(std::string(doctype))), Filter("reference_name", Value(name)),
            Filter("sent_or_received", Value("Received"))};
    for (const auto& mail : store_.find("Communication", q.select({"recipients", "cc", "creation"})
                                                             .order("creation asc")
                                                             .take(kHistoryMails)))
      for (const char* field : {"recipients", "cc"})
        for (const auto& box : mailboxes(mail.text(field)))
          if (const Brand* b = c_.site->brand_of(box.address)) return it->second = b;
    return nullptr;
  }

  // A mail from a record's customer to that record's reply alias continues it when the record
  // is of the other kind than the alias routes to: a lead moved to Helpdesk whose customer
  // writes to sales again lands on the ticket, a ticket moved to CRM on the lead (the newest
  // open one). Records of the alias's own kind are the alias rules' (steps 13 to 15).
  bool reply_alias_record() {
    if (written_to_.empty() || !ticket_alias_field_ || new_sender_) return false;
    auto kind = c_.aliases.find(written_to_);
    if (kind == c_.aliases.end()) return false;
    const Filter alias(model::kReplyAliasField, Value(written_to_));
    std::optional<model::Found> ticket, lead;
    if (kind->second != AliasKind::kSupport) {
      ticket = dir_.open_ticket({Filter("raised_by", Op::kIn, variants_), alias});
    } else if (lead_alias_field_) {
      lead = dir_.lead({Filter("email", Op::kIn, variants_), alias}, /*open_only=*/true);
    }
    if (!ticket && !lead) return false;
    set_policy("reply_alias", written_to_);
    r_.alias = written_to_;
    r_.alias_tag.clear();
    for (const auto& a : {support_, sales_})
      if (a && a->base() == written_to_) r_.alias_tag = a->tag;
    if (ticket) {
      link_open_ticket(*ticket, "reply_alias");
      r_.match = "reply_alias";
      return true;
    }
    if (!lead->merged_from.empty()) r_.merged_from = lead->merged_from;
    link(kLead, lead->name, "reply_alias", "reply_alias", {}, &lead->row);
    return true;
  }

  // ---- store lookups -------------------------------------------------------------------------
  std::string ago(std::chrono::minutes m) { return store_.datetime_text(store_.now_time_point() - m); }

  bool is_duplicate() {
    Query q{Filter("message_id", Value(r_.message_id)), Filter("sent_or_received", Value("Received"))};
    if (!trim(e_.communication).empty()) q.where(Filter("name", Op::kNe, Value(trim(e_.communication))));
    return !store_.find("Communication", q.select({"name"}).take(1)).empty();
  }

  std::string contact() {
    if (!contact_looked_up_ && !new_sender_) contact_ = dir_.contact_by_email(spellings_);
    contact_looked_up_ = true;
    return contact_;
  }

  bool is_waiting(const std::string& status) {
    return status != rules_.ticket_status && dir_.ticket_statuses().is_waiting(status);
  }

  // The sender's open tickets, newest-modified first (optionally modified since `since`).
  std::vector<model::Found> open_tickets(const std::string& since, std::size_t limit) {
    if (new_sender_) return {};
    Filters by{Filter("raised_by", Op::kIn, variants_)};
    if (!since.empty()) by.emplace_back("modified", Op::kGe, Value(since));
    return dir_.open_tickets(by, limit, ticket_alias_field_ ? alias_field_ : no_fields_);
  }

  // The first ticket of `found` whose subject matches this mail's, or the first one.
  std::optional<model::Found> pick(std::vector<model::Found> found, bool same_subject) {
    const std::string want = same_subject ? casefold(normalize_subject(e_.subject)) : std::string();
    for (auto& f : found) {
      if (!same_subject || casefold(normalize_subject(f.row.text("subject"))) == want)
        return std::move(f);
    }
    return std::nullopt;
  }

  // The record a Message-ID belongs to: the newest Communication carrying it (creation desc,
  // then name desc) owns the thread; its reference is followed through merges.
  std::optional<Thread> owner_of(const std::string& id, const char* level) {
    static const std::vector<model::SortKey> kNewestFirst{{"creation", true}, {"name", true}};
    const Filters filed{
        Filter("reference_doctype", Op::kIn, std::vector<Value>{Value(kTicket), Value(kLead)}),
        Filter::make("reference_name", "is", Value("set"))};
    std::vector<Document> rows;
    if (const std::vector<Document>* known = batch_rows(id)) {  // read once for the batch
      const Document* newest = nullptr;
      for (const auto& row : *known)
        if (filters_match(filed, row) && (!newest || model::comes_before(row, *newest, kNewestFirst)))
          newest = &row;
      if (newest) rows.push_back(*newest);
    } else {
      Query q{Filter("message_id", Value(id))};
      for (const auto& f : filed) q.where(f);
      rows = dir_.first_in_order(
          "Communication",
          q.select({"name", "reference_doctype", "reference_name", "recipients", "creation"}),
          kNewestFirst, 1);
    }
    if (rows.empty()) return std::nullopt;
    Thread t;
    t.recipients = rows.front().text("recipients");
    t.doctype = rows.front().text("reference_doctype");
    t.pointed_at = rows.front().text("reference_name");
    t.communication = rows.front().name();
    t.level = level;
    std::string pointer(model::merge_pointer(t.doctype));
    std::vector<std::string> fields{"name", pointer};
    if (t.doctype == kTicket) fields = {"name", pointer, "status", "modified", "resolution_date", "subject"};
    if (has_alias_field(t.doctype)) fields.emplace_back(model::kReplyAliasField);
    auto record = store_.find_one(t.doctype, Query{Filter("name", Value(t.pointed_at))}.select(fields));
    if (record) record = dir_.survivor_row(t.doctype, *record, fields);  // merged: the survivor
    if (!record) return std::nullopt;  // the record is gone: no thread
    t.name = record->name();
    t.record = std::move(*record);
    return t;
  }

  // In-Reply-To, then References newest first (at most max_references), skipping this mail's
  // own id. `first` is tried before them (a bounce's original Message-ID).
  std::optional<Thread> thread_by_headers(const std::string& first) {
    std::vector<std::string>& seen = header_ids_;  // kept: the thread's ids, for forwards
    seen.clear();
    std::optional<Thread> found;
    for (const auto& [id, level] : thread_ids(e_, rules_, first)) {
      if (id.empty() || id == r_.message_id) continue;
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      seen.push_back(id);
      if (!found) found = owner_of(id, level);
    }
    return found;
  }

  // A reply without usable threading headers ("Re: <subject>", not a forward, not to sales or
  // info only): the sender's newest ticket of any status with the same subject is its thread.
  std::optional<Thread> thread_by_subject() {
    if (sales_ && !support_) return std::nullopt;
    const std::string base = reply_subject_base();
    if (base.empty() || new_sender_) return std::nullopt;
    auto tickets = dir_.tickets({Filter("raised_by", Op::kIn, variants_)}, 20, {"resolution_date"});
    std::optional<std::size_t> pick;
    for (std::size_t i = 0; i < tickets.size() && !pick; ++i)
      if (casefold(normalize_subject(tickets[i].row.text("subject"))) == base) pick = i;
    // A conversation that joined the customer's open ticket: its subject is on the ticket's
    // mails, not on the ticket.
    if (!pick) pick = record_with_subject(kTicket, tickets, base);
    if (!pick) return std::nullopt;
    model::Found& f = tickets[*pick];
    Thread t;
    t.doctype = kTicket;
    t.name = f.name;
    t.pointed_at = f.merged_from.empty() ? f.name : f.merged_from;
    t.level = "subject";
    t.record = std::move(f.row);
    return t;
  }

  // The subject a reply's "Re: <subject>" answers, case-folded; "" when the subject carries no
  // reply prefix or is a forward's.
  std::string reply_subject_base() const {
    if (email_detail::is_forward_subject(e_.subject)) return {};
    std::string base = casefold(normalize_subject(e_.subject));
    if (base == casefold(email_detail::collapse_whitespace(e_.subject))) return {};
    return base;
  }

  void note_thread(const Thread& t) {
    r_.in_reply_to = t.communication;
    if (t.pointed_at != t.name) r_.merged_from = t.pointed_at;
  }

  // ---- the rules -----------------------------------------------------------------------------
  void bounce() {
    r_.bounce_recipient = e_.bounce.final_recipient;
    r_.bounce_status = e_.bounce.status;
    automated_ = true;
    std::string message = "[BOUNCE] " + r_.sender +
                          (r_.bounce_recipient.empty() ? "" : " | " + r_.bounce_recipient + " " + r_.bounce_status);
    if (rules_.automated_mail == "drop") return skip("bounce", "Route: Bounce", message);
    auto t = thread_by_headers(e_.bounce.original_message_id);
    if (!t) return skip("bounce", "Route: Bounce", message);
    note_thread(*t);
    link(t->doctype, t->name, "bounce", t->level);
  }

  void automated() {
    automated_ = true;
    std::string message = "[AUTOMATED] " + r_.kind + " | " + r_.sender;
    set_policy("automated_mail", rules_.automated_mail);
    // Reached for auto-reply, out-of-office and mailing-list mail: the kind is the reason.
    if (rules_.automated_mail == "drop") return skip(r_.kind.c_str(), "Route: Automated", message);
    auto t = thread_by_headers({});
    if (!t) return skip(r_.kind.c_str(), "Route: Automated", message);
    note_thread(*t);
    link(t->doctype, t->name, r_.kind, t->level);
  }

  // Whether one of this mail's routing aliases in To was seen anywhere in the thread: in To,
  // Cc or From of any mail its In-Reply-To and References name (then it is a reply in the
  // same conversation, e.g. after a lead <-> ticket transfer, not a forward).
  bool alias_seen_in_thread(const Thread& t) {
    const std::size_t most = 4 * header_ids_.size() + 4;
    std::vector<Document> rows;
    bool known = true;
    for (const auto& id : header_ids_) {
      const std::vector<Document>* of = batch_rows(id);
      known = of && rows.size() + of->size() <= most;  // else which rows count is the store's
      if (!known) break;
      rows.insert(rows.end(), of->begin(), of->end());
    }
    if (!known) {
      std::vector<Value> ids(header_ids_.begin(), header_ids_.end());
      rows = store_.find("Communication", Query{Filter("message_id", Op::kIn, ids)}
                                              .select({"recipients", "cc", "sender"})
                                              .take(static_cast<std::int64_t>(most)));
    }
    std::vector<std::string> fields{t.recipients};
    for (const auto& row : rows) {
      fields.push_back(row.text("recipients"));
      fields.push_back(row.text("cc"));
      fields.push_back(row.text("sender"));
    }
    for (const auto& field : fields)
      for (const auto& box : mailboxes(field)) {
        std::string base = parse_email_address(box.address, rules_.plus_delimiter).base();
        if (std::find(to_aliases_.begin(), to_aliases_.end(), base) != to_aliases_.end()) return true;
      }
    return false;
  }

  // A header match. Returns false to let the alias rules decide instead.
  bool follow_thread(const Thread& t) {
    bool is_ticket = t.doctype == kTicket;
    bool other_alias = (is_ticket && sales_in_to_ && !support_in_to_) ||
                       (!is_ticket && support_in_to_ && !sales_in_to_);
    // The record's own reply alias in To (a transferred lead's sales alias) is no forward.
    const std::string own = t.record.text(model::kReplyAliasField);
    const bool own_alias = !own.empty() && std::find(to_aliases_.begin(), to_aliases_.end(), own) != to_aliases_.end();
    // A forward prefix ("Fwd:", "WG:") says so even when that alias was copied in earlier: the
    // customer hands the conversation to the other team. Otherwise an alias seen in the thread
    // makes it a reply in the same conversation.
    if (other_alias && t.level != "subject" && !own_alias &&
        (email_detail::is_forward_subject(e_.subject) || !alias_seen_in_thread(t))) {
      // Forwarded to another routing alias: a new record for that alias.
      r_.match = "forwarded";
      if (is_ticket) sales("forwarded");
      else support("forwarded");
      return true;
    }
    note_thread(t);
    if (!is_ticket) {
      link(t.doctype, t.name, t.level, t.level, {}, &t.record);
      return true;
    }
    std::string status = t.record.text("status");
    if (dir_.ticket_statuses().is_open(status)) {
      link(t.doctype, t.name, t.level, t.level, reopen_if_waiting(status), &t.record);
      return true;
    }
    // A closed ticket: the thread continues on its newest follow-up, when it has one.
    if (auto follow_up = dir_.latest_follow_up(t.name)) {
      status = follow_up->row.text("status");
      if (dir_.ticket_statuses().is_open(status)) {
        r_.in_reply_to.clear();  // the answered mail is on the closed ticket
        link(kTicket, follow_up->name, "follow_up", t.level, reopen_if_waiting(status), &follow_up->row);
        return true;
      }
      closed_reply(follow_up->name, follow_up->row, t.level);
      return true;
    }
    closed_reply(t.name, t.record, t.level);
    return true;
  }

  // A reply to the closed ticket `name` (its row carries status, modified, resolution_date):
  // reopen it, open a follow-up linked to it, or open a new ticket, as the policy of its
  // status says (closed_ticket for "Closed", resolved_ticket for the other closed statuses).
  void closed_reply(const std::string& name, const Document& record, const std::string& level) {
    const bool closed = email_detail::iequals(trim(record.text("status")), "Closed");
    const std::string& policy = closed ? rules_.closed_ticket : rules_.resolved_ticket;
    set_policy(closed ? "closed_ticket" : "resolved_ticket", policy);
    bool reopen = policy == "reopen";
    if (policy == "reopen_within_days" || policy == "new_ticket_after_days") {
      std::string closed_at = record.text("resolution_date");
      if (closed_at.empty()) closed_at = record.text("modified");
      reopen = closed_at >= ago(std::chrono::hours(24) * rules_.closed_ticket_days);
    }
    if (reopen) {
      link(kTicket, name, "reopened", level,
           rules_.reopen_status.empty() ? rules_.ticket_status : rules_.reopen_status, &record);
      return;
    }
    r_.in_reply_to.clear();  // a new ticket answers nothing of its own
    r_.merged_from.clear();
    if (policy == "follow_up" || policy == "reopen_within_days") {
      r_.follow_up_of = name;
      r_.match = level;
      create(kTicket, "follow_up");
      if (r_.skipped()) r_.follow_up_of.clear();
      return;
    }
    create(kTicket, "closed_ticket");
  }

  // The status a human reply sets on a ticket in `status`: reopen_status when it waits.
  std::string reopen_if_waiting(const std::string& status) {
    if (!rules_.reopen_status.empty() && status != rules_.reopen_status && is_waiting(status))
      return rules_.reopen_status;
    return {};
  }

  void link_open_ticket(model::Found& ticket, const char* reason) {
    if (!ticket.merged_from.empty()) r_.merged_from = ticket.merged_from;
    link(kTicket, ticket.name, reason, "sender_open_ticket",
         reopen_if_waiting(ticket.row.text("status")), &ticket.row);
  }

  void support(const char* reason) {
    log("Route: Support", "[SUPPORT] " + r_.sender);
    if (support_) use_alias(support_);
    const std::string& policy = rules_.support_alias_existing_ticket;
    set_policy("support_alias_existing_ticket", policy);
    if (policy != "always_new") {
      bool same_subject = policy == "link_if_same_subject";
      if (auto ticket = pick(open_tickets("", same_subject ? 50 : 1), same_subject)) {
        link_open_ticket(*ticket, std::string(reason) == "forwarded" ? "forwarded"
                                                                     : "support_alias_open_ticket");
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
    // A mail to sales or info is about a purchase unless it names the ticket.
    bool intent = sales_ && rules_.sales_alias_open_ticket == "link_if_about_ticket";
    bool same_subject = policy == "same_subject";
    std::optional<model::Found> ticket;
    if (intent) {
      for (auto& f : open_tickets(since, 50))
        if (about_ticket(f.row)) {
          ticket = std::move(f);
          break;
        }
      if (!ticket) return false;
      set_policy("sales_alias_open_ticket", rules_.sales_alias_open_ticket);
    } else {
      ticket = pick(open_tickets(since, same_subject ? 50 : 1), same_subject);
      if (!ticket) return false;
    }
    set_policy("sender_recency_link", policy);
    link_open_ticket(*ticket, "sender_open_ticket");
    return true;
  }

  // Whether this mail's subject says it is about `ticket`: the same subject once reply
  // prefixes are gone (a forwarded ticket "Fwd: <subject>" is a new matter for sales), or the
  // ticket's number after a '#' ("#0042", "#42").
  bool about_ticket(const Document& ticket) const {
    const std::string subject = casefold(normalize_subject(e_.subject));
    if (!subject.empty() && !email_detail::is_forward_subject(e_.subject) &&
        subject == casefold(normalize_subject(ticket.text("subject"))))
      return true;
    std::string number = ticket.name();
    number.erase(0, std::min(number.find_first_not_of('0'), number.size()));
    if (number.empty()) return false;
    for (std::size_t at = e_.subject.find('#'); at != std::string::npos; at = e_.subject.find('#', at + 1)) {
      std::size_t i = at + 1;
      while (i < e_.subject.size() && e_.subject[i] == '0') ++i;
      if (e_.subject.compare(i, number.size(), number) != 0) continue;
      std::size_t end = i + number.size();
      if (end == e_.subject.size() || !std::isalnum(static_cast<unsigned char>(e_.subject[end]))) return true;
    }
    return false;
  }

  // The sender's lead (any state), followed through merges.
  // (Its row carries the reply alias, when the schema has it.)
  std::optional<model::Found> existing_lead() {
    if (new_sender_) return std::nullopt;
    auto lead = dir_.lead({Filter("email", Op::kIn, variants_)}, /*open_only=*/false,
                          lead_alias_field_ ? alias_field_ : no_fields_);
    if (!lead) return std::nullopt;
    if (!lead->merged_from.empty()) r_.merged_from = lead->merged_from;
    return lead;
  }

  // The sender's lead for the sales rule, and in `match` how it was found: for a reply without
  // threading headers ("Re: <subject>") from a customer with several leads, the newest whose
  // conversation holds a mail with that subject ("lead_subject"); else the newest ("lead_email").
  std::optional<model::Found> sales_lead(const char*& match) {
    match = "lead_email";
    const std::string base = new_sender_ ? std::string() : reply_subject_base();
    if (base.empty()) return existing_lead();
    auto leads = dir_.leads({Filter("email", Op::kIn, variants_)}, /*open_only=*/false,
                            kSubjectLeads, lead_alias_field_ ? alias_field_ : no_fields_);
    if (leads.empty()) return std::nullopt;
    std::size_t pick = 0;  // the newest, as existing_lead() finds it
    if (leads.size() > 1) {
      if (auto i = record_with_subject(kLead, leads, base)) {
        pick = *i;
        match = "lead_subject";
      }
    }
    if (!leads[pick].merged_from.empty()) r_.merged_from = leads[pick].merged_from;
    return std::move(leads[pick]);
  }

  // The first of `records` (of `doctype`) with a Communication whose subject, without reply
  // prefixes and case-folded, is `base`; nullopt when none (or no records).
  std::optional<std::size_t> record_with_subject(const char* doctype,
                                                 const std::vector<model::Found>& records,
                                                 const std::string& base) {
    if (records.empty()) return std::nullopt;
    std::vector<Value> names;
    for (const auto& r : records) {
      names.emplace_back(r.name);
      if (!r.merged_from.empty()) names.emplace_back(r.merged_from);
    }
    Query q{Filter("reference_doctype", Value(doctype)), Filter("reference_name", Op::kIn, names)};
    std::set<std::string> on_subject;
    for (const auto& c : store_.find("Communication", q.select({"reference_name", "subject"}).take(kSubjectMails)))
      if (casefold(normalize_subject(c.text("subject"))) == base) on_subject.insert(c.text("reference_name"));
    for (std::size_t i = 0; i < records.size(); ++i)
      if (on_subject.count(records[i].name) || on_subject.count(records[i].merged_from)) return i;
    return std::nullopt;
  }

  void sales(const char* reason) {
    if (sales_) use_alias(sales_);
    const char* match = nullptr;
    if (auto lead = sales_lead(match)) {
      link(kLead, lead->name, std::string(reason) == "forwarded" ? "forwarded" : "sales_alias_existing_lead",
           match, {}, &lead->row);
      return;
    }
    create(kLead, reason);
  }

  void fallback() {
    if (new_sender_) return create(kLead, "new_customer");
    auto history = store_.find(kTicket, Query{Filter("raised_by", Op::kIn, variants_)}.select({"name"}).take(1));
    if (!history.empty()) return create(kTicket, "ticket_history");
    if (auto lead = existing_lead()) return link(kLead, lead->name, "lead_history", "lead_email", {}, &lead->row);
    create(kLead, "new_customer");
  }

  // At least loop_threshold records created for this sender within the window -> skip.
  bool loop_suspected() {
    if (rules_.loop_threshold <= 0 || rules_.loop_window_minutes <= 0) return false;
    if (c_.loop_allow.count(sender_.address) || c_.loop_allow.count(sender_.base()) ||
        c_.loop_allow.count("@" + sender_.domain))
      return false;
    if (new_sender_) return false;  // no records at all: none within the window
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
  model::Directory dir_;
  const CompiledRules& c_;
  const RoutingRules& rules_;
  const InboundEmail& e_;
  const bool write_;
  RouteResult& r_;
  const SiteFacts* facts_;  // read once per batch, or null
  EmailAddress sender_;
  std::string display_;
  std::vector<std::string> spellings_;  // the sender as stored: normalized, and as written
  std::vector<Value> variants_;         // the same, as filter values
  std::vector<std::string> to_, cc_;    // normalized recipients for the Communication
  std::optional<EmailAddress> support_, sales_;
  std::vector<std::string> to_aliases_;  // the routing aliases in To (base addresses)
  std::vector<std::string> header_ids_;  // In-Reply-To and References ids, as looked up
  bool support_in_to_ = false, sales_in_to_ = false;
  std::string written_to_;  // the first routing alias the mail was written to (base)
  // Whether the schema has custom_reply_email_alias (HD Ticket; CRM Lead): else no alias rules.
  const bool ticket_alias_field_ = facts_ && facts_->ticket_alias_field
                                        ? *facts_->ticket_alias_field
                                        : dir_.has_field(kTicket, model::kReplyAliasField);
  const bool lead_alias_field_ = facts_ && facts_->lead_alias_field
                                      ? *facts_->lead_alias_field
                                      : dir_.has_field(kLead, model::kReplyAliasField);
  bool has_alias_field(const std::string& doctype) const {
    return doctype == kTicket ? ticket_alias_field_ : lead_alias_field_;
  }
  std::unordered_map<std::string, const Brand*> mail_brands_;  // brand_of_mails, by doctype and name
  // The reply alias, read with the records a mail may link to (fill_reply_alias).
  const std::vector<std::string> alias_field_{model::kReplyAliasField};
  const std::vector<std::string> no_fields_;
  bool automated_ = false;  // automated mail: never changes a record's status
  bool contact_looked_up_ = false;
  std::string contact_;
  // No record carries the sender (BatchSenders): every lookup by the sender finds nothing.
  bool new_sender_ = false;
};

}  // namespace

std::vector<std::pair<std::string, const char*>> thread_ids(const InboundEmail& e,
                                                           const RoutingRules& rules,
                                                           const std::string& first) {
  std::vector<std::pair<std::string, const char*>> ids;
  if (!first.empty()) ids.emplace_back(strip_brackets(first), "original_message_id");
  if (!trim(e.in_reply_to).empty()) ids.emplace_back(strip_brackets(e.in_reply_to), "in_reply_to");
  std::size_t n = e.references.size();
  std::size_t keep = std::min(n, static_cast<std::size_t>(rules.max_references));
  for (std::size_t i = 0; i < keep; ++i) ids.emplace_back(strip_brackets(e.references[n - 1 - i]), "references");
  return ids;
}

FromField read_from(const InboundEmail& e, const RoutingRules& rules) {
  FromField f;
  f.boxes = mailboxes(e.sender);
  f.address = f.boxes.empty() ? trim(e.sender) : f.boxes.front().address;
  f.parsed = parse_email_address(f.address, rules.plus_delimiter);
  return f;
}

std::vector<std::string> sender_candidates(const InboundEmail& e, const CompiledRules& c,
                                           std::optional<FromField>* from) {
  std::vector<std::string> out;
  if (!email_detail::iequals(trim(e.sent_or_received), "Received") || trim(e.email_account).empty() ||
      (!trim(e.reference_doctype).empty() && !trim(e.reference_name).empty()))
    return out;
  try {  // as resolve_sender reads them
    FromField f = read_from(e, c.rules);
    const EmailAddress& sender = f.parsed;
    const bool reply_to = !trim(e.reply_to).empty();
    if (reply_to || !(sender.empty() || c.internal.contains(sender) || c.is_alias(sender) ||
                      c.blocked.count(sender.address) || c.blocked.count(sender.base()))) {
      out.push_back(sender.address);
      out.push_back(trim(f.address));
      if (reply_to)
        if (auto boxes = mailboxes(e.reply_to); !boxes.empty()) {
          out.push_back(parse_email_address(boxes.front().address, c.rules.plus_delimiter).address);
          out.push_back(trim(boxes.front().address));
        }
    }
    if (from) *from = std::move(f);
  } catch (...) {  // the pass reads it again (and fails as it does)
    out.clear();
    if (from) from->reset();
  }
  return out;
}

namespace {

// The site with the rules' overrides: an alias override replaces the flat list (the brands'
// aliases stay); an internal_domains override replaces company_domains and internal_domains.
std::shared_ptr<const SiteConfig> with_overrides(const RoutingRules& rules, const SiteConfig& site) {
  auto out = std::make_shared<SiteConfig>(site);
  if (rules.support_aliases) out->support_aliases = *rules.support_aliases;
  if (rules.sales_aliases) out->sales_aliases = *rules.sales_aliases;
  if (rules.info_aliases) out->info_aliases = *rules.info_aliases;
  if (rules.open_statuses) out->open_ticket_statuses = *rules.open_statuses;
  if (rules.internal_domains) {
    out->company_domains = *rules.internal_domains;
    out->internal_domains.clear();
  }
  return out;
}

}  // namespace

CompiledRules::CompiledRules(const RoutingRules& r, std::shared_ptr<const SiteConfig> from_store)
    : rules(r), store_site(std::move(from_store)), site(with_overrides(rules, *store_site)),
      internal(site->all_internal_domains()) {
  rules.validate();
  auto add_aliases = [&](const std::vector<std::string>& list, AliasKind kind) {
    for (const auto& a : list) {
      EmailAddress n = parse_email_address(a, rules.plus_delimiter);
      if (!n.empty()) aliases.emplace(n.base(), kind);
    }
  };
  add_aliases(site->all_support_aliases(), AliasKind::kSupport);
  add_aliases(site->all_sales_aliases(), AliasKind::kSales);
  add_aliases(site->all_info_aliases(), AliasKind::kInfo);
  for (const auto& b : rules.blocked_senders) {
    std::string n = parse_email_address(b, "").address;
    if (!n.empty()) blocked.insert(n);
  }
  for (const auto& k : rules.system_keywords) keywords.insert(lower_ascii(trim(k)));
  for (const auto& p : rules.system_prefixes) prefixes.push_back(lower_ascii(trim(p)));
  for (const auto& p : rules.role_mailboxes) roles.push_back(lower_ascii(trim(p)));
  for (const auto& g : rules.generic_names) generic_names.insert(casefold(trim(g)));
  for (const auto& a : rules.loop_allow) {
    std::string t = trim(a);
    if (!t.empty() && t[0] == '@') loop_allow.insert("@" + parse_email_address("x" + t, "").domain);
    else if (auto n = parse_email_address(t, ""); !n.empty()) loop_allow.insert(n.address);
  }
}

bool CompiledRules::is_system_sender(const EmailAddress& a) const {
  std::string local = lower_ascii(a.local);
  return keywords.count(local) || text::contains_word(local, prefixes);
}

bool CompiledRules::is_role_mailbox(const EmailAddress& a) const {
  return text::contains_word(lower_ascii(a.local), roles);
}

void route_pass(Store& store, const CompiledRules& rules, const InboundEmail& email, bool write,
                RouteResult& result, const SiteFacts* facts) {
  Pass(store, rules, email, write, result, facts).run();
}

}  // namespace switchboard::routing_detail
