// Router::route_many: one transaction per batch with a savepoint per mail, decisions and writes
// identical to route() one mail at a time — replies to mails earlier in the same batch,
// duplicates inside the batch, the loop breaker crossing its threshold inside the batch,
// follow-ups of closed tickets — and a failing mail that rolls back alone.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "routing/routing_test_support.h"

using namespace switchboard;
using routing_test::kInfo;
using routing_test::kSales;
using routing_test::kSupport;
using routing_test::mail;
using routing_test::RouterFixture;

namespace {

// Times left out: each test store's default records were written when it was opened (the
// records routing writes carry the frozen clock's time on both sides).
std::map<std::string, std::vector<std::string>> canonical(Store& s) {
  return test_support::canonical_snapshot(s, /*with_times=*/false);
}

// A result with its Communication names replaced by their Message-IDs.
std::string canonical(Store& s, RouteResult r) {
  auto id_of = [&](std::string& name) {
    if (name.empty()) return;
    auto c = s.get("Communication", name);
    name = c ? "<" + c->text("message_id") + ">" : "<gone>";
  };
  id_of(r.communication);
  id_of(r.in_reply_to);
  return r.to_json();
}

// A mixed mailbox: new requests, replies to mails earlier in the list (In-Reply-To and
// References), re-deliveries, sales and info mail, automated mail in a thread, bounces, system,
// blocked and internal senders, a flood from one sender (the loop breaker), replies to a
// closed and a resolved ticket (follow-ups), and a reply to that follow-up.
std::vector<InboundEmail> mixed_mail() {
  std::vector<InboundEmail> m;
  auto add = [&](InboundEmail e) { m.push_back(std::move(e)); };
  add(mail("a1@x.com", "Ann <ann@x.com>", {kSupport}, "Broken zipper"));
  auto a2 = mail("a2@x.com", "ann@x.com", {kSupport}, "Re: Broken zipper");
  a2.in_reply_to = "<a1@x.com>";
  add(a2);
  add(mail("a1@x.com", "Ann <ann@x.com>", {kSupport}, "Broken zipper"));  // re-delivered
  add(mail("b1@y.com", "Bob <bob@y.com>", {kSales}, "Quote"));
  auto b2 = mail("b2@y.com", "bob@y.com", {kSupport}, "Re: Quote");
  b2.references = {"b1@y.com", "unknown@elsewhere"};
  add(b2);
  add(mail("b3@y.com", "bob@y.com", {kInfo}, "Catalogue"));
  auto ooo = mail("o1@x.com", "ann@x.com", {kSupport}, "Automatic reply: Broken zipper");
  ooo.in_reply_to = "a2@x.com";
  ooo.headers = {{"Auto-Submitted", "auto-replied"}};
  add(ooo);
  add(mail("n1@news.example", "no-reply@news.example", {kSupport}, "News"));
  add(mail("i1@cozycornerpatios.com", "sam@cozycornerpatios.com", {kSupport}, "handover"));
  add(mail("bl1@example.com", "admin@example.com", {kSupport}, "test"));
  for (int i = 1; i <= 6; ++i)  // a flood: the loop breaker stops it inside the batch
    add(mail("f" + std::to_string(i) + "@flood.example", "robot@flood.example", {kSupport},
             "Alert " + std::to_string(i)));
  auto c1 = mail("c1@z.com", "cat@z.com", {kSupport}, "Re: Old problem");
  c1.in_reply_to = "closed-final@ours";
  add(c1);
  auto c2 = mail("c2@z.com", "cat@z.com", {kSupport}, "Re: Old problem");
  c2.references = {"closed-final@ours", "c1@z.com"};
  add(c2);
  auto r1 = mail("r1@z.com", "rita@z.com", {kSupport}, "Re: Old problem");
  r1.in_reply_to = "resolved-final@ours";
  add(r1);
  add(mail("d1@w.com", "dan@w.com", {"hello@zipcushions.com"}, "Hi"));
  add(mail("d2@w.com", "dan@w.com", {"hello@zipcushions.com"}, "Hi again"));
  add(mail("", "eve@v.com", {kSupport}, "No Message-ID"));
  add(mail("bad@v.com", "not an address", {kSupport}, "x"));
  auto fwd = mail("a3@x.com", "ann@x.com", {kSales}, "Fwd: Broken zipper");
  fwd.references = {"a1@x.com"};
  add(fwd);
  return m;
}

// The records the mailbox's replies refer to: a closed and a resolved ticket with our last
// mail on each.
void seed(RouterFixture& f) {
  std::string closed = f.ticket("cat@z.com", "Closed", "2025-01-01 10:00:00");
  f.communication("closed-final@ours", "HD Ticket", closed, "Sent", "2025-01-01 10:00:00");
  std::string resolved = f.ticket("rita@z.com", "Resolved", "2025-03-09 10:00:00");
  f.communication("resolved-final@ours", "HD Ticket", resolved, "Sent", "2025-03-09 10:00:00");
}

RoutingRules test_rules() {
  RoutingRules rules;
  rules.loop_threshold = 3;
  rules.error_log = "all";
  return rules;
}

// Snapshot without Error Log and the decision log.
std::map<std::string, std::vector<std::string>> data_of(Store& s) {
  auto snap = canonical(s);
  snap.erase("Error Log");
  snap.erase(kRouteLogDoctype);
  return snap;
}

}  // namespace

