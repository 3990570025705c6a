// frontdesk ringcentral: sign in (authorization code with PKCE, or JWT), show the connection,
// sign out, fetch a recording; subscribe to call events, sync the call log. Secrets come from the environment, never the command line:
// RINGCENTRAL_CLIENT_SECRET, RINGCENTRAL_JWT, and SWITCHBOARD_SECRET_KEY (or --key-file) for
// the key that encrypts them in the database.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <iostream>

#include "cli.h"

namespace frontdesk {
namespace {


struct RcOptions {
  std::string client_id, server, media_server, redirect_uri, redirect_url, key_file, out, recording;
  std::vector<std::string> allow_origins;
  bool use_jwt = false;
  // subscribe
  std::string address;
  std::vector<std::string> event_filters;
  double expires_in = 7 * 86400.0;
  // sync
  std::string since;
  double backfill_days = 1, overlap_minutes = 60;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

std::shared_ptr<switchboard::RingCentralClient> make_ringcentral_client(Context& ctx, const RcClientFlags& f,
                                                                        bool with_credentials,
                                                                        bool throttle_waits) {
  switchboard::RingCentralOptions options;
  options.allowed_origins = f.allow_origins;
  options.key_file = f.key_file;
  if (with_credentials) options.client_secret = std::getenv("RINGCENTRAL_CLIENT_SECRET") ? std::getenv("RINGCENTRAL_CLIENT_SECRET") : "";
  if (!throttle_waits) options.max_wait = std::chrono::milliseconds(0);  // throttled jobs are deferred, not slept on
  return std::make_shared<switchboard::RingCentralClient>(ctx.store_ptr(), options);
}

namespace {

switchboard::RingCentralClient make_client(Context& ctx, const RcOptions& o, bool with_credentials) {
  switchboard::RingCentralOptions options;
  options.client_id = o.client_id;
  options.server = o.server;
  options.media_server = o.media_server;
  options.redirect_uri = o.redirect_uri;
  options.allowed_origins = o.allow_origins;
  options.key_file = o.key_file;
  if (with_credentials) {
    options.client_secret = env("RINGCENTRAL_CLIENT_SECRET");
    if (o.use_jwt) options.jwt = env("RINGCENTRAL_JWT");
  }
  return switchboard::RingCentralClient(ctx.store_ptr(), options);
}

std::string when(std::int64_t unix_seconds) {
  if (unix_seconds <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  std::int64_t left = unix_seconds - static_cast<std::int64_t>(std::time(nullptr));
  std::string rel = left <= 0 ? "expired"
                    : left < 3600 ? fmt::format("in {} min", left / 60)
                    : left < 172800 ? fmt::format("in {} h", left / 3600)
                                    : fmt::format("in {} days", left / 86400);
  return fmt::format("{} ({})", buf, rel);
}

std::string who(const json& ext) {
  return fmt::format("{} (extension {}, id {})", ext.value("name", "?"), ext.value("extensionNumber", "?"),
                     ext.contains("id") ? ext["id"].dump() : "?");
}

int run_login(Context& ctx, const RcOptions& o) {
  auto client = make_client(ctx, o, true);
  client.save_configuration();
  if (o.use_jwt) {
    if (env("RINGCENTRAL_JWT").empty()) {
      std::fprintf(stderr, "frontdesk: set RINGCENTRAL_JWT to the JWT credential\n");
      return kUsage;
    }
    client.login_jwt();
  } else {
    std::string url = client.authorization_url();
    std::string redirect = o.redirect_url;
    if (redirect.empty()) {
      std::cout << "Open this URL in a browser and sign in to RingCentral:\n\n  " << url
                << "\n\nThen paste the whole URL you were sent back to: " << std::flush;
      std::getline(std::cin, redirect);
    }
    if (redirect.find_first_not_of(" \t\r\n") == std::string::npos) {
      std::fprintf(stderr, "frontdesk: no redirect URL given\n");
      return kUsage;
    }
    client.complete_login(redirect);
  }
  ctx.say("Connected to RingCentral as " + who(json::parse(client.test_connection())));
  return kOk;
}

std::string relative(std::int64_t seconds) {
  if (seconds < 120) return fmt::format("{} s", seconds);
  if (seconds < 7200) return fmt::format("{} min", seconds / 60);
  if (seconds < 172800) return fmt::format("{} h", seconds / 3600);
  return fmt::format("{} days", seconds / 86400);
}

// Subscription, sync and queue lines of `frontdesk ringcentral status`.
void say_sync_status(Context& ctx, const json& st) {
  const json& sub = st["subscription"];
  if (sub["id"].get<std::string>().empty()) {
    ctx.say("  subscription:          none" + std::string(sub["address"].get<std::string>().empty()
                                                             ? " (frontdesk ringcentral subscribe --address URL)"
                                                             : " yet for " + sub["address"].get<std::string>()));
  } else {
    ctx.say(fmt::format("  subscription:          {} {}, expires {}", sub["id"].get<std::string>(),
                        sub["status"].get<std::string>(), when(sub["expires_at"].get<std::int64_t>())));
    ctx.say("  webhook address:       " + sub["address"].get<std::string>());
  }
  if (!sub["error"].get<std::string>().empty()) ctx.say("  subscription problem:  " + sub["error"].get<std::string>());
  const json& sync = st["sync"];
  if (sync["cursor"].get<std::int64_t>() > 0)
    ctx.say(fmt::format("  call-log sync:         up to {} ({} behind)", sync["cursor_iso"].get<std::string>(),
                        relative(sync["lag_seconds"].get<std::int64_t>())));
  else
    ctx.say("  call-log sync:         never ran");
  if (!sync["last_error"].get<std::string>().empty()) ctx.say("  last sync error:       " + sync["last_error"].get<std::string>());
  const json& q = st["queue"];
  std::string depth;
  for (const auto& [state, n] : q["totals"].items()) depth += fmt::format("{}{} {}", depth.empty() ? "" : ", ", n.get<std::int64_t>(), state);
  ctx.say("  jobs:                  " + (depth.empty() ? std::string("none") : depth));
  if (!q["oldest_due"].is_null())
    ctx.say(fmt::format("  oldest due job:        {} {} (waiting {})", q["oldest_due"]["kind"].get<std::string>(),
                        q["oldest_due"]["name"].get<std::string>(),
                        relative(q["oldest_due"]["waiting_seconds"].get<std::int64_t>())));
  for (const auto& e : q["recent_errors"])
    ctx.say(fmt::format("  job error:             {} {} ({}): {}", e["kind"].get<std::string>(),
                        e["name"].get<std::string>(), e["state"].get<std::string>(), e["last_error"].get<std::string>()));
}

int run_status(Context& ctx, const RcOptions& o) {
  auto client = make_client(ctx, o, false);
  auto s = client.status();
  json ext;
  std::string problem;
  if (s.connected) {
    try {
      ext = json::parse(client.test_connection());
    } catch (const switchboard::Error& e) {
      problem = e.what();
    }
    s = client.status();  // now with the rate-limit headers of that call
  }
  if (ctx.as_json) {
    json j{{"connected", s.connected && problem.empty()}, {"owner_id", s.owner_id},
           {"client_id", s.client_id}, {"server", s.server}, {"media_server", s.media_server},
           {"scope", s.scope}, {"access_expires_at", s.access_expires_at},
           {"refresh_expires_at", s.refresh_expires_at}, {"jwt_configured", s.jwt_configured}};
    if (!ext.is_null()) j["extension"] = ext;
    if (!problem.empty()) j["error"] = problem;
    json limits = json::array();
    for (const auto& g : s.rate_limits)
      limits.push_back({{"group", g.group}, {"limit", g.limit}, {"remaining", g.remaining},
                        {"window", g.window_seconds},
                        {"paused_for", static_cast<double>(g.paused_for.count()) / 1000.0},
                        {"reason", g.reason}});
    j["rate_limits"] = limits;
    json sync = json::parse(switchboard::ringcentral_sync_status(ctx.store()));
    for (const char* key : {"subscription", "sync", "queue"}) j[key] = sync[key];
    ctx.print_json(j);
  } else {
    if (!s.connected) {
      ctx.say("RingCentral: not connected (run `frontdesk ringcentral login`)");
    } else if (!problem.empty()) {
      ctx.say("RingCentral: tokens stored, but the connection test failed: " + problem);
    } else {
      ctx.say("RingCentral: connected as " + who(ext));
    }
    ctx.say("  server:                " + s.server);
    ctx.say("  media server:          " + s.media_server);
    ctx.say("  client id:             " + (s.client_id.empty() ? "-" : s.client_id));
    ctx.say("  access token expires:  " + when(s.access_expires_at));
    ctx.say("  refresh token expires: " + when(s.refresh_expires_at));
    ctx.say(std::string("  JWT fallback:          ") + (s.jwt_configured ? "configured" : "none"));
    for (const auto& g : s.rate_limits) {
      std::string line = fmt::format("  rate limit {:<8}       {} of {} left per {} s", g.group, g.remaining,
                                     g.limit, g.window_seconds);
      if (g.paused_for.count() > 0)
        line += fmt::format(" — paused {:.0f} s ({})", g.paused_for.count() / 1000.0, g.reason);
      ctx.say(line);
    }
    say_sync_status(ctx, json::parse(switchboard::ringcentral_sync_status(ctx.store())));
  }
  if (!s.connected) return kDataError;
  return problem.empty() ? kOk : kFailed;
}

int run_logout(Context& ctx, const RcOptions& o) {
  auto client = make_client(ctx, o, false);
  client.revoke();  // deletes the webhook subscription first
  ctx.say("Signed out of RingCentral; the subscription is deleted and the stored tokens are cleared.");
  return kOk;
}

json subscription_json(const switchboard::SubscriptionState& st) {
  auto text = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  return {{"action", st.action},          {"id", text(st.id)},
          {"status", text(st.status)},    {"address", text(st.address)},
          {"event_filters", st.event_filters}, {"expires_at", st.expires_at},
          {"error", text(st.error)}};
}

int run_subscribe(Context& ctx, const RcOptions& o) {
  switchboard::SubscriptionOptions so;
  so.address = o.address;
  so.event_filters = o.event_filters;
  so.expires_in = std::chrono::seconds(static_cast<std::int64_t>(o.expires_in));
  switchboard::Subscriptions subs(make_ringcentral_client(ctx, {o.allow_origins, o.key_file}, false, true), so);
  auto st = subs.subscribe();
  if (ctx.as_json) ctx.print_json(subscription_json(st));
  ctx.say(fmt::format("Subscribed: {} ({}), expires {}", st.id, st.status, when(st.expires_at)));
  ctx.say("  webhook address: " + st.address);
  for (const auto& f : st.event_filters) ctx.say("  events:          " + f);
  ctx.say("Deliveries carry the stored Verification-Token; `frontdesk worker` renews the subscription.");
  return kOk;
}

int run_unsubscribe(Context& ctx, const RcOptions& o) {
  switchboard::Subscriptions subs(make_ringcentral_client(ctx, {o.allow_origins, o.key_file}, false, true));
  auto st = subs.unsubscribe();
  if (ctx.as_json) ctx.print_json(subscription_json(st));
  ctx.say(st.action == "deleted" ? "Subscription deleted." : "There was no subscription.");
  return kOk;
}

// "2025-03-01" or "2025-03-01T08:00[:00][Z]" (UTC) as Unix seconds; -1 when malformed.
int run_sync(Context& ctx, const RcOptions& o) {
  std::int64_t since = 0;
  if (!o.since.empty()) {
    auto parsed = switchboard::parse_timestamp(o.since);
    since = parsed.value_or(-1);
    if (!parsed || since < 0) {
      std::fprintf(stderr, "frontdesk: --since takes a date or time like 2025-03-01 or 2025-03-01T08:00:00Z\n");
      return kUsage;
    }
  }
  auto client = make_ringcentral_client(ctx, {o.allow_origins, o.key_file}, false, true);
  switchboard::RingCentralJobOptions jo;
  auto logger = std::make_shared<switchboard::CallLogger>(ctx.store_ptr(), call_logger_options(ctx, {}, "", false, jo));
  switchboard::SyncOptions so;
  so.backfill = std::chrono::seconds(static_cast<std::int64_t>(o.backfill_days * 86400));
  so.overlap = std::chrono::seconds(static_cast<std::int64_t>(o.overlap_minutes * 60));
  switchboard::CallLogSync sync(client, logger, so);
  auto r = sync.run(since);
  if (ctx.as_json)
    ctx.print_json({{"from", r.from}, {"to", r.to}, {"cursor", r.cursor}, {"pages", r.pages},
                    {"records", r.records}, {"created", r.created}, {"updated", r.updated},
                    {"unchanged", r.unchanged}, {"failed", r.failed}, {"complete", r.complete},
                    {"error", r.error.empty() ? json(nullptr) : json(r.error)}});
  ctx.say(fmt::format("Synced the call log from {} to {}: {} records on {} pages — {} new, {} updated, {} unchanged{}",
                      when(r.from).substr(0, 23), when(r.to).substr(0, 23), r.records, r.pages, r.created,
                      r.updated, r.unchanged, r.failed ? fmt::format(", {} failed ({})", r.failed, r.error) : ""));
  return r.failed ? kFailed : kOk;
}

int run_recording(Context& ctx, const RcOptions& o) {
  auto client = make_client(ctx, o, false);
  auto d = client.download_recording(o.recording, o.out);
  if (!d.available) {
    std::fprintf(stderr, "frontdesk: recording %s is not available (RingCentral has none)\n",
                 o.recording.c_str());
    return kDataError;
  }
  ctx.say(fmt::format("saved {} bytes ({}) to {}", d.bytes, d.content_type, d.path));
  return kOk;
}

}  // namespace

void add_ringcentral_commands(CLI::App& app, Context& ctx, Runner& run) {
  static RcOptions o;
  auto* rc = app.add_subcommand("ringcentral", "Connect to RingCentral, subscribe to call events, "
                                                "sync the call log, fetch recordings");
  rc->require_subcommand(1);
  set_help(rc,
           "Secrets come from the environment, never the command line: RINGCENTRAL_CLIENT_SECRET,\n"
           "RINGCENTRAL_JWT, and SWITCHBOARD_SECRET_KEY (or --key-file) for the key that\n"
           "encrypts them in the database.",
           {"frontdesk ringcentral login --client-id ID --redirect-uri https://example.com/cb",
                    "RINGCENTRAL_JWT=... frontdesk ringcentral login --client-id ID --jwt",
                    "frontdesk ringcentral status --json",
                    "frontdesk ringcentral subscribe --address https://example.com/webhook",
                    "frontdesk ringcentral sync --since 2025-03-01",
                    "frontdesk ringcentral recording 4410020011 --out call.mp3"});
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("--allow-origin", o.allow_origins,
                    "Allow this plain-http or local origin (a test server; never needed for RingCentral)");
    cmd->add_option("--key-file", o.key_file, "File with the secret key (else $SWITCHBOARD_SECRET_KEY)");
  };
  auto* login = rc->add_subcommand("login", "Sign in: prints the authorization URL and completes the "
                                            "code exchange from the pasted redirect URL, or uses a JWT");
  login->add_option("--client-id", o.client_id, "The app's client id (saved)");
  login->add_option("--server", o.server, "Platform URL (default https://platform.ringcentral.com)");
  login->add_option("--media-server", o.media_server, "Media URL (default: follows --server)");
  login->add_option("--redirect-uri", o.redirect_uri, "The redirect URI registered with the app (saved)");
  login->add_option("--redirect-url", o.redirect_url, "The URL RingCentral redirected to (else read from stdin)");
  login->add_flag("--jwt", o.use_jwt, "Sign in with the JWT credential in $RINGCENTRAL_JWT");
  common(login);
  set_examples(login, {"frontdesk ringcentral login --client-id ID --redirect-uri https://example.com/cb",
                       "RINGCENTRAL_JWT=... frontdesk ringcentral login --client-id ID --jwt"});
  login->callback([&ctx, &run] { run = [&ctx] { return run_login(ctx, o); }; });

