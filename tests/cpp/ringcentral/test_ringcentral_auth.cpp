// OAuth against the mock: code + PKCE, JWT, absolute expiries, the refresh margin, single
// flight among threads and stores, persistence before use, dead grants, the token endpoint's
// error policy, 401 replay, revoke.
#include <thread>

#include "ringcentral/rc_fixture.h"

using namespace switchboard;
using namespace rc_test;

namespace {

std::string param(const std::string& url, const std::string& name) {
  return rc::query_params(url)[name];
}

/// Signs in through the authorize endpoint, the way a browser would.
void sign_in_with_code(RingCentralClient& client, MockProcess& m) {
  std::string url = client.authorization_url();
  auto res = m.get(url);
  REQUIRE(res.status == 302);
  client.complete_login(rc::header(res.headers, "location"));
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

TEST_CASE("ringcentral auth 1: the code exchange is form-encoded with Basic auth and PKCE S256") {
  auto& m = mock();
  auto store = memory_store();
  RingCentralClient client(store, options(m));
  std::string url = client.authorization_url();
  CHECK(url.rfind(m.platform() + "/restapi/oauth/authorize?", 0) == 0);
  CHECK(param(url, "response_type") == "code");
  CHECK(param(url, "code_challenge_method") == "S256");
  CHECK(param(url, "code_challenge").size() == 43);  // base64url of a SHA-256
  CHECK(param(url, "redirect_uri") == kRedirect);
  // The verifier is stored sealed, never in clear.
  auto settings = store->get("CRM RingCentral Settings", "CRM RingCentral Settings");
  REQUIRE(settings);
  CHECK(settings->text("oauth_code_verifier").rfind("enc:v1:", 0) == 0);

  auto res = m.get(url);
  REQUIRE(res.status == 302);
  client.complete_login(rc::header(res.headers, "location"));
  auto post = m.state()["token_posts"].back();
  CHECK(post["grant"] == "authorization_code");
  CHECK(post["content_type"].get<std::string>().rfind("application/x-www-form-urlencoded", 0) == 0);
  CHECK(post["client_auth"] == "basic");
  CHECK(post["status"] == 200);  // the mock checked the verifier against the challenge
  auto keys = post["body_keys"].get<std::vector<std::string>>();
  CHECK(keys == std::vector<std::string>{"code", "code_verifier", "grant_type", "redirect_uri"});
  CHECK(client.status().connected);
  CHECK(json::parse(client.test_connection())["name"] == "Front Desk");
  // The pending flow is gone: the same redirect cannot be replayed.
  CHECK_THROWS_AS(client.complete_login(rc::header(res.headers, "location")), AuthError);
}

TEST_CASE("ringcentral auth 1: a public app sends client_id in the body and no Basic header") {
  auto& m = mock();
  auto o = options(m);
  o.client_id = kPublicClient;
  o.client_secret = "";
  RingCentralClient client(memory_store(), o);
  sign_in_with_code(client, m);
  auto post = m.state()["token_posts"].back();
  CHECK(post["client_auth"] == "body");
  auto keys = post["body_keys"].get<std::vector<std::string>>();
  CHECK(std::find(keys.begin(), keys.end(), "client_id") != keys.end());
  CHECK(post["status"] == 200);
}

TEST_CASE("ringcentral auth: a wrong or missing state is refused before any token request") {
  auto& m = mock();
  RingCentralClient client(memory_store(), options(m));
  CHECK_THROWS_AS(client.exchange_code("code-x", "state-x"), AuthError);  // nothing pending
  client.authorization_url();
  try {
    client.exchange_code("code-x", "not-the-state");
    FAIL("accepted a wrong state");
  } catch (const AuthError& e) {
    CHECK(std::string(e.what()).find("state") != std::string::npos);
  }
  CHECK(token_posts(m) == 0);
  CHECK_THROWS_AS(client.complete_login(std::string(kRedirect) + "?error=access_denied"), AuthError);
}

TEST_CASE("ringcentral auth 2: stored expiry times are absolute; a restart never recomputes them") {
  auto& m = mock();
  auto store = memory_store();
  FakeTime time;
  const std::int64_t t0 = unix_seconds(time.t);
  {
    RingCentralClient client(store, options(m, &time));
    client.login_jwt(kJwt);
  }
  auto settings = store->get("CRM RingCentral Settings", "CRM RingCentral Settings");
  CHECK(settings->integer("token_expires_at") == t0 + 3600);
  CHECK(settings->integer("refresh_token_expires_at") == t0 + 604800);
  time.advance(std::chrono::seconds(1000));
  RingCentralClient restarted(store, options(m, &time));
  CHECK(restarted.status().access_expires_at == t0 + 3600);  // not t0 + 1000 + 3600
  restarted.test_connection();
  CHECK(token_posts(m) == 1);  // the stored token was used as is
  auto again = store->get("CRM RingCentral Settings", "CRM RingCentral Settings");
  CHECK(again->integer("token_expires_at") == t0 + 3600);
}

TEST_CASE("ringcentral auth 3: with expires_in 3600 and a 60 s margin, 3539 s uses the token, 3541 s refreshes") {
  auto& m = mock();
  FakeTime time;
  RingCentralClient client(memory_store(), options(m, &time));
  client.login_jwt(kJwt);
  time.advance(std::chrono::seconds(3539));
  client.test_connection();
  CHECK(token_posts(m, "refresh_token") == 0);
  time.advance(std::chrono::seconds(2));  // 3541 s
  client.test_connection();
  CHECK(token_posts(m, "refresh_token") == 1);
  auto reqs = requests(m, "/extension/");
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1]["gen"].get<int>() == reqs[0]["gen"].get<int>() + 1);  // the second used the new token
}

