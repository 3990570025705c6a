// The original scripts' whole "Testing Checklist", one test case per line, with their
// defaults (RoutingRules{}).
#include <doctest/doctest.h>

#include "routing/routing_test_support.h"

using namespace switchboard;
using routing_test::kInfo;
using routing_test::kSales;
using routing_test::kSupport;
using routing_test::mail;
using routing_test::RouterFixture;

// ---- Support Email Tests -----------------------------------------------------------------------

TEST_CASE("original checklist: new email to support@ creates HD Ticket") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "Broken chair"));
  CHECK(r.action == "create_ticket");
  CHECK(r.reason == "support_alias");
  CHECK(r.doctype == "HD Ticket");
  CHECK(r.log_category == "Route: Support Created");
  auto t = f.store->get("HD Ticket", r.name);
  REQUIRE(t);
  CHECK(t->text("subject") == "Broken chair");
  CHECK(t->text("raised_by") == "ann@x.com");
  CHECK(f.count("CRM Lead") == 0);
}

TEST_CASE("original checklist: reply to ticket email links to existing ticket") {
  RouterFixture f;
  RouteResult first = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "Broken chair"));
  auto reply = mail("m2@x.com", "ann@x.com", {kSupport}, "Re: Broken chair");
  reply.in_reply_to = "m1@x.com";
  RouteResult r = f.router.route(reply);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == first.name);
  CHECK(r.reason == "in_reply_to");
  CHECK(f.count("HD Ticket") == 1);
}

TEST_CASE("original checklist: multiple emails from same customer create one ticket") {
  RouterFixture f;
  RouteResult a = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "First"));
  RouteResult b = f.router.route(mail("m2@x.com", "Ann@X.com", {kSupport}, "Second"));
  RouteResult c = f.router.route(mail("m3@x.com", "ann@x.com", {"support@zipcushions.com"}, "Third"));
  CHECK(a.action == "create_ticket");
  CHECK(b.action == "link_ticket");
  CHECK(b.reason == "support_alias_open_ticket");
  CHECK(b.policy == "support_alias_existing_ticket=link_latest_open");
  CHECK(c.action == "link_ticket");
  CHECK(b.name == a.name);
  CHECK(c.name == a.name);
  CHECK(f.count("HD Ticket") == 1);
  CHECK(f.count("Communication") == 3);
}

TEST_CASE("original checklist: support emails never create CRM Leads") {
  RouterFixture f;
  f.lead("ann@x.com");  // even a known sales contact
  for (int i = 0; i < 5; ++i) {
    auto m = mail("s" + std::to_string(i) + "@x.com", i % 2 ? "ann@x.com" : "new" + std::to_string(i) + "@y.com",
                  {kSupport}, "Help " + std::to_string(i));
    RouteResult r = f.router.route(m);
    CHECK(r.doctype == "HD Ticket");
  }
  CHECK(f.count("CRM Lead") == 1);
}

// ---- Sales Email Tests -------------------------------------------------------------------------

TEST_CASE("original checklist: new email to sales@ creates CRM Lead") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "bob@y.com", {kSales}, "Quote please"));
  CHECK(r.action == "create_lead");
  CHECK(r.reason == "sales_alias");
  CHECK(r.alias == kSales);
  CHECK(r.log_category == "Route: CRM Created");
  auto lead = f.store->get("CRM Lead", r.name);
  REQUIRE(lead);
  CHECK(lead->text("status") == "New");
  CHECK(lead->text("email") == "bob@y.com");
  CHECK(lead->text("first_name") == "Bob");
  CHECK(f.count("HD Ticket") == 0);
}

TEST_CASE("original checklist: new email to info@ creates CRM Lead") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "bob@y.com", {kInfo}, "Catalogue"));
  CHECK(r.action == "create_lead");
  CHECK(r.alias == kInfo);
}

