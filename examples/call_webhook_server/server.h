// The webhook's HTTP layer: Boost.Beast with asynchronous reads, so a slow client costs a
// socket and a small buffer, never a thread. Store work runs on a separate worker pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace switchboard {
class WebhookHandler;
}

namespace webhook_server {

/// What one client may cost the server. Every limit is enforced before the request reaches
/// the handler; the defaults are the service's command-line defaults.
struct Limits {
  /// Request line and header fields together; beyond it: 431.
  std::size_t max_header_bytes = 8 * 1024;
  /// Request body, Content-Length or chunked; beyond it: 413 (a declared length is refused
  /// before any of the body is read).
  std::size_t max_body_bytes = 1 << 20;
  /// Deadlines counted from the moment the server starts waiting for a request (the
  /// connection's accept, or the end of the previous response on a kept-alive connection).
  /// They never restart when a byte arrives; a connection past either one is closed.
  std::chrono::milliseconds header_timeout{10'000};   ///< all header fields received
  std::chrono::milliseconds request_timeout{30'000};  ///< the whole request received
  /// Open connections in total (beyond it: 503) and per client address (beyond it: 429;
  /// 0 = no per-address limit).
  std::size_t max_connections = 512;
  std::size_t max_connections_per_client = 64;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  ///< 0 = any free port
  Limits limits;
  int io_threads = 2;  ///< threads reading and writing sockets (never touch the store)
  int workers = 4;     ///< threads running WebhookHandler::handle (the store work)
};

/// Serves `handler` on every POST path (GET /health answers "ok") until SIGINT or SIGTERM,
/// then finishes the requests already handed to the workers and returns 0. Calls
/// `on_listening(port)` once the socket is bound. Returns 1 when it cannot listen.
int serve(const ServerOptions& options, switchboard::WebhookHandler& handler,
          const std::function<void(unsigned short port)>& on_listening);

}  // namespace webhook_server
