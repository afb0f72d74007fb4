#include "commands.hpp"
#include "finml/core/modules.hpp"
#include "finml/serve/options.hpp"

namespace finml::cli {

void SetupServe(CLI::App& app, ServeCommandOptions& command) {
  serve::ServeOptions& o = command.server;
  app.add_option("--models", o.models_dir,
                 "directory with one folder per saved model (served under the folder's name)")
      ->required();
  app.add_option("--host", o.host, "address to listen on")->capture_default_str();
  app.add_option("--port", o.port, "port (0: any free one, printed at start)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--threads", o.threads,
                 "threads handling requests (open connections do not hold one)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--header-timeout", o.header_timeout_seconds,
                 "seconds a client has from connecting (or its previous answer) to its last header "
                 "line")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  app.add_option("--body-timeout", o.body_timeout_seconds,
                 "seconds a client has to send a whole body (and to read a whole answer)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  app.add_option("--max-connections", o.max_connections, "open connections at most, in all")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  app.add_option("--max-connections-per-client", o.max_connections_per_client,
                 "open connections at most from one client address")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  app.add_option("--replicas", o.limits.replicas, "copies of each model predicting concurrently")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--torch-threads", command.torch_threads, "LibTorch threads per prediction")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--api-keys", o.api_keys_file,
                 "file of API keys, one '<key-id> <secret>' per line; without it no key is asked")
      ->check(CLI::ExistingFile);
  app.add_option("--rate-limit", o.rate_limit, "requests per second per API key (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--burst", o.burst, "token-bucket size (default: max(1, rate))")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-body", o.max_body_bytes, "largest request body in bytes (413 above)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 30));
  app.add_option("--max-batch", o.limits.max_batch, "most instances or applicants per request")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  app.add_option("--max-bars", o.limits.max_window_rows, "most bars per forecasting instance")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000000}));
  app.add_option("--audit-log", o.audit_log, "append one JSON line per prediction request here");
  app.add_flag("--audit-features", o.audit_features,
               "also write each request's body (the raw features) to the audit log");
  app.add_option("--tls-cert", o.tls_cert, "PEM certificate: serve HTTPS")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  app.add_option("--reload-interval", o.reload_interval_seconds,
                 "seconds between scans of --models for new versions (0: only on SIGHUP or POST "
                 "/v1/admin/reload)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--drift-window", o.drift_window, "recent predictions the drift statistics cover")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{10}, std::size_t{10000000}));
}

int RunServe(const ServeCommandOptions& o) {
  return FINML_MODULE_FUNCTION(Module::kServe, finml_serve_run)(o.server, o.torch_threads);
}

}  // namespace finml::cli
