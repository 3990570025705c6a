// Automated mail, bounces and the loop breaker: they attach to threads without reopening
// anything and never create a ticket or lead.
#include <doctest/doctest.h>

#include "routing/routing_test_support.h"

using namespace switchboard;
using routing_test::kInfo;
using routing_test::kSales;
using routing_test::kSupport;
using routing_test::mail;
using routing_test::RouterFixture;
using routing_test::sample;

TEST_CASE("automated: an out-of-office reply attaches to its ticket without reopening it") {
  RouterFixture f;
  std::string t = f.ticket("ann@x.com", "Replied");
  f.communication("agent@ours", "HD Ticket", t);
  auto ooo = mail("ooo1@x.com", "ann@x.com", {kSupport}, "Automatic reply: your ticket");
  ooo.in_reply_to = "agent@ours";
  ooo.headers = {{"Auto-Submitted", "auto-replied"}, {"X-Auto-Response-Suppress", "All"}};
  RouteResult r = f.router.route(ooo);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == t);
  CHECK(r.reason == "out_of_office");
  CHECK(r.kind == "out_of_office");
  CHECK(r.log_category == "Route: Automated");
  CHECK_FALSE(r.reopened);
  CHECK(f.store->get("HD Ticket", t)->text("status") == "Replied");
  auto comm = f.store->get("Communication", r.communication);
  CHECK(comm->text("communication_type") == "Automated Message");
  CHECK(comm->text("reference_name") == t);
}

TEST_CASE("automated: without a thread it is skipped and creates nothing") {
  RouterFixture f;
  struct Case {
    std::vector<HeaderField> headers;
    const char* reason;
  };
  int i = 0;
  for (const Case& c : std::vector<Case>{{{{"Auto-Submitted", "auto-generated"}}, "auto_reply"},
                                         {{{"Precedence", "bulk"}}, "mailing_list"},
                                         {{{"List-Id", "<x.list>"}}, "mailing_list"},
                                         {{{"X-Autoreply", "yes"}}, "auto_reply"},
                                         {{{"Auto-Submitted", "auto-replied (vacation)"}}, "out_of_office"}}) {
    CAPTURE(c.reason);
    auto m = mail("a" + std::to_string(++i) + "@x.com", "ann@x.com", {kSupport});
    m.headers = c.headers;
    RouteResult r = f.router.route(m);
    CHECK(r.action == "skip");
    CHECK(r.reason == c.reason);
  }
  CHECK(f.count("HD Ticket") == 0);
  CHECK(f.count("CRM Lead") == 0);
  CHECK(f.count("Contact") == 0);
  CHECK(f.count("Communication") == 0);
  // Even the sender-based rules do not attach it (an open ticket of the same sender).
  f.ticket("ann@x.com");
  auto m = mail("a9@x.com", "ann@x.com", {kSupport});
  m.headers = {{"Auto-Submitted", "auto-replied"}};
  CHECK(f.router.plan(m).action == "skip");
}

TEST_CASE("automated: the drop policy skips even threaded automated mail") {
  RouterFixture f;
  std::string t = f.ticket("ann@x.com");
  f.communication("agent@ours", "HD Ticket", t);
  auto m = mail("ooo@x.com", "ann@x.com", {kSupport});
  m.in_reply_to = "agent@ours";
  m.headers = {{"Precedence", "auto_reply"}};
  RoutingRules drop;
  drop.automated_mail = "drop";
  RouteResult r = f.with(drop).route(m);
  CHECK(r.action == "skip");
  CHECK(r.reason == "auto_reply");
  CHECK(r.policy == "automated_mail=drop");
  CHECK(f.router.plan(m).action == "link_ticket");  // the default attaches it
}

TEST_CASE("bounces: a DSN is linked to the record of the mail that bounced") {
  RouterFixture f;
  std::string t = f.ticket("old.address@example.net", "Replied");
  f.communication("helpdesk-0003-b7@zipcushions.com", "HD Ticket", t);  // our outgoing reply
  RouteResult r = f.router.route(sample("09-dsn-bounce.eml"));
  CHECK(r.action == "link_ticket");
  CHECK(r.name == t);
  CHECK(r.reason == "bounce");
  CHECK(r.match == "original_message_id");
  CHECK(r.bounce_recipient == "old.address@example.net");
  CHECK(r.bounce_status == "5.1.1");
  CHECK(r.log_category == "Route: Bounce");
  CHECK_FALSE(r.reopened);
  CHECK(f.store->get("HD Ticket", t)->text("status") == "Replied");
  CHECK(f.count("HD Ticket") == 1);
}

