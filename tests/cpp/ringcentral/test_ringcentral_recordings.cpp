// Recordings from the media host and ACE transcripts, against the mock.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "ringcentral/rc_fixture.h"

using namespace switchboard;
using namespace rc_test;
namespace fs = std::filesystem;

namespace {

/// The mock's content of a recording (tests/ringcentral_mock/fixtures.py, audio_bytes).
std::string audio_bytes(const std::string& id, std::size_t size) {
  std::string block;
  std::string one = rc::sha256(rc::sha256(id) + "block");
  for (int i = 0; i < 64; ++i) block += one;
  std::string out;
  while (out.size() < size) out += block;
  out.resize(size);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Connected {
  MockProcess& m = mock();
  std::shared_ptr<Store> store = memory_store();
  std::unique_ptr<RingCentralClient> client;
  test_support::TempDir dir;
  explicit Connected(RingCentralOptions o = {}) {
    if (o.client_id.empty()) o = options(m);
    client = std::make_unique<RingCentralClient>(store, o);
    client->login_jwt(kJwt);
  }
};

}  // namespace

TEST_CASE("ringcentral recordings 31: the content URL is contentUri as given, or the media host's from the id") {
  RingCentralOptions o;  // production hosts; nothing is fetched here
  o.client_id = "app";
  o.codec = make_aes_gcm_codec(std::string(32, 'k'));
  RingCentralClient client(memory_store(), o);
  CHECK(client.recording_content_url("1662272004") ==
        "https://media.ringcentral.com/restapi/v1.0/account/~/recording/1662272004/content");
  const std::string with_port =
      "https://media.ringcentral.com:443/restapi/v1.0/account/809646016/recording/1662272004/content";
  CHECK(client.recording_content_url(with_port) == with_port);  // verbatim, port and all
  CHECK_THROWS_AS(client.recording_content_url("https://attacker.example/recording/1/content"), ValidationError);
  CHECK_THROWS_AS(client.recording_content_url("../../etc"), ValidationError);
  RingCentralOptions sandbox = o;
  sandbox.server = "https://platform.devtest.ringcentral.com";
  RingCentralClient sb_client(memory_store(), sandbox);
  CHECK(sb_client.recording_content_url("42") ==
        "https://media.devtest.ringcentral.com/restapi/v1.0/account/~/recording/42/content");
  CHECK(sb_client.status().media_server == "https://media.devtest.ringcentral.com");
}

TEST_CASE("ringcentral recordings 31/32: downloaded from the media host, token in the header, counted as Heavy") {
  Connected c;
  auto meta = c.client->recording_metadata("9001");
  REQUIRE(meta);
  std::string content_uri = json::parse(*meta)["contentUri"];
  CHECK(content_uri.rfind(c.m.media(), 0) == 0);
  std::string path = c.dir.file("9001.mp3");
  auto d = c.client->download_recording(content_uri, path);
  CHECK(d.available);
  CHECK(d.content_type == "audio/mpeg");
  CHECK(d.bytes == 300000);
  CHECK(read_file(path) == audio_bytes("9001", 300000));
  CHECK_FALSE(fs::exists(path + ".part"));
  CHECK((fs::status(path).permissions() & fs::perms::others_read) == fs::perms::none);
  auto content = requests(c.m, "/recording/9001/content");
  REQUIRE(content.size() == 1);
  CHECK(content[0]["host"] == "media");
  CHECK(content[0]["auth"] == true);
  CHECK(content[0]["query_token"] == false);
  CHECK(content[0]["group"] == "Heavy");
  // From the bare id (the media-host URL is built) and in WAV.
  auto wav = c.client->download_recording("9002", c.dir.file("9002.wav"));
  CHECK(wav.content_type == "audio/wav");
  CHECK(read_file(c.dir.file("9002.wav")) == audio_bytes("9002", 64000));
  CHECK(c.m.state()["group_requests"]["Heavy"] == 3);
  bool heavy_seen = false;
  for (const auto& g : c.client->rate_limits()) heavy_seen = heavy_seen || g.group == "Heavy";
  CHECK(heavy_seen);
}

TEST_CASE("ringcentral recordings 32: wrong content types, 404s and cut-off transfers") {
  Connected c;
  SUBCASE("not audio: refused, nothing kept") {
    std::string path = c.dir.file("x.mp3");
    CHECK_THROWS_AS(c.client->download_recording("9003", path), ValidationError);
    CHECK_FALSE(fs::exists(path));
    CHECK_FALSE(fs::exists(path + ".part"));
  }
  SUBCASE("404: not available, not retried") {
    std::string path = c.dir.file("gone.mp3");
    auto d = c.client->download_recording("7777", path);
    CHECK_FALSE(d.available);
    CHECK_FALSE(fs::exists(path));
    CHECK(requests(c.m, "/recording/7777/content").size() == 1);
    CHECK_FALSE(c.client->recording_metadata("7777"));
  }
  SUBCASE("a cut-off transfer resumes with Range") {
    c.m.fault({{"match", "/recording/9010/content"}, {"when", "body"}, {"truncate", 1000000}});
    std::string path = c.dir.file("long.mp3");
    auto d = c.client->download_recording("9010", path);
    CHECK(d.resumed == 1);
    CHECK(d.bytes == 4000000);
    CHECK(read_file(path) == audio_bytes("9010", 4000000));
    auto reqs = requests(c.m, "/recording/9010/content");
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0]["range"].is_null());
    CHECK(reqs[1]["range"] == "bytes=1000000-");
    CHECK(reqs[1]["status"] == 206);
  }
  SUBCASE("5xx from the media host is retried") {
    FakeTime time;
    Connected slow(options(c.m, &time));
    c.m.fault({{"match", "/recording/9002/content"}, {"status", 503}});
    auto d = slow.client->download_recording("9002", slow.dir.file("a.wav"));
    CHECK(d.available);
    CHECK(time.taken() == std::vector<Ms>{Ms(2000)});
  }
}

