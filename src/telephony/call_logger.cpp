// CallLogger: call events upserted into Helpdesk Call Log and CRM Call Log, linked to the
// customer's ticket, lead and contact by phone key; manual click-to-call logs.
#include "switchboard/call_logger.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "core/text.h"
#include "model/directory.h"
#include "store/batch.h"
#include "switchboard/phone.h"
#include "switchboard/phone_fields.h"

namespace switchboard {

// The HD Ticket statuses of the site the logger last saw (read once per site).
struct CallLogger::Cache {
  std::mutex mutex;
  std::shared_ptr<const SiteConfig> site;
  std::optional<model::TicketStatuses> statuses;
};

namespace {

constexpr const char* kHelpdeskLog = "Helpdesk Call Log";
constexpr const char* kCrmLog = "CRM Call Log";
constexpr std::size_t kTicketsForContact = 20;  // tickets read to find a caller's one contact

// The keyed phone field `source` of `doctype` (its key and extension fields), or null.
const PhoneKeyField* keyed_field(std::string_view doctype, std::string_view source) {
  for (const auto& f : phone_key_fields(doctype))
    if (f.source == source) return &f;
  return nullptr;
}

// Records whose `source` field stores `key`; with `without_extension`, written without one.
Filters by_key(std::string_view doctype, std::string_view source, const std::string& key,
               bool without_extension) {
  const PhoneKeyField* f = keyed_field(doctype, source);
  Filters by{Filter(f->key, Value(key))};
  if (without_extension) by.emplace_back(f->extension, Op::kIsNotSet, Value());
  return by;
}

using text::lower_ascii;

// The site facts one call is logged by: the options' overrides, else the store's site.
struct CallSite {
  std::shared_ptr<const SiteConfig> site;
  std::string region;  // "" = key numbers on the site (its region and fallback regions)
  std::vector<std::string> company_numbers;
  std::vector<std::string> company_keys;

  CallSite(Store& store, const CallLoggerOptions& o)
      : site(store.site()),
        region(o.region),
        company_numbers(o.company_numbers ? *o.company_numbers : site->all_company_numbers()) {
    for (const auto& n : company_numbers)
      if (auto k = key_of(n)) company_keys.push_back(std::move(*k));
  }
  std::optional<std::string> key_of(std::string_view raw) const {
    return region.empty() ? phone_key(raw, *site) : phone_key(raw, region);
  }
  bool is_company(const std::string& key) const {
    return std::find(company_keys.begin(), company_keys.end(), key) != company_keys.end();
  }
};

// Field names of one call-log doctype.
struct LogFields {
  const char* doctype;
  const char* call_id;  // the call-log id field
  const char* from;
  const char* to;
};
constexpr LogFields kHelpdeskFields{kHelpdeskLog, "call_id", "from_number", "to_number"};
constexpr LogFields kCrmFields{kCrmLog, "id", "from", "to"};

// Sets `field` in `changes` when `value` is given and differs from what is stored.
// Whether a stored value already says `value`. Datetimes compare as instants: a backend may
// return "2025-01-06 10:30:00" as "2025-01-06 10:30:00.000000" (MariaDB, Frappe).
bool same(const Value& stored, const Value& value) {
  if (compare_values(stored, value) == 0) return true;
  if (!stored.is_text() || !value.is_text()) return false;
  auto whole_seconds = [](std::string_view s) {
    return s.size() == 26 && s[10] == ' ' && s.substr(19) == ".000000" ? s.substr(0, 19) : s;
  };
  return whole_seconds(stored.as_text()) == whole_seconds(value.as_text());
}

void put(Document& changes, const std::optional<Document>& stored, const char* field,
         const Value& value) {
  if (value.is_empty()) return;
  if (stored && same(stored->get(field), value)) return;
  changes.set(field, value);
}

struct Links {
  std::string ticket, lead, contact;
  bool create_ticket = false;  // nothing matched and the logger creates tickets
};

}  // namespace

CallLogger::CallLogger(std::shared_ptr<Store> store, CallLoggerOptions options)
    : store_(std::move(store)), options_(std::move(options)), cache_(std::make_shared<Cache>()) {
  if (!store_) throw ValidationError("CallLogger needs a store", ErrorCode::kInvalidArgument);
}

CallLogger::~CallLogger() = default;

std::string CallLogger::status_for(const CallEvent& ev) const {
  if (!ev.result.empty()) {
    std::string r = lower_ascii(ev.result);
    for (const char* s : {"accepted", "call connected", "answered", "completed", "received",
                          "sent", "reply", "call accepted", "answered elsewhere"})
      if (r == s) return "Completed";
    for (const char* s : {"missed", "no answer", "voicemail", "voice mail", "hang up",
                          "abandoned", "no calling credit"})
      if (r == s) return "No Answer";
    if (r == "busy") return "Busy";
    for (const char* s : {"rejected", "declined", "blocked", "stopped", "restricted number",
                          "suspended account", "call return", "stopped by user"})
      if (r == s) return "Canceled";
    for (const char* s : {"failed", "call failed", "call failure", "internal error",
                          "wrong number", "bad number", "ip phone offline", "fax not sent",
                          "partial receive", "international disabled", "international restriction"})
      if (r == s) return "Failed";
    if (r == "in progress") return "In Progress";
    return options_.fallback_status;
  }
  if (!ev.status_code.empty()) {
    std::string c = lower_ascii(ev.status_code);
    if (c == "setup" || c == "proceeding") return "Ringing";
    if (c == "answered" || c == "hold" || c == "parked" || c == "voicemailscreening")
      return "In Progress";
    if (c == "voicemail") return "No Answer";
    if (c == "disconnected" || c == "gone")
      return ev.missed_call.value_or(false) ? "No Answer" : "Completed";
    if (c == "faxreceive") return "Completed";
    return options_.fallback_status;
  }
  if (ev.duration && *ev.duration > 0) return "Completed";
  return {};
}

namespace {

class Ingest {
 public:
  Ingest(CallLogger& logger, Store& store, const CallLoggerOptions& options, const CallSite& site,
         const model::TicketStatuses& statuses)
      : logger_(logger), store_(store), options_(options), site_(site), dir_(store, site.site) {
    dir_.use_ticket_statuses(statuses);
  }

