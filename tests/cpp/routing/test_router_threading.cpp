// Reply detection across tickets and leads: In-Reply-To, References newest first (at most
// 32), forwards, shared Message-IDs after a transfer, merge redirects, dedupe.
#include <doctest/doctest.h>

#include "routing/routing_test_support.h"

using namespace switchboard;
using routing_test::kSales;
using routing_test::kSupport;
using routing_test::mail;
using routing_test::RouterFixture;

namespace {
const std::string kElsewhere = "hello@zipcushions.com";  // no routing alias
}

TEST_CASE("threading: a reply to a lead's mail goes to the lead, not to a ticket") {
  RouterFixture f;
  f.ticket("ann@x.com");  // an open ticket the sender rules would pick
  std::string lead = f.lead("ann@x.com");
  f.communication("quote-1@cozycornerpatios.com", "CRM Lead", lead);
  auto reply = mail("m1@x.com", "ann@x.com", {kElsewhere}, "Re: your quote");
  reply.references = {"quote-1@cozycornerpatios.com"};
  RouteResult r = f.router.route(reply);
  CHECK(r.action == "link_lead");
  CHECK(r.name == lead);
  CHECK(r.reason == "references");
}

namespace {
// Ann has two leads: chairs (older) and tables (newest), each with her first mail on it.
struct TwoLeads {
  RouterFixture f;
  std::string chairs = lead_at("2025-03-01 10:00:00");
  std::string tables = lead_at("2025-03-05 10:00:00");
  TwoLeads() {
    filed("c1@x.com", chairs, "Quote for 40 chairs");
    filed("t1@x.com", tables, "Garden tables");
  }
  std::string lead_at(const std::string& when) {
    return f.store->insert("CRM Lead", {{"first_name", "Ann"}, {"email", "ann@x.com"},
                                        {"creation", when}, {"modified", when}});
  }
  void filed(const std::string& id, const std::string& lead, const std::string& subject) {
    f.store->insert("Communication", {{"message_id", id}, {"reference_doctype", "CRM Lead"},
                                      {"reference_name", lead}, {"sent_or_received", "Received"},
                                      {"sender", "ann@x.com"}, {"subject", subject}});
  }
};
}  // namespace

TEST_CASE("threading: a reply to sales without headers goes to the lead whose mail has its subject") {
  // The sales rule alone links the newest lead, splitting a conversation on an older one.
  const std::vector<std::string> subjects = {"RE: quote for 40 chairs", "Quote for 40 chairs",
                                             "Fwd: Quote for 40 chairs", "Re: Something else"};
  std::vector<InboundEmail> mails;
  for (std::size_t i = 0; i < subjects.size(); ++i)
    mails.push_back(mail("m" + std::to_string(i) + "@x.com", "ann@x.com", {kSales}, subjects[i]));

  TwoLeads one_by_one;
  std::vector<RouteResult> routed;
  for (const auto& m : mails) routed.push_back(one_by_one.f.router.route(m));
  CHECK(routed[0].action == "link_lead");
  CHECK(routed[0].name == one_by_one.chairs);
  CHECK(routed[0].match == "lead_subject");
  // Not a reply, a forward, a subject no lead's mail has: the newest lead, as before.
  for (std::size_t i = 1; i < routed.size(); ++i) {
    CAPTURE(subjects[i]);
    CHECK(routed[i].name == one_by_one.tables);
    CHECK(routed[i].match == "lead_email");
  }

  TwoLeads batch;
  auto batched = batch.f.router.route_many(mails);
  REQUIRE(batched.size() == routed.size());
  CHECK(batched[0].name == batch.chairs);
  for (std::size_t i = 1; i < batched.size(); ++i) CHECK(batched[i].name == batch.tables);
}

TEST_CASE("threading: a reply to sales without headers from a customer with one lead links it") {
  RouterFixture f;
  std::string lead = f.lead("bob@x.com");
  RouteResult r = f.router.route(mail("b1@x.com", "bob@x.com", {kSales}, "Re: A subject never seen"));
  CHECK(r.name == lead);
  CHECK(r.match == "lead_email");
}

