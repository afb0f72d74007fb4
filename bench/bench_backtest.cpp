// Weight-driven backtest throughput, asset-bar updates per second: 5000 assets x 2500 days, every
// weight restored each day at the next close with 5 bps commission, positions in shares. The
// inputs are the peer's too (bench/peer_pandas.py, case backtest_weights_5000x2500).
#include <benchmark/benchmark.h>

#include <vector>

#include "bench_inputs.hpp"
#include "finml/backtest/engine.hpp"

namespace {

using namespace finml::backtest;

struct BacktestInput {
  PricePanel prices;
  Panel weights;
};

const BacktestInput& Input() {
  static const BacktestInput input = [] {
    using namespace finml_bench;
    BacktestInput in;
    in.prices.source = "bench";
    for (std::size_t t = 0; t < kBacktestDays; ++t) {
      in.prices.time.push_back(static_cast<finml::data::Timestamp>(t) *
                               finml::data::kSecondsPerDay);
      in.prices.time_label.push_back(std::to_string(t));
    }
    for (std::size_t i = 0; i < kBacktestAssets; ++i)
      in.prices.symbols.push_back("S" + std::to_string(i));
    in.prices.close.rows = in.weights.rows = kBacktestDays;
    in.prices.close.cols = in.weights.cols = kBacktestAssets;
    in.prices.close.values =
        ReadFloat64File(InputPath(kBacktestCloseFile), kBacktestDays * kBacktestAssets);
    in.weights.values =
        ReadFloat64File(InputPath(kBacktestWeightsFile), kBacktestDays * kBacktestAssets);
    return in;
  }();
  return input;
}

void BM_BacktestWeights5000x2500(benchmark::State& state) {
  const BacktestInput& in = Input();
  ExecutionConfig execution;
  execution.cost_bps = 5;
  for (auto _ : state) {
    EngineResult r = Simulate(in.prices, in.weights, execution, Rebalance::kAlways, false);
    benchmark::DoNotOptimize(r.equity.data());
    // About 1.74e5 of the 1e6 start after 2500 days of ~1.4 turnover a day at 5 bps.
    if (!(r.equity.back() > 0)) state.SkipWithError("the backtest lost everything: input bug?");
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(in.prices.close.values.size()));
}
BENCHMARK(BM_BacktestWeights5000x2500)->Unit(benchmark::kMillisecond)->MinTime(0.5);

// The machine's memory bandwidth, STREAM's triad a = b + s * c on arrays as large as one of the
// backtest's panels (100 MB each, far beyond any cache): bytes/s counts 24 bytes per element, as
// STREAM does. report.py puts the backtest's own traffic (its two panels, 16 bytes per asset-bar)
// beside it.
void BM_StreamTriad(benchmark::State& state) {
  const std::size_t n = finml_bench::kBacktestDays * finml_bench::kBacktestAssets;
  static std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  for (auto _ : state) {
    double* __restrict out = a.data();
    const double* __restrict x = b.data();
    const double* __restrict y = c.data();
    for (std::size_t i = 0; i < n; ++i) out[i] = x[i] + 3.0 * y[i];
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(24 * n));
}
BENCHMARK(BM_StreamTriad)->Unit(benchmark::kMillisecond)->MinTime(0.5);

}  // namespace