  IngestResult run(const CallEvent& ev) {
    IngestResult r;
    if (ev.kind == CallEventKind::kRecordingReady) return recording_ready(ev);
    r.customer_key = customer_key(ev);
    std::optional<Document> hd, crm;
    if (options_.helpdesk_call_logs) hd = find_log(kHelpdeskFields, ev);
    if (options_.crm_call_logs) crm = find_log(kCrmFields, ev);
    bool known = hd || crm;

    // Telephony events arrive unordered: never let an older one (or any, once the final
    // call-log record is in) change the state of the call.
    bool state_frozen = false;
    if (ev.kind == CallEventKind::kTelephonySession && known) {
      const Document& stored = hd ? *hd : *crm;
      std::int64_t seq = stored.integer("telephony_sequence", -1);
      if (stored.has("result") || (ev.sequence && seq >= *ev.sequence)) state_frozen = true;
    }

    const Document& stored = known ? (hd ? *hd : *crm) : Document();
    Links links = link(r.customer_key, stored, may_create_ticket(ev, stored, state_frozen));
    if (links.create_ticket) {
      create_ticket(ev, r.customer_key, links);
      r.ticket_created = true;
      r.contact_created = contact_created_;
    }
    r.ticket = links.ticket;
    r.lead = links.lead;
    r.contact = links.contact;

    bool created = false, changed = false;
    if (options_.helpdesk_call_logs) {
      auto [name, c, ch] = write_log(kHelpdeskFields, hd, ev, links, state_frozen);
      r.call_log = name;
      created |= c;
      changed |= ch;
    }
    if (options_.crm_call_logs) {
      auto [name, c, ch] = write_log(kCrmFields, crm, ev, links, state_frozen);
      r.crm_call_log = name;
      created |= c;
      changed |= ch;
    }
    if (created) {
      r.action = "created";
      r.reason = "new_call";
    } else if (changed) {
      r.action = "updated";
      r.reason = state_frozen ? "filled_fields" : "newer_event";
    } else {
      r.action = "duplicate";
      r.reason = state_frozen ? "stale_sequence" : "same_event";
    }
    return r;
  }