TEST_CASE("original checklist: reply to lead email links to existing lead") {
  RouterFixture f;
  RouteResult first = f.router.route(mail("m1@x.com", "bob@y.com", {kSales}, "Quote please"));
  // Our answer went out from sales@; the customer answers it.
  f.communication("our-answer@cozycornerpatios.com", "CRM Lead", first.name);
  auto reply = mail("m2@x.com", "bob@y.com", {kSales}, "Re: Quote please");
  reply.in_reply_to = "<our-answer@cozycornerpatios.com>";
  RouteResult r = f.router.route(reply);
  CHECK(r.action == "link_lead");
  CHECK(r.name == first.name);
  CHECK(r.reason == "in_reply_to");
  // And without threading headers: the lead with the sender's email is linked.
  RouteResult again = f.router.route(mail("m3@x.com", "BOB@y.com", {kSales}, "More questions"));
  CHECK(again.action == "link_lead");
  CHECK(again.reason == "sales_alias_existing_lead");
  CHECK(f.count("CRM Lead") == 1);
}

TEST_CASE("original checklist: sales emails never create HD Tickets (unless support history)") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "bob@y.com", {kSales}, "Quote"));
  CHECK(r.doctype == "CRM Lead");
  // Support history without an open ticket: sales mail still goes to a lead (rule 10 precedes
  // rule 11), exactly as the original scripts order their rules.
  f.ticket("carol@y.com", "Closed");
  CHECK(f.router.route(mail("m2@x.com", "carol@y.com", {kSales}, "Quote")).doctype == "CRM Lead");
  // With an open ticket (the "support history" that counts), the original scripts' level 3 links it.
  f.ticket("dave@y.com", "Open");
  RoutingRules original;
  original.sales_alias_open_ticket = "sender_recency";
  RouteResult d = f.with(original).route(mail("m3@x.com", "dave@y.com", {kSales}, "Quote"));
  CHECK(d.action == "link_ticket");
  CHECK(d.reason == "sender_open_ticket");
  // The default: a sales mail that does not name the ticket is a sales matter.
  CHECK(f.router.plan(mail("m4@x.com", "dave@y.com", {kSales}, "Quote")).action == "create_lead");
}

// ---- Reply Detection Tests ---------------------------------------------------------------------

TEST_CASE("original checklist: reply with In-Reply-To header links correctly") {
  RouterFixture f;
  std::string t1 = f.ticket("ann@x.com");
  std::string t2 = f.ticket("ann@x.com");  // newer: the sender-based rules would pick it
  std::string ours = f.communication("agent-reply-1@cozycornerpatios.com", "HD Ticket", t1);
  auto reply = mail("m2@x.com", "ann@x.com", {kSupport}, "Re: Old problem");
  reply.in_reply_to = "agent-reply-1@cozycornerpatios.com";
  RouteResult r = f.router.route(reply);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == t1);
  CHECK(r.match == "in_reply_to");
  CHECK(r.in_reply_to == ours);  // a Communication name, as Frappe stores in_reply_to
  CHECK(f.store->get("Communication", r.communication)->text("in_reply_to") == ours);
  (void)t2;
}

TEST_CASE("original checklist: reply with References header links correctly") {
  RouterFixture f;
  std::string t1 = f.ticket("ann@x.com");
  f.ticket("ann@x.com");
  f.communication("root@cozycornerpatios.com", "HD Ticket", t1);
  auto reply = mail("m2@x.com", "ann@x.com", {"hello@zipcushions.com"}, "Re: Old problem");
  reply.in_reply_to = "unknown-parent@elsewhere.com";
  reply.references = {"root@cozycornerpatios.com", "unknown-parent@elsewhere.com"};
  RouteResult r = f.router.route(reply);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == t1);
  CHECK(r.reason == "references");
}

