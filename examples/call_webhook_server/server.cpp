// The webhook's HTTP layer on Boost.Beast. One Session per connection, on its own strand:
//   read the header (header limit, header deadline) -> WebhookHandler::check_headers
//   (handshake answered and wrong secrets refused here, before any of the body is read)
//   -> read the body (body limit, request deadline) -> the worker pool runs handle()
//   -> the answer is written back on the connection's strand.
// Beast parses HTTP; nothing here reads a byte of HTTP syntax by hand.
#include "server.h"

#include <sys/resource.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "switchboard/call_logger.h"

namespace webhook_server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using Response = http::response<http::string_body>;

// After an answer that leaves part of a request unread (a refused body), the server stops
// sending and reads the rest for a short while before closing, so the client sees the answer
// instead of a reset. Bounded in time and bytes.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 4 << 20;
// A refused connection (server or client over its limit) gets this long to take its answer.
constexpr std::chrono::seconds kRefusalTime{1};
// File descriptors kept back for the store, the listener and the process itself.
constexpr std::size_t kReservedDescriptors = 64;

std::string to_string(beast::string_view s) { return std::string(s.data(), s.size()); }

std::string error_json(const std::string& message) {  // messages are our own constants
  return "{\"success\":false,\"message\":\"" + message + "\"}";
}

// Connection slots per client address and in total. Thread-safe.
class Slots {
 public:
  explicit Slots(const Limits& limits) : limits_(limits) {}

  // 0 when admitted (the caller must release()), else the refusal status (503 or 429).
  unsigned admit(const net::ip::address& client) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (total_ >= limits_.max_connections) return 503;
    std::size_t& n = per_client_[client];
    if (limits_.max_connections_per_client != 0 && n >= limits_.max_connections_per_client) {
      if (n == 0) per_client_.erase(client);
      return 429;
    }
    ++n;
    ++total_;
    return 0;
  }

  void release(const net::ip::address& client) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = per_client_.find(client);
    if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
    --total_;
  }

 private:
  const Limits& limits_;
  std::mutex mutex_;
  std::size_t total_ = 0;
  std::map<net::ip::address, std::size_t> per_client_;
};

// An admitted connection's slot, given back when the connection ends.
class Slot {
 public:
  Slot(Slots& slots, net::ip::address client) : slots_(&slots), client_(std::move(client)) {}
  Slot(Slot&& o) noexcept : slots_(o.slots_), client_(o.client_) { o.slots_ = nullptr; }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  Slot& operator=(Slot&&) = delete;
  ~Slot() {
    if (slots_) slots_->release(client_);
  }

 private:
  Slots* slots_;
  net::ip::address client_;
};

struct Shared {
  const Limits& limits;
  switchboard::WebhookHandler& handler;
  net::thread_pool& workers;
  Slots slots;
};

std::shared_ptr<Response> make_response(unsigned status, unsigned version, std::string body,
                                        const char* type = "application/json") {
  auto res = std::make_shared<Response>(static_cast<http::status>(status), version);
  res->set(http::field::content_type, type);
  res->body() = std::move(body);
  return res;
}

// Answers a connection refused for its slot, without reading from it, and closes it.
class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  Refusal(tcp::socket&& socket, unsigned status) : stream_(std::move(socket)) {
    res_ = make_response(status, 11, error_json(status == 429 ? "Too many connections from this address"
                                                              : "Server busy, retry later"));
    res_->set(http::field::retry_after, "1");
    res_->keep_alive(false);
    res_->prepare_payload();
  }
  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->stream_.expires_after(kRefusalTime);
      http::async_write(self->stream_, *self->res_, [self](beast::error_code, std::size_t) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.close();
      });
    });
  }

 private:
  beast::tcp_stream stream_;
  std::shared_ptr<Response> res_;
};