TEST_CASE("threading: a reply without headers finds a ticket by the subject of its mails") {
  // A new request joined Ann's open ticket (link_latest_open), which was then resolved: her
  // reply "Re: <the request's subject>" belongs to that ticket, not to a new one.
  auto build = [](RouterFixture& f) {
    std::string older = f.ticket("ann@x.com", "Closed", "2025-03-01 10:00:00", "Something else");
    std::string joined = f.ticket("ann@x.com", "Open", "2025-03-05 10:00:00", "Broken zipper");
    RouteResult first = f.router.route(mail("n1@x.com", "ann@x.com", {kSupport}, "Faded covers"));
    CHECK(first.name == joined);
    f.store->update("HD Ticket", joined, {{"status", "Resolved"}});
    return std::pair{older, joined};
  };
  const std::vector<std::string> subjects = {"RE: faded covers", "Faded covers (2)", "Fwd: Faded covers"};
  std::vector<InboundEmail> mails;
  for (std::size_t i = 0; i < subjects.size(); ++i)
    mails.push_back(mail("r" + std::to_string(i) + "@x.com", "ann@x.com", {kSupport}, subjects[i]));

  RouterFixture one_by_one;
  auto [older, joined] = build(one_by_one);
  RouteResult reply = one_by_one.router.route(mails[0]);
  CHECK(reply.name == joined);
  CHECK(reply.action == "link_ticket");
  CHECK(reply.reason == "reopened");  // resolved days ago: reopened (resolved_ticket)
  CHECK(reply.match == "subject");
  // A new subject or a forward is a new matter.
  for (std::size_t i = 1; i < mails.size(); ++i) {
    CAPTURE(subjects[i]);
    RouteResult r = one_by_one.router.route(mails[i]);
    CHECK(r.match != "subject");
    CHECK(r.name != older);
  }

  RouterFixture batch;
  build(batch);
  auto batched = batch.router.route_many(mails);
  REQUIRE(batched.size() == mails.size());
  CHECK(batched[0].match == "subject");
  CHECK(batched[0].name == joined);
}

TEST_CASE("threading: In-Reply-To wins over References; References are read newest first") {
  RouterFixture f;
  std::string a = f.ticket("ann@x.com"), b = f.ticket("ann@x.com"), c = f.ticket("ann@x.com");
  f.communication("a@ours", "HD Ticket", a);
  f.communication("b@ours", "HD Ticket", b);
  f.communication("c@ours", "HD Ticket", c);
  auto m = mail("m1@x.com", "ann@x.com", {kElsewhere}, "Re: x");
  m.references = {"a@ours", "b@ours", "unknown@x"};
  CHECK(f.router.plan(m).name == b);  // the rightmost known id
  m.in_reply_to = "<c@ours>";
  CHECK(f.router.plan(m).name == c);
  CHECK(f.router.plan(m).match == "in_reply_to");
  m.in_reply_to = "not-ours@x";  // unknown parent: fall back on References
  CHECK(f.router.plan(m).name == b);
}

TEST_CASE("threading: at most the newest 32 References ids are looked at") {
  RouterFixture f;
  std::string old = f.ticket("ann@x.com", "Open", "2025-03-10 11:00:00.000000");
  f.communication("root@ours", "HD Ticket", old);
  auto m = mail("m1@x.com", "ann@x.com", {kElsewhere}, "Re: x");
  m.references.push_back("root@ours");
  for (int i = 0; i < 32; ++i) m.references.push_back("noise" + std::to_string(i) + "@x");
  RoutingRules no_l3;
  no_l3.sender_recency_link = "off";
  RouteResult r = f.with(no_l3).plan(m);
  CHECK(r.action == "create_ticket");  // the root is 33rd from the end: ignored
  CHECK(r.reason == "ticket_history");
  m.references.erase(m.references.begin() + 1);  // now it is the 32nd
  CHECK(f.with(no_l3).plan(m).name == old);
  no_l3.max_references = 40;
  m.references.insert(m.references.begin() + 1, "noise-x@x");
  CHECK(f.with(no_l3).plan(m).name == old);
}

TEST_CASE("threading: a mail's own Message-ID in References is not a thread") {
  RouterFixture f;
  std::string t = f.ticket("ann@x.com", "Closed");
  f.communication("self@x.com", "HD Ticket", t, "Sent");
  auto m = mail("self@x.com", "ann@x.com", {kElsewhere});
  m.references = {"self@x.com"};
  RouteResult r = f.router.plan(m);
  CHECK(r.action == "create_ticket");  // not linked to the closed ticket through its own id
  CHECK(r.reason == "ticket_history");
  CHECK(r.match.empty());
}

