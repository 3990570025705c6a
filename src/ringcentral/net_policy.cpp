// Which URLs the client may fetch: https to public addresses, or an origin the configuration
// lists explicitly (tests). The checked address is pinned (CURLOPT_RESOLVE) so a second DNS
// answer cannot redirect the connection.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <cstdlib>
#include <cstring>

#include "core/text.h"
#include "ringcentral/ringcentral_internal.h"

namespace switchboard::rc {
namespace {

struct UrlHandle {
  CURLU* u = curl_url();
  ~UrlHandle() { curl_url_cleanup(u); }
  std::string get(CURLUPart part, unsigned flags = 0) const {
    char* out = nullptr;
    if (curl_url_get(u, part, &out, flags) != CURLUE_OK || !out) return {};
    std::string s(out);
    curl_free(out);
    return s;
  }
};

bool in_v4(std::uint32_t a, std::uint32_t net, int bits) {
  std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t(0) << (32 - bits);
  return (a & mask) == (net & mask);
}

std::uint32_t v4(int a, int b, int c, int d) {
  return std::uint32_t(a) << 24 | std::uint32_t(b) << 16 | std::uint32_t(c) << 8 | std::uint32_t(d);
}

bool global_v4(std::uint32_t a) {
  static const std::array<std::pair<std::uint32_t, int>, 15> kReserved = {{
      {v4(0, 0, 0, 0), 8},       {v4(10, 0, 0, 0), 8},     {v4(100, 64, 0, 0), 10},
      {v4(127, 0, 0, 0), 8},     {v4(169, 254, 0, 0), 16}, {v4(172, 16, 0, 0), 12},
      {v4(192, 0, 0, 0), 24},    {v4(192, 0, 2, 0), 24},   {v4(192, 88, 99, 0), 24},
      {v4(192, 168, 0, 0), 16},  {v4(198, 18, 0, 0), 15},  {v4(198, 51, 100, 0), 24},
      {v4(203, 0, 113, 0), 24},  {v4(224, 0, 0, 0), 4},    {v4(240, 0, 0, 0), 4},
  }};
  for (const auto& [net, bits] : kReserved)
    if (in_v4(a, net, bits)) return false;
  return true;
}

std::uint32_t v4_at(const unsigned char* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

bool global_v6(const unsigned char* b) {
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static const unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kNat64, 12) == 0) return global_v4(v4_at(b + 12));
  if ((b[0] & 0xe0) != 0x20) return false;                      // only 2000::/3 is global unicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) return false;  // 2001::/23 protocol assignments
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // 2001:db8::/32
  if (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0) return false;          // 3fff::/20
  if (b[0] == 0x20 && b[1] == 0x02) return global_v4(v4_at(b + 2));              // 6to4
  return true;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || (host.size() > 10 && host.compare(host.size() - 10, 10, ".localhost") == 0))
    return true;
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, host.c_str(), buf) == 1) {
    static const unsigned char kOne[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::memcmp(buf, kOne, 16) == 0;
  }
  return false;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

/// Whether libcurl will send a request to `o` through a proxy from the environment.
bool proxied(const Origin& o) {
  const char* names[] = {o.scheme == "https" ? "https_proxy" : "http_proxy",
                         o.scheme == "https" ? "HTTPS_PROXY" : "",  // curl ignores HTTP_PROXY
                         "all_proxy", "ALL_PROXY"};
  bool any = false;
  for (const char* n : names)
    if (*n && std::getenv(n) && *std::getenv(n)) any = true;
  if (!any) return false;
  const char* np = std::getenv("no_proxy");
  if (!np || !*np) np = std::getenv("NO_PROXY");
  if (!np) return true;
  std::string list = text::lower_ascii(np);
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find_first_of(", ", start);
    std::string entry = text::trim(list.substr(start, end == std::string::npos ? end : end - start));
    if (entry == "*") return false;
    if (!entry.empty() && entry[0] == '.') entry.erase(0, 1);
    if (!entry.empty() && (o.host == entry || (o.host.size() > entry.size() &&
                                               o.host.compare(o.host.size() - entry.size(), entry.size(), entry) == 0 &&
                                               o.host[o.host.size() - entry.size() - 1] == '.')))
      return false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string Origin::text() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  return scheme + "://" + h + (default_port ? "" : ":" + std::to_string(port));
}

Origin parse_origin(const std::string& url) {
  UrlHandle h;
  if (!h.u || curl_url_set(h.u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    throw ValidationError("'" + strip_query(url) + "' is not a valid URL", ErrorCode::kInvalidArgument);
  Origin o;
  o.scheme = text::lower_ascii(h.get(CURLUPART_SCHEME));
  o.host = text::lower_ascii(h.get(CURLUPART_HOST));
  if (o.host.size() >= 2 && o.host.front() == '[' && o.host.back() == ']')
    o.host = o.host.substr(1, o.host.size() - 2);
  std::string port = h.get(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  o.port = port.empty() ? 0 : std::atoi(port.c_str());
  if (o.host.empty() || o.port <= 0)
    throw ValidationError("'" + strip_query(url) + "' has no host", ErrorCode::kInvalidArgument);
  return o;
}

std::string strip_query(const std::string& url) {
  std::size_t cut = url.find_first_of("?#");
  std::string out = cut == std::string::npos ? url : url.substr(0, cut);
  // user:password@ never reaches a message either
  std::size_t scheme = out.find("://");
  std::size_t at = out.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  std::size_t slash = out.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos && (slash == std::string::npos || at < slash))
    out.erase(scheme + 3, at - scheme - 2);
  return out;
}

bool is_global_address(const std::string& address) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) return global_v4(v4_at(buf));
  if (inet_pton(AF_INET6, address.c_str(), buf) == 1) return global_v6(buf);
  return false;
}

NetPolicy::NetPolicy(std::vector<std::string> allowed_origins) {
  for (const auto& o : allowed_origins) allowed_.insert(parse_origin(o).text());
}

bool NetPolicy::allowed(const Origin& origin) const { return allowed_.count(origin.text()) > 0; }

void NetPolicy::apply(HttpRequest& req, const std::string& what) {
  Origin o = parse_origin(req.url);
  bool listed = allowed(o);
  auto refuse = [&](const std::string& why) {
    throw ValidationError(what + " " + strip_query(req.url) + " refused: " + why,
                          ErrorCode::kInvalidArgument);
  };
  if (o.scheme != "https" && o.scheme != "http") refuse("only https is allowed");
  if (o.scheme != "https" && !listed) refuse("plain http is not allowed");
  if (listed && is_loopback_host(o.host)) req.no_proxy = true;
  if (!listed && proxied(o)) {
    // The proxy resolves and connects; refuse what is recognisably internal.
    if (is_loopback_host(o.host) || (is_ip_literal(o.host) && !is_global_address(o.host)))
      refuse("the address is not public");
    return;
  }
  const std::string key = o.host + ":" + std::to_string(o.port);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> g(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.second > now) {
      req.resolve = it->second.first;
      return;
    }
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(o.host.c_str(), std::to_string(o.port).c_str(), &hints, &found) != 0 || !found)
    throw HttpError(what + " " + strip_query(req.url) + ": could not resolve " + o.host);
  std::string first;
  bool all_global = true;
  for (addrinfo* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {0};
    const void* src = a->ai_family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (!inet_ntop(a->ai_family, src, text, sizeof text)) continue;
    if (!is_global_address(text)) all_global = false;
    if (first.empty()) first = a->ai_family == AF_INET6 ? "[" + std::string(text) + "]" : text;
  }
  freeaddrinfo(found);
  if (first.empty()) throw HttpError(what + " " + strip_query(req.url) + ": no usable address");
  if (!listed && !all_global) refuse("it resolves to a private, loopback or link-local address");
  std::string pin = (o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host) + ":" +
                    std::to_string(o.port) + ":" + first;
  req.resolve = pin;
  std::lock_guard<std::mutex> g(mutex_);
  if (cache_.size() > 256) cache_.clear();
  cache_[key] = {pin, now + std::chrono::seconds(60)};
}

}  // namespace switchboard::rc