TEST_CASE("ringcentral auth 4: N threads with an expired token make exactly one token request") {
  auto& m = mock();
  m.configure({{"rate_limits", false}});
  FakeTime time;
  RingCentralClient client(memory_store(), options(m, &time));
  client.login_jwt(kJwt);
  time.advance(std::chrono::seconds(4000));
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      client.test_connection();
      ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == kThreads);
  CHECK(token_posts(m, "refresh_token") == 1);
  auto reqs = requests(m, "/extension/");
  REQUIRE(reqs.size() == kThreads);
  for (const auto& r : reqs) CHECK(r["gen"] == 2);  // every thread used the one new token
}

TEST_CASE("ringcentral auth 5: two stores on one SQLite file refresh once; the loser re-reads") {
  auto& m = mock();
  m.configure({{"rate_limits", false}});
  test_support::TempDir dir;
  std::string path = dir.file("shared.sqlite");
  FakeTime time;
  auto store_a = make_sqlite_store(path);
  std::shared_ptr<Store> a_store = std::move(store_a);
  std::shared_ptr<Store> b_store = make_sqlite_store(path);  // a second connection: another process
  RingCentralClient a(a_store, options(m, &time));
  RingCentralClient b(b_store, options(m, &time));
  a.login_jwt(kJwt);
  b.test_connection();  // b adopts the stored pair without a token request
  CHECK(token_posts(m) == 1);
  time.advance(std::chrono::seconds(3590));
  std::thread ta([&] { for (int i = 0; i < 5; ++i) a.test_connection(); });
  std::thread tb([&] { for (int i = 0; i < 5; ++i) b.test_connection(); });
  ta.join();
  tb.join();
  CHECK(token_posts(m, "refresh_token") == 1);
  const json st = m.state();
  for (const auto& [gen, posts] : st["refresh_posts"].items()) CHECK(posts == 1);
  CHECK(a.status().access_expires_at == b.status().access_expires_at);
}

TEST_CASE("ringcentral auth 6: the new pair is persisted before the new access token is used") {
  auto& m = mock();
  FakeTime time;
  auto inner = std::shared_ptr<Store>(make_memory_store());
  auto faulty = make_faulty_store(inner);
  RingCentralClient client(faulty, options(m, &time));
  client.login_jwt(kJwt);
  time.advance(std::chrono::seconds(3590));
  faults(*faulty).arm(FaultPlan{0, 1, 0});  // the refresh's commit fails
  CHECK_THROWS_AS(client.test_connection(), StoreError);
  auto st = m.state();
  CHECK(st["generations"] == 2);                  // RingCentral did issue a new pair ...
  CHECK(requests(m, "/extension/").empty());      // ... which was never used
  faults(*faulty).arm(FaultPlan{});
  client.test_connection();  // refreshing again gets the same unused pair (the 60 min grace)
  auto reqs = requests(m, "/extension/");
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0]["gen"] == 2);
  auto settings = inner->get("CRM RingCentral Settings", "CRM RingCentral Settings");
  CHECK(settings->text("access_token").rfind("enc:v1:", 0) == 0);
}

