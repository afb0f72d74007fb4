#include "bench_serve.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "finml/core/files.hpp"
#include "finml/models/deep.hpp"
#include "finml/serve/servable.hpp"

namespace finml_bench {

namespace {

using Clock = std::chrono::steady_clock;

nlohmann::json Summary(std::vector<double> micros) {
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  double sum = 0;
  for (double m : micros) sum += m;
  return {{"n", micros.size()},
          {"p50_us", at(0.5)},
          {"p99_us", at(0.99)},
          {"mean_us", sum / static_cast<double>(micros.size())}};
}

}  // namespace

void RunServeFloor(const std::string& dir) {
  namespace fs = std::filesystem;
  finml::models::SetTorchThreads(1);  // as `finml serve` runs it
  nlohmann::json out = nlohmann::json::object();
  for (const auto& entry : fs::directory_iterator(fs::path(dir) / "models")) {
    const std::string name = entry.path().filename().string();
    const fs::path body_path = fs::path(dir) / (name + ".json");
    if (!fs::exists(body_path)) continue;
    std::string model_dir = entry.path().string();
    if (!fs::exists(model_dir + "/model.json")) model_dir += "/model";
    finml::serve::ServeLimits limits;
    limits.replicas = 1;
    const auto servable = finml::serve::LoadServable(model_dir, name, limits);
    const std::string text = finml::ReadFile(body_path.string());
    const nlohmann::json body = nlohmann::json::parse(text);
    finml::serve::Observation observed;
    for (int k = 0; k < 50; ++k) (void)servable->Predict(body, observed);  // warm-up
    std::vector<double> predict_only, with_json;
    const auto stop = Clock::now() + std::chrono::seconds(3);
    while (Clock::now() < stop || predict_only.size() < 200) {
      finml::serve::Observation o;
      auto t0 = Clock::now();
      (void)servable->Predict(body, o);
      auto t1 = Clock::now();
      finml::serve::Observation o2;
      const std::string answer = servable->Predict(nlohmann::json::parse(text), o2).dump();
      auto t2 = Clock::now();
      predict_only.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      with_json.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    }
    out[name] = {{"kind", servable->Kind()},
                 {"predict", Summary(predict_only)},
                 {"predict_with_json", Summary(with_json)}};
    std::fprintf(stderr, "serve floor %s: predict p50 %.1f us, with JSON p50 %.1f us\n",
                 name.c_str(), out[name]["predict"]["p50_us"].get<double>(),
                 out[name]["predict_with_json"]["p50_us"].get<double>());
  }
  finml::WriteFileAtomic(dir + "/floor.json", out.dump(2) + "\n");
}

}  // namespace finml_bench
