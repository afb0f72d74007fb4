// `finml serve`: the HTTP/JSON model service. Routes:
//   GET  /healthz                      liveness, no key needed
//   GET  /readyz                       200 once at least one model is loaded, else 503
//   GET  /metrics                      Prometheus text: requests, latency, errors, predictions,
//                                      model loads and drift
//   GET  /v1/models                    every model: name, kind, version, training data, metrics
//   GET  /v1/models/<name>             one model, with the request schema
//   POST /v1/models/<name>/predict     predictions (forecast_servable.hpp, credit_servable.hpp)
//   GET  /v1/models/<name>/drift       rolling input and prediction drift against training
//   POST /v1/admin/reload              rescan the models directory now (admin keys only)
// Every error is a JSON body {"error": {"kind", "message", "field"}} with a 4xx/5xx status.
#pragma once

#include <memory>
#include <string>

#include "finml/serve/metrics.hpp"
#include "finml/serve/model_store.hpp"
#include "finml/serve/options.hpp"
#include "finml/serve/servable.hpp"

namespace finml::serve {

class Server {
 public:
  explicit Server(ServeOptions options);  // loads the models and the keys; errors throw
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and serves in a background thread; returns the port.
  int Start();
  // Stops accepting, lets requests in flight finish, and joins the threads.
  void Stop();
  [[nodiscard]] int port() const;
  [[nodiscard]] ModelStore& models();
  // Reopens the audit log file (after logrotate moved it away).
  void ReopenAuditLog();
  [[nodiscard]] MetricsRegistry& metrics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace finml::serve