TEST_CASE("route_many decides and writes exactly as route() one mail at a time") {
  for (const char* support_policy : {"link_latest_open", "always_new"}) {
    for (std::size_t batch : {std::size_t{1}, std::size_t{4}, std::size_t{1000}}) {
      CAPTURE(support_policy);
      CAPTURE(batch);
      RoutingRules rules = test_rules();
      rules.support_alias_existing_ticket = support_policy;
      auto mails = mixed_mail();

      RouterFixture one;
      seed(one);
      Router single = one.with(rules);
      std::vector<std::string> expected;
      for (const auto& m : mails) expected.push_back(canonical(*one.store, single.route(m)));

      RouterFixture many;
      seed(many);
      Router batched = many.with(rules);
      std::vector<std::string> got;
      for (std::size_t start = 0; start < mails.size(); start += batch) {
        std::vector<InboundEmail> part(mails.begin() + static_cast<std::ptrdiff_t>(start),
                                       mails.begin() + static_cast<std::ptrdiff_t>(std::min(mails.size(), start + batch)));
        for (const auto& r : batched.route_many(part)) got.push_back(canonical(*many.store, r));
        CHECK(many.store->transaction_depth() == 0);
      }
      REQUIRE(got.size() == expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i] == expected[i]);
      }
      CHECK(test_support::snapshot_difference(canonical(*many.store), canonical(*one.store)) == "");
    }
  }
}

TEST_CASE("route_many: the mix exercises what it claims to") {
  RouterFixture f;
  seed(f);
  RoutingRules rules = test_rules();
  rules.support_alias_existing_ticket = "always_new";  // every support mail a new ticket: the flood
  auto results = f.with(rules).route_many(mixed_mail());
  std::multiset<std::string> reasons;
  std::string all;
  for (const auto& r : results) {
    reasons.insert(r.reason);
    all += r.action + "/" + r.reason + "/" + r.match + " ";
  }
  CAPTURE(all);
  CHECK(results[1].action == "link_ticket");  // a reply to the batch's first mail
  CHECK(results[1].match == "in_reply_to");
  CHECK(results[2].reason == "duplicate");    // re-delivered inside the batch
  CHECK(results[4].reason == "forwarded");    // to support, References naming the batch's sales mail
  CHECK(reasons.count("loop") >= 1);          // the flood crossed the threshold
  CHECK(reasons.count("follow_up") == 1);     // a follow-up of the closed ticket ...
  CHECK(results[17].action == "link_ticket");  // ... and the next reply continues it
  CHECK(results[17].name == results[16].name);
  CHECK(reasons.count("reopened") == 1);      // the resolved ticket, within closed_ticket_days
  CHECK(reasons.count("out_of_office") + reasons.count("auto_reply") == 1);
  CHECK(reasons.count("forwarded") == 2);     // support -> sales and sales -> support
}

