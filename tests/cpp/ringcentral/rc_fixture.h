// Test support for the RingCentral client: the project's mock RingCentral
// (tests/ringcentral_mock, Python) run as a child process on loopback, its control API, a fake
// clock whose sleeps advance it, and client options pointing at the mock.
#pragma once

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
#include "ringcentral_mock/mock_process.h"
#include "switchboard/switchboard.h"
#include "test_support.h"

namespace rc_test {

using MockProcess = ringcentral_mock::MockProcess;
using json = nlohmann::json;
using Ms = std::chrono::milliseconds;

constexpr const char* kClientId = "confidential-app";
constexpr const char* kClientSecret = "s3cret-client-PASSWORD";
constexpr const char* kPublicClient = "public-app";
constexpr const char* kRedirect = "https://desk.example.test/oauth/callback";
constexpr const char* kJwt = "eyJhbGciOiJSUzI1NiJ9.mock-jwt-credential.c2lnbmF0dXJl";
// base64 of 32 bytes: the test key for secrets at rest
constexpr const char* kKey = "dGVzdC1rZXktMzItYnl0ZXMtZm9yLWFlcy0yNTYtZ2M=";

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