TEST_CASE("original checklist: reply to 7-day-old ticket links correctly") {
  RouterFixture f;
  // Modified 6 days 23 hours ago: inside the original scripts' 7-day window.
  std::string recent = f.ticket("ann@x.com", "Replied", "2025-03-03 13:00:00.000000");
  RouteResult r = f.router.route(mail("m1@x.com", "ann@x.com", {"hello@zipcushions.com"}, "Another thing"));
  CHECK(r.action == "link_ticket");
  CHECK(r.name == recent);
  CHECK(r.reason == "sender_open_ticket");
  CHECK(r.policy == "sender_recency_link=any_open");
  // Eight days old: outside the window, so the mail is a new record (rule 11: ticket history).
  RouterFixture g;
  g.ticket("ann@x.com", "Open", "2025-03-02 11:00:00.000000");
  RouteResult s = g.router.route(mail("m1@x.com", "ann@x.com", {"hello@zipcushions.com"}, "Another thing"));
  CHECK(s.action == "create_ticket");
  CHECK(s.reason == "ticket_history");
  // reply_window_days = 0 is the original scripts' code (no date filter).
  RoutingRules no_window;
  no_window.reply_window_days = 0;
  RouterFixture h;
  std::string old = h.ticket("ann@x.com", "Open", "2024-01-01 00:00:00.000000");
  CHECK(h.with(no_window).plan(mail("m1@x.com", "ann@x.com", {"hello@zipcushions.com"})).name == old);
}

TEST_CASE("original checklist: reply to closed ticket creates new ticket") {
  RouterFixture f;
  std::string closed = f.ticket("ann@x.com", "Closed");
  f.communication("agent-final@cozycornerpatios.com", "HD Ticket", closed);
  auto reply = mail("m1@x.com", "ann@x.com", {kSupport}, "Re: Old problem");
  reply.in_reply_to = "agent-final@cozycornerpatios.com";
  RoutingRules original;
  original.closed_ticket = "new_ticket";  // the checklist's unlinked ticket
  RouteResult r = f.with(original).plan(reply);
  CHECK(r.action == "create_ticket");
  CHECK(r.reason == "closed_ticket");
  CHECK(r.policy == "closed_ticket=new_ticket");
  CHECK(r.follow_up_of.empty());
  // The default: a new ticket too, linked to the closed one as its follow-up.
  r = f.router.route(reply);
  CHECK(r.action == "create_ticket");
  CHECK(r.reason == "follow_up");
  CHECK(r.policy == "closed_ticket=follow_up");
  CHECK(r.name != closed);
  CHECK(r.follow_up_of == closed);
  CHECK(f.store->get("HD Ticket", r.name)->text("ticket_split_from") == closed);
  CHECK(f.store->get("HD Ticket", closed)->text("status") == "Closed");
}

// ---- Customer History Tests --------------------------------------------------------------------

TEST_CASE("original checklist: support customer emailing info@ gets HD Ticket") {
  RouterFixture f;
  std::string t = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "Broken")).name;
  RoutingRules original;
  original.sales_alias_open_ticket = "sender_recency";
  RouteResult r = f.with(original).route(mail("m2@x.com", "ann@x.com", {kInfo}, "Also a catalogue?"));
  CHECK(r.action == "link_ticket");  // through the open ticket (level 3), as the original scripts order it
  CHECK(r.name == t);
  CHECK(f.count("CRM Lead") == 0);
  // The default: only a mail that names the ticket stays with it.
  CHECK(f.router.plan(mail("m3@x.com", "ann@x.com", {kInfo}, "Also a catalogue?")).action == "create_lead");
  CHECK(f.router.plan(mail("m4@x.com", "ann@x.com", {kInfo}, "Re: Broken")).name == t);
}

TEST_CASE("original checklist: sales customer emailing support@ gets HD Ticket") {
  RouterFixture f;
  f.router.route(mail("m1@x.com", "bob@y.com", {kSales}, "Quote"));
  RouteResult r = f.router.route(mail("m2@x.com", "bob@y.com", {kSupport}, "My order broke"));
  CHECK(r.action == "create_ticket");
  CHECK(r.reason == "support_alias");
  CHECK(f.count("CRM Lead") == 1);
}

