#include "http_server.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include "finml/core/error.hpp"

namespace finml::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The path of a request target, percent-decoded; a malformed escape is kept as written.
std::string DecodePath(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::string out;
  out.reserve(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '%' && i + 2 < target.size()) {
      const int hi = HexDigit(target[i + 1]), lo = HexDigit(target[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += target[i];
  }
  return out;
}

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(s));
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (SameName(n, name)) return v;
  return "";
}

bool HttpRequest::HasHeader(std::string_view name) const { return HeaderCount(name) > 0; }

std::size_t HttpRequest::HeaderCount(std::string_view name) const {
  std::size_t count = 0;
  for (const auto& [n, v] : headers) count += SameName(n, name) ? 1 : 0;
  return count;
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  if (SameName(name, "Connection")) {
    close = close || SameName(value, "close");
    return;
  }
  for (auto& [n, v] : headers)
    if (SameName(n, name)) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

struct HttpServer::Impl {
  HttpLimits limits;
  HttpHandlers handlers;
  // Declared before the io_context: connections still queued in it are destroyed with it, and
  // their destructors give their slots back here.
  mutable std::mutex mutex;
  std::map<std::string, std::size_t> per_client;
  std::size_t open = 0;
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> stopping{false};
  std::atomic<int> lingering{0};  // refused connections being closed gracefully
  std::optional<asio::ssl::context> tls;
  // One event loop per thread, and each connection on one loop for its whole life: on one shared
  // loop, handing a request's steps from thread to thread cost ~0.4 ms per request.
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::size_t next_loop = 0;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_backoff;
  std::vector<std::thread> threads;

  void Event(std::string_view e) const {
    if (handlers.on_event) handlers.on_event(e);
  }

  void Accept();
  void Admit(tcp::socket socket);
};

namespace {

// A connection's place in the caps, given back when the connection is gone.
class Slot {
 public:
  Slot(HttpServer::Impl& server, std::string client)
      : server_(&server), client_(std::move(client)) {}
  Slot(Slot&& other) noexcept
      : server_(std::exchange(other.server_, nullptr)), client_(std::move(other.client_)) {}
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  Slot& operator=(Slot&&) = delete;
  ~Slot() {
    if (server_ == nullptr) return;
    const std::lock_guard lock(server_->mutex);
    --server_->open;
    auto it = server_->per_client.find(client_);
    if (it != server_->per_client.end() && --it->second == 0) server_->per_client.erase(it);
  }
  [[nodiscard]] const std::string& client() const { return client_; }

 private:
  HttpServer::Impl* server_;
  std::string client_;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Connection(HttpServer::Impl& server, Slot slot, tcp::socket&& socket)
      : server_(server), slot_(std::move(slot)), stream_(MakeStream(server, std::move(socket))) {
    // A typical request in one read: Beast's default first read is 512 bytes, and each further
    // read of a body costs a wait on the socket.
    buffer_.reserve(16 * 1024);
  }

  ~Connection() { Uncount(); }

  void Run() {
    if constexpr (kTls) {
      Lowest().expires_after(Seconds(server_.limits.header_seconds));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec == beast::error::timeout)
                                  self->server_.Event("timeout:header");
                                if (!ec) self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

 private:
  static Stream MakeStream(HttpServer::Impl& server, tcp::socket&& socket) {
    if constexpr (kTls)
      return Stream(std::move(socket), *server.tls);
    else
      return Stream(std::move(socket));
  }

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void Uncount() {
    if (std::exchange(counted_, false)) --server_.in_flight;
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.limits.max_header_bytes));
    // The size is judged by admit() from Content-Length; the limit is set before the body is read.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    Lowest().expires_after(Seconds(server_.limits.header_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->OnHeader(ec);
                            });
  }

  // Beast's parse errors are answered; a closed, reset or timed-out socket is only closed.
  static bool IsParseError(const beast::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_method).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
  }

  void OnHeader(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      // Nothing of a request yet means an idle keep-alive connection: no event.
      if (buffer_.size() > 0 || parser_->got_some()) server_.Event("timeout:header");
      return;
    }
    if (ec) {
      if (!IsParseError(ec)) return;
      HttpResponse res;
      const bool too_large = ec == http::error::header_limit;
      const std::string method =
          parser_->got_some() ? std::string(parser_->get().method_string()) : "";
      if (server_.handlers.malformed)
        server_.handlers.malformed(too_large ? 431 : 400, ec.message(), method, res);
      res.close = true;
      return Reply(std::move(res), false);
    }
    const auto& header = parser_->get();
    request_ = HttpRequest{};
    request_.method = std::string(header.method_string());
    request_.path = DecodePath(std::string_view(header.target().data(), header.target().size()));
    request_.remote_addr = slot_.client();
    for (const auto& field : header)
      request_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    head_ = header.method() == http::verb::head;
    keep_alive_ = header.keep_alive();
    HttpResponse refusal;
    if (server_.handlers.admit && !server_.handlers.admit(request_, refusal)) {
      refusal.close = true;  // the unread body must not be taken for the next request
      return Reply(std::move(refusal), head_);
    }
    parser_->body_limit(server_.limits.max_body_bytes);
    if (parser_->is_done()) return Handle();
    if (SameName(request_.Header("Expect"), "100-continue")) {
      continue_.emplace(http::status::continue_, header.version());
      Lowest().expires_after(Seconds(server_.limits.write_seconds));
      return http::async_write(stream_, *continue_,
                               [self = this->shared_from_this()](beast::error_code e, std::size_t) {
                                 if (!e) self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    Lowest().expires_after(Seconds(server_.limits.body_seconds));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec == beast::error::timeout) return self->server_.Event("timeout:body");
                       if (!ec) return self->Handle();
                       if (!IsParseError(ec)) return;
                       HttpResponse res;
                       if (self->server_.handlers.malformed)
                         self->server_.handlers.malformed(ec == http::error::body_limit ? 413 : 400,
                                                          ec.message(), self->request_.method, res);
                       res.close = true;
                       self->Reply(std::move(res), false);
                     });
  }

  void Handle() {
    request_.body = std::move(parser_->get().body());
    HttpResponse res;
    ++server_.in_flight;  // until its answer is written: Stop() waits for both
    counted_ = true;
    try {
      server_.handlers.handle(request_, res);
    } catch (const std::exception&) {
      res = HttpResponse{};
      res.status = 500;
      res.content_type = "application/json";
      res.body = R"({"error":{"kind":"internal","message":"internal error"}})"
                 "\n";
    }
    Reply(std::move(res), head_);
  }

  void Reply(HttpResponse res, bool head) {
    response_.emplace();
    auto& r = *response_;
    r.version(11);
    r.result(static_cast<unsigned>(res.status));
    if (!res.content_type.empty()) r.set(http::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) r.insert(name, value);
    keep_alive_ = keep_alive_ && !res.close && !server_.stopping;
    r.keep_alive(keep_alive_);
    if (head) {
      r.content_length(res.body.size());  // what a GET would send, without the body
    } else {
      r.body() = std::move(res.body);
      r.prepare_payload();
    }
    Lowest().expires_after(Seconds(server_.limits.write_seconds));
    http::async_write(stream_, r,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->Uncount();
                        if (ec == beast::error::timeout)
                          return self->server_.Event("timeout:write");
                        if (ec) return;
                        if (self->keep_alive_) return self->ReadHeader();
                        self->Close();
                      });
  }

  // Closing with unread bytes would reset the connection and could destroy the answer before the
  // client reads it: stop sending, then read and drop what is left for a moment.
  void Close() {
    if constexpr (kTls) {
      Lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      Lowest().expires_after(std::chrono::seconds(2));
      Drain();
    }
  }

  void Drain() {
    Lowest().async_read_some(asio::buffer(drain_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (!ec && (self->drained_ += sizeof self->drain_) < (1U << 20))
                                 self->Drain();
                             });
  }

  HttpServer::Impl& server_;
  Slot slot_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  HttpRequest request_;
  bool head_ = false;
  bool keep_alive_ = false;
  bool counted_ = false;
  char drain_[4096]{};
  std::size_t drained_ = 0;
};

}  // namespace

