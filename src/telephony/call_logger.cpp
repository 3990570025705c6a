// CallLogger: call events upserted into Helpdesk Call Log and CRM Call Log, linked to the
// customer's ticket, lead and contact by phone key; manual click-to-call logs.
#include "switchboard/call_logger.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "switchboard/merge.h"
#include "switchboard/phone.h"

namespace switchboard {
namespace {

constexpr const char* kHelpdeskLog = "Helpdesk Call Log";
constexpr const char* kCrmLog = "CRM Call Log";

using text::lower_ascii;

// The key field of a doctype's phone field (e.g. HD Ticket contact_mobile).
std::string key_field(std::string_view doctype, std::string_view source) {
  for (const auto& f : phone_key_fields(doctype))
    if (f.source == source) return f.key;
  return {};
}

// The newest Contact with a Contact Phone row of this phone key ("" when none).
std::string contact_for_phone_key(Store& store, const std::string& key) {
  auto row = store.find_one("Contact Phone", Query{Filter(key_field("Contact Phone", "phone"), Value(key)),
                                                   Filter("parenttype", "Contact")}
                                                 .select({"parent"})
                                                 .order("creation desc"));
  return row ? row->text("parent") : std::string();
}

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
    : store_(std::move(store)), options_(std::move(options)) {
  if (!store_) throw ValidationError("CallLogger needs a store", ErrorCode::kInvalidArgument);
}

const std::vector<std::string>& CallLogger::open_ticket_statuses() {
  std::lock_guard<std::mutex> lock(statuses_mutex_);
  if (open_statuses_.empty()) {
    for (const auto& s : store_->find("HD Ticket Status",
                                      Query{Filter("category", Op::kIn, std::vector<Value>{"Open", "Paused"})}
                                          .select({"name"})))
      open_statuses_.push_back(s.text("name"));
    if (open_statuses_.empty()) open_statuses_ = {"Open", "Replied"};
  }
  return open_statuses_;
}

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
  Ingest(CallLogger& logger, Store& store, const CallLoggerOptions& options)
      : logger_(logger), store_(store), options_(options) {}

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

    Links links = link(r.customer_key, known ? (hd ? *hd : *crm) : Document());
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
  bool is_company(const std::string& key) const {
    for (const auto& n : options_.company_numbers)
      if (auto k = phone_key(n, options_.region); k && *k == key) return true;
    return false;
  }