TEST_CASE("original checklist: new customer emailing unknown address gets CRM Lead") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "eve@z.com", {"hello@zipcushions.com"}, "Hi"));
  CHECK(r.action == "create_lead");
  CHECK(r.reason == "new_customer");
}

// ---- Edge Cases --------------------------------------------------------------------------------

TEST_CASE("original checklist: email from admin@example.com is blocked") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "Admin@Example.com", {kSupport}));
  CHECK(r.action == "skip");
  CHECK(r.reason == "blocked");
  CHECK(r.log_category == "Route: Blocked");
  CHECK(f.count("HD Ticket") == 0);
  CHECK(f.count("Communication") == 0);
}

TEST_CASE("original checklist: email from noreply@ is blocked") {
  RouterFixture f;
  for (const char* sender : {"noreply@shop.com", "no-reply@shop.com", "donotreply@shop.com",
                             "do-not-reply@shop.com", "postmaster-alerts@shop.com",
                             "noreply-orders@shop.com", "shop.noreply@shop.com", "automated@shop.com",
                             "bounces+123@lists.shop.com"}) {
    CAPTURE(sender);
    RouteResult r = f.router.route(mail(std::string("id-") + sender, sender, {kSupport}));
    CHECK(r.action == "skip");
    CHECK(r.reason == "automated_sender");
    CHECK(r.log_category == "Route: System Email");
  }
  CHECK(f.count("HD Ticket") == 0);
}

TEST_CASE("original checklist: email with no subject works") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, ""));
  CHECK(r.action == "create_ticket");
  CHECK(r.subject == "(no subject)");
  CHECK(f.store->get("HD Ticket", r.name)->text("subject") == "(no subject)");
  CHECK(f.store->get("Communication", r.communication)->text("subject") == "(no subject)");
}

TEST_CASE("original checklist: email with 200-char subject is truncated") {
  RouterFixture f;
  std::string subject(200, 's');
  RouteResult r = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, subject));
  std::string stored = f.store->get("HD Ticket", r.name)->text("subject");
  CHECK(stored.size() == 140);
  CHECK(stored == std::string(137, 's') + "...");
  // The Communication keeps the whole subject.
  CHECK(f.store->get("Communication", r.communication)->text("subject") == subject);
}

TEST_CASE("original checklist: internal email is skipped") {
  RouterFixture f;
  for (const char* sender : {"sam@cozycornerpatios.com", "SAM@CozyCornerPatios.com",
                             "lee@zipcushions.com", "ops@mail.zipcushions.com", kSupport.c_str()}) {
    CAPTURE(sender);
    RouteResult r = f.router.route(mail(std::string("i-") + sender, sender, {kSupport}));
    CHECK(r.reason == "internal");
    CHECK(r.log_category.empty());  // the original scripts log nothing before Route: Start
  }
  // A look-alike domain is not internal.
  CHECK(f.router.plan(mail("i-2", "eve@notcozycornerpatios.com", {kSupport})).action == "create_ticket");
  CHECK(f.count("Error Log") == 0);
}

TEST_CASE("original checklist: system-generated email is skipped") {
  RouterFixture f;
  auto m = mail("m1@x.com", "ann@x.com", {kSupport});
  m.email_account = "";
  CHECK(f.router.route(m).reason == "no_account");
  m.email_account = "Support";
  m.sent_or_received = "Sent";
  CHECK(f.router.route(m).reason == "outgoing");
  m.sent_or_received = "Received";
  m.reference_doctype = "HD Ticket";
  m.reference_name = "0042";
  CHECK(f.router.route(m).reason == "already_routed");
  CHECK(f.count("HD Ticket") == 0);
  CHECK(f.count("Communication") == 0);
}
