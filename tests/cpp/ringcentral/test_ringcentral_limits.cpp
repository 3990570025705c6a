// Throttling groups, Retry-After, penalties, backoff and error bodies against the mock. Waits
// are checked on a fake clock (the client's sleeps advance it) except where real time matters.
#include <ctime>
#include <thread>

#include "ringcentral/rc_fixture.h"

using namespace switchboard;
using namespace rc_test;

namespace {

std::string http_date(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

CallLogQuery one_page() {
  CallLogQuery q;
  q.date_from = "2024-03-01T00:00:00Z";
  q.per_page = 10;
  q.max_pages = 1;
  return q;
}

}  // namespace

TEST_CASE("ringcentral limits 12: Retry-After seconds, HTTP-date, missing (>= 30 s) and clamped") {
  auto& m = mock();
  FakeTime time;
  auto o = options(m, &time);
  o.max_wait = std::chrono::hours(2);
  RingCentralClient client(memory_store(), o);
  client.login_jwt(kJwt);
  auto heavy_429 = [&](const json& retry_after) {
    json f{{"match", "/call-log"}, {"status", 429}, {"group", "Heavy"}};
    if (!retry_after.is_null()) f["retry_after"] = retry_after;
    m.fault(f);
    auto before = time.taken().size();
    client.call_log(one_page());
    auto sleeps = time.taken();
    REQUIRE(sleeps.size() == before + 1);
    return sleeps.back();
  };
  SUBCASE("seconds") {
    Ms w = heavy_429("7");
    CHECK(w >= Ms(7000));
    CHECK(w <= Ms(7002));
  }
  SUBCASE("missing: the default, never under 30 s") {
    CHECK(heavy_429(nullptr) >= Ms(60000));
    RingCentralOptions short_default = o;
    short_default.default_retry_after = Ms(5000);
    RingCentralClient impatient(memory_store(), short_default);
    impatient.login_jwt(kJwt);
    m.fault({{"match", "/call-log"}, {"status", 429}, {"group", "Heavy"}});
    auto before = time.taken().size();
    impatient.call_log(one_page());
    CHECK(time.taken()[before] >= Ms(30000));
  }
  SUBCASE("HTTP-date") {
    Ms w = heavy_429(http_date(std::chrono::system_clock::now() + std::chrono::seconds(20)));
    CHECK(w >= Ms(18000));
    CHECK(w <= Ms(21000));
  }
  SUBCASE("clamped") {
    CHECK(heavy_429("99999") <= Ms(600001));
    CHECK(heavy_429("99999") >= Ms(600000));
  }
  SUBCASE("a wait beyond max_wait raises instead of sleeping") {
    RingCentralOptions brief = o;
    brief.max_wait = Ms(10000);
    RingCentralClient client2(memory_store(), brief);
    client2.login_jwt(kJwt);
    m.fault({{"match", "/call-log"}, {"status", 429}, {"group", "Heavy"}, {"retry_after", "45"}});
    try {
      client2.call_log(one_page());
      FAIL("no error");
    } catch (const HttpError& e) {
      CHECK(e.status() == 429);
      CHECK(e.retry_after() > 44);
    }
  }
}

TEST_CASE("ringcentral limits 13: no request in a penalized group during the penalty; other groups go on") {
  auto& m = mock();
  // Real time here: the mock restarts its penalty on any request that arrives during it.
  m.configure({{"limits", {{"Heavy", {1, 1}}}}, {"penalty", 2}});
  RingCentralClient other(memory_store(), options(m));  // another worker using up the quota
  RingCentralClient client(memory_store(), options(m));
  client.login_jwt(kJwt);
  other.login_jwt(kJwt);
  other.call_log(one_page());  // Heavy: 1 of 1 in this window
  auto started = std::chrono::steady_clock::now();
  std::thread heavy([&] { client.call_log(one_page()); });  // 429, waits 2 s, retries
  std::this_thread::sleep_for(Ms(300));
  for (int i = 0; i < 3; ++i) client.test_connection();  // Light goes on meanwhile
  heavy.join();
  auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(elapsed >= std::chrono::seconds(2));
  json st = m.state();
  CHECK(st["violations"].empty());  // nothing arrived during the penalty
  std::vector<std::string> order;
  for (const auto& r : st["requests"])
    if (r["group"] == "Heavy" || r["group"] == "Light")
      order.push_back(r["group"].get<std::string>() + ":" + r["status"].dump());
  CHECK(order == std::vector<std::string>{"Heavy:200", "Heavy:429", "Light:200", "Light:200",
                                          "Light:200", "Heavy:200"});
  auto limits = client.rate_limits();
  auto heavy_state = std::find_if(limits.begin(), limits.end(), [](auto& g) { return g.group == "Heavy"; });
  REQUIRE(heavy_state != limits.end());
  CHECK(heavy_state->limit == 1);
}

TEST_CASE("ringcentral limits 13/14: the computed waits, on a fake clock") {
  auto& m = mock();
  FakeTime time;
  RingCentralClient client(memory_store(), options(m, &time));
  client.login_jwt(kJwt);
  SUBCASE("a penalty holds the group back and shows in the state") {
    m.fault({{"match", "/call-log"}, {"status", 429}, {"group", "Heavy"}, {"retry_after", "30"},
             {"count", 1}});
    client.call_log(one_page());
    auto reqs = requests(m, "/call-log");
    REQUIRE(reqs.size() == 2);
    CHECK(time.taken().back() >= Ms(30000));
    client.test_connection();  // Light: no wait
    CHECK(time.taken().size() == 1);
  }
  SUBCASE("14: Remaining 0 with Window 60 pauses the group for about 60 s") {
    m.fault({{"match", "/call-log"}, {"when", "headers"},
             {"extra", {{"X-Rate-Limit-Remaining", "0"}, {"X-Rate-Limit-Window", "60"}}}});
    client.call_log(one_page());
    CHECK(time.taken().empty());
    auto limits = client.rate_limits();
    auto heavy = std::find_if(limits.begin(), limits.end(), [](auto& g) { return g.group == "Heavy"; });
    REQUIRE(heavy != limits.end());
    CHECK(heavy->reason == "window");
    CHECK(heavy->paused_for > Ms(59000));
    client.test_connection();  // another group: no wait
    CHECK(time.taken().empty());
    client.call_log(one_page());
    REQUIRE(time.taken().size() == 1);
    CHECK(time.taken()[0] >= Ms(60000));
    CHECK(time.taken()[0] <= Ms(60002));
  }
}

TEST_CASE("ringcentral limits 15: unknown and lowercase group names are tracked without error") {
  auto& m = mock();
  FakeTime time;
  m.configure({{"group_names", {{"Heavy", "heavy"}, {"Light", "Custom-Group"}}}});
  RingCentralClient client(memory_store(), options(m, &time));
  client.login_jwt(kJwt);
  client.call_log(one_page());
  client.test_connection();
  std::vector<std::string> names;
  for (const auto& g : client.rate_limits()) names.push_back(g.group);
  CHECK(std::find(names.begin(), names.end(), "Heavy") != names.end());  // "heavy" canonicalized
  CHECK(std::find(names.begin(), names.end(), "Custom-Group") != names.end());
  // A penalty in the renamed group holds back the calls that landed in it.
  m.fault({{"match", "/extension/"}, {"status", 429}, {"group", "Light"}, {"retry_after", "9"}});
  client.test_connection();
  CHECK(time.taken().back() >= Ms(9000));
  client.test_connection();
  CHECK(time.taken().size() == 1);
}

TEST_CASE("ringcentral limits 16: 502/503/504, timeouts and CMN-304 back off exponentially, capped") {
  auto& m = mock();
  FakeTime time;
  auto o = options(m, &time);
  SUBCASE("5xx") {
    o.backoff_cap = Ms(5000);
    RingCentralClient client(memory_store(), o);
    client.login_jwt(kJwt);
    for (int status : {502, 503, 504, 503})
      m.fault({{"match", "/extension/"}, {"status", status}});
    client.test_connection();
    CHECK(time.taken() == std::vector<Ms>{Ms(2000), Ms(4000), Ms(5000), Ms(5000)});
  }
  SUBCASE("Retry-After wins over the backoff") {
    RingCentralClient client(memory_store(), o);
    client.login_jwt(kJwt);
    m.fault({{"match", "/extension/"}, {"status", 503}, {"retry_after", "11"}});
    client.test_connection();
    CHECK(time.taken() == std::vector<Ms>{Ms(11000)});
  }
  SUBCASE("retries run out") {
    o.max_retries = 2;
    RingCentralClient client(memory_store(), o);
    client.login_jwt(kJwt);
    m.fault({{"match", "/extension/"}, {"status", 503}, {"count", 3}});
    try {
      client.test_connection();
      FAIL("no error");
    } catch (const HttpError& e) {
      CHECK(e.status() == 503);
    }
    CHECK(requests(m, "/extension/").size() == 3);
  }
  SUBCASE("CMN-304 is retried and penalizes nothing") {
    RingCentralClient client(memory_store(), o);
    client.login_jwt(kJwt);
    m.fault({{"match", "/call-log"}, {"status", 429}, {"error_code", "CMN-304"},
             {"message", "Request is already in progress"}});
    client.call_log(one_page());
    CHECK(time.taken() == std::vector<Ms>{Ms(2000)});
    for (const auto& g : client.rate_limits()) CHECK(g.paused_for == Ms(0));
  }
  SUBCASE("a timeout") {
    o.timeout = Ms(300);
    RingCentralClient client(memory_store(), o);
    client.login_jwt(kJwt);
    m.fault({{"match", "/extension/"}, {"delay", 1.0}});
    client.test_connection();
    CHECK(time.taken() == std::vector<Ms>{Ms(2000)});
  }
  SUBCASE("a refused connection") {
    auto dead = o;
    dead.server = "http://127.0.0.1:9";  // discard port: nothing listens
    dead.allowed_origins.push_back(dead.server);
    dead.max_retries = 3;
    RingCentralClient client(memory_store(), dead);
    try {
      client.login_jwt(kJwt);  // the token endpoint: three retries 10 s apart
      FAIL("no error");
    } catch (const HttpError& e) {
      CHECK(e.status() == 0);
    }
    CHECK(time.taken() == std::vector<Ms>{Ms(10000), Ms(10000), Ms(10000)});
  }
}

TEST_CASE("ringcentral limits 17: both error body shapes parse into one typed HttpError") {
  auto& m = mock();
  RingCentralClient client(memory_store(), options(m));
  client.login_jwt(kJwt);
  for (const char* shape : {"api", "legacy", "oauth"}) {
    CAPTURE(shape);
    m.fault({{"match", "/extension/"}, {"status", 400}, {"shape", shape}, {"error_code", "CMN-101"},
             {"message", "Parameter [x] value is invalid"}, {"retry_after", "5"}});
    try {
      client.test_connection();
      FAIL("no error");
    } catch (const HttpError& e) {
      CHECK(e.status() == 400);
      CHECK(e.api_code() == "CMN-101");
      CHECK(e.retry_after() == 5.0);
      CHECK(std::string(e.what()).find("Parameter [x] value is invalid") != std::string::npos);
      CHECK(e.code() == ErrorCode::kHttp);
    }
  }
  auto e = rc::parse_api_error(R"({"error":"invalid_grant","error_description":"Token expired"})");
  CHECK(e.code == "invalid_grant");
  CHECK(e.message == "Token expired");
  e = rc::parse_api_error("<html>Bad gateway</html>");
  CHECK(e.code.empty());
  CHECK(e.message == "<html>Bad gateway</html>");
  CHECK(rc::parse_api_error("").message.empty());
}

TEST_CASE("ringcentral limits: Retry-After parsing and backoff") {
  auto now = std::chrono::system_clock::now();
  CHECK(rc::parse_retry_after("7", now) == Ms(7000));
  CHECK(rc::parse_retry_after(" 0 ", now) == Ms(0));
  CHECK_FALSE(rc::parse_retry_after("", now));
  CHECK_FALSE(rc::parse_retry_after("soon", now));
  CHECK(rc::parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now) == Ms(0));
  CHECK(rc::backoff(0, Ms(2000), Ms(60000)) == Ms(2000));
  CHECK(rc::backoff(3, Ms(2000), Ms(60000)) == Ms(16000));
  CHECK(rc::backoff(40, Ms(2000), Ms(60000)) == Ms(60000));
  CHECK(rc::canonical_group("HEAVY") == "Heavy");
  CHECK(rc::canonical_group(" auth ") == "Auth");
  CHECK(rc::canonical_group("SomethingNew") == "SomethingNew");
}