TEST_CASE("threading: forwarded to another routing alias starts a new record; Cc does not") {
  RouterFixture f;
  std::string t = f.router.route(mail("m1@x.com", "ann@x.com", {kSupport}, "Faded covers")).name;
  // The customer forwards the support thread to sales@ (support@ in Cc).
  auto fwd = mail("m2@x.com", "ann@x.com", {kSales}, "Fwd: Faded covers");
  fwd.cc = {kSupport};
  fwd.references = {"m1@x.com"};
  RouteResult r = f.router.route(fwd);
  CHECK(r.action == "create_lead");
  CHECK(r.reason == "forwarded");
  CHECK(r.match == "forwarded");
  CHECK(r.alias == kSales);
  // A reply to support@ with sales@ only in Cc stays on the ticket.
  auto reply = mail("m3@x.com", "ann@x.com", {kSupport}, "Re: Faded covers");
  reply.cc = {kSales};
  reply.in_reply_to = "m1@x.com";
  RouteResult s = f.router.route(reply);
  CHECK(s.action == "link_ticket");
  CHECK(s.name == t);
  CHECK(s.reason == "in_reply_to");
  // A lead thread forwarded to support@ gets a ticket.
  std::string lead = f.lead("bob@y.com");
  f.communication("quote@ours", "CRM Lead", lead);
  auto to_support = mail("m4@x.com", "bob@y.com", {"support@zipcushions.com"}, "Fwd: quote");
  to_support.in_reply_to = "quote@ours";
  RouteResult u = f.router.route(to_support);
  CHECK(u.action == "create_ticket");
  CHECK(u.reason == "forwarded");
}

TEST_CASE("threading: a forward prefix to the other team's alias is a forward even when that alias was copied in") {
  RouterFixture f;
  // The request went to support@ with sales@ in Cc: sales@ is an alias seen in the thread.
  auto first = mail("m1@x.com", "ann@x.com", {kSupport}, "Faded covers");
  first.cc = {kSales};
  std::string t = f.router.route(first).name;
  // Re: to sales@ continues the conversation on the ticket ...
  auto reply = mail("m2@x.com", "ann@x.com", {kSales}, "Re: Faded covers");
  reply.in_reply_to = "m1@x.com";
  RouteResult r = f.router.plan(reply);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == t);
  // ... Fwd: to sales@ hands it to sales: a lead of its own.
  for (const char* subject : {"Fwd: Faded covers", "WG: Faded covers"}) {
    auto fwd = mail("m3@x.com", "ann@x.com", {kSales}, subject);
    fwd.references = {"m1@x.com"};
    RouteResult s = f.router.plan(fwd);
    CHECK(s.action == "create_lead");
    CHECK(s.reason == "forwarded");
  }
  // A forward to the thread's own team stays on the ticket.
  auto same_team = mail("m4@x.com", "ann@x.com", {kSupport}, "Fwd: Faded covers");
  same_team.references = {"m1@x.com"};
  CHECK(f.router.plan(same_team).name == t);
}

TEST_CASE("threading: when several Communications share a Message-ID the newest owns the thread") {
  // A lead -> ticket transfer copied the mail (same message_id) and kept the original.
  RouterFixture f;
  std::string lead = f.lead("ann@x.com");
  std::string ticket = f.ticket("ann@x.com");
  f.communication("shared@x.com", "CRM Lead", lead, "Received", "2025-03-01 10:00:00.000000");
  std::string copy =
      f.communication("shared@x.com", "HD Ticket", ticket, "Received", "2025-03-05 10:00:00.000000");
  auto reply = mail("m1@x.com", "ann@x.com", {kElsewhere}, "Re: x");
  reply.in_reply_to = "shared@x.com";
  RouteResult r = f.router.plan(reply);
  CHECK(r.doctype == "HD Ticket");
  CHECK(r.name == ticket);
  CHECK(r.in_reply_to == copy);
  // Same creation time: the greater name wins (creation desc, then name desc).
  RouterFixture g;
  std::string l2 = g.lead("bob@y.com");
  std::string t2 = g.ticket("bob@y.com");
  g.store->insert("Communication", {{"name", "zzzz000001"}, {"message_id", "tie@x.com"},
                                    {"reference_doctype", "CRM Lead"}, {"reference_name", l2},
                                    {"creation", "2025-03-01 10:00:00.000000"}});
  g.store->insert("Communication", {{"name", "aaaa000001"}, {"message_id", "tie@x.com"},
                                    {"reference_doctype", "HD Ticket"}, {"reference_name", t2},
                                    {"creation", "2025-03-01 10:00:00.000000"}});
  auto tie = mail("m2@x.com", "bob@y.com", {kElsewhere});
  tie.in_reply_to = "tie@x.com";
  CHECK(g.router.plan(tie).name == l2);
  // The original deleted after the transfer: the copy alone still threads.
  g.store->remove("Communication", "zzzz000001");
  CHECK(g.router.plan(tie).name == t2);
}

