#include "finml/serve/server.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <thread>

#include "audit.hpp"
#include "auth.hpp"
#include "finml/core/build_info.hpp"
#include "finml/core/error.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/strings.hpp"
#include "http_server.hpp"
#include "request_error.hpp"

namespace finml::serve {

namespace {

using Clock = std::chrono::steady_clock;

// A request as routed: which handler, for which model, whether it needs a key.
struct Route {
  std::string name;   // metric label: predict, drift, model, models, reload, metrics, healthz, ...
  std::string model;  // for model routes
  std::vector<std::string> methods;
  bool open = false;  // no key needed
};

std::optional<Route> Match(const std::string& path) {
  if (path == "/healthz") return Route{"healthz", "", {"GET"}, true};
  if (path == "/readyz") return Route{"readyz", "", {"GET"}, false};
  if (path == "/metrics") return Route{"metrics", "", {"GET"}, false};
  if (path == "/v1/models") return Route{"models", "", {"GET"}, false};
  if (path == "/v1/admin/reload") return Route{"reload", "", {"POST"}, false};
  constexpr std::string_view prefix = "/v1/models/";
  if (!path.starts_with(prefix)) return std::nullopt;
  std::string_view rest = std::string_view(path).substr(prefix.size());
  std::string_view suffix;
  for (std::string_view s : {"/predict", "/drift"})
    if (rest.ends_with(s)) suffix = s, rest.remove_suffix(s.size());
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  if (suffix == "/predict") return Route{"predict", std::string(rest), {"POST"}, false};
  if (suffix == "/drift") return Route{"drift", std::string(rest), {"GET"}, false};
  return Route{"model", std::string(rest), {"GET"}, false};
}

// A Content-Length header's value; unparsable or absurd values count as too large.
std::size_t ContentLength(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || n > (std::numeric_limits<std::size_t>::max() - 9) / 10)
      return std::numeric_limits<std::size_t>::max();
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return text.empty() ? std::numeric_limits<std::size_t>::max() : n;
}

// A method as a metric label: a junk request line must not add a series (or invalid UTF-8).
std::string MethodLabel(const std::string& method) {
  for (const char* known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    if (method == known) return method;
  return "other";
}

void SendJson(HttpResponse& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  res.content_type = "application/json";
}

// The presented key: "Authorization: Bearer <key>" or "X-API-Key: <key>".
std::string PresentedKey(const HttpRequest& req) {
  const std::string auth = req.Header("Authorization");
  if (auth.size() > 7 && ToLower(auth.substr(0, 7)) == "bearer ") return auth.substr(7);
  return req.Header("X-API-Key");
}

}  // namespace

struct Server::Impl {
  ServeOptions options;
  MetricsRegistry metrics;
  std::optional<ApiKeys> keys;
  RateLimiter limiter;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<ModelStore> store;
  std::unique_ptr<HttpServer> http;
  int port = 0;
  std::atomic<std::uint64_t> request_ids{0};
  std::atomic<bool> stopping{false};

  explicit Impl(ServeOptions o)
      : options(std::move(o)),
        limiter(options.rate_limit,
                options.burst > 0 ? options.burst : std::max(1.0, options.rate_limit)) {
    FINML_REQUIRE(options.tls_cert.empty() == options.tls_key.empty(),
                  "TLS needs both --tls-cert and --tls-key");
    FINML_REQUIRE(options.header_timeout_seconds > 0 && options.body_timeout_seconds > 0,
                  "--header-timeout and --body-timeout must be above 0 seconds");
    if (!options.api_keys_file.empty()) keys = ApiKeys::Load(options.api_keys_file);
    audit = options.audit_log.empty() ? std::make_unique<AuditLog>()
                                      : std::make_unique<AuditLog>(options.audit_log);
    Describe();
    store = std::make_unique<ModelStore>(options.models_dir, options.limits, options.drift_window,
                                         metrics, [this](const std::string& line) { Log(line); });
    const auto first = store->Reload(true);
    FINML_REQUIRE(!store->Snapshot()->empty(),
                  "--models {}: no model could be loaded{} (fix: put one folder per saved model "
                  "there: runs/<id>/models/<name>/ or the output of `finml credit train`)",
                  options.models_dir,
                  first.failed.empty() ? ""
                                       : " (" + first.failed.begin()->first + ": " +
                                             first.failed.begin()->second + ")");
    Configure();
  }

  void Log(const std::string& line) const {
    if (!options.quiet) std::fprintf(stderr, "finml serve: %s\n", line.c_str());
  }