  auto* status = rc->add_subcommand("status", "Who is connected, token expiry, rate-limit state");
  add_json_flag(status, ctx);
  common(status);
  set_examples(status, {"frontdesk ringcentral status", "frontdesk ringcentral status --json"});
  status->callback([&ctx, &run] { run = [&ctx] { return run_status(ctx, o); }; });

  auto* logout = rc->add_subcommand("logout", "Revoke the session and clear the stored tokens");
  common(logout);
  set_examples(logout, {"frontdesk ringcentral logout"});
  logout->callback([&ctx, &run] { run = [&ctx] { return run_logout(ctx, o); }; });

  auto* subscribe = rc->add_subcommand("subscribe", "Subscribe to the account's call events (webhook)");
  subscribe->add_option("--address", o.address, "The webhook URL RingCentral posts to (saved)")->required();
  subscribe->add_option("--event-filter", o.event_filters, "Event filter (default: the account's telephony sessions)");
  subscribe->add_option("--expires-in", o.expires_in, "Seconds until the subscription expires (renewed by the worker)")
      ->capture_default_str();
  add_json_flag(subscribe, ctx);
  common(subscribe);
  set_help(subscribe,
           "Creates the webhook subscription for --address (RingCentral checks the address\n"
           "first), replacing a stored one; deliveries carry the stored Verification-Token.\n"
           "`frontdesk worker` renews it ahead of expiry and re-creates it when RingCentral\n"
           "blacklisted or forgot it.",
           {"frontdesk ringcentral subscribe --address https://example.com/webhook",
            "frontdesk ringcentral subscribe --address https://example.com/webhook --json"});
  subscribe->callback([&ctx, &run] { run = [&ctx] { return run_subscribe(ctx, o); }; });

