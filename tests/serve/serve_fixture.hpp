// Saved models for the server tests, trained once per test binary build and shared by every test
// process (ctest runs each test in its own process, two at a time), plus an in-process server on
// a free loopback port and a small HTTP client.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "finml/core/build_info.hpp"
#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"
#include "finml/credit/outputs.hpp"
#include "finml/credit/pipeline.hpp"
#include "finml/run/runner.hpp"
#include "finml/serve/server.hpp"
#include "test_util.hpp"

namespace finml::serve::testing {

namespace fs = std::filesystem;

struct TrainedModels {
  std::string root;
  // Forecasters on the DJIA (close only): AR(3) and a small LSTM; a second AR (p = 5) as a new
  // version; an AR on MSFT bars (needs high and low).
  std::string ar, lstm, ar_v2, ohlcv;
  // `finml credit train` outputs on German credit: logistic (WoE) and gradient-boosted trees.
  std::string credit_logistic, credit_gbdt;
  // Logistic on a synthetic table with a categorical column ("region": north, south, east).
  std::string credit_categorical;
};

// 600 applicants: default risk falls with income and is higher in the south.
inline std::string CategoricalCreditCsv() {
  // `sex` is the protected attribute the model is audited on (never an input).
  std::string csv = "income,region,sex,default\n";
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  const char* regions[] = {"north", "south", "east"};
  for (int i = 0; i < 600; ++i) {
    const double income = 20 + 80 * u(rng);
    const int region = static_cast<int>(u(rng) * 3);
    const double logit = 1.5 - income / 30 + (region == 1 ? 1.0 : 0.0);
    const bool bad = u(rng) < 1 / (1 + std::exp(-logit));
    csv += fmt::format("{:.2f},{},{},{}\n", income, regions[region], i % 2 ? "f" : "m",
                       bad ? "bad" : "good");
  }
  return csv;
}

inline void TrainForecasters(const std::string& yaml, const std::string& out) {
  run::ExperimentConfig config =
      run::ParseExperiment(yaml, finml::testing::RepoPath("examples/x.yaml"));
  run::RunOptions options;
  options.out_dir = out;
  (void)run::RunExperiment(config, options);
}

inline void TrainCredit(const std::string& model, const std::string& out,
                        std::string data = finml::testing::RepoPath("data/german_credit.csv"),
                        const std::string& target = "Class",
                        const std::string& protected_column = "") {
  nlohmann::json settings = {{"data", data}, {"model", model}, {"folds", 3}, {"target", target}};
  if (!protected_column.empty()) settings["protected"] = protected_column;
  credit::CreditConfig config = credit::ParseCreditConfig(settings, "test");
  const credit::Table table = credit::LoadTable(data);
  const credit::CreditRun run = credit::RunCredit(table, config);
  credit::CreditInputs inputs;
  inputs.provenance.command = "test";
  inputs.provenance.Input(data);
  (void)credit::WriteCreditRun(run, table, out, inputs);
}

inline const TrainedModels& Models() {
  static const TrainedModels models = [] {
    // Keyed by the test binary, so a rebuilt finml never reuses models an older one saved.
    const std::string exe = fs::read_symlink("/proc/self/exe").string();
    const std::string key =
        Sha256Hex(fmt::format("{}|{}|{}", exe, fs::file_size(exe),
                              fs::last_write_time(exe).time_since_epoch().count()))
            .substr(0, 16);
    const fs::path root = fs::temp_directory_path() / ("finml_serve_models_" + key);
    TrainedModels m;
    m.root = root.string();
    m.ar = m.root + "/djia/models/ar";
    m.lstm = m.root + "/djia/models/lstm";
    m.ar_v2 = m.root + "/djia_v2/models/ar";
    m.ohlcv = m.root + "/msft/models/ar";
    m.credit_logistic = m.root + "/credit_logistic";
    m.credit_gbdt = m.root + "/credit_gbdt";
    m.credit_categorical = m.root + "/credit_categorical";
    if (fs::exists(root / "READY")) return m;
    // Two test processes start at once: the second waits for the first's models.
    const std::string lock_path = root.string() + ".lock";
    const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR, 0644);
    ::flock(lock, LOCK_EX);
    struct Unlock {
      int fd;
      ~Unlock() {
        ::flock(fd, LOCK_UN);
        ::close(fd);
      }
    } unlock{lock};
    if (fs::exists(root / "READY")) return m;
    // Another test process may be training too: build aside, then rename into place.
    const fs::path staging =
        fs::temp_directory_path() / fmt::format("finml_serve_staging_{}_{}", key, ::getpid());
    fs::remove_all(staging);
    fs::create_directories(staging);
    TrainForecasters(R"(
data: {path: data/aer_djia8012.csv}
window: {lookback: 10}
models:
  - type: ar
    params: {p: 3}
  - type: lstm
    params: {epochs: 2, hidden: 8}
)",
                     (staging / "djia").string());
    TrainForecasters(R"(
data: {path: data/aer_djia8012.csv}
window: {lookback: 10}
models:
  - type: ar
    params: {p: 5}
)",
                     (staging / "djia_v2").string());
    TrainForecasters(R"(
data: {path: data/msft_ohlcv.csv}
split: {train: 0.6, validation: 0.2}
models:
  - type: ar
    params: {p: 2}
)",
                     (staging / "msft").string());
    TrainCredit("logistic", (staging / "credit_logistic").string());
    TrainCredit("gbdt", (staging / "credit_gbdt").string());
    WriteFileAtomic((staging / "regions.csv").string(), CategoricalCreditCsv());
    TrainCredit("logistic", (staging / "credit_categorical").string(),
                (staging / "regions.csv").string(), "default", "sex");
    WriteFileAtomic((staging / "READY").string(), "ok\n");
    std::error_code ec;
    fs::rename(staging, root, ec);
    if (ec) fs::remove_all(staging);  // the other process won; its models are the same
    return m;
  }();
  return models;
}