  void Describe() {
    metrics.Describe("finml_http_requests_total", "counter",
                     "HTTP requests by route, method and status.");
    metrics.Describe("finml_http_request_duration_seconds", "histogram",
                     "Time from the request being read to the answer being ready, by route.");
    metrics.Describe("finml_request_errors_total", "counter",
                     "Requests answered with an error, by kind.");
    metrics.Describe("finml_predictions_total", "counter",
                     "Predictions served (one per decision or applicant), by model and version.");
    metrics.Describe("finml_model_loads_total", "counter",
                     "Model (re)loads by outcome: loaded, updated, removed, failed.");
    metrics.Describe("finml_rate_limited_total", "counter",
                     "Requests refused by the rate limit, by key.");
    metrics.Describe("finml_http_connections_refused_total", "counter",
                     "Connections refused at the limit: total, client (per address) or stopping.");
    metrics.Describe("finml_http_timeouts_total", "counter",
                     "Connections closed at a deadline, by phase: header, body, write.");
  }

  void Configure() {
    HttpLimits limits;
    limits.threads = std::max<std::size_t>(options.threads, 1);
    limits.header_seconds = options.header_timeout_seconds;
    limits.body_seconds = options.body_timeout_seconds;
    limits.write_seconds = options.body_timeout_seconds;
    limits.max_body_bytes = options.max_body_bytes;
    limits.max_connections = options.max_connections;
    limits.max_connections_per_client = options.max_connections_per_client;
    HttpHandlers handlers;
    handlers.admit = [this](const HttpRequest& req, HttpResponse& res) {
      return CheckTransport(req, res);
    };
    handlers.handle = [this](const HttpRequest& req, HttpResponse& res) {
      try {
        Handle(req, res);
      } catch (const std::exception&) {
        SendJson(res, 500, ErrorBody("internal", "internal error"));
        metrics.Count("finml_request_errors_total", {{"kind", "internal"}});
      }
    };
    // Requests that could not be parsed get a JSON body and are counted like the others.
    handlers.malformed = [this](int status, const std::string& reason, const std::string& method,
                                HttpResponse& res) {
      // Conflicting lengths or encodings are how requests are smuggled: named as such.
      const std::string lower = ToLower(reason);
      const bool framing = lower.find("content-length") != std::string::npos ||
                           lower.find("transfer-encoding") != std::string::npos;
      const std::string kind = status == 431   ? "headers_too_large"
                               : status == 413 ? "body_too_large"
                               : framing       ? "bad_request"
                                               : "malformed_http";
      const std::string message =
          status == 431   ? "the request's headers are over the limit"
          : status == 413 ? fmt::format("the body is over the limit of {} bytes (--max-body)",
                                        options.max_body_bytes)
                          : fmt::format("not a valid HTTP/1.1 request: {}", reason);
      SendJson(res, status, ErrorBody(kind, message));
      metrics.Count("finml_request_errors_total", {{"kind", kind}});
      metrics.Count("finml_http_requests_total", {{"route", "unrouted"},
                                                  {"method", MethodLabel(method)},
                                                  {"code", std::to_string(status)}});
    };
    handlers.on_event = [this](std::string_view event) {
      const auto colon = event.find(':');
      const std::string what(event.substr(0, colon)), detail(event.substr(colon + 1));
      if (what == "refused")
        metrics.Count("finml_http_connections_refused_total", {{"reason", detail}});
      else
        metrics.Count("finml_http_timeouts_total", {{"phase", detail}});
    };
    http = std::make_unique<HttpServer>(limits, std::move(handlers), options.tls_cert,
                                        options.tls_key);
  }

