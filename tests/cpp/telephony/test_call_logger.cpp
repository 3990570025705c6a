// CallLogger, WebhookHandler, payload processing and transcripts on real stores.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "switchboard/switchboard.h"
#include "telephony_data.h"
#include "test_support.h"

using namespace switchboard;
using test_support::snapshot;

namespace {

std::shared_ptr<Store> fresh_store() { return make_memory_store(); }

CallLoggerOptions company() {
  CallLoggerOptions o;
  o.company_numbers = {"+15559876543"};
  return o;
}

std::string ticket_with_mobile(Store& s, const std::string& mobile, const std::string& subject = "x") {
  return s.insert("HD Ticket", {{"subject", subject}, {"contact_mobile", mobile}});
}

// Fails the test if the store is touched at all.
class Untouchable : public ForwardingBackend {
 public:
  using ForwardingBackend::ForwardingBackend;
  std::atomic<int> touches{0};

  std::optional<Document> get(std::string_view d, std::string_view n) override {
    ++touches;
    return ForwardingBackend::get(d, n);
  }
  std::vector<Document> find(std::string_view d, const Query& q) override {
    ++touches;
    return ForwardingBackend::find(d, q);
  }
  std::string insert(std::string_view d, const Document& doc) override {
    ++touches;
    return ForwardingBackend::insert(d, doc);
  }
  void begin() override {
    ++touches;
    ForwardingBackend::begin();
  }
};

class CannedTranscripts : public TranscriptSource {
 public:
  int calls = 0;
  std::optional<std::string> answer = telephony_fixture("insights.json");
  std::string last_recording;
  std::optional<std::string> fetch_insights(const std::string& recording, const std::string&) override {
    ++calls;
    last_recording = recording;
    return answer;
  }
};

}  // namespace

TEST_CASE("the seed's curl payload creates exactly one call log, on the right ticket") {
  auto s = fresh_store();
  std::string other = ticket_with_mobile(*s, "+1 555 000 0000", "someone else");
  std::string ticket = ticket_with_mobile(*s, "(555) 123-4567", "patio set");
  auto logger = std::make_shared<CallLogger>(s, company());
  WebhookHandler handler(logger);
  std::string body = telephony_fixture("seed_curl.json");
  auto first = handler.handle({{"Content-Type", "application/json"}}, body);
  CHECK(first.status == 200);
  CHECK(first.body.find("\"success\":true") != std::string::npos);
  CHECK(first.body.find("Call log created") != std::string::npos);
  CHECK(s->count("Helpdesk Call Log") == 1);
  auto log = s->find_one("Helpdesk Call Log", Query{Filter("call_id", "test-123")});
  REQUIRE(log);
  CHECK(log->text("ticket") == ticket);
  CHECK(log->text("type") == "Incoming");
  CHECK(log->text("status") == "Completed");
  CHECK(log->text("from_number") == "+15551234567");
  CHECK(log->text("recording_url") == "https://example.com/recording.mp3");
  CHECK(log->text("ringcentral_recording_url") == "https://example.com/recording.mp3");
  CHECK(first.body.find("\"call_log_name\":\"" + log->text("name") + "\"") != std::string::npos);
  auto again = handler.handle({}, body);
  CHECK(again.status == 200);
  CHECK(again.body.find("Duplicate event ignored") != std::string::npos);
  CHECK(s->count("Helpdesk Call Log") == 1);
  CHECK(s->count("CRM Call Log") == 1);
  CHECK(other != ticket);
}