// One admitted connection. Its handlers run on its strand, one at a time.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Shared& shared, Slot slot)
      : stream_(std::move(socket)),
        buffer_(shared.limits.max_header_bytes + 16 * 1024),
        shared_(shared),
        slot_(std::move(slot)) {}

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.limits.max_header_bytes));
    parser_->body_limit(shared_.limits.max_body_bytes);
    start_ = Clock::now();
    stream_.expires_at(start_ + std::min(shared_.limits.header_timeout, shared_.limits.request_timeout));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (ec) return refuse_bad_request(ec);
    auto& req = parser_->get();
    const unsigned version = req.version();
    if (req.method() != http::verb::post) {
      bool health = req.method() == http::verb::get && req.target() == "/health";
      auto res = health ? make_response(200, version, "ok", "text/plain")
                        : make_response(req.method() == http::verb::get ? 404 : 405, version,
                                        error_json("Not found; the webhook takes POST"));
      if (!health && req.method() != http::verb::get) res->set(http::field::allow, "GET, POST");
      return write(std::move(res), /*keep_alive=*/req.keep_alive() && parser_->is_done());
    }

    std::map<std::string, std::string> headers;
    for (const auto& field : req) headers[to_string(field.name_string())] = to_string(field.value());
    // The handshake and the secrets need only the header: answer them before the body.
    if (std::optional<switchboard::WebhookResponse> early = shared_.handler.check_headers(headers))
      return write(convert(std::move(*early), version), req.keep_alive() && parser_->is_done());

    headers_ = std::move(headers);
    stream_.expires_at(start_ + shared_.limits.request_timeout);
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version);
      return http::async_write(stream_, *go_on,
                               [self = shared_from_this(), go_on](beast::error_code write_ec, std::size_t) {
                                 if (write_ec) return self->close();
                                 self->read_body();
                               });
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_body(ec);
    });
  }

  void on_body(beast::error_code ec) {
    if (ec) return refuse_bad_request(ec);
    // The store work goes to the workers; this strand takes the answer back.
    bool keep_alive = parser_->get().keep_alive();
    unsigned version = parser_->get().version();
    auto body = std::make_shared<std::string>(std::move(parser_->get().body()));
    auto headers = std::make_shared<std::map<std::string, std::string>>(std::move(headers_));
    parser_.reset();
    net::post(shared_.workers, [self = shared_from_this(), body, headers, keep_alive, version] {
      switchboard::WebhookResponse r;
      try {
        r = self->shared_.handler.handle(*headers, *body);
      } catch (const std::exception& e) {  // handle() answers its own errors; this is the rest
        std::fprintf(stderr, "call_webhook_server: %s\n", e.what());
        r.status = 500;
        r.headers["Content-Type"] = "application/json";
        r.body = error_json("Internal error");
      }
      body->clear();
      body->shrink_to_fit();
      net::post(self->stream_.get_executor(), [self, r = std::move(r), keep_alive, version]() mutable {
        self->write(self->convert(std::move(r), version), keep_alive);
      });
    });
  }

  // A read that failed: answer what the client can act on, drop the rest silently.
  void refuse_bad_request(beast::error_code ec) {
    const bool header_done = parser_ && parser_->is_header_done();
    const unsigned version = header_done ? parser_->get().version() : 11;
    if (ec == http::error::header_limit || (ec == http::error::buffer_overflow && !header_done))
      return write(make_response(431, version, error_json("Request header too large")), false);
    if (ec == http::error::body_limit)
      return write(make_response(413, version,
                                 error_json("Payload too large (limit " +
                                            std::to_string(shared_.limits.max_body_bytes) + " bytes)")),
                   false);
    if (ec == http::error::buffer_overflow ||  // a chunk header longer than the read buffer
        (ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message))
      return write(make_response(400, version, error_json("Malformed HTTP request")), false);
    close();  // end of stream, a reset, or a deadline passed (the stream is closed already)
  }

  std::shared_ptr<Response> convert(switchboard::WebhookResponse r, unsigned version) {
    std::string type = "application/json";
    auto res = std::make_shared<Response>(static_cast<http::status>(r.status), version);
    for (const auto& [name, value] : r.headers) {
      if (beast::iequals(name, "Content-Type")) type = value;
      else res->set(name, value);
    }
    res->set(http::field::content_type, type);
    res->body() = std::move(r.body);
    return res;
  }

  void write(std::shared_ptr<Response> res, bool keep_alive) {
    res->keep_alive(keep_alive);
    res->prepare_payload();
    res_ = std::move(res);
    // A client that does not take its answer is dropped like one that does not send.
    stream_.expires_after(shared_.limits.header_timeout);
    http::async_write(stream_, *res_, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      self->res_.reset();
      if (ec) return self->close();
      if (!keep_alive) return self->linger();
      self->read_header();
    });
  }

  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    drain_ = std::make_unique<std::array<char, 8192>>();
    stream_.expires_after(kLingerTime);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(*drain_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kLingerBytes) return self->close();
      self->drain();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::map<std::string, std::string> headers_;
  std::shared_ptr<Response> res_;
  std::unique_ptr<std::array<char, 8192>> drain_;
  std::size_t drained_ = 0;
  Clock::time_point start_;
  Shared& shared_;
  Slot slot_;
};