  // False (with the answer written) when the body cannot be read safely.
  bool CheckTransport(const HttpRequest& req, HttpResponse& res) {
    std::optional<RequestError> refusal;
    const bool has_body_method = req.method == "POST" || req.method == "PUT" ||
                                 req.method == "PATCH" || req.method == "DELETE";
    const std::string encoding = ToLower(req.Header("Content-Encoding"));
    const std::string type = ToLower(req.Header("Content-Type"));
    const std::string length = req.Header("Content-Length");
    if (req.HasHeader("Transfer-Encoding")) {
      refusal.emplace(411, "length_required",
                      "chunked bodies are not accepted: send Content-Length");
    } else if (!encoding.empty() && encoding != "identity") {
      refusal.emplace(415, "unsupported_media_type",
                      fmt::format("Content-Encoding '{}': send the JSON uncompressed", encoding));
    } else if (has_body_method && !req.HasHeader("Content-Length")) {
      refusal.emplace(411, "length_required", "a request body needs a Content-Length header");
    } else if (req.HeaderCount("Content-Length") > 1 ||
               length.find_first_not_of("0123456789") != std::string::npos) {
      // Two lengths disagreeing is how requests are smuggled past a proxy: refuse any repeat, and
      // lists ("5, 5") too.
      refusal.emplace(400, "bad_request",
                      "more than one Content-Length, or one that is not a number");
    } else if (req.HasHeader("Content-Length") && ContentLength(length) > options.max_body_bytes) {
      // Refused before reading a byte of it.
      refusal.emplace(413, "body_too_large",
                      fmt::format("the body is over the limit of {} bytes (--max-body)",
                                  options.max_body_bytes));
    } else if (type.starts_with("multipart/")) {
      refusal.emplace(415, "unsupported_media_type", "send application/json, not a multipart form");
    }
    if (!refusal) return true;
    res.close = true;  // the unread body must not be taken for a request
    SendJson(res, refusal->status(), ErrorBody(refusal->kind(), refusal->what()));
    const auto route = Match(req.path);
    metrics.Count("finml_request_errors_total", {{"kind", refusal->kind()}});
    metrics.Count("finml_http_requests_total", {{"route", route ? route->name : "unrouted"},
                                                {"method", MethodLabel(req.method)},
                                                {"code", std::to_string(refusal->status())}});
    return false;
  }

