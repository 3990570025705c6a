// Subscriptions, the polling sync and RingCentral's job kinds against the mock process, with
// the store, the client and the mock on one simulated clock.
#include "core/datetime.h"
#include "ringcentral/rc_fixture.h"

using namespace switchboard;
using namespace rc_test;

namespace {

/// A connected client whose store, client and mock share a simulated clock.
struct SimConnected {
  MockProcess& m = mock();
  FakeTime time;
  std::shared_ptr<Store> store = memory_store();
  std::shared_ptr<RingCentralClient> client;
  std::chrono::system_clock::time_point start = time.t;
  explicit SimConnected(bool validate_webhooks = false) {
    m.configure({{"rate_limits", false}, {"validate_webhooks", validate_webhooks}});
    store->set_clock(time.clock());
    auto o = options(m, &time);
    o.max_wait = Ms(0);
    client = std::make_shared<RingCentralClient>(store, o);
    client->login_jwt(kJwt);
  }
  /// Moves every clock forward together.
  void advance(std::int64_t seconds) {
    time.advance(std::chrono::seconds(seconds));
    double offset = std::chrono::duration<double>(time.t - std::chrono::system_clock::now()).count();
    m.control("clock", {{"offset", offset}});
  }
  std::int64_t now() { return unix_seconds(*store); }
  /// Whether `expires_at` is `seconds` from now. The mock's clock runs in real time between
  /// advances, so a loaded machine may put its expirationTime a few seconds later.
  bool expires_in(std::int64_t expires_at, std::int64_t seconds) {
    const std::int64_t late = expires_at - (now() + seconds);
    return late >= 0 && late <= 10;
  }
};

json mock_subscriptions(MockProcess& m) { return m.state()["subscriptions"]; }

constexpr std::int64_t kMarch2024 = 1709251200;  // the fixture call log starts here

std::string iso(std::int64_t unix_seconds) { return dates::iso8601_utc(unix_seconds); }

}  // namespace

TEST_CASE("ringcentral sync: the subscription has a top-level expiresIn and is renewed before it expires") {
  SimConnected c;
  SubscriptionOptions so;
  so.address = "https://desk.example.test/ringcentral/webhook";
  so.expires_in = std::chrono::seconds(7200);
  so.renew_margin = std::chrono::seconds(1800);
  Subscriptions subs(c.client, so);
  SubscriptionState st = subs.subscribe();
  CHECK(st.action == "created");
  CHECK(st.status == "Active");
  CHECK(c.expires_in(st.expires_at, 7200));
  const json body = c.m.state()["subscription_requests"][0]["body"];
  CHECK(body["expiresIn"] == 7200);
  CHECK_FALSE(body["deliveryMode"].contains("expiresIn"));
  CHECK(body["deliveryMode"]["transportType"] == "WebHook");
  CHECK(body["deliveryMode"]["verificationToken"] == subs.verification_token());
  CHECK(body["eventFilters"] == json::array({kTelephonySessionsFilter}));

  c.advance(3600);
  CHECK(subs.ensure().action == "checked");  // an hour left, more than the margin
  c.advance(2000);
  st = subs.ensure();
  CHECK(st.action == "renewed");
  CHECK(c.expires_in(st.expires_at, 7200));
  CHECK(mock_subscriptions(c.m)[st.id]["renewals"] == 1);
}

TEST_CASE("ringcentral sync: a blacklisted or forgotten subscription is deleted and created again") {
  SimConnected c;
  SubscriptionOptions so;
  so.address = "https://desk.example.test/hook";
  Subscriptions subs(c.client, so);
  std::string first = subs.subscribe().id;
  std::string token = subs.verification_token();
  c.m.control("blacklist", {{"id", first}});
  SubscriptionState st = subs.ensure();
  CHECK(st.action == "recreated");
  CHECK(st.id != first);
  CHECK(mock_subscriptions(c.m).size() == 1);
  CHECK_FALSE(mock_subscriptions(c.m).contains(first));
  CHECK(subs.verification_token() == token);  // the endpoint keeps working
  c.m.control("expire_subscriptions");
  std::string second = st.id;
  st = subs.ensure();
  CHECK(st.action == "recreated");
  CHECK(st.id != second);
  CHECK(subs.unsubscribe().action == "deleted");
  CHECK(mock_subscriptions(c.m).empty());
  CHECK(Subscriptions(c.client).ensure().action == "none");  // no address stored any more
}

