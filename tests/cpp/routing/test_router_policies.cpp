// The explicit policies for the seed's risky rules, and recipients/aliases/names.
#include <doctest/doctest.h>

#include "routing/routing_test_support.h"

using namespace switchboard;
using routing_test::kInfo;
using routing_test::kSales;
using routing_test::kSupport;
using routing_test::mail;
using routing_test::RouterFixture;

namespace {

// A closed ticket with our last mail on it, and the customer's reply to that mail.
InboundEmail reply_to_closed(RouterFixture& f, std::string& ticket, const std::string& closed_at) {
  ticket = f.ticket("ann@x.com", "Closed", closed_at);
  f.communication("final@ours", "HD Ticket", ticket);
  auto reply = mail("m1@x.com", "ann@x.com", {kSupport}, "Re: Old problem");
  reply.in_reply_to = "final@ours";
  return reply;
}

}  // namespace

TEST_CASE("policy closed_ticket: reopen links the reply and reopens the ticket") {
  RouterFixture f;
  std::string t;
  auto reply = reply_to_closed(f, t, "2024-01-01 00:00:00.000000");
  RoutingRules rules;
  rules.closed_ticket = "reopen";
  RouteResult r = f.with(rules).route(reply);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == t);
  CHECK(r.reason == "reopened");
  CHECK(r.policy == "closed_ticket=reopen");
  CHECK(r.reopened);
  CHECK(f.store->get("HD Ticket", t)->text("status") == "Open");
}

TEST_CASE("policy closed_ticket: new_ticket_after_days reopens recent, replaces old tickets") {
  RoutingRules rules;
  rules.closed_ticket = "new_ticket_after_days";
  rules.closed_ticket_days = 30;
  {
    RouterFixture f;
    std::string t;
    auto reply = reply_to_closed(f, t, "2025-02-20 00:00:00.000000");  // 18 days before "now"
    RouteResult r = f.with(rules).route(reply);
    CHECK(r.action == "link_ticket");
    CHECK(r.reopened);
  }
  {
    RouterFixture f;
    std::string t;
    auto reply = reply_to_closed(f, t, "2025-01-01 00:00:00.000000");  // 68 days
    RouteResult r = f.with(rules).route(reply);
    CHECK(r.action == "create_ticket");
    CHECK(r.reason == "closed_ticket");
    CHECK(r.policy == "closed_ticket=new_ticket_after_days");
    CHECK(f.store->get("HD Ticket", t)->text("status") == "Closed");
  }
  {  // resolution_date, when set, is when it was closed
    RouterFixture f;
    std::string t;
    auto reply = reply_to_closed(f, t, "2025-03-09 00:00:00.000000");
    f.store->update("HD Ticket", t, {{"resolution_date", "2024-12-01 00:00:00"}}, false);
    CHECK(f.with(rules).plan(reply).action == "create_ticket");
  }
}

TEST_CASE("policy support_alias_existing_ticket") {
  RouterFixture f;
  std::string open = f.ticket("ann@x.com", "Open", "", "Faded covers");
  auto same = mail("m1@x.com", "ann@x.com", {kSupport}, "RE: AW: faded COVERS");
  auto other = mail("m2@x.com", "ann@x.com", {kSupport}, "Invoice address");
  // Seed default: link the newest open ticket whatever the subject.
  CHECK(f.router.plan(other).name == open);
  RoutingRules same_subject;
  same_subject.support_alias_existing_ticket = "link_if_same_subject";
  CHECK(f.with(same_subject).plan(same).name == open);
  RouteResult r = f.with(same_subject).plan(other);
  CHECK(r.action == "create_ticket");
  CHECK(r.policy == "support_alias_existing_ticket=link_if_same_subject");
  RoutingRules always_new;
  always_new.support_alias_existing_ticket = "always_new";
  CHECK(f.with(always_new).plan(mail("m3@x.com", "ann@x.com", {kSupport}, "Faded covers")).action ==
        "create_ticket");
  // A reply ("RE: AW: ...") without threading headers is threading, not a new matter.
  RouteResult reply = f.with(always_new).plan(same);
  CHECK(reply.name == open);
  CHECK(reply.reason == "subject");
}

