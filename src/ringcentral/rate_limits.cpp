// Throttling groups: the X-Rate-Limit-* headers RingCentral sends, penalties after 429,
// pauses when a window is used up, Retry-After in both forms, exponential backoff.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/text.h"
#include "ringcentral/ringcentral_internal.h"

namespace switchboard::rc {

std::string canonical_group(std::string_view name) {
  std::string n = text::trim(name);
  for (const char* known : {"Light", "Medium", "Heavy", "Auth"})
    if (text::iequals(n, known)) return known;
  return n;
}

std::optional<Ms> parse_retry_after(std::string_view value, TimePoint now) {
  std::string v = text::trim(value);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (v.size() > 9) return Ms(std::int64_t(999999999) * 1000);  // absurd; the caller clamps
    return Ms(std::atoll(v.c_str()) * 1000);
  }
  time_t when = curl_getdate(v.c_str(), nullptr);  // RFC 7231 HTTP-date and the older forms
  if (when == -1) return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(when);
  return at > now ? std::chrono::duration_cast<Ms>(at - now) : Ms(0);
}

Ms backoff(int attempt, Ms base, Ms cap) {
  Ms wait = base;
  for (int i = 0; i < attempt && wait < cap; ++i) wait *= 2;
  return std::min(wait, cap);
}

RateLimiter::RateLimiter(Clock clock) : clock_(std::move(clock)) {}

Ms RateLimiter::wait_for(const std::string& group) const {
  std::lock_guard<std::mutex> g(mutex_);
  TimePoint now = clock_();
  Ms wait{0};
  auto check = [&](const std::string& name) {
    auto it = groups_.find(name);
    if (it != groups_.end() && it->second.paused_until > now)
      wait = std::max(wait, std::chrono::duration_cast<Ms>(it->second.paused_until - now) + Ms(1));
  };
  check(group);
  auto alias = alias_.find(group);
  if (alias != alias_.end()) check(alias->second);
  return wait;
}

std::string RateLimiter::observe(const std::string& declared, const Headers& headers) {
  std::string sent = header(headers, "x-rate-limit-group");
  std::string name = sent.empty() ? declared : canonical_group(sent);
  auto number = [&](const char* h) {
    std::string v = header(headers, h);
    return v.empty() || !std::isdigit(static_cast<unsigned char>(v[0])) ? -1 : std::atoi(v.c_str());
  };
  int limit = number("x-rate-limit-limit"), remaining = number("x-rate-limit-remaining"),
      window = number("x-rate-limit-window");
  std::lock_guard<std::mutex> g(mutex_);
  if (name != declared) alias_[declared] = name;
  if (sent.empty() && limit < 0 && remaining < 0) return name;
  Group& grp = groups_[name];
  if (limit >= 0) grp.limit = limit;
  if (window >= 0) grp.window = window;
  if (remaining >= 0) {
    grp.remaining = remaining;
    TimePoint now = clock_();
    if (remaining == 0 && grp.window > 0) {
      TimePoint until = now + std::chrono::seconds(grp.window);
      if (until > grp.paused_until) {
        grp.paused_until = until;
        grp.reason = "window";
      }
    }
  }
  return name;
}

void RateLimiter::penalize(const std::string& group, Ms wait) {
  std::lock_guard<std::mutex> g(mutex_);
  Group& grp = groups_[group];
  TimePoint until = clock_() + wait;
  if (until > grp.paused_until) grp.paused_until = until;
  grp.reason = "penalty";
  grp.remaining = 0;
}

std::vector<RateLimitState> RateLimiter::snapshot() const {
  std::lock_guard<std::mutex> g(mutex_);
  TimePoint now = clock_();
  std::vector<RateLimitState> out;
  for (const auto& [name, grp] : groups_) {
    RateLimitState s;
    s.group = name;
    s.limit = grp.limit;
    s.remaining = grp.remaining;
    s.window_seconds = grp.window;
    if (grp.paused_until > now) {
      s.paused_for = std::chrono::duration_cast<Ms>(grp.paused_until - now);
      s.reason = grp.reason;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace switchboard::rc
