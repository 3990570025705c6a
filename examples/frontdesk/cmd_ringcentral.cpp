// frontdesk ringcentral: sign in (authorization code with PKCE, or JWT), show the connection,
// sign out, fetch a recording. Secrets come from the environment, never the command line:
// RINGCENTRAL_CLIENT_SECRET, RINGCENTRAL_JWT, and SWITCHBOARD_SECRET_KEY (or --key-file) for
// the key that encrypts them in the database.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "cli.h"

namespace frontdesk {
namespace {


struct RcOptions {
  std::string client_id, server, media_server, redirect_uri, redirect_url, key_file, out, recording;
  std::vector<std::string> allow_origins;
  bool use_jwt = false;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

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
  }
  if (!s.connected) return kDataError;
  return problem.empty() ? kOk : kFailed;
}

int run_logout(Context& ctx, const RcOptions& o) {
  auto client = make_client(ctx, o, false);
  client.revoke();
  ctx.say("Signed out of RingCentral; the stored tokens are cleared.");
  return kOk;
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
  auto* rc = app.add_subcommand("ringcentral", "Connect to RingCentral and fetch recordings");
  rc->require_subcommand(1);
  set_help(rc,
           "Secrets come from the environment, never the command line: RINGCENTRAL_CLIENT_SECRET,\n"
           "RINGCENTRAL_JWT, and SWITCHBOARD_SECRET_KEY (or --key-file) for the key that\n"
           "encrypts them in the database.",
           {"frontdesk ringcentral login --client-id ID --redirect-uri https://example.com/cb",
                    "RINGCENTRAL_JWT=... frontdesk ringcentral login --client-id ID --jwt",
                    "frontdesk ringcentral status --json",
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

  auto* recording = rc->add_subcommand("recording", "Download a call recording");
  recording->add_option("id", o.recording, "Recording id or contentUri")->required();
  recording->add_option("--out", o.out, "File to write")->required();
  common(recording);
  set_examples(recording, {"frontdesk ringcentral recording 4410020011 --out call.mp3"});
  recording->callback([&ctx, &run] { run = [&ctx] { return run_recording(ctx, o); }; });
}

}  // namespace frontdesk
