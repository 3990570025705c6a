// The call-log API, secrets at rest and configuration, against the mock.
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "ringcentral/rc_fixture.h"

using namespace switchboard;
using namespace rc_test;

namespace {

struct Connected {
  MockProcess& m = mock();
  std::shared_ptr<Store> store = memory_store();
  std::unique_ptr<RingCentralClient> client;
  Connected() {
    m.configure({{"rate_limits", false}});
    client = std::make_unique<RingCentralClient>(store, options(m));
    client->login_jwt(kJwt);
  }
};

}  // namespace

TEST_CASE("ringcentral api: the connection test reads extension/~") {
  Connected c;
  auto info = json::parse(c.client->test_connection());
  CHECK(info["name"] == "Front Desk");
  CHECK(info["extensionNumber"] == "101");
  CHECK(json::parse(c.client->get("/restapi/v1.0/account/~/extension/~"))["id"] == info["id"]);
  CHECK_THROWS_AS(c.client->get("https://elsewhere.example/x"), ValidationError);
  CHECK_THROWS_AS(c.client->get("/restapi/v1.0/x?access_token=1"), ValidationError);
}

TEST_CASE("ringcentral api: one kept-alive connection serves a thread's requests") {
  Connected c;
  for (int i = 0; i < 20; ++i) c.client->test_connection();
  std::set<int> peers;
  for (const auto& r : requests(c.m, "/extension/")) peers.insert(r["peer"].get<int>());
  CHECK(peers.size() == 1);
  // Several threads: each request takes a pooled handle, so no more connections than threads.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) c.client->test_connection();
    });
  for (auto& t : threads) t.join();
  peers.clear();
  for (const auto& r : requests(c.m, "/extension/")) peers.insert(r["peer"].get<int>());
  CHECK(peers.size() <= 5);
}

TEST_CASE("ringcentral api: the call log pages through navigation.nextPage.uri") {
  Connected c;
  CallLogQuery q;
  q.date_from = "2024-03-01T00:00:00Z";
  q.per_page = 50;
  auto all = c.client->call_log(q);
  CHECK(all.size() == 230);
  CHECK(requests(c.m, "/call-log").size() == 5);
  auto first = json::parse(all.front()), last = json::parse(all.back());
  CHECK(first["startTime"] > last["startTime"]);  // newest first
  CHECK(first.find("legs") == first.end());      // Simple view
  for (const auto& r : requests(c.m, "/call-log")) CHECK(r["group"] == "Heavy");

  q.max_pages = 2;
  CHECK(c.client->call_log(q).size() == 100);

  CallLogQuery window;
  window.date_from = "2024-03-01T08:00:00Z";
  window.date_to = "2024-03-01T09:00:00Z";  // seven calls, 10 minutes apart
  window.view = "Detailed";
  auto seven = c.client->call_log(window);
  REQUIRE(seven.size() == 7);
  auto detailed = json::parse(seven[0]);
  REQUIRE(detailed["legs"].is_array());
  CHECK(detailed["legs"][0]["extension"]["id"].is_number());  // a number, while ids are strings
  CHECK(detailed["id"].is_string());
  auto ev = parse_call_event(seven[0]);  // records feed call logging as they are
  CHECK(ev.kind == CallEventKind::kCallLog);

  CallLogQuery ext;
  ext.date_from = "2024-03-01T00:00:00Z";
  ext.extension = "102";
  ext.per_page = 1000;
  CHECK(c.client->call_log(ext).size() == 57);  // every fourth call
  ext.extension = "~";
  CHECK(c.client->call_log(ext).size() == 173);
  CHECK(requests(c.m, "/extension/102/call-log").size() == 1);

  CallLogQuery bad;
  bad.per_page = 0;
  CHECK_THROWS_AS(c.client->call_log(bad), ValidationError);
}