  // The customer's end: the caller of an inbound call, the callee of an outbound one.
  std::string customer_key(const CallEvent& ev) const {
    std::vector<const CallParty*> order;
    if (ev.direction == "Outbound") order = {&ev.to};
    else if (ev.direction == "Inbound") order = {&ev.from};
    else order = {&ev.from, &ev.to};
    for (const CallParty* p : order) {
      if (p->phone_number.empty()) continue;  // an extension alone is never a customer
      auto key = phone_key(p->phone_number, options_.region);
      if (key && !is_company(*key)) return *key;
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

  // The newest ticket matching `by` that is (or was merged into) an open ticket.
  std::string open_ticket(Filter by) {
    const std::vector<std::string>& open = logger_.open_ticket_statuses();
    auto is_open = [&](const std::string& status) {
      return std::find(open.begin(), open.end(), status) != open.end();
    };
    for (const auto& t : store_.find("HD Ticket", Query{std::move(by)}
                                                      .select({"name", "status", "merged_with"})
                                                      .order("creation desc")
                                                      .take(20))) {
      if (!t.has("merged_with")) {  // the common case: no merge to follow
        if (is_open(t.text("status"))) return t.text("name");
        continue;
      }
      std::string survivor = resolve_survivor(store_, "HD Ticket", t.text("name"));
      auto doc = store_.find_one("HD Ticket", Query{Filter("name", Value(survivor))}.select({"status"}));
      if (doc && is_open(doc->text("status"))) return survivor;
    }
    return {};
  }

  Links link(const std::string& key, const Document& stored) {
    Links l;
    l.ticket = stored.text("ticket");
    l.contact = stored.text("contact");
    if (stored.text("reference_doctype") == "CRM Lead") l.lead = stored.text("reference_docname");
    if (key.empty()) return l;
    if (l.contact.empty()) l.contact = contact_for_phone_key(store_, key);
    if (l.ticket.empty()) l.ticket = open_ticket(Filter(key_field("HD Ticket", "contact_mobile"), Value(key)));
    if (l.ticket.empty() && !l.contact.empty()) l.ticket = open_ticket(Filter("contact", Value(l.contact)));
    if (l.lead.empty()) {
      for (const char* source : {"mobile_no", "phone"}) {
        if (!l.lead.empty()) break;
        if (auto lead = store_.find_one("CRM Lead", Query{Filter(key_field("CRM Lead", source), Value(key)),
                                                          Filter("converted", 0)}
                                                        .select({"name"})
                                                        .order("creation desc")))
          l.lead = resolve_survivor(store_, "CRM Lead", lead->text("name"));
      }
    }
    l.create_ticket = l.ticket.empty() && l.lead.empty() && options_.create_tickets;
    return l;
  }

  // The seed's "Contact Mobile Field Fix": the Contact (with its Contact Phone row) first,
  // then the ticket pointing at it with contact and contact_mobile.
  void create_ticket(const CallEvent& ev, const std::string& key, Links& l) {
    const CallParty& customer = ev.direction == "Outbound" ? ev.to : ev.from;
    std::string number = customer.phone_number.empty() ? key : customer.phone_number;
    std::string name = customer.name.empty() ? std::string() : customer.name;
    if (l.contact.empty()) {
      std::string first = name.empty() ? "Caller" : name, last;
      std::size_t space = first.find(' ');
      if (space != std::string::npos && !name.empty()) {
        last = first.substr(space + 1);
        first = first.substr(0, space);
      }
      std::string full = name.empty() ? "Caller " + key : name;
      l.contact = store_.insert(
          "Contact", {{"first_name", first}, {"last_name", last}, {"full_name", full},
                      {"mobile_no", number}, {"phone", number}, {"status", "Open"}},
          {{"phone_nos", {Document{{"phone", number}, {"is_primary_mobile_no", 1},
                                   {"is_primary_phone", 1}}}}});
      contact_created_ = true;
    }
    std::string who = name.empty() ? number : name + " (" + number + ")";
    l.ticket = store_.insert("HD Ticket", {{"subject", "Call from " + who},
                                           {"contact", l.contact},
                                           {"contact_mobile", number},
                                           {"via_customer_portal", 0}});
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
      put(changes, stored, "start_time", Value(ev.start_time));
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
      w.name = store_.insert(f.doctype, changes);
      w.created = w.changed = true;
    } else {
      w.name = stored->text("name");
      if (!changes.empty()) {
        store_.update(f.doctype, w.name, changes);
        w.changed = true;
      }
    }
    if (crm) w.changed |= add_links(w.name, l, w.created);
    return w;
  }

  // Dynamic Link rows of a CRM Call Log for the lead and contact, without duplicates.
  bool add_links(const std::string& log, const Links& l, bool new_log) {
    bool added = false;
    for (auto [doctype, name] : {std::pair<const char*, const std::string*>{"CRM Lead", &l.lead},
                                 {"Contact", &l.contact}}) {
      if (name->empty()) continue;
      Filters f{Filter("parent", Value(log)), Filter("parenttype", kCrmLog),
                Filter("link_doctype", doctype), Filter("link_name", Value(*name))};
      if (!new_log && store_.count("Dynamic Link", f) > 0) continue;
      store_.insert("Dynamic Link", {{"parent", log}, {"parenttype", kCrmLog},
                                     {"parentfield", "links"}, {"link_doctype", doctype},
                                     {"link_name", *name}});
      added = true;
    }
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
  bool contact_created_ = false;
};

}  // namespace

IngestResult CallLogger::ingest(const CallEvent& event) {
  // Rerun as a whole when a concurrent writer forced the transaction back (MariaDB deadlocks);
  // the hook runs inside, so what it queues commits or rolls back with the call log.
  return in_retrying_transaction(*store_, [&] {
    IngestResult r = Ingest(*this, *store_, options_).run(event);
    if (options_.after_ingest && r.action != "skipped") options_.after_ingest(*store_, event, r);
    return r;
  });
}

std::string CallLogger::create_manual_call_log(std::string_view phone_number,
                                               std::string_view contact, std::string_view ticket) {
  ClickToCall call = click_to_call(phone_number, options_.region);  // validates: dialable
  std::string from;
  if (!options_.company_numbers.empty()) {
    from = options_.company_numbers.front();
  } else if (auto s = store_->get("CRM RingCentral Settings", "CRM RingCentral Settings")) {
    from = s->text("company_phone_number");
  }
  Transaction tx(*store_);
  Document log{{"type", "Outgoing"},
               {"status", "Initiated"},
               {"from_number", from},
               {"to_number", std::string(phone_number)}};
  std::string c(contact), t(ticket);
  if (c.empty()) c = contact_for_phone_key(*store_, call.e164);
  if (!c.empty()) log.set("contact", Value(c));
  if (!t.empty()) log.set("ticket", Value(resolve_survivor(*store_, "HD Ticket", t)));
  std::string name = store_->insert(kHelpdeskLog, log);
  tx.commit();
  return name;
}

}  // namespace switchboard