TEST_CASE("redelivered and concurrent events never make a second call log") {
  test_support::TempDir dir;
  std::string path = dir.file("calls.sqlite");
  auto s = std::shared_ptr<Store>(make_sqlite_store(path));
  CallEvent ev = parse_call_event(telephony_fixture("call_log_simple.json"));
  CallLogger logger(s, company());
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) logger.ingest(ev);
    });
  for (auto& t : threads) t.join();
  // Another process delivers the same event at the same time.
  std::vector<pid_t> kids;
  for (int k = 0; k < 2; ++k) {
    pid_t pid = fork();
    if (pid == 0) {
      int code = 0;
      try {
        auto other = std::shared_ptr<Store>(make_sqlite_store(path));
        CallLogger l(other, company());
        for (int j = 0; j < 20; ++j) l.ingest(ev);
      } catch (...) {
        code = 1;
      }
      _exit(code);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(s->count("Helpdesk Call Log") == 1);
  CHECK(s->count("CRM Call Log") == 1);
}

TEST_CASE("telephony events out of order end in the state of the highest sequence") {
  auto s = fresh_store();
  CallLogger logger(s, company());
  auto ingest = [&](int seq) { return logger.ingest(parse_call_event(telephony_fixture("telephony_seq" + std::to_string(seq) + ".json"))); };
  CHECK(ingest(1).action == "created");
  CHECK(ingest(4).action == "updated");  // Disconnected
  auto late = ingest(2);                 // a late Proceeding
  CHECK(late.action == "duplicate");
  CHECK(late.reason == "stale_sequence");
  ingest(3);
  auto log = s->find_one("Helpdesk Call Log", Query{Filter("telephony_session_id", "s-f00dfeedcafe4a4bb1234567890abcde")});
  REQUIRE(log);
  CHECK(log->text("telephony_status") == "Disconnected");
  CHECK(log->integer("telephony_sequence") == 4);
  CHECK(log->text("status") == "Completed");
  CHECK(s->count("Helpdesk Call Log") == 1);
  // The final call-log record for the same session updates the same log, and from then on
  // telephony events no longer change its state.
  CallEvent record = parse_call_event(telephony_fixture("call_log_simple.json"));
  record.telephony_session_id = "s-f00dfeedcafe4a4bb1234567890abcde";
  record.result = "Missed";
  CHECK(logger.ingest(record).action == "updated");
  CHECK(s->count("Helpdesk Call Log") == 1);
  log = s->get("Helpdesk Call Log", log->text("name"));
  CHECK(log->text("call_id") == "BCd7Ee8Ff9Gg0");
  CHECK(log->text("status") == "No Answer");
  CallEvent answered = parse_call_event(telephony_fixture("telephony_seq3.json"));
  answered.sequence = 99;
  logger.ingest(answered);
  CHECK(s->get("Helpdesk Call Log", log->text("name"))->text("status") == "No Answer");
}

TEST_CASE("a field missing from an event never erases a stored value") {
  auto s = fresh_store();
  CallLogger logger(s, company());
  logger.ingest(parse_call_event(telephony_fixture("seed_curl.json")));
  auto r = logger.ingest(parse_call_event(R"({"call_id": "test-123", "duration": "", "recording": {"id": "null"}, "result": "null"})"));
  CHECK(r.action == "duplicate");
  auto log = s->find_one("Helpdesk Call Log", Query{Filter("call_id", "test-123")});
  CHECK(log->text("recording_url") == "https://example.com/recording.mp3");
  CHECK(log->get("duration") == Value(120.0));
  CHECK(log->text("result") == "Call connected");
  // The recording-ready relay adds the recording to the known call.
  auto rec = logger.ingest(parse_call_event(R"({"call_log_id": "test-123", "recording_id": "777", "recording_url": ""})"));
  CHECK(rec.action == "updated");
  CHECK(s->find_one("Helpdesk Call Log", Query{Filter("call_id", "test-123")})->text("recording_url") ==
        "https://media.ringcentral.com/restapi/v1.0/account/~/recording/777/content");
  CHECK(logger.ingest(parse_call_event(R"({"call_log_id": "nobody", "recording_id": "1"})")).action == "skipped");
}

TEST_CASE("direction picks the customer; extensions and company numbers never match") {
  auto s = fresh_store();
  std::string dana = ticket_with_mobile(*s, "650-555-0100");
  std::string support = ticket_with_mobile(*s, "+1 555 987 6543", "the company's own line");
  CallLogger logger(s, company());
  auto out = logger.ingest(parse_call_event(telephony_fixture("call_log_simple.json")));  // outbound
  CHECK(out.customer_key == "+16505550100");
  CHECK(out.ticket == dana);
  auto ext = logger.ingest(parse_call_event(R"({"id": "x1", "direction": "Inbound",
      "from": {"extensionNumber": "102"}, "to": {"phoneNumber": "+15559876543"}})"));
  CHECK(ext.customer_key.empty());
  CHECK(ext.ticket.empty());
  CHECK(s->find_one("Helpdesk Call Log", Query{Filter("call_id", "x1")})->text("from_number") == "102");
  auto own = logger.ingest(parse_call_event(R"({"call_id": "x2", "direction": "Inbound",
      "from_number": "+15559876543", "to_number": "+15559876543"})"));
  CHECK(own.ticket.empty());  // a company number is never a customer
  CHECK(support != own.ticket);
}

TEST_CASE("linking priority, merged tickets and leads, Dynamic Link rows") {
  auto s = fresh_store();
  std::string contact = s->insert("Contact", {{"full_name", "Dana Client"}},
                                  {{"phone_nos", {Document{{"phone", "+1 (650) 555-0100"}}}}});
  std::string by_contact = s->insert("HD Ticket", {{"subject", "via contact"}, {"contact", contact}});
  std::string lead = s->insert("CRM Lead", {{"first_name", "Dana"}, {"mobile_no", "16505550100"}});
  CallLogger logger(s, company());
  auto r = logger.ingest(parse_call_event(R"({"call_id": "p1", "direction": "Inbound", "from_number": "+16505550100", "to_number": "+15559876543"})"));
  CHECK(r.contact == contact);
  CHECK(r.ticket == by_contact);  // no ticket has the number, but the contact's ticket does
  CHECK(r.lead == lead);
  auto crm = s->get("CRM Call Log", r.crm_call_log);
  CHECK(crm->text("reference_doctype") == "CRM Lead");
  CHECK(crm->text("reference_docname") == lead);
  CHECK(s->count("Dynamic Link", {Filter("parent", r.crm_call_log)}) == 2);
  logger.ingest(parse_call_event(R"({"call_id": "p1", "duration": 5})"));
  CHECK(s->count("Dynamic Link", {Filter("parent", r.crm_call_log)}) == 2);  // no duplicates
  // A ticket with the number itself wins; a merged one resolves to its survivor.
  std::string survivor = s->insert("HD Ticket", {{"subject", "survivor"}});
  ticket_with_mobile(*s, "650 555 0100", "direct");
  std::string merged = ticket_with_mobile(*s, "(650) 555-0100", "merged");
  s->update("HD Ticket", merged, {{"is_merged", 1}, {"merged_with", survivor}, {"status", "Closed"}});
  auto r2 = logger.ingest(parse_call_event(R"({"call_id": "p2", "direction": "Inbound", "from_number": "+16505550100"})"));
  CHECK(r2.ticket == survivor);
}

TEST_CASE("a caller whose number is only on their closed tickets is linked to their contact") {
  auto s = fresh_store();
  CallLoggerOptions o = company();
  o.create_tickets = true;
  CallLogger logger(s, o);
  // Dana's Contact has no phone row; her closed ticket carries her number.
  std::string dana = s->insert("Contact", {{"full_name", "Dana Client"}});
  s->insert("HD Ticket", {{"subject", "old"}, {"contact", dana}, {"contact_mobile", "(650) 555-0100"},
                          {"status", "Closed"}});
  auto r = logger.ingest(parse_call_event(R"({"call_id": "d1", "direction": "Inbound", "from_number": "+16505550100", "result": "Call connected"})"));
  CHECK(r.contact == dana);
  CHECK_FALSE(r.contact_created);  // no second "Caller" contact splitting her history
  REQUIRE(r.ticket_created);
  CHECK(s->get("HD Ticket", r.ticket)->text("contact") == dana);

  // A number on two customers' tickets, or written with an extension, names nobody.
  std::string hotel_a = s->insert("Contact", {{"full_name", "Guest A"}});
  std::string hotel_b = s->insert("Contact", {{"full_name", "Guest B"}});
  for (const auto& guest : {hotel_a, hotel_b})
    s->insert("HD Ticket", {{"subject", "stay"}, {"contact", guest}, {"contact_mobile", "+1 212 555 0111"},
                            {"status", "Closed"}});
  auto desk = logger.ingest(parse_call_event(R"({"call_id": "h1", "direction": "Inbound", "from_number": "+12125550111"})"));
  CHECK(desk.contact != hotel_a);
  CHECK(desk.contact != hotel_b);
  std::string colleague = s->insert("Contact", {{"full_name", "Desk 22"}});
  s->insert("HD Ticket", {{"subject", "desk"}, {"contact", colleague}, {"contact_mobile", "+1 303 555 0123 x22"},
                          {"status", "Closed"}});
  auto line = logger.ingest(parse_call_event(R"({"call_id": "l1", "direction": "Inbound", "from_number": "+13035550123"})"));
  CHECK(line.contact != colleague);

  // Her number once written with her extension, once without: the ticket without one is hers.
  std::string erin = s->insert("Contact", {{"full_name", "Erin Client"}});
  s->insert("HD Ticket", {{"subject", "at work"}, {"contact", erin}, {"contact_mobile", "(305) 555-9774 ext. 22"},
                          {"status", "Closed"}});
  s->insert("HD Ticket", {{"subject", "again"}, {"contact", erin}, {"contact_mobile", "1-305-555-9774"},
                          {"status", "Closed"}});
  auto erins = logger.ingest(parse_call_event(R"({"call_id": "e1", "direction": "Inbound", "from_number": "+13055559774", "result": "Call connected"})"));
  CHECK(erins.contact == erin);
  CHECK_FALSE(erins.contact_created);
}

namespace {

// Counts the reads of each doctype that reach the store.
class CountingReads : public ForwardingBackend {
 public:
  using ForwardingBackend::ForwardingBackend;
  std::map<std::string, int> finds;
  std::vector<Document> find(std::string_view doctype, const Query& q) override {
    ++finds[std::string(doctype)];
    return ForwardingBackend::find(doctype, q);
  }
};

}  // namespace

TEST_CASE("a number on tickets but on no Contact: one read of the tickets finds the contact and the open ticket") {
  std::shared_ptr<Store> inner = make_memory_store();
  auto counting = std::make_shared<CountingReads>(inner);
  auto s = std::make_shared<Store>(counting, Schema::standard());
  s->set_site(*inner->site());
  auto minute = std::make_shared<int>(0);
  s->set_clock([minute] {
    return std::chrono::system_clock::time_point(std::chrono::minutes(29'000'000 + (*minute)++));
  });
  CallLogger logger(s, company());
  std::string dana = s->insert("Contact", {{"full_name", "Dana Client"}});
  s->insert("HD Ticket", {{"subject", "old"}, {"contact", dana}, {"contact_mobile", "(650) 555-0100"},
                          {"status", "Closed"}});
  std::string open = s->insert("HD Ticket", {{"subject", "new"}, {"contact", dana},
                                             {"contact_mobile", "650.555.0100"}, {"status", "Open"}});
  s->insert("HD Ticket", {{"subject", "newest"}, {"contact", dana}, {"contact_mobile", "+1 650 555 0100"},
                          {"status", "Resolved"}});
  counting->finds.clear();
  auto r = logger.ingest(parse_call_event(R"({"call_id": "t1", "direction": "Inbound", "from_number": "+16505550100"})"));
  CHECK(r.contact == dana);
  CHECK(r.ticket == open);
  CHECK(counting->finds["HD Ticket"] == 1);

  // More closed tickets than one read holds, newer than the open one: the open one is still found.
  std::string erin = s->insert("Contact", {{"full_name", "Erin Client"}});
  std::string erins_open = s->insert("HD Ticket", {{"subject", "open"}, {"contact", erin},
                                                   {"contact_mobile", "+1 650 555 0199"}, {"status", "Open"}});
  for (int i = 0; i < 25; ++i)
    s->insert("HD Ticket", {{"subject", "done " + std::to_string(i)}, {"contact", erin},
                            {"contact_mobile", "+1 650 555 0199"}, {"status", "Closed"}});
  auto r2 = logger.ingest(parse_call_event(R"({"call_id": "t2", "direction": "Inbound", "from_number": "+16505550199"})"));
  CHECK(r2.contact == erin);
  CHECK(r2.ticket == erins_open);

  // No open ticket among all of them: none, and no second read.
  std::string finn = s->insert("Contact", {{"full_name", "Finn Client"}});
  s->insert("HD Ticket", {{"subject", "closed"}, {"contact", finn}, {"contact_mobile", "+1 650 555 0177"},
                          {"status", "Closed"}});
  counting->finds.clear();
  auto r3 = logger.ingest(parse_call_event(R"({"call_id": "t3", "direction": "Inbound", "from_number": "+16505550177"})"));
  CHECK(r3.contact == finn);
  CHECK(r3.ticket.empty());
  CHECK(counting->finds["HD Ticket"] == 2);  // the number's tickets, then the contact's open ones
}

TEST_CASE_TEMPLATE("a call from a line with desks links only records written without an extension", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  CallLoggerOptions o = company();
  o.create_tickets = false;
  CallLogger logger(s, o);
  // Three desks on one company line, each written with its extension.
  std::string alice = s->insert("Contact", {{"full_name", "Alice Desk"}},
                                {{"phone_nos", {Document{{"phone", "+1 303 555 0177 x101"}}}}});
  s->insert("CRM Lead", {{"first_name", "Bob"}, {"mobile_no", "+1 303 555 0177 ext. 102"}});
  std::string carol = s->insert("Contact", {{"full_name", "Carol Desk"}});
  s->insert("HD Ticket", {{"subject", "desk 103"}, {"contact", carol}, {"contact_mobile", "303-555-0177 x 103"}});
  auto call = R"({"call_id": "%", "direction": "Inbound", "from_number": "+13035550177"})";
  auto ingest = [&](const std::string& id) {
    std::string body = call;
    body.replace(body.find('%'), 1, id);
    return logger.ingest(parse_call_event(body));
  };
  auto desks = ingest("k1");
  CHECK(desks.customer_key == "+13035550177");
  CHECK(desks.contact.empty());  // the caller ID cannot tell Alice, Bob and Carol apart
  CHECK(desks.lead.empty());
  CHECK(desks.ticket.empty());
  // The line's own record, written without an extension, is the caller's.
  std::string front = s->insert("Contact", {{"full_name", "Front Desk"}},
                                {{"phone_nos", {Document{{"phone", "(303) 555-0177"}}}}});
  std::string open = s->insert("HD Ticket", {{"subject", "line"}, {"contact_mobile", "+13035550177"}});
  std::string lead = s->insert("CRM Lead", {{"first_name", "Reception"}, {"phone", "303.555.0177"}});
  auto line = ingest("k2");
  CHECK(line.contact == front);
  CHECK(line.ticket == open);
  CHECK(line.lead == lead);
  CHECK(line.contact != alice);
  // One desk only: the same line written with and without its extension, as merging sees it.
  std::string dana = s->insert("CRM Lead", {{"first_name", "Dana"}, {"mobile_no", "+1 650 555 0199 x7"}});
  auto one = logger.ingest(parse_call_event(R"({"call_id": "k3", "direction": "Inbound", "from_number": "+16505550199"})"));
  CHECK(one.lead == dana);
}

TEST_CASE("a call that matches nothing creates the contact, then the ticket") {
  auto s = fresh_store();
  CallLoggerOptions o = company();
  o.create_tickets = true;
  CallLogger logger(s, o);
  auto r = logger.ingest(parse_call_event(telephony_fixture("seed_curl.json")));
  CHECK(r.ticket_created);
  CHECK(r.contact_created);
  auto ticket = s->get("HD Ticket", r.ticket);
  CHECK(ticket->text("contact") == r.contact);
  CHECK(ticket->text("contact_mobile") == "+15551234567");
  CHECK(ticket->integer("via_customer_portal") == 0);
  auto phones = s->find("Contact Phone", Query{Filter("parent", r.contact)});
  REQUIRE(phones.size() == 1);
  CHECK(phones[0].text("phone") == "+15551234567");
  CHECK(s->get("Contact", r.contact)->text("full_name") == "Test Caller");
  CHECK(s->get("Contact", r.contact)->get("creation").to_text() <= ticket->get("creation").to_text());
  // The next call from the number finds them.
  auto again = logger.ingest(parse_call_event(R"({"call_id": "next", "direction": "Inbound", "from_number": "555-123-4567"})"));
  CHECK_FALSE(again.ticket_created);
  CHECK(again.ticket == r.ticket);
  // With a lead for the number, no support ticket is opened.
  s->insert("CRM Lead", {{"first_name", "Sam"}, {"mobile_no", "+1 212 555 0199"}});
  auto sales = logger.ingest(parse_call_event(R"({"call_id": "sales", "direction": "Inbound", "from_number": "+12125550199"})"));
  CHECK_FALSE(sales.ticket_created);
  CHECK_FALSE(sales.lead.empty());
}

TEST_CASE("a CRM Call Log never has a reference doctype without a name") {
  auto s = fresh_store();
  CallLogger logger(s, company());
  // No lead for the caller: Frappe CRM's default "CRM Lead" must not stay on the log.
  auto r = logger.ingest(parse_call_event(R"({"call_id": "n1", "direction": "Inbound",
      "from_number": "+16505550100", "to_number": "+15559876543", "result": "Missed"})"));
  auto log = s->get("CRM Call Log", r.crm_call_log);
  CHECK(log->text("reference_doctype").empty());
  CHECK(log->text("reference_docname").empty());
  // A log written that way before is repaired by the call's next event.
  s->update("CRM Call Log", r.crm_call_log, {{"reference_doctype", "CRM Lead"}});
  logger.ingest(parse_call_event(R"({"call_id": "n1", "duration": 3})"));
  CHECK(s->get("CRM Call Log", r.crm_call_log)->text("reference_doctype").empty());
  // Once a lead has the number, the log names it.
  std::string lead = s->insert("CRM Lead", {{"first_name", "Dana"}, {"mobile_no", "650-555-0100"}});
  auto again = logger.ingest(parse_call_event(R"({"call_id": "n1", "direction": "Inbound",
      "from_number": "+16505550100", "duration": 4})"));
  CHECK(again.lead == lead);
  log = s->get("CRM Call Log", r.crm_call_log);
  CHECK(log->text("reference_doctype") == "CRM Lead");
  CHECK(log->text("reference_docname") == lead);
  for (const auto& row : s->find("CRM Call Log", Query{}))
    CHECK((row.text("reference_doctype").empty() || !row.text("reference_docname").empty()));
}

TEST_CASE("unanswered and outbound calls open no ticket unless the options say so") {
  auto s = fresh_store();
  CallLoggerOptions o = company();
  o.create_tickets = true;
  CallLogger logger(s, o);
  auto missed = logger.ingest(parse_call_event(R"({"call_id": "m1", "direction": "Inbound",
      "from_number": "+16505550101", "to_number": "+15559876543", "result": "Missed"})"));
  CHECK_FALSE(missed.ticket_created);
  CHECK(missed.ticket.empty());
  CHECK_FALSE(missed.call_log.empty());  // logged all the same
  auto outbound = logger.ingest(parse_call_event(R"({"call_id": "o1", "direction": "Outbound",
      "from_number": "+15559876543", "to_number": "+16505550102", "result": "Call connected",
      "duration": 60})"));
  CHECK_FALSE(outbound.ticket_created);
  auto unanswered_out = logger.ingest(parse_call_event(R"({"call_id": "o2", "direction": "Outbound",
      "from_number": "+15559876543", "to_number": "+16505550103", "result": "No Answer"})"));
  CHECK_FALSE(unanswered_out.ticket_created);
  CHECK(s->count("HD Ticket") == 0);
  // A ringing call opens its ticket when the answer arrives, once.
  auto ringing = logger.ingest(parse_call_event(telephony_fixture("telephony_seq1.json")));
  CHECK_FALSE(ringing.ticket_created);
  std::string answered = telephony_fixture("telephony_seq1.json");
  answered.replace(answered.find("\"sequence\": 1"), 13, "\"sequence\": 2");
  answered.replace(answered.find("\"Setup\""), 7, "\"Answered\"");
  answered.replace(answered.find("998877665544332211"), 18, "998877665544332212");
  auto up = logger.ingest(parse_call_event(answered));
  CHECK(up.ticket_created);
  CHECK(up.call_log == ringing.call_log);
  CHECK(s->count("HD Ticket") == 1);
  // The options open tickets for them too.
  CallLoggerOptions all = o;
  all.tickets_for_unanswered = true;
  all.tickets_for_outbound = true;
  CallLogger eager(s, all);
  CHECK(eager.ingest(parse_call_event(R"({"call_id": "m2", "direction": "Inbound",
      "from_number": "+16505550104", "result": "Missed"})")).ticket_created);
  CHECK(eager.ingest(parse_call_event(R"({"call_id": "o3", "direction": "Outbound",
      "to_number": "+16505550105", "result": "No Answer"})")).ticket_created);
}

TEST_CASE("unknown results map to the fallback status") {
  auto s = fresh_store();
  CallLoggerOptions o = company();
  o.fallback_status = "Completed";
  CallLogger logger(s, o);
  auto r = logger.ingest(parse_call_event(telephony_fixture("call_log_detailed.json")));  // "Hold Music Suspended"
  CHECK(s->get("Helpdesk Call Log", r.call_log)->text("status") == "Completed");
  CallEvent ev;
  ev.result = "Busy";
  CHECK(logger.status_for(ev) == "Busy");
  ev.result = "Missed";
  CHECK(logger.status_for(ev) == "No Answer");
  ev.result = "";
  ev.status_code = "Proceeding";
  CHECK(logger.status_for(ev) == "Ringing");
}

TEST_CASE("manual click-to-call logs") {
  auto s = fresh_store();
  s->insert("CRM RingCentral Settings", {{"company_phone_number", "+15559876543"}});
  std::string contact = s->insert("Contact", {{"full_name", "Dana"}},
                                  {{"phone_nos", {Document{{"phone", "650-555-0100"}}}}});
  std::string ticket = s->insert("HD Ticket", {{"subject", "t"}});
  CallLogger logger(s);
  std::string name = logger.create_manual_call_log("(650) 555-0100", "", ticket);
  auto log = s->get("Helpdesk Call Log", name);
  CHECK(log->text("type") == "Outgoing");
  CHECK(log->text("status") == "Initiated");
  CHECK(log->text("from_number") == "+15559876543");
  CHECK(log->text("to_number") == "(650) 555-0100");
  CHECK(log->text("ticket") == ticket);
  CHECK(log->text("contact") == contact);
  CHECK_THROWS_AS(logger.create_manual_call_log("hello"), ValidationError);
  CHECK_THROWS_AS(logger.create_manual_call_log("123"), ValidationError);
}

TEST_CASE("a fault at every write of an ingest leaves the store unchanged") {
  auto op = [](const std::shared_ptr<Store>& s) {
    CallLoggerOptions o = company();
    o.create_tickets = true;
    CallLogger(s, o).ingest(parse_call_event(telephony_fixture("seed_curl.json")));
  };
  auto counting = make_faulty_store(fresh_store());
  op(counting);
  std::int64_t total = faults(*counting).writes();
  REQUIRE(total >= 5);
  for (std::int64_t k = 1; k <= total; ++k) {
    CAPTURE(k);
    auto inner = fresh_store();
    auto before = snapshot(*inner);
    CHECK_THROWS_AS(op(make_faulty_store(inner, FaultPlan{k, 0, 0})), StoreError);
    CHECK(snapshot(*inner) == before);
  }
}

TEST_CASE("webhook: the Validation-Token handshake never touches the store") {
  auto inner = fresh_store();
  auto watched = std::make_shared<Untouchable>(inner);
  auto logger =
      std::make_shared<CallLogger>(std::make_shared<Store>(watched, inner->schema_ptr()));
  WebhookHandler handler(logger, WebhookOptions{"expected-token", "", true});
  int before = watched->touches;
  auto r = handler.handle({{"Validation-Token", "abc-123"}}, "");
  CHECK(r.status == 200);
  CHECK(r.headers["Validation-Token"] == "abc-123");
  CHECK(r.headers["Content-Type"] == "application/json");
  std::size_t size = r.body.size();
  for (const auto& [k, v] : r.headers) size += k.size() + v.size() + 4;
  CHECK(size <= 1024);
  CHECK(watched->touches == before);
  CHECK(handler.handle({{"validation-token", std::string(600, 'x')}}, "").status == 400);
}

TEST_CASE("webhook: secrets are required when configured, compared in constant time") {
  auto s = fresh_store();
  auto logger = std::make_shared<CallLogger>(s, company());
  WebhookHandler handler(logger, WebhookOptions{"rc-token", "relay-secret", true});
  std::string body = telephony_fixture("seed_curl.json");
  auto before = snapshot(*s);
  CHECK(handler.handle({}, body).status == 401);
  CHECK(handler.handle({{"Verification-Token", "wrong"}}, body).status == 401);
  CHECK(handler.handle({{"X-Webhook-Secret", "relay-secre"}}, body).status == 401);
  CHECK(handler.handle({{"Verification-Token", "relay-secret"}}, body).status == 401);  // wrong header
  CHECK(snapshot(*s) == before);
  CHECK(handler.handle({{"verification-token", "rc-token"}}, body).status == 200);
  CHECK(handler.handle({{"X-Webhook-Secret", "relay-secret"}}, body).status == 200);
  CHECK(secret_matches("a", "a"));
  CHECK_FALSE(secret_matches("a", "b"));
  CHECK_FALSE(secret_matches("", ""));  // an empty expected secret never matches
}

TEST_CASE("webhook: check_headers decides from the headers alone, as handle() does") {
  auto inner = fresh_store();
  auto watched = std::make_shared<Untouchable>(inner);
  auto logger =
      std::make_shared<CallLogger>(std::make_shared<Store>(watched, inner->schema_ptr()));
  WebhookHandler handler(logger, WebhookOptions{"rc-token", "relay-secret", true});
  int before = watched->touches;
  auto handshake = handler.check_headers({{"Validation-Token", "abc"}});
  REQUIRE(handshake);
  CHECK(handshake->status == 200);
  CHECK(handshake->headers["Validation-Token"] == "abc");
  for (const std::map<std::string, std::string>& wrong :
       {std::map<std::string, std::string>{}, {{"Verification-Token", "nope"}}, {{"X-Webhook-Secret", "rc-token"}}}) {
    auto refused = handler.check_headers(wrong);
    REQUIRE(refused);
    CHECK(refused->status == 401);
    CHECK(handler.handle(wrong, telephony_fixture("seed_curl.json")).status == 401);
  }
  CHECK_FALSE(handler.check_headers({{"verification-token", "rc-token"}}));
  CHECK_FALSE(handler.check_headers({{"X-WEBHOOK-SECRET", "relay-secret"}}));
  CHECK(watched->touches == before);
  WebhookHandler open_handler(logger);  // no secret configured: every body may be read
  CHECK_FALSE(open_handler.check_headers({}));
}

TEST_CASE("webhook: an out-of-range number is a 400 with nothing stored, not a 500") {
  auto s = fresh_store();
  auto logger = std::make_shared<CallLogger>(s, company());
  WebhookHandler handler(logger);
  auto before = snapshot(*s);
  auto r = handler.handle({}, R"({"call_id": "x", "from_number": "+14155550100", "duration": 1e400})");
  CHECK(r.status == 400);
  CHECK(r.body.find("not valid JSON") != std::string::npos);
  CHECK(snapshot(*s) == before);
}

TEST_CASE("webhook: bad bodies are 400, duplicates by uuid are acknowledged, payloads kept") {
  auto s = fresh_store();
  auto logger = std::make_shared<CallLogger>(s, company());
  WebhookHandler handler(logger);
  auto bad = handler.handle({}, "{not json");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("\"success\":false") != std::string::npos);
  CHECK(s->count("RingCentral CRM Payload") == 0);
  std::string seq4 = telephony_fixture("telephony_seq4.json");
  CHECK(handler.handle({}, seq4).status == 200);
  CHECK(s->count("RingCentral CRM Payload") == 1);
  auto dup = handler.handle({}, seq4);
  CHECK(dup.body.find("Duplicate event ignored") != std::string::npos);
  CHECK(s->count("RingCentral CRM Payload") == 1);
  CHECK(s->count("Helpdesk Call Log") == 1);
  CHECK(handler.handle({}, std::string(kMaxCallEventBytes + 10, ' ')).status == 413);
}

TEST_CASE("process_crm_payload: graceful with missing documents and bad payloads") {
  auto s = fresh_store();
  CallLogger logger(s, company());
  auto missing = process_crm_payload(logger, "gone");
  CHECK(missing.status == "Missing");
  CHECK(s->count("Error Log") == 1);
  std::string good = s->insert("RingCentral CRM Payload", {{"payload", telephony_fixture("seed_curl.json")}});
  auto ok = process_crm_payload(logger, good);
  CHECK(ok.status == "Processed");
  CHECK(s->get("RingCentral CRM Payload", good)->text("processing_status") == "Processed");
  CHECK(s->get("RingCentral CRM Payload", good)->text("call_log") == ok.result.call_log);
  std::string bad = s->insert("RingCentral CRM Payload", {{"payload", std::string("{\"call_id\": ") + std::string(800, '[')}});
  auto err = process_crm_payload(logger, bad);
  CHECK(err.status == "Error");
  auto doc = s->get("RingCentral CRM Payload", bad);
  CHECK(doc->text("processing_status") == "Error");
  CHECK(!doc->text("error_message").empty());
  CHECK(doc->text("error_message").size() <= 500 * 4);
}

TEST_CASE("process_crm_payload: a payload whose ingest fails reports no call log") {
  // The status update after ingest fails: the call logs were rolled back with it, so the
  // outcome must not name them.
  auto inner = fresh_store();
  std::string payload = inner->insert("RingCentral CRM Payload", {{"payload", telephony_fixture("seed_curl.json")}});
  auto counting = make_faulty_store(inner);
  CallLogger counter(counting, company());
  CHECK(process_crm_payload(counter, payload).status == "Processed");
  const std::int64_t writes = faults(*counting).writes();
  REQUIRE(writes > 1);
  auto again = fresh_store();
  payload = again->insert("RingCentral CRM Payload", {{"payload", telephony_fixture("seed_curl.json")}});
  auto faulty = make_faulty_store(again, FaultPlan{writes, 0, 0});  // the status update
  CallLogger logger(faulty, company());
  auto out = process_crm_payload(logger, payload);
  CHECK(out.status == "Error");
  CHECK(out.result.call_log.empty());
  CHECK(out.result.crm_call_log.empty());
  CHECK(again->count("Helpdesk Call Log") == 0);
  CHECK(again->get("RingCentral CRM Payload", payload)->text("processing_status") == "Error");
}

TEST_CASE("transcripts: cached, fetched, refreshed, for both call-log doctypes") {
  auto s = fresh_store();
  CallLogger logger(s, company());
  auto r = logger.ingest(parse_call_event(telephony_fixture("call_log_simple.json")));
  CannedTranscripts source;
  for (const char* doctype : {"Helpdesk Call Log", "CRM Call Log"}) {
    CAPTURE(doctype);
    std::string name = std::string(doctype) == "CRM Call Log" ? r.crm_call_log : r.call_log;
    int calls = source.calls;
    auto first = get_or_create_transcript(*s, doctype, name, source);
    CHECK(first.success);
    CHECK_FALSE(first.cached);
    CHECK(first.transcript.rfind("[Alex Agent]: Thanks for calling", 0) == 0);
    CHECK(source.last_recording == "5550001111");
    auto second = get_or_create_transcript(*s, doctype, name, source);
    CHECK(second.cached);
    CHECK(second.transcript == first.transcript);
    CHECK(source.calls == calls + 1);
    source.answer = R"({"segments": [{"speakerId": "x", "text": "new"}]})";
    auto fresh = refresh_transcript(*s, doctype, name, source);
    CHECK_FALSE(fresh.cached);
    CHECK(fresh.transcript == "[x]: new");
    CHECK(s->get(doctype, name)->text("transcript") == "[x]: new");
    source.answer = telephony_fixture("insights.json");
  }
  source.answer = std::nullopt;
  auto none = refresh_transcript(*s, "Helpdesk Call Log", r.call_log, source);
  CHECK_FALSE(none.success);
  CHECK(s->get("Helpdesk Call Log", r.call_log)->text("transcript") == "[x]: new");  // kept
  CHECK_THROWS_AS(get_or_create_transcript(*s, "Helpdesk Call Log", "nope", source), NotFound);
  CHECK_THROWS_AS(get_or_create_transcript(*s, "HD Ticket", "1", source), ValidationError);
}

TEST_CASE("ingest_many: the results and writes of ingest() one event at a time") {
  std::vector<CallEvent> events;
  for (const char* f : {"seed_curl.json", "call_log_simple.json", "call_log_detailed.json",
                        "telephony_seq2.json", "telephony_seq1.json", "telephony_seq4.json",
                        "telephony_seq3.json", "seed_curl.json", "recording_ready.json"})
    events.push_back(parse_call_event(telephony_fixture(f)));
  for (const char* body : {
           R"({"call_id": "m1", "direction": "Inbound", "from_number": "+16505550101", "result": "Missed"})",
           R"({"call_id": "m2", "direction": "Inbound", "from_number": "+16505550101", "result": "Call connected", "duration": 30})",
           R"({"call_id": "o1", "direction": "Outbound", "to_number": "+16505550102", "result": "No Answer"})",
           R"({"call_id": "m3", "direction": "Inbound", "from_number": "(650) 555-0101", "result": "Call connected", "duration": 10})",
           R"({"call_id": "m1", "direction": "Inbound", "from_number": "+16505550101", "result": "Missed", "duration": 0})"})
    events.push_back(parse_call_event(body));
  for (bool eager : {false, true}) {
    CAPTURE(eager);
    CallLoggerOptions o = company();
    o.create_tickets = true;
    o.tickets_for_unanswered = eager;
    o.tickets_for_outbound = eager;
    auto one = fresh_store(), many = fresh_store();
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1741608000));
    one->set_clock([now] { return now; });
    many->set_clock([now] { return now; });
    ticket_with_mobile(*one, "(555) 123-4567", "patio set");
    ticket_with_mobile(*many, "(555) 123-4567", "patio set");
    CallLogger single(one, o), batched(many, o);
    std::vector<IngestResult> expected;
    for (const auto& ev : events) expected.push_back(single.ingest(ev));
    std::vector<IngestResult> got = batched.ingest_many(events);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CAPTURE(i);
      CHECK(got[i].action == expected[i].action);
      CHECK(got[i].reason == expected[i].reason);
      // Logs without a call id have hash names: compare what identifies them.
      auto id = [](Store& s, const char* doctype, const std::string& name) {
        if (name.empty()) return std::string();
        auto row = s.get(doctype, name);
        return row ? row->text("call_id") + row->text("id") + "|" + row->text("telephony_session_id") : name;
      };
      CHECK(id(*many, "Helpdesk Call Log", got[i].call_log) == id(*one, "Helpdesk Call Log", expected[i].call_log));
      CHECK(id(*many, "CRM Call Log", got[i].crm_call_log) == id(*one, "CRM Call Log", expected[i].crm_call_log));
      CHECK(got[i].ticket == expected[i].ticket);
      CHECK(got[i].lead == expected[i].lead);
      CHECK(got[i].contact == expected[i].contact);
      CHECK(got[i].ticket_created == expected[i].ticket_created);
      CHECK(got[i].contact_created == expected[i].contact_created);
      CHECK(got[i].error.empty());
    }
    CHECK(test_support::snapshot_difference(test_support::canonical_snapshot(*many, false), test_support::canonical_snapshot(*one, false)) == "");
    CHECK(many->transaction_depth() == 0);
  }
  CHECK(CallLogger(fresh_store()).ingest_many({}).empty());
}

