// finml's LSTM and GRU forecasters timed through their public API (MakeForecaster, Fit, Predict),
// the way an application would call them. bench/peer_torch.py builds the identical network in
// PyTorch and reads the same windows and the same deep_config.json.
#include "bench_deep.hpp"

#include <ATen/record_function.h>
#include <fmt/format.h>
#include <torch/csrc/api/include/torch/version.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "finml/models/forecaster.hpp"
#include "finml/train/samples.hpp"

namespace finml_bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kConfigFile = "deep_config.json";

// Both sides read every setting from here (bench/peer_torch.py too); nothing is repeated there.
// The large case trains on 1,600 windows (2 batches of 800) rather than a realistic 16k: through
// Debian's reference BLAS one optimizer step of torch's LSTM takes seconds, so 16k windows for
// several epochs would take minutes per side. The rate is per optimizer step either way.
nlohmann::json DeepConfig() {
  nlohmann::json common = {{"lr", 1e-3}, {"clip", 0.0}, {"seed", 42}, {"latency_warmup", 20}};
  nlohmann::json a = common, b = common;
  a.update({{"name", "lstm_default"},
            {"architecture", "lstm"},
            {"label", "default LSTM: window 5, 1 feature, 2x50, batch 32"},
            {"window", 5},
            {"features", 1},
            {"hidden", 50},
            {"layers", 2},
            {"batch", 32},
            {"windows", 20000},
            {"epochs", 2},
            {"latency_calls", 2000}});
  b.update({{"name", "lstm_large"},
            {"architecture", "lstm"},
            {"label", "large LSTM: window 60, 6 features, 2x64, batch 800"},
            {"window", 60},
            {"features", 6},
            {"hidden", 64},
            {"layers", 2},
            {"batch", 800},
            {"windows", 1600},
            {"epochs", 2},
            {"latency_calls", 300}});
  // The same two shapes for the GRU (issue 22: a fused GRU, held to the same targets).
  nlohmann::json c = a, d = b;
  c.update({{"name", "gru_default"},
            {"architecture", "gru"},
            {"label", "default GRU: window 5, 1 feature, 2x50, batch 32"}});
  d.update({{"name", "gru_large"},
            {"architecture", "gru"},
            {"label", "large GRU: window 60, 6 features, 2x64, batch 800"}});
  return {{"cases", {a, b, c, d}},
          // The profiled run: one Fit of the large case over its first `windows` windows.
          {"profile", {{"case", "lstm_large"}, {"windows", 1600}, {"epochs", 1}}}};
}

// splitmix64, as in bench_inputs.cpp: the same bytes on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  double Noise() {
    double s = 0;
    for (int i = 0; i < 4; ++i) s += static_cast<double>(Next() >> 11) * 0x1.0p-53;
    return (s - 2.0) * 1.7320508075688772;
  }

 private:
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

std::string XFile(const nlohmann::json& c) {
  return "deep_" + c["name"].get<std::string>() + "_x.f64";
}
std::string YFile(const nlohmann::json& c) {
  return "deep_" + c["name"].get<std::string>() + "_y.f64";
}

void WriteDoubles(const fs::path& path, const std::vector<double>& v) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 8));
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::vector<double> ReadDoubles(const fs::path& path, std::size_t count) {
  std::vector<double> v(count);
  std::ifstream f(path, std::ios::binary);
  f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(count * 8));
  if (!f || f.peek() != EOF) throw std::runtime_error(path.string() + ": unexpected size");
  return v;
}

nlohmann::json ReadConfig(const fs::path& dir) {
  std::ifstream f(dir / kConfigFile);
  if (!f) throw std::runtime_error("no " + (dir / kConfigFile).string() + "; run --deep_generate");
  return nlohmann::json::parse(f);
}

const nlohmann::json& FindCase(const nlohmann::json& config, const std::string& name) {
  for (const auto& c : config["cases"])
    if (c["name"] == name) return c;
  throw std::runtime_error("no deep case " + name);
}