TEST_CASE("ringcentral api: a next page on another host is refused") {
  Connected c;
  c.m.fault({{"match", "/call-log"}, {"status", 200},
             {"body", {{"records", json::array({json{{"id", "X"}}})},
                       {"navigation", {{"nextPage", {{"uri", "https://evil.example/restapi/v1.0/account/~/call-log?page=2"}}}}}}}});
  CallLogQuery q;
  CHECK_THROWS_AS(c.client->call_log(q), ValidationError);
  CHECK(requests(c.m, "/call-log").size() == 1);
}

TEST_CASE("ringcentral api: one record, lookup by telephonySessionId, records that appear late") {
  Connected c;
  auto rec = c.client->call_log_record("CL00007");
  REQUIRE(rec);
  CHECK(json::parse(*rec)["telephonySessionId"] == "s-mock00007");
  CHECK_FALSE(c.client->call_log_record("NOPE"));
  CHECK(c.client->call_log_record("CL00003", "102"));
  CHECK_FALSE(c.client->call_log_record("CL00003", "~"));

  CHECK(json::parse(*c.client->find_call_log("s-mock00012", "2024-03-01T00:00:00Z"))["id"] == "CL00012");
  // A call that just ended: RingCentral writes its record 15-30 s later (here 1 s).
  auto now = std::chrono::system_clock::now();
  std::time_t tt = std::chrono::system_clock::to_time_t(now);
  char start[32];
  std::strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%S.000Z", std::gmtime(&tt));
  json record{{"id", "LATE1"}, {"uri", "/restapi/v1.0/account/400100200/call-log/LATE1"},
              {"sessionId", "9"}, {"telephonySessionId", "s-late"}, {"startTime", start},
              {"duration", 12}, {"type", "Voice"}, {"direction", "Inbound"}, {"action", "Phone Call"},
              {"result", "Accepted"}, {"from", {{"phoneNumber", "+16505550100"}}},
              {"to", {{"phoneNumber", "+16505550000"}}}};
  c.m.control("call", {{"record", record}, {"available_in", 1.0}});
  CHECK_FALSE(c.client->find_call_log("s-late"));
  std::this_thread::sleep_for(Ms(1100));
  auto found = c.client->find_call_log("s-late");
  REQUIRE(found);
  CHECK(json::parse(*found)["id"] == "LATE1");
  for (const auto& r : requests(c.m, "/call-log")) CHECK(r["group"] == "Heavy");
}

TEST_CASE("ringcentral api: recording metadata") {
  Connected c;
  auto meta = json::parse(*c.client->recording_metadata("9002"));
  CHECK(meta["contentType"] == "audio/wav");
  CHECK(meta["duration"] == 8);
  CHECK_THROWS_AS(c.client->recording_metadata("../x"), ValidationError);
}

TEST_CASE("ringcentral secrets: AES-256-GCM at rest, bound to the field, under a key outside the database") {
  auto codec = make_aes_gcm_codec(std::string(32, '\x07'));
  std::string sealed = codec->seal("refresh_token", "RT-value-123");
  CHECK(sealed.rfind("enc:v1:", 0) == 0);
  CHECK(sealed.find("RT-value-123") == std::string::npos);
  CHECK(codec->seal("refresh_token", "RT-value-123") != sealed);  // a fresh nonce each time
  CHECK(codec->open("refresh_token", sealed) == "RT-value-123");
  CHECK_THROWS_AS(codec->open("access_token", sealed), AuthError);  // moved to another field
  auto other = make_aes_gcm_codec(std::string(32, '\x08'));
  CHECK_THROWS_AS(other->open("refresh_token", sealed), AuthError);
  std::string tampered = sealed;
  tampered[7 + 20] = tampered[7 + 20] == 'A' ? 'B' : 'A';  // inside the ciphertext (after "enc:v1:")
  CHECK_THROWS_AS(codec->open("refresh_token", tampered), AuthError);
  CHECK(codec->open("refresh_token", "plain-legacy-token") == "plain-legacy-token");
  CHECK_THROWS_AS(make_aes_gcm_codec("short"), ValidationError);

  test_support::TempDir dir;
  std::string key_file = dir.file("key");
  {
    std::ofstream f(key_file);
    f << kKey << "\n";
  }
  ::unsetenv("SWITCHBOARD_SECRET_KEY");
  ::unsetenv("SWITCHBOARD_SECRET_KEY_FILE");
  CHECK(secret_codec_from_environment() == nullptr);
  auto from_file = secret_codec_from_environment(key_file);
  REQUIRE(from_file);
  ::setenv("SWITCHBOARD_SECRET_KEY", kKey, 1);
  auto from_env = secret_codec_from_environment();
  REQUIRE(from_env);
  CHECK(from_env->open("x", from_file->seal("x", "same key")) == "same key");
  ::setenv("SWITCHBOARD_SECRET_KEY", "not base64 at all!", 1);
  CHECK_THROWS_AS(secret_codec_from_environment(), ValidationError);
  ::setenv("SWITCHBOARD_SECRET_KEY", "c2hvcnQ=", 1);
  CHECK_THROWS_AS(secret_codec_from_environment(), ValidationError);
  ::unsetenv("SWITCHBOARD_SECRET_KEY");
}