TEST_CASE("ingest_many: a failing event rolls back alone, the others commit") {
  std::vector<CallEvent> events;
  for (const char* body : {
           R"({"call_id": "k1", "direction": "Inbound", "from_number": "+16505550101", "result": "Call connected", "duration": 5})",
           R"({"call_id": "k2", "direction": "Inbound", "from_number": "+16505550102", "result": "Call connected", "duration": 5})",
           R"({"call_id": "k3", "direction": "Inbound", "from_number": "+16505550103", "result": "Call connected", "duration": 5})"})
    events.push_back(parse_call_event(body));
  CallLoggerOptions o = company();
  o.create_tickets = true;
  // The second event fails at its contact, its ticket or its call log, each time it is written.
  for (const char* doctype : {"Contact", "HD Ticket", "Helpdesk Call Log"}) {
    CAPTURE(doctype);
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1741608000));
    auto inner = fresh_store();
    inner->set_clock([now] { return now; });
    auto faulty = std::make_shared<Store>(std::make_shared<test_support::Poisoned>(inner, doctype, "5550102"),
                                          inner->schema_ptr());
    faulty->set_clock([now] { return now; });  // the facade over the faults has its own clock
    auto results = CallLogger(faulty, o).ingest_many(events);
    REQUIRE(results.size() == 3);
    CHECK(results[0].action == "created");
    CHECK(results[1].action == "failed");
    CHECK(results[1].reason == "injected_fault");
    CHECK(results[1].error.find("injected") != std::string::npos);
    CHECK(results[2].action == "created");
    auto reference = fresh_store();
    reference->set_clock([now] { return now; });
    CallLogger ref(reference, o);
    ref.ingest(events[0]);
    ref.ingest(events[2]);
    CHECK(test_support::snapshot_difference(test_support::canonical_snapshot(*inner, false), test_support::canonical_snapshot(*reference, false)) == "");
    CHECK(inner->transaction_depth() == 0);
  }
}