void HttpServer::Impl::Accept() {
  auto& loop = *loops[next_loop++ % loops.size()];
  acceptor->async_accept(loop.get_executor(), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor->is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors, say: try again shortly instead of spinning.
      accept_backoff->expires_after(std::chrono::milliseconds(50));
      accept_backoff->async_wait([this](beast::error_code e) {
        if (!e) Accept();
      });
      return;
    }
    // The rest of the connection's life is on its own loop.
    auto executor = socket.get_executor();
    asio::post(executor, [this, s = std::make_shared<tcp::socket>(std::move(socket))] {
      Admit(std::move(*s));
    });
    Accept();
  });
}

void HttpServer::Impl::Admit(tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;
  std::string client = remote.address().to_string();
  std::string refused;
  {
    const std::lock_guard lock(mutex);
    std::size_t& mine = per_client[client];
    if (stopping)
      refused = "stopping";
    else if (open >= limits.max_connections)
      refused = "total";
    else if (mine >= limits.max_connections_per_client)
      refused = "client";
    if (refused.empty()) {
      ++open;
      ++mine;
    } else if (mine == 0) {
      per_client.erase(client);
    }
  }
  if (!refused.empty()) {
    Event("refused:" + refused);
    // A best-effort answer on the still-empty send buffer, without waiting for the client.
    const std::string body =
        fmt::format(R"({{"error":{{"kind":"too_many_connections","message":"{}"}}}})"
                    "\n",
                    refused == "client"
                        ? fmt::format("this address already has {} open connections (the limit)",
                                      limits.max_connections_per_client)
                        : "the server is at its connection limit; retry shortly");
    const std::string text = fmt::format(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: "
        "1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{}",
        body.size(), body);
    // Stop sending and drop what the client sends for a moment: closing on unread bytes would
    // reset the connection and could destroy the answer. At most 64 linger at once.
    if (lingering >= 64) {
      socket.close(ec);
      return;
    }
    ++lingering;
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    auto buffer = std::make_shared<std::array<char, 4096>>();
    stream->expires_after(std::chrono::seconds(1));
    auto drain = std::make_shared<std::function<void(beast::error_code, std::size_t)>>();
    *drain = [this, stream, buffer, drain](beast::error_code e, std::size_t) mutable {
      if (e) {
        --lingering;
        *drain = nullptr;  // breaks the cycle: the stream goes with the last copy
        return;
      }
      stream->async_read_some(asio::buffer(*buffer), *drain);
    };
    auto message = std::make_shared<const std::string>(text);
    asio::async_write(*stream, asio::buffer(*message),
                      [stream, drain, message](beast::error_code e, std::size_t) {
                        beast::error_code ignored;
                        stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
                        (*drain)(e, 0);
                      });
    return;
  }
  Slot slot(*this, std::move(client));
  socket.set_option(tcp::no_delay(true), ec);
  if (tls)
    std::make_shared<Connection<TlsStream>>(*this, std::move(slot), std::move(socket))->Run();
  else
    std::make_shared<Connection<PlainStream>>(*this, std::move(slot), std::move(socket))->Run();
}

