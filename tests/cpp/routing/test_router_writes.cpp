// What route() writes, all in one transaction: contact before ticket, the record, the
// Communication, Error Log rows without the body; plan() writes nothing; a failure at any
// write leaves nothing but the critical-error log row.
#include <doctest/doctest.h>

#include <functional>
#include <mutex>
#include <set>

#include "routing/routing_test_support.h"
#include "switchboard/log.h"

using namespace switchboard;
using routing_test::kSales;
using routing_test::kSupport;
using routing_test::mail;
using routing_test::RouterFixture;

namespace {

// Snapshot without Error Log and the decision log (compared separately).
std::map<std::string, std::vector<Document>> data_of(Store& s) {
  auto snap = test_support::snapshot(s);
  snap.erase("Error Log");
  snap.erase(kRouteLogDoctype);
  return snap;
}

void check_no_body_in_logs(Store& s) {
  for (const auto& row : s.find("Error Log")) CHECK(row.text("error").find("never reach") == std::string::npos);
}

}  // namespace

TEST_CASE("writes: a new ticket gets its Contact and Contact Email row first") {
  RouterFixture f;
  auto m = mail("<m1@x.com>", "\"Doe, Jane\" <Jane.Doe@X.com>", {kSupport}, "Broken zipper");
  m.cc = {"partner@x.com"};
  m.date = "2025-03-09 08:00:00";
  m.has_attachment = true;
  RouteResult r = f.router.route(m);
  REQUIRE(r.action == "create_ticket");
  CHECK(r.contact == "Jane Doe");
  auto contact = f.store->get("Contact", r.contact);
  REQUIRE(contact);
  CHECK(contact->text("first_name") == "Jane");
  CHECK(contact->text("last_name") == "Doe");
  CHECK(contact->text("email_id") == "jane.doe@x.com");
  auto rows = f.store->find("Contact Email", Query{Filter("parent", r.contact)});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].text("email_id") == "jane.doe@x.com");
  CHECK(rows[0].integer("is_primary") == 1);
  CHECK(rows[0].text("parenttype") == "Contact");
  CHECK(rows[0].text("creation") <= f.store->get("HD Ticket", r.name)->text("creation"));

  auto t = f.store->get("HD Ticket", r.name);
  CHECK(t->text("subject") == "Broken zipper");
  CHECK(t->text("raised_by") == "jane.doe@x.com");
  CHECK(t->text("status") == "Open");
  CHECK(t->text("priority") == "Medium");
  CHECK(t->integer("via_customer_portal", -1) == 0);
  CHECK(t->get("description").is_empty());  // else Helpdesk adds a second Communication
  CHECK(t->text("contact") == r.contact);
  CHECK(t->text("email_account") == "Support");

  auto c = f.store->get("Communication", r.communication);
  REQUIRE(c);
  CHECK(c->text("message_id") == "m1@x.com");  // without angle brackets
  CHECK(c->text("sent_or_received") == "Received");
  CHECK(c->text("communication_medium") == "Email");
  CHECK(c->text("communication_type") == "Communication");
  CHECK(c->text("reference_doctype") == "HD Ticket");
  CHECK(c->text("reference_name") == r.name);
  CHECK(c->text("sender") == "jane.doe@x.com");
  CHECK(c->text("sender_full_name") == "Jane Doe");
  CHECK(c->text("recipients") == kSupport);
  CHECK(c->text("cc") == "partner@x.com");
  CHECK(c->text("content") == m.content);
  CHECK(c->text("communication_date") == "2025-03-09 08:00:00");
  CHECK(c->integer("has_attachment") == 1);
  CHECK(c->text("in_reply_to").empty());
  CHECK(f.count("Communication") == 1);  // the mail is the ticket's only message
}