TEST_CASE("ringcentral recordings 33: redirects are https only, lose credentials, and never reach private addresses") {
  Connected c;
  SUBCASE("to another allowed origin: followed without the Authorization header") {
    std::string path = c.dir.file("cdn.mp3");
    auto d = c.client->download_recording("9004", path);
    CHECK(d.available);
    CHECK(d.redirects == 1);
    CHECK(read_file(path) == audio_bytes("9004", 50000));
    json st = c.m.state();
    REQUIRE(st["cdn"].size() == 1);
    CHECK(st["cdn"][0]["auth"] == false);
  }
  SUBCASE("plain http, loopback, private and link-local targets are refused") {
    for (const char* id : {"9005", "9006", "9007", "9009"}) {
      CAPTURE(id);
      std::string path = c.dir.file(std::string(id) + ".mp3");
      try {
        c.client->download_recording(id, path);
        FAIL("followed a redirect it must refuse");
      } catch (const ValidationError& e) {
        CHECK(std::string(e.what()).find("refused") != std::string::npos);
      }
      CHECK_FALSE(fs::exists(path));
      CHECK_FALSE(fs::exists(path + ".part"));
    }
    CHECK(c.m.state()["cdn"].empty());  // no second hop was ever made
  }
  SUBCASE("a redirect loop stops after five hops") {
    CHECK_THROWS_AS(c.client->download_recording("9008", c.dir.file("loop.mp3")), HttpError);
    CHECK(c.m.state()["cdn"].size() == 5);
  }
}

TEST_CASE("ringcentral recordings: the network policy") {
  CHECK(rc::is_global_address("8.8.8.8"));
  CHECK(rc::is_global_address("2606:4700:4700::1111"));
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
                        "198.18.0.1", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd12::1",
                        "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
                        "2001:db8::1", "2002:0a00:0001::1", "not-an-ip"}) {
    CAPTURE(a);
    CHECK_FALSE(rc::is_global_address(a));
  }
  rc::NetPolicy policy({"http://127.0.0.1:8080"});
  rc::HttpRequest r;
  r.url = "http://127.0.0.1:8080/x";
  policy.apply(r, "test");
  CHECK(r.resolve == "127.0.0.1:8080:127.0.0.1");
  for (const char* url : {"http://example.com/", "https://127.0.0.1:8081/", "https://10.0.0.1/",
                          "https://[::1]/", "ftp://example.com/", "https://localhost:8080/"}) {
    CAPTURE(url);
    rc::HttpRequest bad;
    bad.url = url;
    CHECK_THROWS_AS(policy.apply(bad, "test"), ValidationError);
  }
  CHECK(rc::strip_query("https://u:p@h.example/a/b?access_token=x#f") == "https://h.example/a/b");
  CHECK(rc::parse_origin("HTTPS://Media.RingCentral.com:443/x").text() == "https://media.ringcentral.com");
}

TEST_CASE("ringcentral transcripts 34: ACE insights with speakers resolved, cached on the call log; 403/404 unavailable") {
  Connected c;
  std::string log = c.store->insert("CRM Call Log", {{"id", "CL1"}, {"recording_id", "9001"}});
  auto r = get_or_create_transcript(*c.store, "CRM Call Log", log, *c.client);
  CHECK(r.success);
  CHECK_FALSE(r.cached);
  CHECK(r.transcript ==
        "[Front Desk]: Thanks for calling, how can I help?\n"
        "[Ann Customer]: My order has not arrived yet.\n"
        "[Front Desk]: Let me look that up for you.");
  auto again = get_or_create_transcript(*c.store, "CRM Call Log", log, *c.client);
  CHECK(again.cached);
  CHECK(requests(c.m, "/insights").size() == 1);
  auto insights = requests(c.m, "/insights");
  CHECK(insights[0]["group"] == "Light");

  // By telephony session when the log has no recording.
  std::string by_session = c.store->insert(
      "Helpdesk Call Log", {{"call_id", "CL2"}, {"telephony_session_id", "s-mock00000"}});
  CHECK(get_or_create_transcript(*c.store, "Helpdesk Call Log", by_session, *c.client).success);

  for (const char* id : {"9403", "5555"}) {  // no ACE licence (403); nothing there (404)
    CAPTURE(id);
    std::string name = c.store->insert("CRM Call Log", {{"id", std::string("L") + id}, {"recording_id", id}});
    auto u = get_or_create_transcript(*c.store, "CRM Call Log", name, *c.client);
    CHECK_FALSE(u.success);
    CHECK(u.message.find("unavailable") != std::string::npos);
    auto before = requests(c.m, "/insights").size();
    get_or_create_transcript(*c.store, "CRM Call Log", name, *c.client);  // no retry storm
    CHECK(requests(c.m, "/insights").size() == before);
    CHECK(c.store->get("CRM Call Log", name)->text("transcript").empty());
  }
}