TEST_CASE("bounces: never create anything when the original cannot be found") {
  RouterFixture f;
  RouteResult dsn = f.router.route(sample("09-dsn-bounce.eml"));
  CHECK(dsn.action == "skip");
  CHECK(dsn.reason == "bounce");
  RouteResult legacy = f.router.route(sample("25-qmail-style-bounce.eml"));  // mailer-daemon, no DSN
  CHECK(legacy.reason == "bounce");
  auto null_path = mail("np@x.com", "ann@x.com", {kSupport});
  null_path.headers = {{"Return-Path", "<>"}};
  CHECK(f.router.route(null_path).reason == "bounce");
  auto postmaster = mail("pm@x.com", "postmaster@x.com", {kSales});
  CHECK(f.router.route(postmaster).reason == "bounce");
  CHECK(f.count("HD Ticket") + f.count("CRM Lead") + f.count("Contact") + f.count("Communication") == 0);
}

TEST_CASE("loops: more than 20 creations in 120 minutes for one sender are skipped") {
  RouterFixture f;
  RoutingRules rules;
  rules.support_alias_existing_ticket = "always_new";  // every mail creates a ticket
  for (int i = 0; i < 20; ++i) {
    RouteResult r = f.with(rules).route(mail("l" + std::to_string(i) + "@x.com", "robot@y.com", {kSupport}));
    REQUIRE(r.action == "create_ticket");
  }
  auto m = mail("l20@x.com", "robot@y.com", {kSupport});
  RouteResult r = f.with(rules).route(m);
  CHECK(r.action == "skip");
  CHECK(r.reason == "loop");
  CHECK(r.log_category == "Route: Loop");
  CHECK(r.policy == "loop_threshold=20");
  CHECK(f.count("HD Ticket") == 20);
  // Leads count too.
  RoutingRules low = rules;
  low.loop_threshold = 21;
  low.sender_recency_link = "off";
  CHECK(f.with(low).route(mail("l22@x.com", "robot@y.com", {kSales})).action == "create_lead");
  CHECK(f.with(low).plan(mail("l23@x.com", "robot@y.com", {kSupport})).reason == "loop");
  // Links are not creations: the loop breaker lets them through.
  CHECK(f.router.plan(mail("l21@x.com", "robot@y.com", {kSupport})).action == "link_ticket");
  // Allow-listed by address or by domain.
  RoutingRules allow = rules;
  allow.loop_allow = {"Robot@Y.com"};
  CHECK(f.with(allow).plan(m).action == "create_ticket");
  allow.loop_allow = {"@y.com"};
  CHECK(f.with(allow).plan(m).action == "create_ticket");
  allow.loop_allow = {"@other.com", "robot@other.com"};
  CHECK(f.with(allow).plan(m).reason == "loop");
  // Two hours later the window has moved on.
  routing_test::set_time(*f.store, routing_test::frozen_now() + std::chrono::minutes(121));
  CHECK(f.with(rules).plan(m).action == "create_ticket");
  routing_test::set_time(*f.store, routing_test::frozen_now());
  rules.loop_threshold = 0;  // disabled
  CHECK(f.with(rules).plan(m).action == "create_ticket");
}

TEST_CASE("senders: system keywords match words of the local part, not substrings") {
  RouterFixture f;
  for (const char* person : {"bouncer.smith@example.com", "automated-testing-team@example.com",
                             "noreplyguy.fan@example.com", "postmasterson@example.com"}) {
    CAPTURE(person);
    CHECK(f.router.plan(mail(std::string("p-") + person, person, {kSupport})).action == "create_ticket");
  }
}

TEST_CASE("senders: notification and alert mailboxes are system senders by default") {
  RouterFixture f;
  for (const char* system : {"notifications@shipping.example", "notification+shop@reviews.example",
                             "alerts@monitoring.example", "shop-alert@uptime.example",
                             "notify@carrier.example"}) {
    CAPTURE(system);
    RouteResult r = f.router.plan(mail(std::string("s-") + system, system, {kSupport}));
    CHECK(r.action == "skip");
    CHECK(r.reason == "automated_sender");
  }
  for (const char* person : {"karen.alertson@example.com", "notifier.jones@example.com",
                             "alerta@example.com"}) {
    CAPTURE(person);
    CHECK(f.router.plan(mail(std::string("p-") + person, person, {kSupport})).action == "create_ticket");
  }
}