 private:
  // The customer's end: the caller of an inbound call, the callee of an outbound one.
  std::string customer_key(const CallEvent& ev) const {
    std::vector<const CallParty*> order;
    if (ev.direction == "Outbound") order = {&ev.to};
    else if (ev.direction == "Inbound") order = {&ev.from};
    else order = {&ev.from, &ev.to};
    for (const CallParty* p : order) {
      if (p->phone_number.empty()) continue;  // an extension alone is never a customer
      auto key = site_.key_of(p->phone_number);
      if (key && !site_.is_company(*key)) return *key;
    }
    return {};
  }

  std::optional<Document> find_log(const LogFields& f, const CallEvent& ev) {
    if (!ev.call_id.empty())
      if (auto d = store_.find_one(f.doctype, Query{Filter(f.call_id, Value(ev.call_id))})) return d;
    // A log started by telephony events (no call id yet) is the same call.
    for (auto [field, value] : {std::pair<const char*, const std::string*>{"telephony_session_id",
                                                                         &ev.telephony_session_id},
                                {"session_id", &ev.session_id}}) {
      if (value->empty()) continue;
      // The session's logs are few: pick the oldest one without a call id here, not in SQL.
      for (auto& d : store_.find(f.doctype, Query{Filter(field, Value(*value))}.order("creation asc").take(8)))
        if (ev.call_id.empty() || !d.has(f.call_id)) return std::move(d);
    }
    return std::nullopt;
  }

  // The customer's open ticket matching `by` (followed through merges), or "".
  std::string open_ticket(const Filters& by) {
    auto found = dir_.open_ticket(by);
    return found ? found->name : std::string();
  }

  // The tickets (any status, survivors, newest first) carrying the caller's number: up to
  // kTicketsForContact, all of them when fewer.
  std::vector<model::Found> tickets_carrying(const std::string& key) {
    const PhoneKeyField* mobile = keyed_field("HD Ticket", "contact_mobile");
    return dir_.tickets({Filter(mobile->key, Value(key))}, kTicketsForContact,
                        {"contact", mobile->extension});
  }

  // The one contact of `tickets` (tickets_carrying), or "" when none or several: a customer
  // whose number is on their tickets but not on their Contact. A line shared by several
  // customers (a hotel's front desk) links nobody. Only tickets written without an extension
  // count: one written with an extension may be any desk's of a company line (a caller ID
  // cannot tell them apart), so it neither names nor rules out a contact.
  static std::string ticket_contact(const std::vector<model::Found>& tickets) {
    const std::string& extension = keyed_field("HD Ticket", "contact_mobile")->extension;
    std::string contact;
    for (const auto& t : tickets) {
      if (!t.row.text(extension).empty()) continue;
      const std::string& c = t.row.text("contact");
      if (c.empty() || c == contact) continue;
      if (!contact.empty()) return {};
      contact = c;
    }
    return contact;
  }