TEST_CASE("route_many: a failing mail rolls back alone; the others commit with the batch") {
  RoutingRules rules = test_rules();
  auto mails = std::vector<InboundEmail>{mail("p1@x.com", "pat@x.com", {kSupport}, "One"),
                                         mail("q1@x.com", "quinn@x.com", {kSupport}, "Two"),
                                         mail("s1@x.com", "sue@x.com", {kSales}, "Three")};
  // The second mail fails at its first write (its Contact), its second (the ticket) or its
  // last (the Communication), every time it is routed.
  for (const char* doctype : {"Contact", "HD Ticket", "Communication"}) {
    CAPTURE(doctype);
    RouterFixture f;
    auto poisoned = std::make_shared<Store>(std::make_shared<test_support::Poisoned>(f.store, doctype, "quinn@x.com"),
                                            f.store->schema_ptr());
    const auto now = routing_test::frozen_now();
    poisoned->set_clock([now] { return now; });  // the facade over the faults has its own clock
    auto results = Router(poisoned, rules).route_many(mails);
    REQUIRE(results.size() == 3);
    CHECK(results[0].action == "create_ticket");
    CHECK(results[1].action == "skip");
    CHECK(results[1].reason == "error");
    CHECK(results[1].log_category == "Route: Critical Error");
    CHECK(results[1].error.find("injected") != std::string::npos);
    CHECK(results[1].name.empty());
    CHECK(results[2].action == "create_lead");
    CHECK(f.store->transaction_depth() == 0);

    // The same store as routing the first and third mail alone, plus the critical error.
    RouterFixture ref;
    Router reference = ref.with(rules);
    reference.route(mails[0]);
    reference.route(mails[2]);
    CHECK(test_support::snapshot_difference(data_of(*f.store), data_of(*ref.store)) == "");
    CHECK(f.store->count("HD Ticket", {Filter("raised_by", "quinn@x.com")}) == 0);
    CHECK(f.store->count("Contact", {Filter("email_id", "quinn@x.com")}) == 0);
    auto critical = f.store->find("Error Log", Query{Filter("method", "Route: Critical Error")});
    REQUIRE(critical.size() == 1);
    CHECK(critical[0].text("error").find("\nSender: quinn@x.com\n") != std::string::npos);
  }
}

TEST_CASE("route_many: a mail whose write failed once is routed again with a savepoint of its own") {
  // The batch first runs without a savepoint per mail; a failure undoes that pass and the
  // batch runs again, each mail in its own savepoint. A fault that does not come back (here
  // the k-th write of the whole run) costs nothing then: every mail is routed, as route()
  // one at a time on a good store.
  RoutingRules rules = test_rules();
  auto mails = std::vector<InboundEmail>{mail("p1@x.com", "pat@x.com", {kSupport}, "One"),
                                         mail("q1@x.com", "quinn@x.com", {kSupport}, "Two"),
                                         mail("s1@x.com", "sue@x.com", {kSales}, "Three")};
  RouterFixture ref;
  Router reference = ref.with(rules);
  std::vector<std::string> expected;
  for (const auto& m : mails) expected.push_back(canonical(*ref.store, reference.route(m)));
  for (std::int64_t write : {1, 4, 7}) {
    CAPTURE(write);
    RouterFixture f;
    auto faulty = make_faulty_store(f.store, FaultPlan{write, 0, 0});
    const auto now = routing_test::frozen_now();
    faulty->set_clock([now] { return now; });
    std::vector<std::string> got;
    for (const auto& r : Router(faulty, rules).route_many(mails)) got.push_back(canonical(*f.store, r));
    CHECK(got == expected);
    CHECK(test_support::snapshot_difference(canonical(*f.store), canonical(*ref.store)) == "");
  }
}