TEST_CASE("senders: the Reply-To policy (a web form sending from noreply@)") {
  RouterFixture f;
  InboundEmail form = sample("14-web-form-reply-to.eml");
  RoutingRules use_from;
  use_from.reply_to = "use_from";
  // The original scripts skipped every such enquiry as system mail.
  CHECK(f.with(use_from).plan(form).reason == "automated_sender");
  RoutingRules keep;
  keep.reply_to = "reply_to_keep_from_name";
  CHECK(f.with(keep).plan(form).sender_name == "Website Contact Form");
  RoutingRules use_reply_to;
  use_reply_to.reply_to = "use_reply_to";
  CHECK(f.with(use_reply_to).plan(form).policy == "reply_to=use_reply_to");
  // The default (web_forms) gives the person who filled in the form their lead.
  RouteResult r = f.router.route(form);
  CHECK(r.action == "create_lead");
  CHECK(r.sender == "kim.park@example.com");
  CHECK(r.sender_name == "Kim Park");
  CHECK(r.policy == "reply_to=web_forms");
  auto lead = f.store->get("CRM Lead", r.name);
  CHECK(lead->text("first_name") == "Kim");
  CHECK(lead->text("last_name") == "Park");
  CHECK(f.with(use_reply_to).plan(form).reason == "duplicate");
  // A Reply-To that is one of our aliases is ignored.
  auto ours = mail("r1@x.com", "ann@x.com", {kSupport});
  ours.reply_to = "Support <support@zipcushions.com>";
  CHECK(f.with(use_reply_to).plan(ours).sender == "ann@x.com");
}

TEST_CASE("senders: web_forms takes Reply-To for a form's mail, not for a notification's") {
  RouterFixture f;
  auto sent = [](const std::string& from, const std::string& reply_to, const std::string& text = "") {
    static int n = 0;
    auto e = mail("wf" + std::to_string(++n) + "@x", from, {kInfo}, "New enquiry from the website");
    e.reply_to = reply_to;
    e.text_content = text;
    return e;
  };
  struct Case {
    const char* from;
    const char* reply_to;
    const char* text;
    const char* sender;  // the sender the router decides by; "" = skipped as system mail
  };
  for (const Case& c : std::initializer_list<Case>{
           // a form service, a person at their own domain
           {"Website <noreply@forms.example>", "Jane Roe <jane.roe@mail.example>", "", "jane.roe@mail.example"},
           // a domain under a shared suffix is not the form service's organisation
           {"noreply@forms.example.co.uk", "jane@btinternet.co.uk", "", "jane@btinternet.co.uk"},
           // the company's own WordPress site: internal, yet a form
           {"WordPress <wordpress@zipcushions.com>", "ann@x.com", "", "ann@x.com"},
           // a business writing from its info@: a form that repeats the address in its text
           {"noreply@forms.example", "info@cafe-rosa.example", "Email: Info@Cafe-Rosa.example\nMessage: hi",
            "info@cafe-rosa.example"},
           // a shop's notification answered at its own support@ (same organisation)
           {"noreply@shop.example", "support@shop.example", "", ""},
           {"noreply@mail.shop.example", "jane@help.shop.example", "", ""},
           // answered at a team's mailbox elsewhere (a hosted helpdesk), not in the text
           {"notifications@shipping.example", "customer.service@shipping-help.example", "", ""},
           // a Reply-To that is itself a system sender
           {"noreply@forms.example", "no-reply@other.example", "", ""},
       }) {
    CAPTURE(c.from);
    CAPTURE(c.reply_to);
    RouteResult r = f.router.plan(sent(c.from, c.reply_to, c.text));
    if (*c.sender) {
      CHECK(r.action == "create_lead");
      CHECK(r.sender == c.sender);
      CHECK(r.policy == "reply_to=web_forms");
    } else {
      CHECK(r.reason == "automated_sender");
      CHECK(r.policy.empty());
    }
  }
  // The Reply-To as written finds a lead stored with the customer's capitals (SQLite compares
  // case-sensitively), in route() and in route_many().
  std::string lead = f.store->insert("CRM Lead", {{"first_name", "Gareth"}, {"email", "Gareth_taylor@post.example"}});
  for (bool batch : {false, true}) {
    CAPTURE(batch);
    auto form = sent("noreply@forms.example", "Gareth_taylor@post.example");
    RouteResult r = batch ? f.router.route_many({form}).front() : f.router.route(form);
    CHECK(r.action == "link_lead");
    CHECK(r.name == lead);
  }
  // A person's mail keeps its From whatever its Reply-To says.
  CHECK(f.router.plan(sent("ann@x.com", "bob@y.example")).sender == "ann@x.com");
  // Without a Reply-To, the company's WordPress mailer is internal mail.
  CHECK(f.router.plan(sent("wordpress@zipcushions.com", "")).reason == "internal");
  // role_mailboxes is a rule: with none, a hosted helpdesk's address counts as a person's.
  RoutingRules no_roles;
  no_roles.role_mailboxes = {};
  CHECK(f.with(no_roles).plan(sent("notifications@shipping.example", "customer.service@shipping-help.example"))
            .sender == "customer.service@shipping-help.example");
}