// Accepts connections and gives each a slot, or refuses it.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, Shared& shared)
      : ioc_(ioc), acceptor_(std::move(acceptor)), retry_(ioc), shared_(shared) {}

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      self->on_accept(ec, std::move(s));
    });
  }

  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {  // out of descriptors or memory: wait a moment rather than spin
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec) self->accept();
      });
      return;
    }
    beast::error_code peer_ec;
    tcp::endpoint peer = socket.remote_endpoint(peer_ec);
    if (!peer_ec) {
      if (unsigned refused = shared_.slots.admit(peer.address()))
        std::make_shared<Refusal>(std::move(socket), refused)->start();
      else
        std::make_shared<Session>(std::move(socket), shared_, Slot(shared_.slots, peer.address()))->start();
    }
    accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  Shared& shared_;
};

// Raises the descriptor limit as far as allowed; false when the connection limit needs more.
bool enough_descriptors(std::size_t connections) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return true;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur == RLIM_INFINITY || connections + kReservedDescriptors <= rl.rlim_cur;
}

}  // namespace

int serve(const ServerOptions& options, switchboard::WebhookHandler& handler,
          const std::function<void(unsigned short)>& on_listening) {
  if (!enough_descriptors(options.limits.max_connections)) {
    std::fprintf(stderr, "call_webhook_server: --max-connections %zu needs %zu file descriptors; raise `ulimit -n`\n",
                 options.limits.max_connections, options.limits.max_connections + kReservedDescriptors);
    return 1;
  }
  net::thread_pool workers(static_cast<std::size_t>(std::max(1, options.workers)));
  Shared shared{options.limits, handler, workers, Slots(options.limits)};
  net::io_context ioc(std::max(1, options.io_threads));

  tcp::acceptor acceptor(ioc);
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  auto found = resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
  if (!ec && found.empty()) ec = net::error::host_not_found;
  if (!ec) {
    tcp::endpoint endpoint = found.begin()->endpoint();
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    std::fprintf(stderr, "call_webhook_server: cannot listen on %s:%u: %s\n", options.host.c_str(),
                 static_cast<unsigned>(options.port), ec.message().c_str());
    workers.join();
    return 1;
  }
  unsigned short port = acceptor.local_endpoint().port();
  auto listener = std::make_shared<Listener>(ioc, std::move(acceptor), shared);

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    listener->stop();
    ioc.stop();
  });
  std::signal(SIGPIPE, SIG_IGN);
  listener->accept();
  on_listening(port);

  auto run = [&ioc] {
    for (;;) {  // a handler that throws costs its own connection, not the server
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "call_webhook_server: %s\n", e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < options.io_threads; ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
  workers.join();  // requests already handed over finish (each is one store transaction)
  return 0;
}

}  // namespace webhook_server