TEST_CASE("threading: the duplicate check counts received mail only, copies included") {
  RouterFixture f;
  std::string ticket = f.ticket("ann@x.com");
  // Our own outgoing mail with this id (e.g. a copy of what we sent) is no reason to skip.
  f.communication("dup@x.com", "HD Ticket", ticket, "Sent");
  RouteResult r = f.router.route(mail("dup@x.com", "ann@x.com", {kSupport}));
  CHECK(r.action == "link_ticket");
  // Once received it is a duplicate, whether stored once or twice (transfer copies).
  f.communication("dup@x.com", "CRM Lead", f.lead("ann@x.com"), "Received");
  auto before = test_support::snapshot(*f.store);
  RouteResult again = f.router.route(mail("<dup@x.com>", "ann@x.com", {kSupport}));
  CHECK(again.action == "skip");
  CHECK(again.reason == "duplicate");
  CHECK(again.log_category == "Route: Duplicate");
  auto after = test_support::snapshot(*f.store);
  for (auto* snap : {&before, &after}) {
    snap->erase("Error Log");
    snap->erase(kRouteLogDoctype);
  }
  CHECK(after == before);  // nothing but the logs changed
}

TEST_CASE("threading: a mail without Message-ID dedupes through its synthetic id") {
  RouterFixture f;
  auto m = mail("", "ann@x.com", {kSupport}, "No id");
  RouteResult a = f.router.route(m);
  RouteResult b = f.router.route(m);
  CHECK(a.action == "create_ticket");
  CHECK(a.message_id.rfind("sb-", 0) == 0);
  CHECK(f.store->get("Communication", a.communication)->text("message_id") == a.message_id);
  CHECK(b.reason == "duplicate");
  CHECK(b.message_id == a.message_id);
}

TEST_CASE("threading: merged tickets and leads redirect to their survivor") {
  RouterFixture f;
  std::string a = f.ticket("ann@x.com", "Closed"), b = f.ticket("ann@x.com", "Closed");
  std::string survivor = f.ticket("ann@x.com", "Open");
  f.store->update("HD Ticket", a, {{"is_merged", 1}, {"merged_with", b}});
  f.store->update("HD Ticket", b, {{"is_merged", 1}, {"merged_with", survivor}});
  f.communication("on-a@ours", "HD Ticket", a);
  auto reply = mail("m1@x.com", "ann@x.com", {kSupport}, "Re: x");
  reply.in_reply_to = "on-a@ours";
  RouteResult r = f.router.route(reply);
  CHECK(r.action == "link_ticket");
  CHECK(r.name == survivor);
  CHECK(r.merged_from == a);
  CHECK(f.store->get("Communication", r.communication)->text("reference_name") == survivor);

  std::string old_lead = f.lead("bob@y.com");
  std::string new_lead = f.lead("robert@y.com");
  f.store->update("CRM Lead", old_lead, {{"custom_merged_into", new_lead}});
  RouteResult l = f.router.route(mail("m2@x.com", "bob@y.com", {kSales}));
  CHECK(l.action == "link_lead");
  CHECK(l.name == new_lead);
  CHECK(l.merged_from == old_lead);
  // A pointer cycle does not hang.
  f.store->update("CRM Lead", new_lead, {{"custom_merged_into", old_lead}});
  CHECK(f.router.plan(mail("m3@x.com", "bob@y.com", {kSales})).action == "link_lead");
}

TEST_CASE("threading: a thread whose record is gone is no thread") {
  RouterFixture f;
  f.communication("gone@ours", "HD Ticket", "9999");
  auto reply = mail("m1@x.com", "new@y.com", {kSupport}, "Re: x");
  reply.in_reply_to = "gone@ours";
  RouteResult r = f.router.plan(reply);
  CHECK(r.action == "create_ticket");
  CHECK(r.reason == "support_alias");
}

TEST_CASE("threading: a human reply to a waiting ticket reopens it") {
  RouterFixture f;
  std::string t = f.ticket("ann@x.com", "Replied");
  f.communication("agent@ours", "HD Ticket", t);
  auto reply = mail("m1@x.com", "ann@x.com", {kSupport}, "Re: x");
  reply.in_reply_to = "agent@ours";
  RouteResult r = f.router.route(reply);
  CHECK(r.action == "link_ticket");
  CHECK(r.reopened);
  CHECK(f.store->get("HD Ticket", t)->text("status") == "Open");
  // reopen_status "" leaves statuses alone.
  RoutingRules keep;
  keep.reopen_status = "";
  std::string t2 = f.ticket("bob@y.com", "Replied");
  f.communication("agent2@ours", "HD Ticket", t2);
  auto r2 = mail("m2@x.com", "bob@y.com", {kSupport}, "Re: x");
  r2.in_reply_to = "agent2@ours";
  CHECK_FALSE(f.with(keep).route(r2).reopened);
  CHECK(f.store->get("HD Ticket", t2)->text("status") == "Replied");
}