TEST_CASE("route_many: a batch that cannot commit leaves nothing and says so for every mail") {
  auto mails = std::vector<InboundEmail>{mail("p1@x.com", "pat@x.com", {kSupport}, "One"),
                                         mail("q1@x.com", "quinn@x.com", {kSupport}, "Two")};
  // Count the commits of the same batch on a good store: the last one is the batch's own.
  std::int64_t commits = 0;
  {
    RouterFixture counting;
    auto faulty = make_faulty_store(counting.store);
    Router(faulty, test_rules()).route_many(mails);
    commits = faults(*faulty).commits();
  }
  REQUIRE(commits >= 1);
  RouterFixture f;
  auto before = data_of(*f.store);
  auto faulty = make_faulty_store(f.store, FaultPlan{0, commits, 0});
  auto results = Router(faulty, test_rules()).route_many(mails);
  for (const auto& r : results) {
    CHECK(r.reason == "error");
    CHECK(r.error.find("injected") != std::string::npos);
  }
  CHECK(test_support::snapshot_difference(data_of(*f.store), before) == "");
  CHECK(f.store->transaction_depth() == 0);
  CHECK(f.store->count("Error Log", {Filter("method", "Route: Critical Error")}) == 2);
}

TEST_CASE("route_many inside a caller's transaction is part of it") {
  RouterFixture f;
  {
    Transaction tx(*f.store);
    auto results = f.router.route_many({mail("p1@x.com", "pat@x.com", {kSupport}, "One")});
    CHECK(results[0].action == "create_ticket");
    CHECK(f.store->transaction_depth() == 1);
    tx.rollback();
  }
  CHECK(f.count("HD Ticket") == 0);
  CHECK(f.router.route_many({}).empty());
}

TEST_CASE("route_many on SQLite matches route() one at a time") {
  test_support::TempDir dir;
  RoutingRules rules = test_rules();
  auto mails = mixed_mail();
  RouterFixture f_one, f_many;
  f_one.store = routing_test::sqlite_store(dir.file("one.sqlite"));
  f_many.store = routing_test::sqlite_store(dir.file("many.sqlite"));
  seed(f_one);
  seed(f_many);
  auto one = f_one.store, many = f_many.store;
  Router single(one, rules), batched(many, rules);
  std::vector<std::string> expected, got;
  for (const auto& m : mails) expected.push_back(canonical(*one, single.route(m)));
  for (const auto& r : batched.route_many(mails)) got.push_back(canonical(*many, r));
  CHECK(got == expected);
  CHECK(test_support::snapshot_difference(canonical(*many), canonical(*one)) == "");
}

namespace {

// A backend that fails its n-th insert once with a retryable error (what a deadlock on a
// server database looks like to the store: the whole transaction is gone).
class ConflictOnce : public ForwardingBackend {
 public:
  ConflictOnce(std::shared_ptr<Store> inner, int at) : ForwardingBackend(std::move(inner)), at_(at) {}
  std::string insert(std::string_view doctype, const Document& doc) override {
    if (++inserts_ == at_) throw StoreError(ErrorCode::kConflict, "simulated deadlock");
    return ForwardingBackend::insert(doctype, doc);
  }

 private:
  int at_;
  int inserts_ = 0;
};

}  // namespace

TEST_CASE("route_many: a retryable error reruns the whole batch it opened") {
  auto mails = std::vector<InboundEmail>{mail("p1@x.com", "pat@x.com", {kSupport}, "One"),
                                         mail("q1@x.com", "quinn@x.com", {kSupport}, "Two"),
                                         mail("s1@x.com", "sue@x.com", {kSales}, "Three")};
  RouterFixture clean;
  std::vector<std::string> expected;
  for (const auto& r : clean.with(test_rules()).route_many(mails)) expected.push_back(canonical(*clean.store, r));

  RouterFixture f;
  auto conflicted = std::make_shared<Store>(std::make_shared<ConflictOnce>(f.store, 6), f.store->schema_ptr());
  const auto now = routing_test::frozen_now();
  conflicted->set_clock([now] { return now; });
  std::vector<std::string> got;
  for (const auto& r : Router(conflicted, test_rules()).route_many(mails)) got.push_back(canonical(*f.store, r));
  CHECK(got == expected);
  CHECK(test_support::snapshot_difference(canonical(*f.store), canonical(*clean.store)) == "");
  CHECK(f.store->count("Error Log", {Filter("method", "Route: Critical Error")}) == 0);

  // Inside a caller's transaction the error is the mail's own: no rerun.
  RouterFixture g;
  auto inside = std::make_shared<Store>(std::make_shared<ConflictOnce>(g.store, 6), g.store->schema_ptr());
  Transaction tx(*inside);
  auto results = Router(inside, test_rules()).route_many(mails);
  tx.commit();
  int errors = 0;
  for (const auto& r : results) errors += r.reason == "error";
  CHECK(errors == 1);
}