// The first `n` windows of a case as the SampleSet finml's models take.
finml::train::SampleSet LoadSamples(const fs::path& dir, const nlohmann::json& c, std::size_t n) {
  const auto total = c["windows"].get<std::size_t>(), w = c["window"].get<std::size_t>(),
             f = c["features"].get<std::size_t>();
  std::vector<double> x = ReadDoubles(dir / XFile(c), total * w * f);
  std::vector<double> y = ReadDoubles(dir / YFile(c), total);
  finml::train::SampleSet s;
  s.lookback = w;
  for (std::size_t j = 0; j < f; ++j) s.feature_names.push_back("f" + std::to_string(j));
  s.symbols = {"sim"};
  s.x.assign(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n * w * f));
  s.y.assign(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
  s.no_change.assign(n, 0.0);
  s.asset.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    s.decision_row.push_back(i + w - 1);
    s.target_row.push_back(i + w);
  }
  return s;
}

// The validation set of every timed Fit: same shape, no samples, so no early stopping and no
// validation pass.
finml::train::SampleSet NoSamples(const finml::train::SampleSet& like) {
  finml::train::SampleSet s;
  s.lookback = like.lookback;
  s.feature_names = like.feature_names;
  s.symbols = like.symbols;
  return s;
}

// `implementation`: "fused" (finml's default on the CPU: its own kernel on the system BLAS, one
// autograd node per layer) or "torch" (torch::nn::LSTM / GRU, the very kernels the peer runs).
std::unique_ptr<finml::models::Forecaster> MakeModel(const nlohmann::json& c, std::int64_t epochs,
                                                     const std::string& implementation) {
  return finml::models::MakeForecaster(c["architecture"].get<std::string>(),
                                       nlohmann::json{{"lookback", c["window"]},
                                                      {"hidden", c["hidden"]},
                                                      {"layers", c["layers"]},
                                                      {"batch", c["batch"]},
                                                      {"epochs", epochs},
                                                      {"lr", c["lr"]},
                                                      {"clip", c["clip"]},
                                                      {"implementation", implementation}});
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// `perf record --control fifo:CTL,ACK -D -1` starts with sampling off; FINML_BENCH_PERF_CTL=CTL,ACK
// lets the step switch it on for the Fit alone, so process start and input reading stay out.
class PerfControl {
 public:
  PerfControl() {
    const char* env = std::getenv("FINML_BENCH_PERF_CTL");
    if (env == nullptr || *env == '\0') return;
    std::string spec = env;
    auto comma = spec.find(',');
    if (comma == std::string::npos) throw std::runtime_error("FINML_BENCH_PERF_CTL: want CTL,ACK");
    ctl_ = spec.substr(0, comma);
    ack_ = spec.substr(comma + 1);
  }
  void Send(const char* command) const {
    if (ctl_.empty()) return;
    std::ofstream(ctl_) << command << "\n" << std::flush;
    std::string reply;
    std::ifstream ack(ack_);
    std::getline(ack, reply);
  }

 private:
  std::string ctl_, ack_;
};

}  // namespace

void WriteDeepInputs(const fs::path& dir) {
  fs::create_directories(dir);
  const nlohmann::json config = DeepConfig();
  for (const auto& c : config["cases"]) {
    const auto n = c["windows"].get<std::size_t>(), w = c["window"].get<std::size_t>(),
               f = c["features"].get<std::size_t>();
    // Feature 0 is an AR(1) series, the others noisy copies of it; the target is feature 0's
    // next value. Windows overlap like the ones BuildSamples makes from one series.
    Rng rng(7 + f);
    std::vector<double> series((n + w) * f);
    double level = 0;
    for (std::size_t t = 0; t < n + w; ++t) {
      level = 0.8 * level + 0.1 * rng.Noise();
      series[t * f] = level;
      for (std::size_t j = 1; j < f; ++j) series[t * f + j] = 0.5 * level + 0.1 * rng.Noise();
    }
    std::vector<double> x, y;
    x.reserve(n * w * f);
    for (std::size_t i = 0; i < n; ++i) {
      x.insert(x.end(), series.begin() + static_cast<std::ptrdiff_t>(i * f),
               series.begin() + static_cast<std::ptrdiff_t>((i + w) * f));
      y.push_back(series[(i + w) * f]);
    }
    WriteDoubles(dir / XFile(c), x);
    WriteDoubles(dir / YFile(c), y);
  }
  std::ofstream(dir / kConfigFile) << config.dump(2) << "\n";
}