TEST_CASE("writes: an existing Contact Email row is reused (normalized, or as written in the mail)") {
  RouterFixture f;
  std::string contact = f.store->insert(
      "Contact", {{"first_name", "Old"}, {"full_name", "Old Record"}},
      {{"email_ids", {Document{{"email_id", "Ann@X.com"}, {"is_primary", 1}}}}});
  RouteResult r = f.router.route(mail("m1@x.com", "Ann@X.com", {kSupport}));
  CHECK(r.contact == contact);
  CHECK(f.count("Contact") == 1);
  CHECK(f.store->get("HD Ticket", r.name)->text("contact") == contact);
  // Leads are not given a contact, but the result names the one that exists.
  RouteResult l = f.router.route(mail("m2@x.com", "Ann@X.com", {"hello@zipcushions.com"}));
  CHECK(l.contact == contact);
  // Rows switchboard writes are normalized, so any spelling of the address finds them.
  RouteResult n = f.router.route(mail("m3@x.com", "BOB@Y.COM", {kSupport}));
  CHECK(f.router.plan(mail("m4@x.com", "Bob@y.com", {"hello@zipcushions.com"})).contact == n.contact);
}

TEST_CASE("writes: error_log=all writes the seed's log categories to Error Log, never the body") {
  RouterFixture f;
  RoutingRules seed;
  seed.error_log = "all";
  Router router = f.with(seed);
  RouteResult r = router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "Broken"));
  // The clock is frozen, so rows are compared as a set; the result keeps the order.
  std::map<std::string, Document> logs;
  for (auto& l : f.store->find("Error Log")) logs[l.text("method")] = l;
  CHECK(logs.size() == 4);
  std::vector<std::string> categories;
  for (const auto& [category, message] : r.log) categories.push_back(category);
  CHECK(categories == std::vector<std::string>{"Route: Start", "Route: Name Gen", "Route: Support",
                                                "Route: Support Created"});
  for (const auto& c : categories) CHECK(logs.count(c) == 1);
  CHECK(logs["Route: Support Created"].text("error") ==
        "Route: Support Created\n[CREATED] Ticket: " + r.name + " | ann@x.com | support_alias");
  CHECK(logs["Route: Support Created"].text("reference_name") == r.name);
  CHECK(logs["Route: Start"].text("error") == "Route: Start\n[START] ann@x.com | Broken");
  // The seed's monitoring query finds every routing row.
  CHECK(f.store->count("Error Log", {Filter("error", Op::kLike, Value("%Route:%"))}) == 4);
  router.route(mail("m2@x.com", "admin@example.com", {kSupport}));
  router.route(mail("m3@x.com", "noreply@y.com", {kSupport}));
  router.route(mail("m4@x.com", "bob@y.com", {kSales}));
  router.route(mail("m5@x.com", "bob@y.com", {kSales}));
  std::set<std::string> seen;
  for (const auto& l : f.store->find("Error Log")) seen.insert(l.text("method"));
  for (const char* c : {"Route: Blocked", "Route: System Email", "Route: CRM Created", "Route: CRM Linked"})
    CHECK(seen.count(c) == 1);
  check_no_body_in_logs(*f.store);
  // The Start line cuts sender and subject to 30 characters (on characters, not bytes).
  RouteResult u = router.plan(mail("m6@x.com", "ann@x.com", {kSupport}, std::string(40, 'x') + "ü"));
  CHECK(u.log.front().second == "[START] ann@x.com | " + std::string(30, 'x'));
}

TEST_CASE("writes: by default Error Log gets errors only; every step reaches the diagnostics log") {
  test_support::LogCapture capture("routing");
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "Broken"));
  RouteResult r2 = f.router.route(mail("m2@x.com", "bob@y.com", {kSales}));
  f.router.plan(mail("m3@x.com", "cy@y.com", {kSales}));  // plans are not logged
  std::vector<std::string> lines = capture.lines();
  CHECK(r.action == "create_ticket");
  CHECK(f.count("Error Log") == 0);
  REQUIRE(lines.size() == r.log.size() + r2.log.size());
  REQUIRE(r.log.size() == 4);
  CHECK(lines[0] == "debug Route: Start\n[START] ann@x.com | Broken");
  CHECK(lines[3] == "debug Route: Support Created\n[CREATED] Ticket: " + r.name +
                        " | ann@x.com | support_alias");
  for (const auto& line : lines) CHECK(line.find("never reach") == std::string::npos);
}