// ---- the batch's thread rows (read once per batch) -------------------------------------------

namespace {

// Routes the mails `setup` gives one at a time on one store and as one batch on another (each
// store prepared by `setup`, in memory and on SQLite); the results and stores must be equal.
// Returns the batch's results on the store in memory.
std::vector<RouteResult> batch_equals_single(
    const std::function<std::vector<InboundEmail>(RouterFixture&)>& setup,
    const RoutingRules& rules = test_rules()) {
  test_support::TempDir dir;
  std::vector<RouteResult> batch_results;
  for (bool sqlite : {false, true}) {
    CAPTURE(sqlite);
    RouterFixture one, many;
    if (sqlite) {
      one.store = routing_test::sqlite_store(dir.file("one.sqlite"));
      many.store = routing_test::sqlite_store(dir.file("many.sqlite"));
    }
    std::vector<std::string> expected, got;
    Router single = one.with(rules);
    for (const auto& m : setup(one)) expected.push_back(canonical(*one.store, single.route(m)));
    auto results = many.with(rules).route_many(setup(many));
    for (const auto& r : results) got.push_back(canonical(*many.store, r));
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CAPTURE(i);
      CHECK(got[i] == expected[i]);
    }
    CHECK(test_support::snapshot_difference(canonical(*many.store), canonical(*one.store)) == "");
    if (!sqlite) batch_results = std::move(results);
  }
  return batch_results;
}

}  // namespace

TEST_CASE("route_many: a reply to a mail of the same batch finds it") {
  auto results = batch_equals_single([](RouterFixture&) {
    auto reply = mail("t2@x.com", "ann@x.com", {kSupport}, "Re: Broken zipper");
    reply.in_reply_to = "<t1@x.com>";
    auto later = mail("t3@x.com", "ann@x.com", {kSupport}, "Re: Broken zipper");
    later.references = {"t1@x.com", "t2@x.com"};
    return std::vector<InboundEmail>{mail("t1@x.com", "Ann <ann@x.com>", {kSupport}, "Broken zipper"),
                                     reply, later};
  });
  CHECK(results[1].match == "in_reply_to");
  CHECK(results[1].name == results[0].name);
  CHECK(results[2].match == "references");
  CHECK(results[2].name == results[0].name);
}

TEST_CASE("route_many: a reply naming a mail the batch re-filed follows it to its new record") {
  // The hook's own Communication, filed on an old lead, is re-filed on the ticket its mail
  // opens; the reply naming it belongs to that ticket, not to the lead.
  auto results = batch_equals_single([](RouterFixture& f) {
    std::string lead = f.lead("bob@y.com");
    std::string own = f.communication("h1@y.com", "CRM Lead", lead, "Received", "2025-03-01 10:00:00");
    auto first = mail("h1@y.com", "bob@y.com", {kSupport}, "Broken hinge");
    first.communication = own;
    auto reply = mail("h2@y.com", "bob@y.com", {kSupport}, "Re: Broken hinge");
    reply.references = {"h1@y.com"};
    return std::vector<InboundEmail>{first, reply};
  });
  CHECK(results[0].action == "create_ticket");
  CHECK(results[1].action == "link_ticket");
  CHECK(results[1].match == "references");
  CHECK(results[1].name == results[0].name);
}