TEST_CASE("ringcentral sync: the sync follows every page once and keeps its cursor") {
  SimConnected c;
  auto logger = std::make_shared<CallLogger>(c.store);
  SyncOptions so;
  so.per_page = 40;
  CallLogSync sync(c.client, logger, so);
  // The fixture calls are from March 2024: read from there.
  SyncResult r = sync.run(kMarch2024);
  CHECK(r.complete);
  CHECK(r.records == 230);
  CHECK(r.created == 230);
  CHECK(r.pages >= 6);
  CHECK(c.store->count("Helpdesk Call Log") == 230);
  CHECK(c.store->count("CRM Call Log") == 230);
  CHECK(r.cursor == c.now());
  auto settings = c.store->get("CRM RingCentral Settings", "CRM RingCentral Settings");
  CHECK(settings->integer("sync_cursor") == c.now());
  for (const auto& q : requests(c.m, "/call-log")) {
    CHECK(q["group"] == "Heavy");
    CHECK(q["auth"] == true);
  }
  // Again over the same window: nothing is written twice.
  r = sync.run(kMarch2024);
  CHECK(r.created == 0);
  CHECK(r.updated == 0);
  CHECK(r.unchanged == 230);
  // Stopped before its first page, a run leaves the cursor where it was.
  c.advance(3600);
  r = sync.run(0, [] { return true; });
  CHECK_FALSE(r.complete);
  CHECK(c.store->get("CRM RingCentral Settings", "CRM RingCentral Settings")->integer("sync_cursor") ==
        c.now() - 3600);
}

TEST_CASE("ringcentral sync: the lookup after Disconnected retries until the record exists") {
  SimConnected c;
  RingCentralJobOptions jo;
  jo.lookup_delay = std::chrono::seconds(30);
  RingCentralJobs jobs(c.store, c.client, jo);
  auto queue = std::make_shared<JobQueue>(c.store);
  Worker worker(queue, WorkerOptions{"w"});
  jobs.install(worker, /*periodic=*/false);
  // The call ended; its record appears five minutes later.
  json record = {{"id", "CL-LATE-1"}, {"sessionId", "990001"}, {"telephonySessionId", "s-late-1"},
                 {"startTime", iso(c.now() - 90)}, {"duration", 75}, {"type", "Voice"},
                 {"direction", "Inbound"}, {"action", "Phone Call"}, {"result", "Accepted"},
                 {"from", {{"phoneNumber", "+14155550199"}}},
                 {"to", {{"phoneNumber", "+16505550000"}, {"extensionNumber", "101"}}},
                 {"uri", "/restapi/v1.0/account/~/call-log/CL-LATE-1"}};
  c.m.control("call", {{"record", record}, {"available_in", 300}});
  std::string disconnected = R"({"uuid":"u-9","event":"/restapi/v1.0/account/~/telephony/sessions",
    "body":{"sequence":3,"telephonySessionId":"s-late-1","sessionId":"990001",
    "eventTime":")" + iso(c.now() - 15) + R"(","parties":[{"direction":"Inbound",
    "from":{"phoneNumber":"+14155550199"},"to":{"phoneNumber":"+16505550000"},
    "status":{"code":"Disconnected"}}]}})";
  jobs.logger()->ingest(parse_call_event(disconnected));
  auto job = queue->find("lookup:s-late-1");
  REQUIRE(job);
  CHECK(job->run_after == c.now() + 30);
  // Re-delivered: still one job.
  jobs.logger()->ingest(parse_call_event(disconnected));
  CHECK(c.store->count(kJobDoctype) == 1);
  auto deadline = [] { return std::chrono::steady_clock::now() + std::chrono::seconds(30); };
  int rounds = 0;
  while (queue->find("lookup:s-late-1")->state == "Queued" && rounds++ < 20) {
    c.advance(60);
    worker.run_due(deadline());
  }
  job = queue->find("lookup:s-late-1");
  CHECK(job->state == "Done");
  CHECK(job->attempts >= 3);  // nothing before 300 s
  auto log = c.store->find_one("Helpdesk Call Log", Query{Filter("telephony_session_id", "s-late-1")});
  REQUIRE(log);
  CHECK(log->text("call_id") == "CL-LATE-1");
  CHECK(log->text("result") == "Accepted");
  CHECK(c.store->count("Helpdesk Call Log") == 1);
  for (const auto& q : requests(c.m, "/call-log")) CHECK(q["group"] == "Heavy");
}