// A models directory of symlinks: name -> saved model directory.
inline std::string ModelsDir(const std::string& test,
                             const std::map<std::string, std::string>& links) {
  const std::string dir = finml::testing::TempDir("serve_" + test);
  for (const auto& [name, target] : links)
    fs::create_directory_symlink(target, fs::path(dir) / name);
  return dir;
}

// Options for a test server over `models_dir`: no polling (reloads only when a test asks), quiet.
inline ServeOptions TestOptions(const std::string& models_dir) {
  ServeOptions o;
  o.models_dir = models_dir;
  o.reload_interval_seconds = 0;
  o.quiet = true;
  return o;
}

struct Reply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  [[nodiscard]] nlohmann::json Json() const { return nlohmann::json::parse(body); }
  [[nodiscard]] std::string ErrorKind() const {
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("kind", "") : "";
  }
};

class Running {
 public:
  explicit Running(ServeOptions options) {
    options.port = 0;
    options.quiet = true;
    server_ = std::make_unique<Server>(std::move(options));
    port_ = server_->Start();
  }
  [[nodiscard]] int port() const { return port_; }
  Server& server() { return *server_; }

  Reply Request(const std::string& method, const std::string& path, const std::string& body = "",
                httplib::Headers headers = {}, const std::string& type = "application/json") const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30);
    httplib::Result r = method == "GET"    ? client.Get(path, headers)
                        : method == "POST" ? client.Post(path, headers, body, type)
                        : method == "PUT"  ? client.Put(path, headers, body, type)
                                           : client.Delete(path, headers, body, type);
    Reply reply;
    if (!r) return reply;  // status 0: no answer at all
    reply.status = r->status;
    reply.body = r->body;
    reply.headers = r->headers;
    return reply;
  }
  Reply Get(const std::string& path, httplib::Headers headers = {}) const {
    return Request("GET", path, "", std::move(headers));
  }
  Reply Post(const std::string& path, const nlohmann::json& body,
             httplib::Headers headers = {}) const {
    return Request("POST", path, body.dump(), std::move(headers));
  }

 private:
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

// Sends raw bytes on a fresh connection and returns everything the server writes back until it
// closes or 5 s pass: for requests an HTTP client library would refuse to build.
// A TCP connection to the test server on loopback; -1 when it cannot connect.
inline int ConnectLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline std::string RawExchange(int port, const std::string& bytes) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return "";
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
    reply.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return reply;
}

// The status code of a raw HTTP reply (0 when there is none).
inline int RawStatus(const std::string& reply) {
  if (reply.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(reply.substr(9, 3));
}

// The last `n` rows of a CSV (header kept), for windows of recent bars.
inline std::string TailCsv(const std::string& path, std::size_t n) {
  std::istringstream in(ReadFile(path));
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> rows;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(line);
  std::string out = header + "\n";
  for (std::size_t i = rows.size() - std::min(n, rows.size()); i < rows.size(); ++i)
    out += rows[i] + "\n";
  return out;
}

}  // namespace finml::serve::testing
