// The HTTP/1.1 layer of `finml serve`: event-driven (Boost.Beast on Asio), so a connection costs
// a few kilobytes, not a thread, and slow or idle clients cannot starve the others. Every phase
// has a deadline (TLS handshake and headers together, the body, the answer), connections are
// capped per client address and in total, and a request's transport is judged from its headers
// before its body is read. It knows nothing of models: the service gives it handlers.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace finml::serve {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // as sent ("GET"; junk stays junk)
  std::string path;    // percent-decoded, without the query string
  std::string remote_addr;
  HttpHeaders headers;
  std::string body;
  // Header lookups ignore the case of the name.
  [[nodiscard]] std::string Header(std::string_view name) const;  // the first value, or ""
  [[nodiscard]] bool HasHeader(std::string_view name) const;
  [[nodiscard]] std::size_t HeaderCount(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  HttpHeaders headers;
  bool close = false;  // close the connection after this answer
  void SetHeader(std::string name, std::string value);
};

struct HttpLimits {
  std::size_t threads = 8;
  // From the connection (or the previous answer) to the last header line, TLS handshake included:
  // one deadline for the whole phase, so a header line a second does not keep it alive.
  double header_seconds = 5;
  double body_seconds = 15;  // for the whole body
  double write_seconds = 15;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_connections = 1000;
  std::size_t max_connections_per_client = 256;
};

struct HttpHandlers {
  // After the headers, before the body is read: false refuses the request with `res` (the body is
  // never read, the connection closes).
  std::function<bool(const HttpRequest&, HttpResponse&)> admit;
  // A complete request; runs on one of the server's threads.
  std::function<void(const HttpRequest&, HttpResponse&)> handle;
  // A request that could not be parsed (`status` 400 or 431); `method` may be empty or junk.
  std::function<void(int status, const std::string& reason, const std::string& method,
                     HttpResponse&)>
      malformed;
  // Connection-level events for the metrics: "refused:total", "refused:client", "timeout:header",
  // "timeout:body", "timeout:write".
  std::function<void(std::string_view event)> on_event;
};

class HttpServer {
 public:
  // TLS when both files are given; a certificate or key that cannot be used is an Error.
  HttpServer(HttpLimits limits, HttpHandlers handlers, const std::string& tls_cert = "",
             const std::string& tls_key = "");
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on host:port (0: any free port); returns the port. IoError when it cannot.
  int Bind(const std::string& host, int port);
  // Serves on `threads` background threads.
  void Start();
  // Stops accepting, lets requests being handled finish (up to 10 s), closes every connection and
  // joins the threads.
  void Stop();
  [[nodiscard]] std::size_t OpenConnections() const;

  struct Impl;  // public only for the implementation file's connection classes

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace finml::serve
