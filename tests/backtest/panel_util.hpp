// Small price panels for backtest tests: consecutive daily bars from 2020-01-01.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "finml/backtest/engine.hpp"
#include "finml/data/timestamp.hpp"

namespace finml::testing {

// closes[asset][t]; opens likewise, or {} for close-only data.
inline backtest::PricePanel MakePanel(const std::vector<std::vector<double>>& closes,
                                      const std::vector<std::vector<double>>& opens = {}) {
  backtest::PricePanel p;
  p.source = "test";
  const std::size_t n = closes.size(), t_count = closes.front().size();
  const auto start = data::DaysFromCivil({2020, 1, 1});
  for (std::size_t t = 0; t < t_count; ++t) {
    p.time.push_back((start + static_cast<std::int64_t>(t)) * data::kSecondsPerDay);
    p.time_label.push_back(data::FormatTimestamp(p.time.back()));
  }
  for (std::size_t i = 0; i < n; ++i) p.symbols.push_back("A" + std::to_string(i));
  p.close = backtest::Panel(t_count, n);
  if (!opens.empty()) p.open = backtest::Panel(t_count, n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t t = 0; t < t_count; ++t) {
      p.close.at(t, i) = closes[i][t];
      if (!opens.empty()) p.open.at(t, i) = opens[i][t];
    }
  return p;
}

// Geometric random walks with daily volatility `vol`, reproducible from `seed`.
inline std::vector<std::vector<double>> RandomWalks(std::size_t assets, std::size_t days,
                                                    unsigned seed, double vol = 0.01) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, vol);
  std::vector<std::vector<double>> out(assets, std::vector<double>(days));
  for (auto& path : out) {
    double price = 100;
    for (double& x : path) {
      x = price;
      price *= std::exp(z(rng));
    }
  }
  return out;
}

}  // namespace finml::testing