TEST_CASE("route_many: the newest Communication carrying an id changes within the batch") {
  // Our mail x1 on Ann's ticket; then a received copy carrying the same Message-ID opens a lead
  // for Bob: from then on the lead owns x1's thread.
  auto results = batch_equals_single([](RouterFixture& f) {
    std::string ticket = f.ticket("ann@x.com", "Open", "2025-03-01 10:00:00");
    f.communication("x1@ours", "HD Ticket", ticket, "Sent", "2025-03-01 10:00:00");
    auto before = mail("x0@x.com", "ann@x.com", {kSupport}, "Re: Your order");
    before.in_reply_to = "x1@ours";
    auto copy = mail("x1@ours", "bob@y.com", {kSales}, "Your order");
    auto after = mail("x2@y.com", "bob@y.com", {kSales}, "Re: Your order");
    after.in_reply_to = "x1@ours";
    return std::vector<InboundEmail>{before, copy, after};
  });
  CHECK(results[0].action == "link_ticket");
  CHECK(results[0].match == "in_reply_to");
  CHECK(results[1].action == "create_lead");
  CHECK(results[2].action == "link_lead");
  CHECK(results[2].match == "in_reply_to");
  CHECK(results[2].name == results[1].name);
}

TEST_CASE("route_many: a failed mail leaves no thread and no duplicate for later mails of the batch") {
  RoutingRules rules = test_rules();
  // Ann's reply links to her open ticket and fails on its Error Log rows (written after its
  // Communication), every time: Carol's mail answering it must not find that Communication,
  // and the same mail delivered again later in the batch is no duplicate.
  auto prepare = [](RouterFixture& f) {
    std::string ticket = f.ticket("ann@x.com", "Open", "2025-03-01 10:00:00");
    f.communication("o1@ours", "HD Ticket", ticket, "Sent", "2025-03-01 10:00:00");
    auto reply = mail("y1@x.com", "ann@x.com", {kSupport}, "Re: Broken zipper (poison)");
    reply.in_reply_to = "o1@ours";
    auto answer = mail("y2@z.com", "carol@z.com", {kSupport}, "Re: Broken zipper");
    answer.in_reply_to = "y1@x.com";
    auto again = reply;
    again.subject = "Re: Broken zipper";
    return std::vector<InboundEmail>{reply, answer, again};
  };
  RouterFixture f;
  auto mails = prepare(f);
  auto poisoned = std::make_shared<Store>(
      std::make_shared<test_support::Poisoned>(f.store, "Error Log", "(poison)"), f.store->schema_ptr());
  const auto now = routing_test::frozen_now();
  poisoned->set_clock([now] { return now; });
  auto results = Router(poisoned, rules).route_many(mails);
  REQUIRE(results.size() == 3);
  CHECK(results[0].reason == "error");
  CHECK(results[1].action == "create_ticket");
  CHECK(results[1].match != "in_reply_to");
  CHECK(results[2].action == "link_ticket");  // no duplicate of the mail that failed
  CHECK(results[2].match == "in_reply_to");
  CHECK(f.store->count("Communication", {Filter("message_id", "y1@x.com")}) == 1);

  RouterFixture ref;
  auto ref_mails = prepare(ref);
  RouteResult alone = ref.with(rules).route(ref_mails[1]);
  CHECK(canonical(*f.store, results[1]) == canonical(*ref.store, alone));
}