TEST_CASE("writes: error_log outcome, errors and none write less") {
  for (auto policy_rows : std::initializer_list<std::pair<const char*, int>>{
           {"all", 4}, {"outcome", 1}, {"errors", 0}, {"none", 0}}) {
    const char* policy = policy_rows.first;  // named, not bound: CAPTURE is a lambda
    int rows = policy_rows.second;
    CAPTURE(policy);
    RouterFixture f;
    RoutingRules rules;
    rules.error_log = policy;
    RouteResult r = f.with(rules).route(mail("m1@x.com", "ann@x.com", {kSupport}));
    CHECK(r.action == "create_ticket");
    CHECK(r.log.size() == 4);  // the result always carries the whole log
    CHECK(f.count("Error Log") == rows);
  }
}

TEST_CASE("writes: routine decisions go to the decision log, Error Log gets only errors") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "Broken"));
  REQUIRE(r.action == "create_ticket");
  CHECK(f.count("Error Log") == 0);  // the default: error_log = "errors"
  auto rows = f.store->find(kRouteLogDoctype);
  REQUIRE(rows.size() == 1);  // route_log = "outcome": one row per mail
  CHECK(rows[0].text("category") == "Route: Support Created");
  CHECK(rows[0].text("message") == "[CREATED] Ticket: " + r.name + " | ann@x.com | support_alias");
  CHECK(rows[0].text("action") == "create_ticket");
  CHECK(rows[0].text("reason") == "support_alias");
  CHECK(rows[0].text("reference_doctype") == "HD Ticket");
  CHECK(rows[0].text("reference_name") == r.name);
  CHECK(rows[0].text("message_id") == "m1@x.com");
  CHECK(rows[0].text("sender") == "ann@x.com");
  CHECK(rows[0].text("communication") == r.communication);
  f.router.route(mail("m2@x.com", "admin@example.com", {kSupport}));
  CHECK(f.store->count(kRouteLogDoctype, {Filter("reason", "blocked")}) == 1);  // skips too
  for (const auto& row : f.store->find(kRouteLogDoctype))
    CHECK(row.text("message").find("never reach") == std::string::npos);
  for (auto policy_rows : std::initializer_list<std::pair<const char*, int>>{
           {"all", 4}, {"outcome", 1}, {"none", 0}}) {
    const char* policy = policy_rows.first;  // named, not bound: CAPTURE is a lambda
    int rows_per_mail = policy_rows.second;
    CAPTURE(policy);
    RouterFixture g;
    RoutingRules rules;
    rules.route_log = policy;
    g.with(rules).route(mail("m1@x.com", "ann@x.com", {kSupport}));
    CHECK(g.count(kRouteLogDoctype) == rows_per_mail);
    CHECK(g.count("Error Log") == 0);
  }
}

TEST_CASE("writes: plan() writes nothing and agrees with route()") {
  std::vector<InboundEmail> mails{mail("p1@x.com", "ann@x.com", {kSupport}, "A"),
                                  mail("p2@x.com", "ann@x.com", {kSupport}, "B"),
                                  mail("p3@x.com", "bob@y.com", {kSales}, "C"),
                                  mail("p4@x.com", "admin@example.com", {kSupport}),
                                  mail("p1@x.com", "ann@x.com", {kSupport}, "A"),
                                  mail("p5@x.com", "bob@y.com", {"hello@zipcushions.com"})};
  mails[1].in_reply_to = "p1@x.com";
  RouterFixture f;
  for (const auto& m : mails) {
    auto before = test_support::snapshot(*f.store);
    RouteResult planned = f.router.plan(m);
    CHECK(test_support::snapshot(*f.store) == before);
    RouteResult routed = f.router.route(m);
    CHECK(planned.action == routed.action);
    CHECK(planned.reason == routed.reason);
    CHECK(planned.doctype == routed.doctype);
    if (planned.action.rfind("link_", 0) == 0) CHECK(planned.name == routed.name);
    CHECK(planned.log_category == routed.log_category);
  }
}

