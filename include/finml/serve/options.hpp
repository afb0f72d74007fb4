// The settings of `finml serve`, free of the HTTP library, so the finml binary can declare its
// flags without loading the service (libfinml_serve.so) until it serves.
#pragma once

#include <cstddef>
#include <string>

namespace finml::serve {

struct ServeLimits {
  std::size_t max_batch = 1000;           // instances or applicants per request
  std::size_t max_window_rows = 10000;    // bars per forecasting instance
  std::size_t max_request_bars = 100000;  // bars over all instances of one request
  std::size_t replicas = 2;               // model copies predicting concurrently
};

struct ServeOptions {
  std::string models_dir;
  std::string host = "127.0.0.1";
  int port = 8080;          // 0: any free port (see Server::port)
  std::size_t threads = 8;  // serving requests; an open connection does not hold one
  // Deadlines: TLS handshake and headers together, then the whole body (and writing the answer).
  double header_timeout_seconds = 5;
  double body_timeout_seconds = 15;
  std::size_t max_connections = 1000;
  std::size_t max_connections_per_client = 256;  // by client address
  std::string api_keys_file;                     // empty: no authentication
  double rate_limit = 0;  // requests per second per key (or client address); 0: none
  double burst = 0;       // bucket size; 0: max(1, rate_limit)
  std::size_t max_body_bytes = 1 << 20;
  ServeLimits limits;
  std::string audit_log;        // JSON lines; empty: none
  bool audit_features = false;  // also log the request body
  std::string tls_cert, tls_key;
  double reload_interval_seconds = 2;  // 0: no polling (POST /v1/admin/reload still works)
  std::size_t drift_window = 1000;
  bool quiet = false;  // no log lines on stderr
};

}  // namespace finml::serve

// Entry point of the serve module (call it through FINML_MODULE_FUNCTION): serves until SIGINT or
// SIGTERM, reloads on SIGHUP; returns the exit code.
extern "C" int finml_serve_run(const finml::serve::ServeOptions& options, int torch_threads);
