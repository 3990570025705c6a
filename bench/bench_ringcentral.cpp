// RingCentralClient against the loopback mock: requests per second through the client (one
// thread, kept-alive connection) against a bare libcurl loop doing the same requests in the
// same run (the floor: the mock itself is the bottleneck), and the per-request cost of the
// throttling-group bookkeeping measured alone.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "ringcentral/ringcentral_internal.h"
#include "ringcentral_mock/mock_process.h"
#include "switchboard/switchboard.h"

using namespace switchboard;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kJwt = "eyJhbGciOiJSUzI1NiJ9.mock-jwt-credential.c2lnbmF0dXJl";
constexpr int kRounds = 7, kBlock = 400;

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

/// The floor: one easy handle, the same GET with the same headers, connection kept alive.
struct BareLoop {
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  std::string url, body;
  BareLoop(const std::string& platform, const std::string& token) {
    url = platform + "/restapi/v1.0/account/~/extension/~";
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
    headers = curl_slist_append(headers, "Accept: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  }
  ~BareLoop() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
  }
  void run(int n) {
    for (int i = 0; i < n; ++i) {
      body.clear();
      long status = 0;
      if (curl_easy_perform(h) != CURLE_OK ||
          (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status), status != 200))
        throw std::runtime_error("bare request failed");
    }
  }
};

std::string bare_token(const std::string& platform) {
  CURL* h = curl_easy_init();
  std::string body, form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" +
                           rc::url_encode(kJwt);
  curl_slist* headers = curl_slist_append(
      nullptr, ("Authorization: Basic " + rc::base64_encode("confidential-app:s3cret-client-PASSWORD")).c_str());
  std::string url = platform + "/restapi/oauth/token";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, form.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_perform(h);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  return nlohmann::json::parse(body)["access_token"];
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main() {
  init_network();
  ringcentral_mock::MockProcess mock;
  mock.configure({{"rate_limits", false}});  // X-Rate-Limit-* headers still sent, nothing enforced

  RingCentralOptions o;
  o.client_id = "confidential-app";
  o.client_secret = "s3cret-client-PASSWORD";
  o.server = mock.platform();
  o.media_server = mock.media();
  o.allowed_origins = {mock.platform(), mock.media()};
  o.codec = make_aes_gcm_codec(std::string(32, 'k'));
  RingCentralClient client(make_memory_store(), o);
  client.login_jwt(kJwt);
  BareLoop bare(mock.platform(), bare_token(mock.platform()));

  // Warm both connections, then alternate blocks so both sides see the same mock.
  for (int i = 0; i < 50; ++i) client.test_connection();
  bare.run(50);
  std::vector<double> client_rate, bare_rate;
  for (int round = 0; round < kRounds; ++round) {
    auto t0 = Steady::now();
    for (int i = 0; i < kBlock; ++i) client.test_connection();
    auto t1 = Steady::now();
    bare.run(kBlock);
    auto t2 = Steady::now();
    client_rate.push_back(kBlock / std::chrono::duration<double>(t1 - t0).count());
    bare_rate.push_back(kBlock / std::chrono::duration<double>(t2 - t1).count());
  }
  double c = median(client_rate), b = median(bare_rate);

  // The throttling-group bookkeeping of one request, alone: the gate check before it and
  // the X-Rate-Limit-* headers after it.
  rc::RateLimiter limiter([] { return std::chrono::system_clock::now(); });
  rc::Headers headers{{"content-type", "application/json"},
                      {"x-rate-limit-group", "Light"},
                      {"x-rate-limit-limit", "50"},
                      {"x-rate-limit-remaining", "42"},
                      {"x-rate-limit-window", "60"},
                      {"content-length", "300"}};
  constexpr int kOps = 1000000;
  std::int64_t sink = 0;
  auto t0 = Steady::now();
  for (int i = 0; i < kOps; ++i) {
    sink += limiter.wait_for("Light").count();
    sink += static_cast<std::int64_t>(limiter.observe("Light", headers).size());
  }
  double ns = std::chrono::duration<double, std::nano>(Steady::now() - t0).count() / kOps;

  std::printf("| measure | value |\n|---|---|\n");
  std::printf("| bare libcurl loop, GET extension/~ (req/s) | %.0f |\n", b);
  std::printf("| RingCentralClient.test_connection() (req/s) | %.0f |\n", c);
  std::printf("| client time / bare time | %.2f |\n", b / c);
  std::printf("| client overhead per request (us) | %.1f |\n", (1e6 / c) - (1e6 / b));
  std::printf("| rate-limit bookkeeping per request (ns) | %.0f |\n", ns);
  std::printf("\n%d rounds of %d requests each side, alternating; medians. (checksum %lld)\n", kRounds, kBlock,
              static_cast<long long>(sink % 7));
  return 0;
}
