// call_webhook_server — the switchboard webhook as an internet-facing HTTP service:
// RingCentral and Pabbly call webhooks in, call logs out.
//
//   call_webhook_server --db calls.sqlite --port 8080 [--host 127.0.0.1]
//                       [--verification-token T] [--relay-secret S] [--ringcentral] [--create-tickets]
//                       [--company-number +15559876543 ...] [--region US]
//                       [--max-header-bytes 8192] [--max-body-bytes 1048576]
//                       [--header-timeout 10] [--request-timeout 30]
//                       [--max-connections 512] [--max-connections-per-client 64]
//                       [--io-threads 2] [--workers 4]
//
// Every POST path is the webhook (the seed's Frappe path
// /api/method/helpdesk.api.ringcentral_webhook.pabbly_webhook works as is); GET /health
// answers "ok". With --port 0 a free port is chosen; the first line printed is
// "listening on http://HOST:PORT". SIGINT/SIGTERM stop it cleanly. The secrets may come from
// CALL_WEBHOOK_VERIFICATION_TOKEN and CALL_WEBHOOK_RELAY_SECRET instead. With --ringcentral the
// endpoint serves the subscription `frontdesk ringcentral subscribe` makes: it requires the
// Verification-Token stored in the database (created when missing; SWITCHBOARD_SECRET_KEY
// opens it) and queues each call's follow-up jobs for `frontdesk worker`. The limits are
// described in README.md here and in docs/security.md.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "server.h"
#include "switchboard/open_store.h"
#include "switchboard/switchboard.h"

namespace {

// The one place the service meets its store: everything store-related starts from `--db`,
// an SQLite file or a mariadb:// URL (switchboard::open_store), created when missing.
std::shared_ptr<switchboard::Store> open_store(const std::string& db) {
  return switchboard::open_store(db);
}

// Tests run the service in simulated time: a file whose first 8 bytes are the current Unix
// time as a double, moved by the test (the mapping lives as long as the process).
switchboard::Clock file_clock(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  void* map = fd < 0 ? MAP_FAILED : ::mmap(nullptr, sizeof(double), PROT_READ, MAP_SHARED, fd, 0);
  if (fd >= 0) ::close(fd);
  if (map == MAP_FAILED) throw switchboard::Error(switchboard::ErrorCode::kIo, "cannot map the clock file " + path);
  return [map] {
    double t;
    std::memcpy(&t, map, sizeof t);
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::duration<double>(t)));
  };
}

std::chrono::milliseconds seconds(double s) {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(s * 1000.0)));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"call_webhook_server: RingCentral / Pabbly call webhooks into call logs"};
  std::string db = "calls.sqlite", verification_token, relay_secret, region, clock_file;
  webhook_server::ServerOptions server;
  webhook_server::Limits& limits = server.limits;
  int port = 8080;
  bool create_tickets = false, ringcentral = false;
  bool tickets_for_unanswered = false, tickets_for_outbound = false;
  std::vector<std::string> company_numbers;
  double header_timeout = 10, request_timeout = 30;
  app.add_option("--db", db, "The store: an SQLite file or a mariadb:// URL (created when missing)");
  app.add_option("--host", server.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", port, "Port (0 = any free port)")->check(CLI::Range(0, 65535));
  // Secrets also come from the environment: a command line is visible to every local user.
  app.add_option("--verification-token", verification_token, "Required Verification-Token")
      ->envname("CALL_WEBHOOK_VERIFICATION_TOKEN");
  app.add_option("--relay-secret", relay_secret, "Required X-Webhook-Secret (Pabbly)")
      ->envname("CALL_WEBHOOK_RELAY_SECRET");
  app.add_flag("--ringcentral", ringcentral,
               "Serve RingCentral's subscription: require the stored Verification-Token and queue each "
               "call's follow-up jobs (call-log lookup, recording) for `frontdesk worker`");
  app.add_flag("--create-tickets", create_tickets, "Create a ticket when a call matches nothing");
  app.add_flag("--tickets-for-unanswered", tickets_for_unanswered,
               "With --create-tickets: also for calls nobody answered (missed, voicemail, busy)");
  app.add_flag("--tickets-for-outbound", tickets_for_outbound,
               "With --create-tickets: also for calls the company placed");
  app.add_option("--clock-file", clock_file, "Simulated time for tests")->group("");  // hidden
  app.add_option("--company-number", company_numbers,
                 "The company's own numbers (default: the site's, stored in the database)");
  app.add_option("--region", region,
                 "Region for numbers without a country code (default: the site's)");
  app.add_option("--max-header-bytes", limits.max_header_bytes, "Request line and headers; beyond: 431")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 20))
      ->capture_default_str();
  app.add_option("--max-body-bytes", limits.max_body_bytes, "Request body; beyond: 413")
      ->check(CLI::Range(std::size_t{1}, switchboard::kMaxCallEventBytes))
      ->capture_default_str();
  app.add_option("--header-timeout", header_timeout, "Seconds to receive a request's headers (never restarts)")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--request-timeout", request_timeout, "Seconds to receive a whole request (never restarts)")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--max-connections", limits.max_connections, "Open connections in total; beyond: 503")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  app.add_option("--max-connections-per-client", limits.max_connections_per_client,
                 "Open connections per client address; beyond: 429 (0 = no limit)")
      ->capture_default_str();
  app.add_option("--io-threads", server.io_threads, "Threads serving sockets")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--workers", server.workers, "Threads doing the store work")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  server.port = static_cast<unsigned short>(port);
  limits.header_timeout = seconds(header_timeout);
  limits.request_timeout = seconds(request_timeout);

  try {
    auto store = open_store(db);
    if (!clock_file.empty()) store->set_clock(file_clock(clock_file));
    switchboard::CallLoggerOptions options;
    options.region = region;
    if (!company_numbers.empty()) options.company_numbers = company_numbers;
    options.create_tickets = create_tickets;
    options.tickets_for_unanswered = tickets_for_unanswered;
    options.tickets_for_outbound = tickets_for_outbound;
    if (ringcentral) {
      options.after_ingest = switchboard::ringcentral_ingest_hook();
      if (verification_token.empty())
        verification_token = switchboard::stored_verification_token(*store, nullptr, /*create=*/true);
    }
    auto logger = std::make_shared<switchboard::CallLogger>(store, options);
    switchboard::WebhookOptions hook;
    hook.verification_token = verification_token;
    hook.relay_secret = relay_secret;
    switchboard::WebhookHandler handler(logger, hook);
    return webhook_server::serve(server, handler, [&](unsigned short bound) {
      std::printf("listening on http://%s:%u\n", server.host.c_str(), static_cast<unsigned>(bound));
      std::fflush(stdout);
    });
  } catch (const switchboard::Error& e) {
    std::fprintf(stderr, "call_webhook_server: %s [%s]\n", e.what(), switchboard::error_code_name(e.code()));
    return 1;
  }
}