TEST_CASE("writes: the Frappe hook passes the Communication it is saving") {
  RouterFixture f;
  // before_save on insert: the row is not in the store yet; nothing is written for it.
  auto m = mail("h1@x.com", "ann@x.com", {kSupport});
  m.communication = "new-comm-1";
  RouteResult r = f.router.route(m);
  CHECK(r.action == "create_ticket");
  CHECK(r.communication == "new-comm-1");
  CHECK(f.count("Communication") == 0);
  // An existing row (already saved, unrouted) is updated, not duplicated, and is not its own
  // duplicate.
  std::string existing = f.store->insert("Communication", {{"message_id", "h2@x.com"},
                                                           {"sent_or_received", "Received"},
                                                           {"subject", "Re: x"}});
  auto m2 = mail("h2@x.com", "ann@x.com", {kSupport});
  m2.communication = existing;
  RouteResult r2 = f.router.route(m2);
  CHECK(r2.action == "link_ticket");
  CHECK(r2.communication == existing);
  auto c = f.store->get("Communication", existing);
  CHECK(c->text("reference_doctype") == "HD Ticket");
  CHECK(c->text("reference_name") == r.name);
  CHECK(f.count("Communication") == 1);
  // A skipped mail stays unfiled, and its decision-log row names the hook's row.
  std::string unfiled = f.store->insert("Communication", {{"message_id", "h3@x.com"},
                                                          {"sent_or_received", "Received"},
                                                          {"subject", "Out of office"}});
  auto m3 = mail("h3@x.com", "ann@x.com", {kSupport}, "Out of office");
  m3.headers = {{"Auto-Submitted", "auto-replied"}};
  m3.communication = unfiled;
  RouteResult r3 = f.router.route(m3);
  CHECK(r3.action == "skip");
  CHECK(f.store->get("Communication", unfiled)->text("reference_name").empty());
  auto logged = f.store->find(kRouteLogDoctype, Query{Filter("message_id", "h3@x.com")});
  REQUIRE(logged.size() == 1);
  CHECK(logged[0].text("reason") == r3.reason);
  CHECK(logged[0].text("communication") == unfiled);
}

TEST_CASE("writes: a fault at every write position leaves nothing and logs a critical error") {
  // Each scenario: a store prepared by `setup`, and a mail whose routing writes several rows.
  struct Scenario {
    const char* what;
    std::function<void(RouterFixture&)> setup;
    InboundEmail mail;
    RoutingRules rules;
  };
  RoutingRules reopen;
  reopen.closed_ticket = "reopen";
  auto closed_reply = mail("f4@x.com", "ann@x.com", {kSupport}, "Re: x");
  closed_reply.in_reply_to = "final@ours";
  std::vector<Scenario> scenarios{
      {"new ticket with contact", [](RouterFixture&) {}, mail("f1@x.com", "ann@x.com", {kSupport}), {}},
      {"new lead", [](RouterFixture&) {}, mail("f2@x.com", "bob@y.com", {kSales}), {}},
      {"link with reopen",
       [](RouterFixture& f) {
         std::string t = f.ticket("ann@x.com", "Replied");
         f.communication("agent@ours", "HD Ticket", t);
       },
       [] {
         auto m = mail("f3@x.com", "ann@x.com", {kSupport});
         m.in_reply_to = "agent@ours";
         return m;
       }(),
       {}},
      {"reopened closed ticket",
       [](RouterFixture& f) {
         std::string t = f.ticket("ann@x.com", "Closed");
         f.communication("final@ours", "HD Ticket", t);
       },
       closed_reply, reopen},
      {"closed ticket replaced",
       [](RouterFixture& f) {
         std::string t = f.ticket("ann@x.com", "Closed");
         f.communication("final@ours", "HD Ticket", t);
       },
       closed_reply, {}},
  };
  for (auto& s : scenarios) {
    CAPTURE(s.what);
    s.rules.error_log = "all";  // the step rows are writes of the transaction too
    std::int64_t total = 0;
    {
      RouterFixture f;
      s.setup(f);
      auto faulty = make_faulty_store(f.store);
      RouteResult ok = Router(faulty, s.rules).route(s.mail);
      REQUIRE(ok.action != "skip");
      total = faults(*faulty).writes();
    }
    REQUIRE(total >= 3);
    for (std::int64_t k = 1; k <= total + 1; ++k) {  // total + 1: a failed commit
      CAPTURE(k);
      RouterFixture f;
      s.setup(f);
      auto before = data_of(*f.store);
      std::int64_t logs_before = f.count("Error Log");
      FaultPlan plan = k <= total ? FaultPlan{k, 0, 0} : FaultPlan{0, 1, 0};
      auto faulty = make_faulty_store(f.store, plan);
      RouteResult r = Router(faulty, s.rules).route(s.mail);
      CHECK(r.action == "skip");
      CHECK(r.reason == "error");
      CHECK(r.log_category == "Route: Critical Error");
      CHECK(r.error.find("injected") != std::string::npos);
      CHECK(r.name.empty());
      CHECK(data_of(*f.store) == before);
      CHECK(f.store->transaction_depth() == 0);
      auto logs = f.store->find("Error Log", Query().order("creation desc, name desc"));
      REQUIRE(static_cast<std::int64_t>(logs.size()) == logs_before + 1);
      CHECK(logs.front().text("method") == "Route: Critical Error");
      CHECK(logs.front().text("error").find("\nSender: " + normalize_email(s.mail.sender) + "\n") !=
            std::string::npos);
      check_no_body_in_logs(*f.store);
    }
  }
}