  auto* unsubscribe = rc->add_subcommand("unsubscribe", "Delete the webhook subscription");
  add_json_flag(unsubscribe, ctx);
  common(unsubscribe);
  set_examples(unsubscribe, {"frontdesk ringcentral unsubscribe"});
  unsubscribe->callback([&ctx, &run] { run = [&ctx] { return run_unsubscribe(ctx, o); }; });

  auto* sync = rc->add_subcommand("sync", "Read the call log from the stored cursor and upsert every call");
  sync->add_option("--since", o.since, "Read from this date or UTC time instead of the cursor (2025-03-01)");
  sync->add_option("--backfill-days", o.backfill_days, "First run: how far back")->capture_default_str();
  sync->add_option("--overlap-minutes", o.overlap_minutes, "Re-read this much before the cursor")
      ->capture_default_str();
  add_json_flag(sync, ctx);
  common(sync);
  set_help(sync,
           "Reads RingCentral's call log from the stored cursor (minus the overlap; the first run\n"
           "goes back --backfill-days) and creates or updates one call log per call. Exit 1 when\n"
           "some records failed (the others are kept).",
           {"frontdesk ringcentral sync", "frontdesk ringcentral sync --since 2025-03-01 --json"});
  sync->callback([&ctx, &run] { run = [&ctx] { return run_sync(ctx, o); }; });

  auto* recording = rc->add_subcommand("recording", "Download a call recording");
  recording->add_option("id", o.recording, "Recording id or contentUri")->required();
  recording->add_option("--out", o.out, "File to write")->required();
  common(recording);
  set_examples(recording, {"frontdesk ringcentral recording 4410020011 --out call.mp3"});
  recording->callback([&ctx, &run] { run = [&ctx] { return run_recording(ctx, o); }; });
}

}  // namespace frontdesk