TEST_CASE("ringcentral auth 7: a dead refresh token with no JWT raises reauthorization_required, once") {
  auto& m = mock();
  FakeTime time;
  auto store = memory_store();
  RingCentralClient client(store, options(m, &time));
  sign_in_with_code(client, m);
  m.control("expire", {{"access", true}, {"refresh", true}});
  time.advance(std::chrono::seconds(3590));
  try {
    client.test_connection();
    FAIL("no error");
  } catch (const AuthError& e) {
    CHECK(e.code() == ErrorCode::kReauthorizationRequired);
    CHECK(std::string(e.what()).find("OAU-210") != std::string::npos);
  }
  CHECK(token_posts(m, "refresh_token") == 1);
  // No loop: the next call fails at once, without another token request.
  CHECK_THROWS_AS(client.test_connection(), AuthError);
  CHECK(token_posts(m) == 2);  // the code exchange and the one refresh
  CHECK_FALSE(client.status().connected);
  CHECK(requests(m, "/extension/").empty());
}

TEST_CASE("ringcentral auth 7: OAU-213 and invalid_grant are dead too; a configured JWT is tried once") {
  auto& m = mock();
  FakeTime time;
  auto o = options(m, &time);
  o.jwt = kJwt;
  RingCentralClient client(memory_store(), o);
  client.login_jwt();
  m.fault({{"match", "/restapi/oauth/token"}, {"status", 400}, {"shape", "oauth"},
           {"oauth_error", "invalid_grant"}, {"error_code", "OAU-213"}, {"message", "Token not found"}});
  time.advance(std::chrono::seconds(3590));
  client.test_connection();  // refresh dead -> JWT -> works
  auto posts = m.state()["token_posts"];
  REQUIRE(posts.size() == 3);
  CHECK(posts[1]["grant"] == "refresh_token");
  CHECK(posts[2]["grant"] == "urn:ietf:params:oauth:grant-type:jwt-bearer");

  // A JWT that fails too: one refresh, one JWT attempt, then the typed error.
  m.fault({{"match", "/restapi/oauth/token"}, {"status", 400}, {"shape", "oauth"},
           {"oauth_error", "invalid_grant"}, {"error_code", "OAU-210"}, {"count", 2}});
  time.advance(std::chrono::seconds(3590));
  try {
    client.test_connection();
    FAIL("no error");
  } catch (const AuthError& e) {
    CHECK(e.code() == ErrorCode::kReauthorizationRequired);
  }
  CHECK(token_posts(m) == 5);
}

TEST_CASE("ringcentral auth 8: token endpoint errors follow RingCentral's policy") {
  auto& m = mock();
  FakeTime time;
  auto o = options(m, &time);
  SUBCASE("400: no retry") {
    RingCentralClient client(memory_store(), o);
    m.fault({{"match", "/restapi/oauth/token"}, {"status", 400}, {"shape", "oauth"},
             {"oauth_error", "invalid_client"}, {"error_code", "OAU-146"}});
    try {
      client.login_jwt(kJwt);
      FAIL("no error");
    } catch (const HttpError& e) {
      CHECK(e.status() == 400);
      CHECK(e.api_code() == "OAU-146");
    }
    CHECK(token_posts(m) == 1);
    CHECK(time.taken().empty());
  }
  SUBCASE("429 and 503 wait Retry-After") {
    RingCentralClient client(memory_store(), o);
    m.fault({{"match", "/restapi/oauth/token"}, {"status", 429}, {"retry_after", "7"}, {"group", "Auth"}});
    m.fault({{"match", "/restapi/oauth/token"}, {"status", 503}, {"retry_after", "3"}});
    client.login_jwt(kJwt);
    CHECK(token_posts(m) == 3);
    auto sleeps = time.taken();
    REQUIRE(sleeps.size() == 2);
    CHECK(sleeps[0] >= Ms(7000));
    CHECK(sleeps[0] <= Ms(7010));
    CHECK(sleeps[1] == Ms(3000));
  }
  SUBCASE("408, 500 and timeouts: three retries 10 s apart") {
    o.timeout = Ms(300);
    RingCentralClient client(memory_store(), o);
    m.fault({{"match", "/restapi/oauth/token"}, {"status", 500}});
    m.fault({{"match", "/restapi/oauth/token"}, {"status", 408}});
    m.fault({{"match", "/restapi/oauth/token"}, {"delay", 1.0}});  // times out
    client.login_jwt(kJwt);
    CHECK(time.taken() == std::vector<Ms>{Ms(10000), Ms(10000), Ms(10000)});
    CHECK(token_posts(m) == 4);
  }
  SUBCASE("while the token cannot be had, no API request is sent") {
    RingCentralClient client(memory_store(), o);
    client.login_jwt(kJwt);
    m.fault({{"match", "/restapi/oauth/token"}, {"status", 500}, {"count", 4}});
    time.advance(std::chrono::seconds(3590));
    CHECK_THROWS_AS(client.test_connection(), HttpError);
    CHECK(token_posts(m, "refresh_token") == 4);
    CHECK(requests(m, "/extension/").empty());
  }
}