  void Handle(const HttpRequest& req, HttpResponse& res) {
    const auto start = Clock::now();
    const std::uint64_t id = ++request_ids;
    res.SetHeader("X-Request-Id", std::to_string(id));
    std::optional<Route> route = Match(req.path);
    std::string key_id = "-", error_kind, model_version;
    std::shared_ptr<const LoadedModel> model;
    std::size_t predictions = 0;
    try {
      if (!route)
        throw RequestError(404, "not_found",
                           fmt::format("no route {} (see GET /v1/models)", req.path));
      const bool head = req.method == "HEAD" && route->methods.front() == "GET";
      if (!head && std::find(route->methods.begin(), route->methods.end(), req.method) ==
                       route->methods.end()) {
        res.SetHeader("Allow", JoinStrings(route->methods, ", "));
        throw RequestError(
            405, "method_not_allowed",
            fmt::format("{} {}: use {}", req.method, req.path, JoinStrings(route->methods, ", ")));
      }
      if (!route->open && keys) {
        const auto who = keys->Authenticate(PresentedKey(req));
        if (!who) {
          // Guessing keys costs tokens too, from the caller's address.
          if (limiter.enabled() && !limiter.Take("unauthenticated:" + req.remote_addr).allowed) {
            res.SetHeader("Retry-After", "1");
            metrics.Count("finml_rate_limited_total", {{"key", "-"}});
            throw RequestError(429, "rate_limited", "too many requests without a valid API key");
          }
          res.SetHeader("WWW-Authenticate", "Bearer");
          throw RequestError(401, "unauthorized",
                             "a valid API key is needed (header 'Authorization: Bearer <key>' or "
                             "'X-API-Key: <key>')");
        }
        key_id = who->id;
        if (route->name == "reload" && !who->admin)
          throw RequestError(403, "forbidden",
                             fmt::format("key '{}' may not reload models (mark an admin key with "
                                         "'admin' after its secret in the key file)",
                                         key_id));
      }
      if (!route->open && limiter.enabled()) {
        const std::string client = keys ? "key:" + key_id : "addr:" + req.remote_addr;
        const RateDecision d = limiter.Take(client);
        if (!d.allowed) {
          const auto wait = static_cast<long>(std::ceil(d.retry_after_seconds));
          res.SetHeader("Retry-After", std::to_string(std::max(1L, wait)));
          metrics.Count("finml_rate_limited_total", {{"key", keys ? key_id : "anonymous"}});
          throw RequestError(
              429, "rate_limited",
              fmt::format("rate limit of {} requests/s (burst {}) reached; retry in "
                          "{:.2f} s",
                          options.rate_limit,
                          options.burst > 0 ? options.burst : std::max(1.0, options.rate_limit),
                          d.retry_after_seconds));
        }
      }
      Dispatch(*route, req, res, model, predictions);
    } catch (const RequestError& e) {
      error_kind = e.kind();
      SendJson(res, e.status(), ErrorBody(e.kind(), e.what(), e.field()));
    } catch (const Error& e) {
      // finml's own input errors raised past the request validation still name the problem.
      error_kind = e.kind() == ErrorKind::kInternal ? "internal" : "invalid_value";
      SendJson(res, e.kind() == ErrorKind::kInternal ? 500 : 422, ErrorBody(error_kind, e.what()));
    } catch (const std::exception& e) {
      error_kind = "internal";
      Log(fmt::format("request {} {} {}: internal error: {}", id, req.method, req.path, e.what()));
      SendJson(res, 500, ErrorBody("internal", "internal error; the server log has the details"));
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const std::string route_name = route ? route->name : "unrouted";
    metrics.Count("finml_http_requests_total", {{"route", route_name},
                                                {"method", MethodLabel(req.method)},
                                                {"code", std::to_string(res.status)}});
    metrics.Observe("finml_http_request_duration_seconds", {{"route", route_name}}, seconds);
    if (!error_kind.empty()) metrics.Count("finml_request_errors_total", {{"kind", error_kind}});
    if (route && route->name == "predict") {
      if (model && predictions > 0)
        metrics.Count("finml_predictions_total",
                      {{"model", route->model}, {"version", model->servable->Version()}},
                      static_cast<double>(predictions));
      if (audit->enabled()) {
        nlohmann::json entry = {
            {"time", UtcTimestampMillis()},
            {"request_id", id},
            {"key_id", key_id},
            {"client", req.remote_addr},
            {"model", route->model},
            {"version", model ? nlohmann::json(model->servable->Version()) : nlohmann::json()},
            {"latency_ms", seconds * 1000},
            {"status", res.status},
            {"outcome", error_kind.empty() ? "ok" : error_kind},
            {"predictions", predictions}};
        if (options.audit_features) entry["request"] = req.body;
        audit->Write(entry);
      }
    }
  }

  std::shared_ptr<const LoadedModel> FindModel(const std::string& name) const {
    const auto snapshot = store->Snapshot();
    auto it = snapshot->find(name);
    if (it != snapshot->end()) return it->second;
    std::vector<std::string> names;
    for (const auto& [n, m] : *snapshot) names.push_back(n);
    throw RequestError(
        404, "unknown_model",
        fmt::format(
            "no model '{}'{} (served: {})", name,
            names.empty() ? "" : fmt::format(" (did you mean '{}'?)", ClosestMatch(name, names)),
            JoinStrings(names, ", ")));
  }

  static nlohmann::json ModelJson(const LoadedModel& m) {
    nlohmann::json info = m.servable->Info();
    info["loaded_at"] = m.loaded_at;
    info["dir"] = m.dir;
    return info;
  }

  void Dispatch(const Route& route, const HttpRequest& req, HttpResponse& res,
                std::shared_ptr<const LoadedModel>& model, std::size_t& predictions) {
    if (route.name == "healthz") return SendJson(res, 200, {{"status", "ok"}});
    if (route.name == "readyz") {
      const auto n = store->Snapshot()->size();
      const bool ready = n > 0 && !stopping;
      return SendJson(res, ready ? 200 : 503, {{"ready", ready}, {"models", n}});
    }
    if (route.name == "metrics") {
      res.status = 200;
      res.body = RenderMetrics();
      res.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return;
    }
    if (route.name == "models") {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& [name, m] : *store->Snapshot()) list.push_back(ModelJson(*m));
      return SendJson(res, 200, {{"models", list}, {"finml_version", std::string(Version())}});
    }
    if (route.name == "reload") return SendJson(res, 200, store->Reload(true).ToJson());
    model = FindModel(route.model);
    if (route.name == "model") return SendJson(res, 200, ModelJson(*model));
    if (route.name == "drift") {
      nlohmann::json report = model->drift->Report();
      report["model"] = route.model;
      report["version"] = model->servable->Version();
      return SendJson(res, 200, report);
    }
    // predict
    const std::string type = req.Header("Content-Type");
    if (!type.empty() && !ToLower(type).starts_with("application/json"))
      throw RequestError(415, "unsupported_media_type",
                         fmt::format("Content-Type '{}': send JSON with the header 'Content-Type: "
                                     "application/json' (curl: -H 'Content-Type: "
                                     "application/json'; -d alone sends a form)",
                                     type));
    nlohmann::json body;
    try {
      body = ParseJsonOnceKeyed(req.body);
    } catch (const nlohmann::json::exception& e) {
      throw RequestError(400, "malformed_json", fmt::format("the body is not JSON: {}", e.what()));
    } catch (const InvalidInput& e) {
      throw RequestError(400, "repeated_key",
                         fmt::format("{} (fix: send each key once)", e.what()));
    }
    Observation observed;
    nlohmann::json out = model->servable->Predict(body, observed);
    predictions = observed.predictions.size();
    try {
      model->drift->Record(observed);
    } catch (const std::exception& e) {  // monitoring must never fail a prediction
      Log(fmt::format("drift recording for '{}' failed: {}", route.model, e.what()));
    }
    SendJson(res, 200, out);
  }