TEST_CASE("policy sender_recency_link") {
  RouterFixture f;
  std::string t = f.ticket("ann@x.com", "Open", "", "Faded covers");
  auto to_sales = mail("m1@x.com", "ann@x.com", {kSales}, "Quote for a second set");
  // Default: a mail to sales that does not name the ticket is about a purchase.
  CHECK(f.router.plan(to_sales).action == "create_lead");
  RoutingRules seed;
  seed.sales_alias_open_ticket = "sender_recency";
  CHECK(f.with(seed).plan(to_sales).name == t);  // seed: any open ticket of the sender
  RoutingRules off;
  off.sender_recency_link = "off";
  CHECK(f.with(off).plan(to_sales).action == "create_lead");
  RoutingRules same_subject;
  same_subject.sender_recency_link = "same_subject";
  CHECK(f.with(same_subject).plan(to_sales).action == "create_lead");
  auto same = mail("m2@x.com", "ann@x.com", {kSales}, "Re: Faded covers");
  RouteResult r = f.with(same_subject).plan(same);
  CHECK(r.name == t);
  CHECK(r.policy == "sales_alias_open_ticket=link_if_about_ticket, sender_recency_link=same_subject");
}

TEST_CASE("recipients: aliases are found in To, Cc, Delivered-To and X-Original-To") {
  RouterFixture f;
  auto cc = mail("m1@x.com", "ann@x.com", {"someone@else.com"});
  cc.cc = {"Cozy Support <Support@CozyCornerPatios.com>"};
  RouteResult r = f.router.plan(cc);
  CHECK(r.action == "create_ticket");
  CHECK(r.alias == kSupport);
  auto bcc = mail("m2@x.com", "bob@y.com", {"undisclosed-recipients:;"});
  bcc.delivered_to = {kSales};
  CHECK(f.router.plan(bcc).action == "create_lead");
  // From raw mail: X-Original-To.
  InboundEmail raw = InboundEmail::from_rfc822(
      "From: carol@z.com\nTo: list@z.com\nX-Original-To: info@zipcushions.com\nMessage-ID: <c1@z.com>\n"
      "Subject: hi\n\nbody\n",
      "Sales");
  CHECK(f.router.plan(raw).alias == kInfo);
  // Support wins over sales when both are addressed (priority support > sales).
  auto both = mail("m3@x.com", "dan@y.com", {kSales, kSupport});
  CHECK(f.router.plan(both).action == "create_ticket");
  // An address list in one entry, with a quoted comma.
  auto list = mail("m4@x.com", "eve@y.com", {"\"Sales, Team\" <sales@zipcushions.com>, x@y.com"});
  CHECK(f.router.plan(list).alias == "sales@zipcushions.com");
}

TEST_CASE("recipients: a sales or info alias in To decides over a support alias in Cc") {
  RouterFixture f;
  auto cc_support = mail("m1@x.com", "ann@y.com", {kSales});
  cc_support.cc = {kSupport};
  RouteResult r = f.router.plan(cc_support);
  CHECK(r.action == "create_lead");
  CHECK(r.alias == kSales);
  CHECK(r.policy == "mixed_aliases=to_before_cc");
  auto info = mail("m2@x.com", "ann@y.com", {kInfo});
  info.cc = {kSupport};
  CHECK(f.router.plan(info).action == "create_lead");
  // With an open ticket, a sales mail that does not name it is still a sales matter.
  f.ticket("ann@y.com", "Open");
  CHECK(f.router.plan(cc_support).action == "create_lead");
  // Support in To (with or without sales), or both only in Cc: support, as before.
  auto to_support = mail("m3@x.com", "bob@y.com", {kSupport});
  to_support.cc = {kSales};
  CHECK(f.router.plan(to_support).action == "create_ticket");
  auto both_cc = mail("m4@x.com", "bob@y.com", {"someone@else.com"});
  both_cc.cc = {kSales, kSupport};
  CHECK(f.router.plan(both_cc).action == "create_ticket");
  // The original scripts: a support alias anywhere wins.
  RoutingRules original;
  original.mixed_aliases = "support_wins";
  RouteResult o = f.with(original).plan(cc_support);
  CHECK(o.action == "link_ticket");
  CHECK(o.policy.find("mixed_aliases=support_wins") != std::string::npos);
}

