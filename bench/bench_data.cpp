// CSV parse throughput, rows per second. The Load* cases read the file like the pandas peer does
// (pandas.read_csv(path)), so those are the ones compared; the Parse* cases start from text
// already in memory and show how much of Load* is the file read.
//
// Unlike the other cases, and unlike the single-threaded pandas peer, these use every core: finml
// parses a large CSV in chunks on one thread per core (src/data/parallel_rows.cpp), as a user
// loading a file would see it. Issue 22 accepts that; RESULTS.md should say so beside the rates.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "bench_inputs.hpp"
#include "finml/core/files.hpp"
#include "finml/data/loader.hpp"

namespace {

using finml_bench::InputPath;

void Load(benchmark::State& state, const char* file, std::size_t rows) {
  const std::string path = InputPath(file);
  const auto bytes = static_cast<std::int64_t>(finml::ReadFile(path).size());  // warms page cache
  for (auto _ : state) {
    finml::data::MarketData md = finml::data::LoadMarketData(path);
    benchmark::DoNotOptimize(md.time.data());
    if (md.rows() != rows) state.SkipWithError("row count differs from the generator's");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
  state.SetBytesProcessed(state.iterations() * bytes);
}

void Parse(benchmark::State& state, const char* file, std::size_t rows) {
  const std::string path = InputPath(file);
  const std::string text = finml::ReadFile(path);
  for (auto _ : state) {
    finml::data::MarketData md = finml::data::ParseMarketData(text, path);
    benchmark::DoNotOptimize(md.time.data());
    if (md.rows() != rows) state.SkipWithError("row count differs from the generator's");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void BM_LoadOhlcvMinute(benchmark::State& state) {
  Load(state, finml_bench::kOhlcvFile, finml_bench::kOhlcvRows);
}
void BM_ParseOhlcvMinute(benchmark::State& state) {
  Parse(state, finml_bench::kOhlcvFile, finml_bench::kOhlcvRows);
}
void BM_LoadWideDaily(benchmark::State& state) {
  Load(state, finml_bench::kWideFile, finml_bench::kWideRows);
}
void BM_ParseWideDaily(benchmark::State& state) {
  Parse(state, finml_bench::kWideFile, finml_bench::kWideRows);
}

// Wall time, not CPU time: the peers can only be timed by the clock on the wall. No repetitions
// here: run_all.sh asks for them with --benchmark_repetitions and interleaves rounds with the
// peers. The warm-up matches the peers' untimed first call; without it the first repetition ran
// ~3x slower (fresh pages for the loader's large buffers).
#define FINML_PARSE_BENCH(fn) \
  BENCHMARK(fn)->Unit(benchmark::kMillisecond)->UseRealTime()->MinWarmUpTime(0.5)->MinTime(0.3)

FINML_PARSE_BENCH(BM_LoadOhlcvMinute);
FINML_PARSE_BENCH(BM_ParseOhlcvMinute);
FINML_PARSE_BENCH(BM_LoadWideDaily);
FINML_PARSE_BENCH(BM_ParseWideDaily);

}  // namespace