TEST_CASE("ringcentral secrets: nothing secret is stored in clear; no key, no stored secrets") {
  auto& m = mock();
  auto store = memory_store();
  auto o = options(m);
  o.jwt = kJwt;
  RingCentralClient client(store, o);
  client.save_configuration();
  client.login_jwt(kJwt);
  auto s = store->get("CRM RingCentral Settings", "CRM RingCentral Settings");
  for (const char* f : {"client_secret", "jwt_credential", "access_token", "refresh_token"}) {
    CAPTURE(f);
    CHECK(s->text(f).rfind("enc:v1:", 0) == 0);
  }
  CHECK(s->text("client_secret").find(kClientSecret) == std::string::npos);
  CHECK(s->text("client_id") == kClientId);
  // A client built only from the stored configuration works (secret decrypted when needed).
  RingCentralOptions bare;
  bare.codec = o.codec;
  bare.allowed_origins = o.allowed_origins;
  RingCentralClient restored(store, bare);
  CHECK(restored.status().server == m.platform());
  CHECK(restored.status().jwt_configured);
  restored.test_connection();
  // Without the key the stored secrets cannot be read, and none can be written.
  RingCentralOptions keyless = bare;
  keyless.codec = nullptr;
  ::unsetenv("SWITCHBOARD_SECRET_KEY");
  ::unsetenv("SWITCHBOARD_SECRET_KEY_FILE");
  RingCentralClient no_key(memory_store(), [&] {
    auto k = o;
    k.codec = nullptr;
    return k;
  }());
  CHECK_THROWS_AS(no_key.login_jwt(kJwt), ValidationError);
  RingCentralClient no_key_stored(store, keyless);
  CHECK_THROWS_AS(no_key_stored.status().connected ? no_key_stored.test_connection() : std::string(), AuthError);
}

TEST_CASE("ringcentral config: plain http and private servers are refused unless listed") {
  RingCentralOptions o;
  o.codec = make_aes_gcm_codec(std::string(32, 'k'));
  o.server = "http://platform.example.test";
  CHECK_THROWS_AS(RingCentralClient(memory_store(), o), ValidationError);
  o.allowed_origins = {"http://platform.example.test"};
  o.media_server = "https://media.example.test";
  CHECK_NOTHROW(RingCentralClient(memory_store(), o));
  o.server = "https://127.0.0.1:1";  // https, but loopback: refused when used
  o.allowed_origins.clear();
  o.client_id = "x";
  RingCentralClient loopback(memory_store(), o);
  try {
    loopback.login_jwt("j.w.t");
    FAIL("reached a loopback address");
  } catch (const ValidationError& e) {
    CHECK(std::string(e.what()).find("refused") != std::string::npos);
  }
}
