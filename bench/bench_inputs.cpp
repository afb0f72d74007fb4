#include "bench_inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "bench_rng.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/timestamp.hpp"

namespace finml_bench {
namespace {

void AppendDate(std::string& out, finml::data::CivilDate d) {
  fmt::format_to(std::back_inserter(out), "{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

}  // namespace

std::string GenerateOhlcvMinuteCsv(std::size_t rows) {
  using finml::data::CivilFromDays;
  using finml::data::DaysFromCivil;
  Rng rng(20240611);
  std::string out;
  out.reserve(rows * 64 + 64);
  out += "Date,Open,High,Low,Close,Volume\n";
  const std::int64_t day0 = DaysFromCivil({2000, 1, 3});
  double close = 100.0;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t minute = static_cast<std::int64_t>(i);
    AppendDate(out, CivilFromDays(day0 + minute / 1440));
    fmt::format_to(std::back_inserter(out), " {:02d}:{:02d}:00", minute / 60 % 24, minute % 60);
    double open = close * (1.0 + 0.0002 * rng.Noise());
    close = open * (1.0 + 0.0005 * rng.Noise());
    // Rounding to 4 decimals is monotone, so high >= open, close >= low survives printing.
    double high = std::max(open, close) * (1.0 + 0.0003 * rng.Uniform());
    double low = std::min(open, close) * (1.0 - 0.0003 * rng.Uniform());
    std::uint64_t volume = 100 + rng.Next() % 50'000;
    fmt::format_to(std::back_inserter(out), ",{:.4f},{:.4f},{:.4f},{:.4f},{}\n", open, high, low,
                   close, volume);
  }
  return out;
}

std::string GenerateWideDailyCsv(std::size_t rows, std::size_t symbols) {
  Rng rng(19000101);
  std::string out;
  out.reserve(rows * (11 + symbols * 7) + 64);
  out += "Date";
  for (std::size_t s = 0; s < symbols; ++s)
    fmt::format_to(std::back_inserter(out), ",S{:02d}", s + 1);
  out += '\n';
  std::vector<double> log_price(symbols), anchor(symbols);
  for (std::size_t s = 0; s < symbols; ++s) anchor[s] = log_price[s] = std::log(20.0 + 10.0 * s);
  const std::int64_t day0 = finml::data::DaysFromCivil({1900, 1, 1});
  for (std::size_t i = 0; i < rows; ++i) {
    AppendDate(out, finml::data::CivilFromDays(day0 + static_cast<std::int64_t>(i)));
    for (std::size_t s = 0; s < symbols; ++s) {
      // Mean-reverting log price: a plain walk over 100k days would wander down to a price that
      // prints as 0.00, which the loader rightly rejects.
      log_price[s] += -0.002 * (log_price[s] - anchor[s]) + 0.01 * rng.Noise();
      fmt::format_to(std::back_inserter(out), ",{:.2f}", std::exp(log_price[s]));
    }
    out += '\n';
  }
  return out;
}

namespace {

std::filesystem::path g_data_dir;

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

void WriteFloat64File(const std::filesystem::path& path, const std::vector<double>& values) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(values.data()),
             static_cast<std::streamsize>(values.size() * sizeof(double)));
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

// Random walks with 1% daily noise and, each day, fresh long-short weights scaled to gross 1:
// every asset trades every day, the heaviest case for the engine.
void WriteBacktestInputs(const std::filesystem::path& dir) {
  Rng rng(20261125);
  std::vector<double> close(kBacktestDays * kBacktestAssets), weights(close.size());
  for (std::size_t i = 0; i < kBacktestAssets; ++i) close[i] = 20 + 80 * rng.Uniform();
  for (std::size_t t = 1; t < kBacktestDays; ++t)
    for (std::size_t i = 0; i < kBacktestAssets; ++i)
      close[t * kBacktestAssets + i] =
          close[(t - 1) * kBacktestAssets + i] * (1.0 + 0.01 * rng.Noise());
  for (std::size_t t = 0; t < kBacktestDays; ++t) {
    double gross = 0;
    double* w = weights.data() + t * kBacktestAssets;
    for (std::size_t i = 0; i < kBacktestAssets; ++i) gross += std::abs(w[i] = rng.Noise());
    for (std::size_t i = 0; i < kBacktestAssets; ++i) w[i] /= gross;
  }
  WriteFloat64File(dir / kBacktestCloseFile, close);
  WriteFloat64File(dir / kBacktestWeightsFile, weights);
}

}  // namespace

std::vector<double> ReadFloat64File(const std::string& path, std::size_t count) {
  std::vector<double> values(count);
  std::ifstream file(path, std::ios::binary);
  file.read(reinterpret_cast<char*>(values.data()),
            static_cast<std::streamsize>(count * sizeof(double)));
  if (!file || file.gcount() != static_cast<std::streamsize>(count * sizeof(double)))
    throw std::runtime_error(path + ": expected " + std::to_string(count) + " float64 values");
  return values;
}

void WriteInputs(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  WriteBacktestInputs(dir);
  WriteFile(dir / kOhlcvFile, GenerateOhlcvMinuteCsv(kOhlcvRows));
  WriteFile(dir / kWideFile, GenerateWideDailyCsv(kWideRows, kWideSymbols));
  auto ohlcv = finml::data::LoadMarketData((dir / kOhlcvFile).string());
  auto wide = finml::data::LoadMarketData((dir / kWideFile).string());
  if (ohlcv.rows() != kOhlcvRows || ohlcv.shape != finml::data::Shape::kOhlcv ||
      wide.rows() != kWideRows || wide.assets.size() != kWideSymbols) {
    throw std::runtime_error("generated inputs do not parse back to the intended shape");
  }
}

void SetDataDir(const std::filesystem::path& dir) { g_data_dir = dir; }

std::string InputPath(const char* file) { return (g_data_dir / file).string(); }

const finml::data::Bars& IndicatorInput() {
  static const finml::data::MarketData data = finml::data::LoadMarketData(InputPath(kOhlcvFile));
  return data.assets.front();
}

}  // namespace finml_bench