  std::string RenderMetrics() const {
    const auto snapshot = store->Snapshot();
    std::string out = metrics.Render();
    out += "# HELP finml_models_loaded Models being served.\n# TYPE finml_models_loaded gauge\n";
    out += fmt::format("finml_models_loaded {}\n", snapshot->size());
    out +=
        "# HELP finml_http_connections_open Client connections open now.\n# TYPE "
        "finml_http_connections_open gauge\n";
    out += fmt::format("finml_http_connections_open {}\n", http->OpenConnections());
    out +=
        "# HELP finml_model_info The version of every served model.\n# TYPE finml_model_info "
        "gauge\n";
    for (const auto& [name, m] : *snapshot)
      out += fmt::format("finml_model_info{} 1\n",
                         FormatLabels({{"model", name},
                                       {"kind", m->servable->Kind()},
                                       {"version", m->servable->Version()}}));
    std::string psi, ks, pred_psi, pred_ks, counts;
    for (const auto& [name, m] : *snapshot) {
      nlohmann::json r;
      try {
        r = m->drift->Report();
      } catch (const std::exception&) {
        continue;
      }
      if (!r.value("available", false) || !r.contains("prediction")) continue;
      for (const auto& [feature, s] : r.at("features").items()) {
        if (!s.at("psi").is_null())
          psi += fmt::format("finml_feature_drift_psi{} {}\n",
                             FormatLabels({{"model", name}, {"feature", feature}}),
                             s.at("psi").get<double>());
        if (!s.at("ks").is_null())
          ks += fmt::format("finml_feature_drift_ks{} {}\n",
                            FormatLabels({{"model", name}, {"feature", feature}}),
                            s.at("ks").get<double>());
      }
      const auto& p = r.at("prediction");
      counts += fmt::format("finml_drift_window_observations{} {}\n",
                            FormatLabels({{"model", name}}), p.at("count").get<std::size_t>());
      if (!p.at("psi").is_null())
        pred_psi += fmt::format("finml_prediction_drift_psi{} {}\n",
                                FormatLabels({{"model", name}}), p.at("psi").get<double>());
      if (!p.at("ks").is_null())
        pred_ks += fmt::format("finml_prediction_drift_ks{} {}\n", FormatLabels({{"model", name}}),
                               p.at("ks").get<double>());
    }
    auto family = [&](const char* name, const char* help, const std::string& body) {
      if (body.empty()) return;
      out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{}", name, help, name, body);
    };
    family("finml_feature_drift_psi",
           "Population stability index of each input over the drift window against training.", psi);
    family(
        "finml_feature_drift_ks",
        "Kolmogorov-Smirnov distance of each numeric input over the drift window against training.",
        ks);
    family("finml_prediction_drift_psi",
           "Population stability index of the predictions over the drift window against the "
           "held-out reference.",
           pred_psi);
    family("finml_prediction_drift_ks",
           "Kolmogorov-Smirnov distance of the predictions over the drift window against the "
           "held-out reference.",
           pred_ks);
    family("finml_drift_window_observations", "Predictions in the drift window.", counts);
    return out;
  }
};

Server::Server(ServeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { Stop(); }

int Server::Start() {
  auto& i = *impl_;
  i.port = i.http->Bind(i.options.host, i.options.port);
  i.http->Start();
  if (i.options.reload_interval_seconds > 0)
    i.store->StartWatching(std::chrono::milliseconds(  // at least 50 ms: no busy loop
        std::max<std::int64_t>(50, std::llround(i.options.reload_interval_seconds * 1000))));
  const auto snapshot = i.store->Snapshot();
  std::vector<std::string> names;
  for (const auto& [name, m] : *snapshot) names.push_back(name + " (" + m->servable->Kind() + ")");
  i.Log(fmt::format("listening on {}://{}:{} with {} threads; {} model(s): {}{}",
                    i.options.tls_cert.empty() ? "http" : "https", i.options.host, i.port,
                    i.options.threads, names.size(), JoinStrings(names, ", "),
                    i.keys ? fmt::format("; {} API key(s)", i.keys->size()) : "; no API keys"));
  return i.port;
}

void Server::Stop() {
  auto& i = *impl_;
  i.stopping = true;
  i.store->StopWatching();
  if (i.http) i.http->Stop();
}

int Server::port() const { return impl_->port; }
ModelStore& Server::models() { return *impl_->store; }
void Server::ReopenAuditLog() { impl_->audit->Reopen(); }
MetricsRegistry& Server::metrics() { return impl_->metrics; }

}  // namespace finml::serve