namespace {

// Senders new to the store in every spelling, next to senders some record already carries
// (a contact with a Contact Email row, one with only email_id, a lead, a closed ticket).
std::vector<InboundEmail> sender_mail() {
  std::vector<InboundEmail> m;
  m.push_back(mail("s1@q.com", "Gus <GUS@Q.COM>", {kSupport}, "Order 1"));
  m.push_back(mail("s2@q.com", "gus@q.com", {kSupport}, "Order 2"));  // his ticket of this batch
  auto rt = mail("s3@q.com", "hal@q.com", {kSupport}, "Help");
  rt.reply_to = "Ivy <ivy@q.com>";
  m.push_back(rt);
  m.push_back(mail("s4@q.com", "ivy@q.com", {"hello@zipcushions.com"}, "Hi"));  // ticket history
  m.push_back(mail("s5@q.com", "IVY@Q.COM", {kSales}, "Quote"));
  m.push_back(mail("s6@q.com", "jösé@q.com", {kSupport}, "Hola"));
  m.push_back(mail("s7@q.com", "JÖSÉ@q.com", {kSupport}, "Hola otra vez"));
  m.push_back(mail("s8@q.com", "kim@q.com", {kSupport}, "Need help"));
  m.push_back(mail("s9@q.com", "nia@q.com", {kSupport}, "Need help too"));
  m.push_back(mail("s10@q.com", "lena@q.com", {kSales}, "Quote again"));
  m.push_back(mail("s11@q.com", "Lena@Q.com", {"hello@zipcushions.com"}, "Hi"));
  m.push_back(mail("s12@q.com", "cat@z.com", {kSupport}, "New matter"));
  m.push_back(mail("s13@q.com", "mo@q.com", {kSupport}, "Re: Old problem"));
  m.push_back(mail("s14@q.com", "mo@q.com", {"hello@zipcushions.com"}, "Re: Old problem"));
  for (int i = 1; i <= 4; ++i)
    m.push_back(mail("z" + std::to_string(i) + "@q.com", "zed@q.com", {kSupport}, "Alert " + std::to_string(i)));
  return m;
}

void seed_senders(RouterFixture& f) {
  seed(f);
  f.store->insert("Contact", {{"name", "kim"}, {"first_name", "Kim"}, {"email_id", "kim@q.com"}},
                  {{"email_ids", {Document{{"email_id", "kim@q.com"}, {"is_primary", 1}}}}});
  f.store->insert("Contact", {{"name", "nia"}, {"first_name", "Nia"}, {"email_id", "nia@q.com"}});
  f.lead("lena@q.com");
}

// Counts the lookups that filter on a sender field.
class SenderLookups : public ForwardingBackend {
 public:
  using ForwardingBackend::ForwardingBackend;
  std::vector<Document> find(std::string_view doctype, const Query& q) override {
    note(q.filters);
    return ForwardingBackend::find(doctype, q);
  }
  std::int64_t count(std::string_view doctype, const Filters& filters) override {
    note(filters);
    return ForwardingBackend::count(doctype, filters);
  }
  int lookups = 0;

 private:
  void note(const Filters& filters) {
    for (const auto& f : filters)
      if (f.field == "raised_by" || f.field == "email" || f.field == "email_id") ++lookups;
  }
};

}  // namespace

TEST_CASE("route_many: new senders, in any spelling, are decided as route() decides them") {
  test_support::TempDir dir;
  for (bool sqlite : {false, true}) {
    for (std::size_t batch : {std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
      CAPTURE(sqlite);
      CAPTURE(batch);
      RoutingRules rules = test_rules();
      auto mails = sender_mail();
      const std::string tag = std::to_string(batch);
      RouterFixture one, many;
      if (sqlite) {
        one.store = routing_test::sqlite_store(dir.file("one" + tag + ".sqlite"));
        many.store = routing_test::sqlite_store(dir.file("many" + tag + ".sqlite"));
      }
      seed_senders(one);
      seed_senders(many);
      std::vector<std::string> expected, got;
      Router single = one.with(rules);
      for (const auto& m : mails) expected.push_back(canonical(*one.store, single.route(m)));
      Router batched = many.with(rules);
      for (std::size_t start = 0; start < mails.size(); start += batch) {
        std::vector<InboundEmail> part(mails.begin() + static_cast<std::ptrdiff_t>(start),
                                       mails.begin() + static_cast<std::ptrdiff_t>(std::min(mails.size(), start + batch)));
        for (const auto& r : batched.route_many(part)) got.push_back(canonical(*many.store, r));
      }
      REQUIRE(got.size() == expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i] == expected[i]);
      }
      CHECK(test_support::snapshot_difference(canonical(*many.store), canonical(*one.store)) == "");
    }
  }
}

