#include "bench_synth.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "finml/core/files.hpp"
#include "finml/models/deep.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/workflow.hpp"

namespace finml_bench {

void RunSynth(const SynthOptions& o) {
  using namespace finml;
  models::SetTorchThreads(1);
  const auto real = synth::LoadRealSeries(o.prices, "", risk::SeriesKind::kPrices);
  synth::SynthSettings s;
  s.model = synth::SynthModelKind::kQuantGan;
  s.quantgan.hidden = o.hidden;
  s.loop.batch = 64;
  const auto fit_seconds = [&](std::int64_t epochs) {
    s.loop.epochs = epochs;
    auto g = synth::MakeSeriesGenerator(s);
    std::mt19937_64 rng(42);
    const auto t = std::chrono::steady_clock::now();
    g->Fit(real.returns, rng, false);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  const std::int64_t windows = static_cast<std::int64_t>(
      (real.returns.size() - 128) / static_cast<std::size_t>(s.quantgan.stride) + 1);
  const std::int64_t steps_per_epoch = (windows + 64 * 5 - 1) / (64 * 5);
  (void)fit_seconds(1);  // warm-up: first use of LibTorch's kernels
  const double step_seconds =
      (fit_seconds(3) - fit_seconds(1)) / static_cast<double>(2 * steps_per_epoch);

  s.loop.epochs = 1;
  auto g = synth::MakeSeriesGenerator(s);
  std::mt19937_64 rng(42);
  g->Fit(real.returns, rng, false);
  (void)g->Sample(16, 4096, 1);
  double best = 1e9;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t = std::chrono::steady_clock::now();
    const auto paths = g->Sample(64, 4096, static_cast<std::uint64_t>(rep));
    best =
        std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
  }
  const nlohmann::json out = {{"hidden", o.hidden},
                              {"step_seconds", step_seconds},
                              {"steps_per_epoch", steps_per_epoch},
                              {"samples_per_second", 64.0 * 4096.0 / best}};
  if (!o.returns.empty()) {
    // The peer trains on the same count of returns, standardised as QuantGAN's input is.
    double mean = 0, var = 0;
    for (const double v : real.returns) mean += v / static_cast<double>(real.returns.size());
    for (const double v : real.returns)
      var += (v - mean) * (v - mean) / static_cast<double>(real.returns.size());
    std::vector<double> z;
    for (const double v : real.returns) z.push_back((v - mean) / std::sqrt(var));
    WriteFileAtomic(o.returns, nlohmann::json({{"returns", z}}).dump());
  }
  if (o.out.empty())
    std::printf("%s\n", out.dump(1).c_str());
  else
    WriteFileAtomic(o.out, out.dump(1) + "\n");
}

}  // namespace finml_bench