void RunDeep(const fs::path& dir, const std::string& only) {
  const nlohmann::json config = ReadConfig(dir);
  nlohmann::json out = {
      {"side", "finml"},
      {"about", fmt::format("finml (C++) on LibTorch {}.{}.{}; torch::get_num_threads() = {}, "
                            "interop threads = {}",
                            TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR, TORCH_VERSION_PATCH,
                            torch::get_num_threads(), at::get_num_interop_threads())},
      {"threads", torch::get_num_threads()},
      {"cases", nlohmann::json::object()}};
  for (const auto& c : config["cases"]) {
    if (!only.empty() && c["name"] != only) continue;
    for (const std::string implementation : {"fused", "torch"}) {
      const std::string name = c["name"].get<std::string>() + "/" + implementation;
      const auto n = c["windows"].get<std::size_t>();
      const auto epochs = c["epochs"].get<std::int64_t>();
      const finml::train::SampleSet train = LoadSamples(dir, c, n), empty = NoSamples(train);

      auto model = MakeModel(c, epochs, implementation);
      auto t0 = Clock::now();
      model->Fit(train, empty,
                 finml::models::FitContext{c["seed"].get<std::uint64_t>(), false, ""});
      const double fit_s = Seconds(t0, Clock::now());
      const auto epochs_run = model->Describe()["epochs_run"].get<std::int64_t>();
      if (epochs_run != epochs) throw std::runtime_error(name + ": Fit stopped early");

      // One window, the way a live decision asks for it; built once like the caller would.
      finml::train::SampleSet one = LoadSamples(dir, c, 1);
      const auto warmup = c["latency_warmup"].get<int>(), calls = c["latency_calls"].get<int>();
      double sink = 0;
      for (int i = 0; i < warmup; ++i) sink += model->Predict(one)[0];
      std::vector<double> us;
      us.reserve(static_cast<std::size_t>(calls));
      for (int i = 0; i < calls; ++i) {
        auto a = Clock::now();
        sink += model->Predict(one)[0];
        us.push_back(Seconds(a, Clock::now()) * 1e6);
      }
      if (!std::isfinite(sink)) throw std::runtime_error(name + ": prediction is not finite");
      double mean = 0;
      for (double v : us) mean += v / static_cast<double>(us.size());
      std::sort(us.begin(), us.end());
      out["cases"][name] = {{"train_samples", n * static_cast<std::size_t>(epochs)},
                            {"train_seconds", fit_s},
                            {"latency_calls", calls},
                            {"latency_median_us", Percentile(us, 50)},
                            {"latency_p99_us", Percentile(us, 99)},
                            {"latency_mean_us", mean}};
      std::fprintf(stderr, "finml %s: %.0f samples/s, predict median %.1f us, p99 %.1f us\n",
                   name.c_str(), static_cast<double>(n * epochs) / fit_s, Percentile(us, 50),
                   Percentile(us, 99));
    }
  }
  std::cout << out.dump() << std::endl;
}

void RunDeepStep(const fs::path& dir, const std::string& trace_file,
                 const std::string& implementation) {
  const nlohmann::json config = ReadConfig(dir);
  const nlohmann::json& profile = config["profile"];
  const nlohmann::json& c = FindCase(config, profile["case"]);
  const finml::train::SampleSet train = LoadSamples(dir, c, profile["windows"].get<std::size_t>()),
                                empty = NoSamples(train);
  auto model = MakeModel(c, profile["epochs"].get<std::int64_t>(), implementation);
  const finml::models::FitContext context{c["seed"].get<std::uint64_t>(), false, ""};
  PerfControl perf;
  perf.Send("enable");
  auto t0 = Clock::now();
  if (trace_file.empty()) {
    model->Fit(train, empty, context);
  } else {
    // Records every ATen op the Fit dispatches, with its CPU time, as Chrome trace events; the
    // peer's torch.autograd.profiler.profile() records the same. The "fit" scope marks the
    // Fit's own span, so time between ops (code that is no ATen op) can be accounted for.
    torch::autograd::profiler::RecordProfile profiler(trace_file);
    RECORD_USER_SCOPE("fit");
    model->Fit(train, empty, context);
  }
  const double seconds = Seconds(t0, Clock::now());
  perf.Send("disable");
  std::fprintf(stderr, "finml profiled Fit (%s): %.2f s\n", implementation.c_str(), seconds);
}

}  // namespace finml_bench
