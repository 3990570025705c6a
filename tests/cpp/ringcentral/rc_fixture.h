// Test support for the RingCentral client: the project's mock RingCentral
// (tests/ringcentral_mock, Python) run as a child process on loopback, its control API, a fake
// clock whose sleeps advance it, and client options pointing at the mock.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "ringcentral/ringcentral_internal.h"
#include "switchboard/switchboard.h"
#include "test_support.h"

extern char** environ;

namespace rc_test {

using json = nlohmann::json;
using Ms = std::chrono::milliseconds;

constexpr const char* kClientId = "confidential-app";
constexpr const char* kClientSecret = "s3cret-client-PASSWORD";
constexpr const char* kPublicClient = "public-app";
constexpr const char* kRedirect = "https://desk.example.test/oauth/callback";
constexpr const char* kJwt = "eyJhbGciOiJSUzI1NiJ9.mock-jwt-credential.c2lnbmF0dXJl";
// base64 of 32 bytes: the test key for secrets at rest
constexpr const char* kKey = "dGVzdC1rZXktMzItYnl0ZXMtZm9yLWFlcy0yNTYtZ2M=";

/// The mock as a child process; it exits when our end of its stdin closes.
class MockProcess {
 public:
  MockProcess() {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    std::string python = SWITCHBOARD_PYTHON;
    std::string pypath = "PYTHONPATH=" + std::string(SWITCHBOARD_SOURCE_DIR) + "/tests";
    std::vector<std::string> env_strings{pypath};
    for (char** e = environ; *e; ++e)
      if (std::string(*e).rfind("PYTHONPATH=", 0) != 0) env_strings.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args{python, "-m", "ringcentral_mock", "--watch-stdin"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, python.c_str(), &fa, nullptr, argv.data(), envp.data()) != 0)
      throw std::runtime_error("cannot start the RingCentral mock with " + python);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    FILE* f = fdopen(out[0], "r");
    char line[512] = {0};
    if (!f || !std::fgets(line, sizeof line, f)) throw std::runtime_error("the RingCentral mock did not start");
    std::fclose(f);
    char platform[256] = {0}, media[256] = {0};
    if (std::sscanf(line, "READY %255s %255s", platform, media) != 2)
      throw std::runtime_error(std::string("unexpected mock output: ") + line);
    platform_ = platform;
    media_ = media;
  }
  ~MockProcess() {
    close(stdin_);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) return;
      usleep(20000);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  const std::string& platform() const { return platform_; }
  const std::string& media() const { return media_; }

  json control(const std::string& what, const json& body = json::object(), const char* method = "POST") {
    switchboard::rc::HttpRequest r;
    r.method = method;
    r.url = platform_ + "/__mock__/" + what;
    if (std::string(method) == "POST") {
      r.body = body.dump();
      r.headers = {"Content-Type: application/json"};
    }
    auto res = transport_.perform(r);
    if (res.status != 200) throw std::runtime_error("mock control " + what + " failed: " + res.body);
    return json::parse(res.body);
  }
  void reset() { control("reset"); }
  json state() { return control("state", json::object(), "GET"); }
  void fault(const json& f) { control("fault", f); }
  void configure(const json& c) { control("config", c); }
  /// GET without following redirects (for the authorize endpoint).
  switchboard::rc::HttpResponse get(const std::string& url) {
    switchboard::rc::HttpRequest r;
    r.url = url;
    return transport_.perform(r);
  }

 private:
  pid_t pid_ = 0;
  int stdin_ = -1;
  std::string platform_, media_;
  switchboard::rc::HttpTransport transport_;
};

/// One mock per test process, reset by every test that takes it.
inline MockProcess& mock() {
  static MockProcess m;
  m.reset();
  return m;
}

/// A clock that only moves when told to or when the client sleeps.
struct FakeTime {
  std::mutex m;
  std::chrono::system_clock::time_point t = std::chrono::system_clock::now();
  std::vector<Ms> sleeps;
  switchboard::Clock clock() {
    return [this] {
      std::lock_guard<std::mutex> g(m);
      return t;
    };
  }
  std::function<void(Ms)> sleeper() {
    return [this](Ms d) {
      std::lock_guard<std::mutex> g(m);
      sleeps.push_back(d);
      t += d;
    };
  }
  void advance(std::chrono::seconds d) {
    std::lock_guard<std::mutex> g(m);
    t += d;
  }
  std::vector<Ms> taken() {
    std::lock_guard<std::mutex> g(m);
    return sleeps;
  }
};

inline switchboard::RingCentralOptions options(MockProcess& m, FakeTime* time = nullptr) {
  switchboard::RingCentralOptions o;
  o.client_id = kClientId;
  o.client_secret = kClientSecret;
  o.server = m.platform();
  o.media_server = m.media();
  o.redirect_uri = kRedirect;
  o.allowed_origins = {m.platform(), m.media()};
  o.codec = switchboard::make_aes_gcm_codec(switchboard::rc::base64_decode(kKey));
  o.timeout = Ms(5000);
  if (time) {
    o.clock = time->clock();
    o.sleep = time->sleeper();
  }
  return o;
}

/// Token POSTs the mock saw, optionally of one grant type.
inline int token_posts(MockProcess& m, const std::string& grant = "") {
  int n = 0;
  const json st = m.state();
  for (const auto& p : st["token_posts"])
    if (grant.empty() || p["grant"] == grant) ++n;
  return n;
}

/// Requests the mock saw whose path contains `part` (control requests excluded).
inline std::vector<json> requests(MockProcess& m, const std::string& part) {
  std::vector<json> out;
  const json st = m.state();
  for (const auto& r : st["requests"])
    if (r["path"].get<std::string>().find(part) != std::string::npos) out.push_back(r);
  return out;
}

inline std::shared_ptr<switchboard::Store> memory_store() { return switchboard::make_memory_store(); }

}  // namespace rc_test