  // The newest open ticket carrying the number: from `carrying` (tickets_carrying, whose rows
  // it may move from) when that read answers it — an open one among them, or none when they
  // were all the tickets — else by a read of its own.
  std::optional<model::Found> open_ticket_carrying(const std::string& key, bool without_extension,
                                                   std::vector<model::Found>* carrying) {
    if (carrying && !without_extension) {
      const model::TicketStatuses& statuses = dir_.ticket_statuses();
      for (auto& t : *carrying)
        if (statuses.is_open(t.row.text("status"))) return std::move(t);
      if (carrying->size() < kTicketsForContact) return std::nullopt;
    }
    const std::string& ext = keyed_field("HD Ticket", "contact_mobile")->extension;
    auto found = dir_.open_tickets(by_key("HD Ticket", "contact_mobile", key, without_extension), 1, {ext});
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  // Whether the call may open a ticket: inbound (or of unknown direction) and answered, unless
  // the options allow unanswered or outbound calls too.
  bool may_create_ticket(const CallEvent& ev, const Document& stored, bool state_frozen) const {
    if (!options_.create_tickets) return false;
    const bool outbound = ev.direction.empty() ? stored.text("type") == "Outgoing"
                                               : ev.direction == "Outbound";
    if (outbound && !options_.tickets_for_outbound) return false;
    std::string status = state_frozen ? std::string() : logger_.status_for(ev);
    if (status.empty()) status = stored.text("status");
    if (status.empty()) status = ev.direction.empty() ? "Completed" : "Ringing";  // as written
    const bool answered = status == "Completed" || status == "In Progress";
    return answered || options_.tickets_for_unanswered;
  }

  Links link(const std::string& key, const Document& stored, bool may_create) {
    Links named;  // what the stored log already names
    named.ticket = stored.text("ticket");
    named.contact = stored.text("contact");
    if (stored.text("reference_doctype") == "CRM Lead") named.lead = stored.text("reference_docname");
    Links l = named;
    if (!key.empty()) {
      const bool extension = link_by_number(key, l, /*without_extension=*/false);
      // A line with desks: the caller ID carries no extension, so a record written with one
      // may be any desk's. Only records written without one are this caller's.
      if (extension && dir_.has_desks(key)) {
        l = named;
        link_by_number(key, l, /*without_extension=*/true);
      }
    }
    l.create_ticket = l.ticket.empty() && l.lead.empty() && may_create;
    return l;
  }

  // Fills the links `l` does not name yet from the records carrying the caller's number.
  // Returns whether a record it took writes the number with an extension (for a merged
  // ticket or lead, its survivor).
  bool link_by_number(const std::string& key, Links& l, bool without_extension) {
    bool extension = false;
    if (l.contact.empty()) {
      std::string written;
      l.contact = dir_.contact_by_phone_key(key, without_extension, &written);
      extension = !written.empty();
    }
    std::optional<std::vector<model::Found>> carrying;  // read once, for the contact and the ticket
    if (l.contact.empty()) {
      carrying = tickets_carrying(key);
      l.contact = ticket_contact(*carrying);  // never through an extension
    }
    if (l.ticket.empty()) {
      if (auto open = open_ticket_carrying(key, without_extension, carrying ? &*carrying : nullptr)) {
        l.ticket = open->name;
        extension |= !open->row.text(keyed_field("HD Ticket", "contact_mobile")->extension).empty();
      }
    }
    if (l.ticket.empty() && !l.contact.empty()) l.ticket = open_ticket({Filter("contact", Value(l.contact))});
    for (const char* source : {"mobile_no", "phone"}) {
      if (!l.lead.empty()) break;
      const char* ext = keyed_field("CRM Lead", source)->extension.c_str();
      if (auto lead = dir_.lead(by_key("CRM Lead", source, key, without_extension), /*open_only=*/true, {ext})) {
        l.lead = lead->name;
        extension |= !lead->row.text(ext).empty();
      }
    }
    return extension;
  }

  // The original scripts' "Contact Mobile Field Fix": the Contact (with its Contact Phone
  // row) first, then the ticket pointing at it with contact and contact_mobile.
  void create_ticket(const CallEvent& ev, const std::string& key, Links& l) {
    const CallParty& customer = ev.direction == "Outbound" ? ev.to : ev.from;
    std::string number = customer.phone_number.empty() ? key : customer.phone_number;
    const std::string& name = customer.name;
    if (l.contact.empty()) {
      model::NewContact contact;
      contact.full_name = name.empty() ? "Caller " + key : name;
      if (name.empty()) contact.first_name = "Caller";
      contact.phone = number;
      l.contact = dir_.create_contact(contact);
      contact_created_ = true;
    }
    std::string who = name.empty() ? number : name + " (" + number + ")";
    model::NewTicket ticket;
    ticket.subject = "Call from " + who;
    ticket.contact = l.contact;
    ticket.phone = number;
    l.ticket = dir_.create_ticket(ticket);
  }

  struct Written {
    std::string name;
    bool created = false;
    bool changed = false;
  };

  Written write_log(const LogFields& f, const std::optional<Document>& stored, const CallEvent& ev,
                    const Links& l, bool state_frozen) {
    Document changes;
    bool crm = f.doctype == std::string_view(kCrmLog);
    put(changes, stored, f.call_id, Value(ev.call_id));
    put(changes, stored, "session_id", Value(ev.session_id));
    put(changes, stored, "telephony_session_id", Value(ev.telephony_session_id));
    if (!ev.direction.empty())
      put(changes, stored, "type", Value(ev.direction == "Outbound" ? "Outgoing" : "Incoming"));
    std::string from = ev.from.phone_number.empty() ? ev.from.extension_number : ev.from.phone_number;
    std::string to = ev.to.phone_number.empty() ? ev.to.extension_number : ev.to.phone_number;
    put(changes, stored, f.from, Value(from));
    put(changes, stored, f.to, Value(to));
    // A telephony event's time is when the event happened: only the first one starts the call.
    if (ev.kind != CallEventKind::kTelephonySession || !stored || !stored->has("start_time"))
      put(changes, stored, "start_time",
          Value(ev.start_unix ? store_.datetime_text(*ev.start_unix) : ev.start_time));
    if (ev.duration) put(changes, stored, "duration", Value(*ev.duration));
    put(changes, stored, "recording_url", Value(ev.recording_url));
    if (!crm) put(changes, stored, "ringcentral_recording_url", Value(ev.recording_url));
    put(changes, stored, "recording_id", Value(ev.recording_id));
    if (!state_frozen) {
      put(changes, stored, "status", Value(logger_.status_for(ev)));
      put(changes, stored, "result", Value(ev.result));
      put(changes, stored, "telephony_status", Value(ev.status_code));
      if (ev.sequence) put(changes, stored, "telephony_sequence", Value(*ev.sequence));
    }
    if (crm) {
      if (!l.lead.empty()) {
        put(changes, stored, "reference_doctype", Value("CRM Lead"));
        put(changes, stored, "reference_docname", Value(l.lead));
      } else if (!stored || (stored->text("reference_docname").empty() &&
                             !stored->text("reference_doctype").empty())) {
        // Never a reference doctype without a name: Frappe CRM's default for the field is
        // "CRM Lead", which a log linked to no lead must not keep.
        changes.set("reference_doctype", Value(""));
      }
      // `caller` and `receiver` are Links to the agent's User in Frappe CRM: a customer's
      // display name there is a document Frappe refuses to save, so they stay unset.
      put(changes, stored, "telephony_medium", Value("RingCentral"));
    } else {
      put(changes, stored, "ticket", Value(l.ticket));
      put(changes, stored, "contact", Value(l.contact));
    }

    Written w;
    if (!stored) {
      if (!changes.has("status")) changes.set("status", Value(ev.direction.empty() ? "Completed" : "Ringing"));
      if (!changes.has("type")) changes.set("type", Value("Incoming"));
      if (crm && !changes.has(f.from)) changes.set(f.from, Value("Unknown"));
      if (crm && !changes.has(f.to)) changes.set(f.to, Value("Unknown"));
      // A new CRM Call Log is stored with its Dynamic Links: one insert (on Frappe, one ORM
      // insert instead of a save of the log per link).
      std::vector<Document> links;
      if (crm && !l.lead.empty()) links.push_back(Document{{"link_doctype", "CRM Lead"}, {"link_name", l.lead}});
      if (crm && !l.contact.empty()) links.push_back(Document{{"link_doctype", "Contact"}, {"link_name", l.contact}});
      w.name = links.empty() ? store_.insert(f.doctype, changes)
                             : store_.insert(f.doctype, changes, ChildRows{{"links", std::move(links)}});
      w.created = w.changed = true;
      return w;
    }
    w.name = stored->text("name");
    if (!changes.empty()) {
      store_.update(f.doctype, w.name, changes);
      w.changed = true;
    }
    if (crm) w.changed |= add_links(w.name, l);
    return w;
  }

  // Dynamic Link rows of a stored CRM Call Log for the lead and contact, without duplicates.
  bool add_links(const std::string& log, const Links& l) {
    bool added = dir_.add_link(kCrmLog, log, "CRM Lead", l.lead);
    added |= dir_.add_link(kCrmLog, log, "Contact", l.contact);
    return added;
  }

  IngestResult recording_ready(const CallEvent& ev) {
    IngestResult r;
    bool found = false, changed = false;
    for (const LogFields* f : {&kHelpdeskFields, &kCrmFields}) {
      if ((f == &kHelpdeskFields && !options_.helpdesk_call_logs) ||
          (f == &kCrmFields && !options_.crm_call_logs))
        continue;
      auto stored = store_.find_one(f->doctype, Query{Filter(f->call_id, Value(ev.call_id))});
      if (!stored) continue;
      found = true;
      (f == &kHelpdeskFields ? r.call_log : r.crm_call_log) = stored->text("name");
      Document changes;
      put(changes, stored, "recording_url", Value(ev.recording_url));
      if (f == &kHelpdeskFields) put(changes, stored, "ringcentral_recording_url", Value(ev.recording_url));
      put(changes, stored, "recording_id", Value(ev.recording_id));
      if (!changes.empty()) {
        store_.update(f->doctype, stored->text("name"), changes);
        changed = true;
      }
    }
    r.action = !found ? "skipped" : changed ? "updated" : "duplicate";
    r.reason = !found ? "unknown_call" : changed ? "recording_added" : "same_event";
    return r;
  }

  CallLogger& logger_;
  Store& store_;
  const CallLoggerOptions& options_;
  const CallSite& site_;
  model::Directory dir_;
  bool contact_created_ = false;
};

}  // namespace

namespace {

// The site's ticket statuses for `site`, read once per site the store has (never under the
// cache's lock: a thread holding the store's transaction may be waiting for it).
template <typename Cache>
model::TicketStatuses cached_statuses(Cache& cache, Store& store, const CallSite& site) {
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    if (cache.statuses && cache.site == site.site) return *cache.statuses;
  }
  model::TicketStatuses statuses = model::Directory(store, site.site).ticket_statuses();
  std::lock_guard<std::mutex> lock(cache.mutex);
  cache.statuses = statuses;
  cache.site = site.site;
  return statuses;
}

// One event's ingest and its after_ingest hook, in the caller's transaction or savepoint.
IngestResult ingest_event(CallLogger& logger, Store& store, const CallLoggerOptions& options,
                          const CallSite& site, const model::TicketStatuses& statuses,
                          const CallEvent& event) {
  IngestResult r = Ingest(logger, store, options, site, statuses).run(event);
  if (options.after_ingest && r.action != "skipped") options.after_ingest(store, event, r);
  return r;
}

}  // namespace

IngestResult CallLogger::ingest(const CallEvent& event) {
  const CallSite site(*store_, options_);
  const model::TicketStatuses statuses = cached_statuses(*cache_, *store_, site);
  // Rerun as a whole when a concurrent writer forced the transaction back (MariaDB deadlocks);
  // the hook runs inside, so what it queues commits or rolls back with the call log.
  return in_retrying_transaction(
      *store_, [&] { return ingest_event(*this, *store_, options_, site, statuses, event); });
}

std::vector<IngestResult> CallLogger::ingest_many(const std::vector<CallEvent>& events) {
  std::vector<IngestResult> out(events.size());
  if (events.empty()) return out;
  auto failed = [](IngestResult& r, const std::exception* e) {
    const auto* error = dynamic_cast<const Error*>(e);
    r = IngestResult{};
    r.action = "failed";
    r.reason = error ? error_code_name(error->code()) : "internal";
    r.error = e ? e->what() : "unknown error";
  };
  try {
    const CallSite site(*store_, options_);
    const model::TicketStatuses statuses = cached_statuses(*cache_, *store_, site);
    store_detail::each_in_savepoint(
        *store_, events.size(),
        [&](std::size_t i) { out[i] = ingest_event(*this, *store_, options_, site, statuses, events[i]); },
        [&](std::size_t i, const std::exception* e) { failed(out[i], e); });
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    for (auto& r : out) failed(r, &e);
  }
  return out;
}

std::string CallLogger::create_manual_call_log(std::string_view phone_number,
                                               std::string_view contact, std::string_view ticket) {
  const CallSite site(*store_, options_);
  // Validates: dialable.
  ClickToCall call = site.region.empty() ? click_to_call(phone_number, *site.site)
                                         : click_to_call(phone_number, site.region);
  std::string from;
  if (!site.company_numbers.empty()) {
    from = site.company_numbers.front();
  } else if (auto s = store_->get("CRM RingCentral Settings", "CRM RingCentral Settings")) {
    from = s->text("company_phone_number");
  }
  Transaction tx(*store_);
  Document log{{"type", "Outgoing"},
               {"status", "Initiated"},
               {"from_number", from},
               {"to_number", std::string(phone_number)}};
  model::Directory dir(*store_, site.site);
  std::string c(contact), t(ticket);
  if (c.empty()) c = dir.contact_by_phone_key(call.e164);
  if (!c.empty()) log.set("contact", Value(c));
  if (!t.empty()) log.set("ticket", Value(dir.survivor(model::kTicket, t)));
  std::string name = store_->insert(kHelpdeskLog, log);
  tx.commit();
  return name;
}

}  // namespace switchboard