HttpServer::HttpServer(HttpLimits limits, HttpHandlers handlers, const std::string& tls_cert,
                       const std::string& tls_key)
    : impl_(std::make_unique<Impl>()) {
  auto& i = *impl_;
  i.limits = limits;
  i.handlers = std::move(handlers);
  for (std::size_t t = 0; t < std::max<std::size_t>(1, limits.threads); ++t) {
    i.loops.push_back(std::make_unique<asio::io_context>(1));
    i.keep_running.push_back(asio::make_work_guard(*i.loops.back()));
  }
  i.acceptor.emplace(*i.loops.front());
  i.accept_backoff.emplace(*i.loops.front());
  if (tls_cert.empty() && tls_key.empty()) return;
  auto& ctx = impl_->tls.emplace(asio::ssl::context::tls_server);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  beast::error_code ec;
  ctx.use_certificate_chain_file(tls_cert, ec);
  if (!ec) ctx.use_private_key_file(tls_key, asio::ssl::context::pem, ec);
  FINML_REQUIRE(!ec && SSL_CTX_check_private_key(ctx.native_handle()) == 1,
                "TLS: cannot use certificate {} with key {} (PEM files, the key matching the "
                "certificate?)",
                tls_cert, tls_key);
}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::Bind(const std::string& host, int port) {
  auto& i = *impl_;
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec)
    throw IoError(
        fmt::format("--host {}: not an IP address (fix: e.g. 127.0.0.1 or 0.0.0.0)", host));
  const tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port));
  i.acceptor->open(endpoint.protocol(), ec);
  if (!ec) i.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) i.acceptor->bind(endpoint, ec);
  if (!ec) i.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw IoError(
        fmt::format("cannot listen on {}:{} ({}; in use, or not an address of this "
                    "machine?)",
                    host, port, ec.message()));
  return i.acceptor->local_endpoint().port();
}

void HttpServer::Start() {
  auto& i = *impl_;
  asio::post(i.acceptor->get_executor(), [&i] { i.Accept(); });
  for (auto& loop : i.loops)
    i.threads.emplace_back([&loop] {
      for (;;) {
        try {
          loop->run();
          return;
        } catch (const std::exception&) {
          // A handler threw past every catch: keep serving the other connections.
        }
      }
    });
}

void HttpServer::Stop() {
  auto& i = *impl_;
  if (i.stopping.exchange(true) && i.threads.empty()) return;
  asio::post(i.acceptor->get_executor(), [&i] {
    beast::error_code ec;
    i.acceptor->close(ec);
    i.accept_backoff->cancel();
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (i.in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (auto& loop : i.loops) loop->stop();
  for (auto& t : i.threads) t.join();
  i.threads.clear();
}

std::size_t HttpServer::OpenConnections() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->open;
}

}  // namespace finml::serve
