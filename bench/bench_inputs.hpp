// Inputs shared by finml_bench and its peers (bench/peer_pandas.py, bench/peer_ttr.R). finml_bench
// is the only generator: it writes the CSVs once and every side reads the same bytes, so a gap in
// throughput cannot come from a difference in input.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "finml/data/market_data.hpp"

namespace finml_bench {

// One million one-minute bars. Minutes, not days: a million consecutive days runs past the year
// 2262, beyond what pandas' datetime64[ns] can hold, and the peer would then keep the dates as
// text and skip the date parsing finml does.
inline constexpr std::size_t kOhlcvRows = 1'000'000;
inline constexpr std::size_t kWideRows = 100'000;  // daily from 1900-01-01, ends in 2173
inline constexpr std::size_t kWideSymbols = 30;

// The weight-driven backtest: days x assets, time-major float64 (little-endian, no header), one
// file of closes and one of the target weights decided at each close (gross 1, long-short).
inline constexpr std::size_t kBacktestDays = 2500;
inline constexpr std::size_t kBacktestAssets = 5000;
inline constexpr const char* kBacktestCloseFile = "backtest_close.f64";
inline constexpr const char* kBacktestWeightsFile = "backtest_weights.f64";

inline constexpr const char* kOhlcvFile = "ohlcv_minute.csv";
inline constexpr const char* kWideFile = "wide_daily.csv";

[[nodiscard]] std::string GenerateOhlcvMinuteCsv(std::size_t rows);
[[nodiscard]] std::string GenerateWideDailyCsv(std::size_t rows, std::size_t symbols);

[[nodiscard]] std::vector<double> ReadFloat64File(const std::string& path, std::size_t count);

// Writes all input files into `dir` and parses them back with finml, so a generator bug shows up
// here rather than as an exception in the middle of a timed loop.
void WriteInputs(const std::filesystem::path& dir);

void SetDataDir(const std::filesystem::path& dir);
[[nodiscard]] std::string InputPath(const char* file);

// The OHLCV file parsed once, for the indicator benchmarks.
[[nodiscard]] const finml::data::Bars& IndicatorInput();

}  // namespace finml_bench
