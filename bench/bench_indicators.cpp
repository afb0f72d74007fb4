// Indicator throughput, input points per second, over the 1M-bar OHLCV series that bench/peer_ttr.R
// and bench/peer_pandas.py read from the same file. Parameters match the R calls one for one.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "bench_inputs.hpp"
#include "finml/features/indicators.hpp"

namespace {

namespace ff = finml::features;
using finml_bench::IndicatorInput;

void SetPoints(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(IndicatorInput().close.size()));
}

void BM_Sma20(benchmark::State& state) {
  const auto& close = IndicatorInput().close;
  for (auto _ : state) benchmark::DoNotOptimize(ff::Sma(close, 20).data());
  SetPoints(state);
}

void BM_Ema20(benchmark::State& state) {
  const auto& close = IndicatorInput().close;
  for (auto _ : state) benchmark::DoNotOptimize(ff::Ema(close, 20).data());
  SetPoints(state);
}

void BM_Rsi14(benchmark::State& state) {
  const auto& close = IndicatorInput().close;
  for (auto _ : state) benchmark::DoNotOptimize(ff::Rsi(close, 14).data());
  SetPoints(state);
}

void BM_Bollinger20x2(benchmark::State& state) {
  const auto& close = IndicatorInput().close;
  for (auto _ : state) benchmark::DoNotOptimize(ff::Bollinger(close, 20, 2.0).percent_b.data());
  SetPoints(state);
}

void BM_Atr14(benchmark::State& state) {
  const auto& bars = IndicatorInput();
  for (auto _ : state)
    benchmark::DoNotOptimize(ff::Atr(bars.high, bars.low, bars.close, 14).data());
  SetPoints(state);
}

void BM_Macd12_26_9(benchmark::State& state) {
  const auto& close = IndicatorInput().close;
  for (auto _ : state) benchmark::DoNotOptimize(ff::Macd(close, 12, 26, 9).histogram.data());
  SetPoints(state);
}

// Wall time to match the peers' clocks, a warm-up like the peers' untimed first call, and
// repetitions left to run_all.sh (--benchmark_repetitions).
#define FINML_INDICATOR_BENCH(fn) \
  BENCHMARK(fn)->Unit(benchmark::kMillisecond)->UseRealTime()->MinWarmUpTime(0.1)->MinTime(0.2)

FINML_INDICATOR_BENCH(BM_Sma20);
FINML_INDICATOR_BENCH(BM_Ema20);
FINML_INDICATOR_BENCH(BM_Rsi14);
FINML_INDICATOR_BENCH(BM_Bollinger20x2);
FINML_INDICATOR_BENCH(BM_Atr14);
FINML_INDICATOR_BENCH(BM_Macd12_26_9);

}  // namespace