TEST_CASE("recipients: plus-addressing reaches the alias and reports the tag") {
  RouterFixture f;
  RouteResult r = f.router.route(mail("m1@x.com", "ann@x.com", {"Support+Orders@ZipCushions.com"}));
  CHECK(r.action == "create_ticket");
  CHECK(r.alias == "support@zipcushions.com");
  CHECK(r.alias_tag == "orders");
  // A tagged sender is the same customer on every mail.
  RouteResult a = f.router.route(mail("m2@x.com", "bob+shop@y.com", {kSales}));
  RouteResult b = f.router.route(mail("m3@x.com", "Bob+Shop@Y.com", {kSales}));
  CHECK(b.action == "link_lead");
  CHECK(b.name == a.name);
  // The delimiter is configurable; "" turns tags off.
  RoutingRules no_tags;
  no_tags.plus_delimiter = "";
  CHECK(f.with(no_tags).plan(mail("m4@x.com", "ann@x.com", {"support+orders@zipcushions.com"})).action ==
        "link_ticket");  // through ann's open ticket (level 3), not the alias
}

TEST_CASE("names: generated as the seed does, plus 'Last, First' and encoded names") {
  RouterFixture f;
  struct Row {
    const char* sender;
    const char* display;
    const char* name;
  };
  int i = 0;
  for (Row row : std::initializer_list<Row>{{"john.doe@x.com", "", "John Doe"},
                                            {"mary_jane@x.com", "", "Mary Jane"},
                                            {"jd@x.com", "Doe, John", "John Doe"},
                                            {"jd@x.com", "\"John Doe\" (Sales)", "John Doe"},
                                            {"jd@x.com", "jd@x.com", "Jd"},
                                            {"support@customer.com", "", "Customer"},
                                            {"info@customer.com", "", "Customer"},
                                            {"x@customer.com", "Admin", "Customer"},
                                            {"jw@x.de", "Jürgen Weiß", "Jürgen Weiß"}}) {
    CAPTURE(row.display);
    auto m = mail("n" + std::to_string(++i), row.sender, {kSupport});
    m.sender_full_name = row.display;
    CHECK(f.router.plan(m).sender_name == row.name);
  }
  // "Name <address>" in the sender field gives the name too.
  CHECK(f.router.plan(mail("n99", "=?UTF-8?B?SsO8cmdlbg==?= <jg@x.de>", {kSupport})).sender_name == "Jürgen");
}

TEST_CASE("names: our own aliases never become contacts or leads") {
  RouterFixture f;
  for (const char* alias : {"support@zipcushions.com", "Sales@CozyCornerPatios.com", "info+x@zipcushions.com"}) {
    CAPTURE(alias);
    RouteResult r = f.router.route(mail(std::string("own-") + alias, alias, {kSupport}));
    CHECK(r.reason == "internal");
  }
  // Aliases on a domain that is not internal are still ours.
  RoutingRules rules;
  rules.support_aliases = {"help@outsourced-desk.example"};
  CHECK(f.with(rules).plan(mail("o1", "help@outsourced-desk.example", {"x@y.com"})).reason == "internal");
  CHECK(f.count("Contact") == 0);
  CHECK(f.count("CRM Lead") == 0);
}

TEST_CASE("senders: invalid sender addresses are skipped with a reason") {
  RouterFixture f;
  for (const char* bad : {"", "not an address", "@nodomain", "undisclosed"}) {
    CAPTURE(bad);
    RouteResult r = f.router.route(mail(std::string("bad-") + bad, bad, {kSupport}));
    CHECK(r.action == "skip");
    CHECK(r.reason == "invalid_sender");
  }
  CHECK(f.count("HD Ticket") == 0);
}