TEST_CASE("ringcentral auth 9: a 401 on an API call gives at most one refresh and one replay") {
  auto& m = mock();
  RingCentralClient client(memory_store(), options(m));
  client.login_jwt(kJwt);
  m.fault({{"match", "/extension/"}, {"status", 401}, {"error_code", "OAU-129"}});
  client.test_connection();
  CHECK(token_posts(m, "refresh_token") == 1);
  CHECK(requests(m, "/extension/").size() == 2);

  m.fault({{"match", "/extension/"}, {"status", 401}, {"count", 5}});
  try {
    client.test_connection();
    FAIL("no error");
  } catch (const HttpError& e) {
    CHECK(e.status() == 401);
    CHECK(e.code() == ErrorCode::kAuth);
  }
  CHECK(token_posts(m, "refresh_token") == 2);
  CHECK(requests(m, "/extension/").size() == 4);
}

TEST_CASE("ringcentral auth 9: after a 401 the pair another worker stored is adopted, not refreshed") {
  auto& m = mock();
  auto store = memory_store();
  RingCentralClient a(store, options(m));
  a.login_jwt(kJwt);
  RingCentralClient b(store, options(m));
  b.test_connection();
  // a refreshes behind b's back (its token is killed at RingCentral); b gets 401 and re-reads.
  FakeTime later;
  later.advance(std::chrono::seconds(3590));
  RingCentralClient a_later(store, options(m, &later));
  a_later.test_connection();
  CHECK(token_posts(m, "refresh_token") == 1);
  b.test_connection();
  CHECK(token_posts(m, "refresh_token") == 1);
  auto reqs = requests(m, "/extension/");
  CHECK(reqs.back()["gen"] == 2);
  CHECK(reqs[reqs.size() - 2]["status"] == 401);
}

TEST_CASE("ringcentral auth 10: revoke swallows errors and clears the stored tokens") {
  auto& m = mock();
  auto store = memory_store();
  RingCentralClient client(store, options(m));
  client.login_jwt(kJwt);
  m.fault({{"match", "/restapi/oauth/revoke"}, {"status", 500}});
  client.revoke();  // no throw
  CHECK(requests(m, "/restapi/oauth/revoke").size() == 1);  // not retried
  auto settings = store->get("CRM RingCentral Settings", "CRM RingCentral Settings");
  CHECK(settings->text("access_token").empty());
  CHECK(settings->text("refresh_token").empty());
  CHECK_FALSE(client.status().connected);
  try {
    client.test_connection();
    FAIL("still connected");
  } catch (const AuthError& e) {
    CHECK(e.code() == ErrorCode::kReauthorizationRequired);
  }

  client.login_jwt(kJwt);
  client.revoke();
  CHECK(requests(m, "/restapi/oauth/revoke").size() == 2);
  CHECK(m.state()["revokes"] == 1);  // the one that got through
  // RingCentral killed the session too: the old token is refused there.
  CHECK_FALSE(client.status().connected);
}

TEST_CASE("ringcentral auth: no store lock is held while a token request waits to be retried") {
  auto& m = mock();
  test_support::TempDir dir;
  std::string path = dir.file("shared.sqlite");
  std::shared_ptr<Store> store = make_sqlite_store(path);
  auto o = options(m);
  o.token_retry_delay = Ms(1000);  // real time here
  RingCentralClient client(store, o);
  m.fault({{"match", "/restapi/oauth/token"}, {"status", 500}});
  std::thread t([&] { client.login_jwt(kJwt); });
  std::this_thread::sleep_for(Ms(400));  // the client is waiting to try again
  SqliteOptions so;
  so.path = path;
  so.busy_timeout_ms = 300;  // far shorter than the retry delay
  auto other = make_sqlite_store(so);
  CHECK_NOTHROW(other->insert("CRM Lead", {{"first_name", "Ann"}}));
  t.join();
  CHECK(token_posts(m) == 2);
  CHECK(client.status().connected);
}