TEST_CASE("a call log's start is written in its store's time zone") {
  auto s = fresh_store();
  s->set_time_zone("Asia/Kolkata");
  CallLogger logger(s, company());
  CallEvent ev = parse_call_event(telephony_fixture("call_log_simple.json"));  // 16:20:00Z
  REQUIRE(ev.start_unix);
  CHECK(ev.start_time == "2026-02-10 16:20:00");  // the process's TZ (UTC in these tests)
  auto r = logger.ingest(ev);
  auto hd = s->get("Helpdesk Call Log", r.call_log);
  auto crm = s->get("CRM Call Log", r.crm_call_log);
  REQUIRE(hd);
  REQUIRE(crm);
  CHECK(hd->text("start_time").rfind("2026-02-10 21:50:00", 0) == 0);
  CHECK(crm->text("start_time").rfind("2026-02-10 21:50:00", 0) == 0);
  // The original relay's "YYYY-MM-DD HH:MM:SS" is already local time: written as sent.
  std::string body = telephony_fixture("seed_curl.json");
  const std::string iso = "2025-01-06T10:30:00Z";
  REQUIRE(body.find(iso) != std::string::npos);
  body.replace(body.find(iso), iso.size(), "2025-01-06 10:30:00");
  CallEvent relay = parse_call_event(body);
  CHECK_FALSE(relay.start_unix);
  auto rr = logger.ingest(relay);
  CHECK(s->get("Helpdesk Call Log", rr.call_log)->text("start_time").rfind("2025-01-06 10:30:00", 0) == 0);
}