TEST_CASE("writes: a store that cannot even log still gets a skip/error result") {
  RouterFixture f;
  auto faulty = make_faulty_store(f.store, FaultPlan{1, 0, 0});
  RoutingRules rules;
  rules.error_log = "none";
  RouteResult r = Router(faulty, rules).route(mail("e1@x.com", "ann@x.com", {kSupport}));
  CHECK(r.reason == "error");
  CHECK(f.count("Error Log") == 0);
  CHECK(f.count("HD Ticket") == 0);
}

TEST_CASE("writes: a site whose schema has no decision log routes and logs no decisions") {
  // A Frappe site attached as it is, without the Switchboard Route Log doctype.
  Schema schema;
  for (const auto& def : Schema::standard()->doctypes())
    if (def->name != kRouteLogDoctype) schema.add(*def);
  auto store = std::make_shared<Store>(make_memory_backend(),
                                       std::make_shared<const Schema>(std::move(schema)));
  seed_standard_records(*store);
  test_support::with_site(store);
  RouteResult r = Router(store).route(mail("m1@x.com", "ann@x.com", {kSupport}));
  CHECK(r.action == "create_ticket");
  CHECK(store->count("HD Ticket") == 1);
  CHECK(store->count("Communication") == 1);
}

TEST_CASE("route(): a store's time zone dates the mail and opens the ticket in that zone") {
  RouterFixture f;  // clock: 2025-03-10 12:00:00 UTC
  f.store->set_time_zone("Asia/Kolkata");
  InboundEmail e = InboundEmail::from_rfc822(
      "From: Ann <ann@customer.com>\nTo: " + kSupport + "\nMessage-ID: <tz1@customer.com>\n"
      "Date: Mon, 10 Mar 2025 11:58:00 +0000\nSubject: Broken zipper\n\nhello\n", "Support");
  REQUIRE(e.date_unix);
  CHECK(e.date == "2025-03-10 11:58:00");  // the process's TZ (UTC in these tests)
  RouteResult r = f.router.route(e);
  REQUIRE(r.action == "create_ticket");
  auto communication = f.store->get("Communication", r.communication);
  REQUIRE(communication);
  CHECK(communication->text("communication_date") == "2025-03-10 17:28:00");
  auto ticket = f.store->get("HD Ticket", r.name);
  REQUIRE(ticket);
  CHECK(ticket->text("opening_date") == "2025-03-10");
  CHECK(ticket->text("opening_time") == "17:30:00");
  // The instant travels with the mail through JSON (the job queue).
  CHECK(InboundEmail::from_json(e.to_json()).date_unix == e.date_unix);
}
