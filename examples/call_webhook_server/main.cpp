// call_webhook_server — a small HTTP service on the switchboard library: RingCentral and
// Pabbly call webhooks in, call logs out, on an SQLite file.
//
//   call_webhook_server --db calls.sqlite --port 8080 [--host 127.0.0.1]
//                       [--verification-token T] [--relay-secret S] [--create-tickets]
//                       [--company-number +15559876543 ...] [--region US]
//
// Every POST path is the webhook (the seed's Frappe path
// /api/method/helpdesk.api.ringcentral_webhook.pabbly_webhook works as is); GET /health
// answers "ok". With --port 0 a free port is chosen; the first line printed is
// "listening on http://HOST:PORT". SIGINT/SIGTERM stop it cleanly.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <map>

#include "switchboard/switchboard.h"

namespace {

httplib::Server* g_server = nullptr;

void stop(int) {
  if (g_server) g_server->stop();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"call_webhook_server: RingCentral / Pabbly call webhooks into call logs"};
  std::string db = "calls.sqlite", host = "127.0.0.1", verification_token, relay_secret, region;
  int port = 8080;
  bool create_tickets = false;
  std::vector<std::string> company_numbers;
  app.add_option("--db", db, "SQLite file (created when missing)");
  app.add_option("--host", host, "Address to listen on");
  app.add_option("--port", port, "Port (0 = any free port)");
  app.add_option("--verification-token", verification_token, "Required Verification-Token");
  app.add_option("--relay-secret", relay_secret, "Required X-Webhook-Secret (Pabbly)");
  app.add_flag("--create-tickets", create_tickets, "Create a ticket when a call matches nothing");
  app.add_option("--company-number", company_numbers, "The company's own numbers");
  app.add_option("--region", region, "Region for numbers without a country code");
  CLI11_PARSE(app, argc, argv);

  try {
    std::shared_ptr<switchboard::Store> store = switchboard::make_sqlite_store(db);
    switchboard::CallLoggerOptions options;
    options.region = region;
    options.company_numbers = company_numbers;
    options.create_tickets = create_tickets;
    auto logger = std::make_shared<switchboard::CallLogger>(store, options);
    switchboard::WebhookOptions hook;
    hook.verification_token = verification_token;
    hook.relay_secret = relay_secret;
    switchboard::WebhookHandler handler(logger, hook);

    httplib::Server server;
    g_server = &server;
    server.set_payload_max_length(switchboard::kMaxCallEventBytes + 1);
    server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    server.Post(R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
      std::map<std::string, std::string> headers;
      for (const auto& [k, v] : req.headers) headers[k] = v;
      switchboard::WebhookResponse r = handler.handle(headers, req.body);
      res.status = r.status;
      std::string type = "application/json";
      for (const auto& [k, v] : r.headers) {
        if (k == "Content-Type") type = v;
        else res.set_header(k, v);
      }
      res.set_content(r.body, type.c_str());
    });
    std::signal(SIGINT, stop);
    std::signal(SIGTERM, stop);
    int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
    if (bound < 0) {
      std::fprintf(stderr, "call_webhook_server: cannot listen on %s:%d\n", host.c_str(), port);
      return 1;
    }
    std::printf("listening on http://%s:%d\n", host.c_str(), bound);
    std::fflush(stdout);
    server.listen_after_bind();
    return 0;
  } catch (const switchboard::Error& e) {
    std::fprintf(stderr, "call_webhook_server: %s [%s]\n", e.what(), switchboard::error_code_name(e.code()));
    return 1;
  }
}