TEST_CASE("route_many: a batch asks the store about each new sender once, not per lookup") {
  RoutingRules rules = test_rules();
  std::vector<InboundEmail> mails;
  for (int i = 0; i < 20; ++i)
    mails.push_back(mail("n" + std::to_string(i) + "@q.com", "new" + std::to_string(i) + "@q.com",
                         {i % 2 ? kSupport : "hello@zipcushions.com"}, "Question " + std::to_string(i)));
  auto lookups_of = [&](bool batch) {
    RouterFixture f;
    auto counting = std::make_shared<SenderLookups>(f.store);
    auto store = std::make_shared<Store>(counting, f.store->schema_ptr());
    const auto now = routing_test::frozen_now();
    store->set_clock([now] { return now; });
    Router router(store, rules);
    std::vector<std::string> actions;
    if (batch) {
      for (const auto& r : router.route_many(mails)) actions.push_back(r.action + "/" + r.reason);
    } else {
      for (const auto& m : mails) {
        RouteResult r = router.route(m);
        actions.push_back(r.action + "/" + r.reason);
      }
    }
    return std::make_pair(counting->lookups, actions);
  };
  auto [single, single_actions] = lookups_of(false);
  auto [batched, batched_actions] = lookups_of(true);
  CHECK(batched_actions == single_actions);
  CHECK(single >= 5 * 20);  // contact (2), open tickets or history, leads, the loop breaker's counts
  CHECK(batched == 4);      // one query per sender doctype for the whole batch
}

TEST_CASE("route_many: duplicates are found as route() finds them") {
  // A received Communication from before the batch, a sent one (no duplicate), a hook's own
  // row (never its own duplicate), and re-deliveries inside the batch.
  auto prepare = [](RouterFixture& f) {
    std::string t = f.ticket("ann@x.com", "Open", "2025-03-01 10:00:00");
    f.communication("old@x.com", "HD Ticket", t, "Received", "2025-03-01 10:00:00");
    f.communication("sent@x.com", "HD Ticket", t, "Sent", "2025-03-01 10:00:00");
    f.store->insert("Communication", {{"name", "hook-row"},
                                      {"message_id", "hook@x.com"},
                                      {"sent_or_received", "Received"},
                                      {"communication_medium", "Email"}});
    std::vector<InboundEmail> m;
    m.push_back(mail("old@x.com", "ann@x.com", {kSupport}, "Again"));
    m.push_back(mail("<sent@x.com>", "ann@x.com", {kSupport}, "Sent id"));
    auto hook = mail("hook@x.com", "bo@x.com", {kSupport}, "Hook");
    hook.communication = "hook-row";
    m.push_back(hook);
    m.push_back(mail("new@x.com", "cy@x.com", {kSupport}, "New"));
    m.push_back(mail("<new@x.com>", "cy@x.com", {kSupport}, "New"));
    m.push_back(mail("hook@x.com", "bo@x.com", {kSupport}, "Hook"));
    m.push_back(hook);
    m.push_back(mail("", "dee@x.com", {kSupport}, "No Message-ID"));
    m.push_back(mail("", "dee@x.com", {kSupport}, "No Message-ID"));
    return m;
  };
  for (std::size_t batch : {std::size_t{1}, std::size_t{3}, std::size_t{100}}) {
    CAPTURE(batch);
    RoutingRules rules = test_rules();
    RouterFixture one, many;
    auto mails = prepare(one);
    prepare(many);
    std::vector<std::string> expected, got;
    std::vector<std::string> reasons;
    Router single = one.with(rules), batched = many.with(rules);
    for (const auto& m : mails) expected.push_back(canonical(*one.store, single.route(m)));
    for (std::size_t start = 0; start < mails.size(); start += batch) {
      std::vector<InboundEmail> part(mails.begin() + static_cast<std::ptrdiff_t>(start),
                                     mails.begin() + static_cast<std::ptrdiff_t>(std::min(mails.size(), start + batch)));
      for (const auto& r : batched.route_many(part)) {
        got.push_back(canonical(*many.store, r));
        reasons.push_back(r.reason);
      }
    }
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CAPTURE(i);
      CHECK(got[i] == expected[i]);
    }
    CHECK(reasons[0] == "duplicate");
    CHECK(reasons[1] != "duplicate");
    CHECK(reasons[2] != "duplicate");
    CHECK(reasons[4] == "duplicate");
    CHECK(reasons[5] == "duplicate");
    CHECK(reasons[8] == "duplicate");
    CHECK(test_support::snapshot_difference(canonical(*many.store), canonical(*one.store)) == "");
  }
}
