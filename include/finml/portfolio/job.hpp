// `finml portfolio optimize|frontier|backtest`: load, estimate, optimise, and write the files
// (weights.csv, metrics.json, frontier.csv, report.html, ...) into a staging directory. Each job
// returns the lines to print.
#pragma once

#include <string>
#include <vector>

#include "finml/backtest/engine.hpp"
#include "finml/core/provenance.hpp"
#include "finml/portfolio/inputs.hpp"

namespace finml::portfolio {

// Per-bar simple returns of the settings' prices (or the returns file), bar-aligned with dates.
struct ReturnsData {
  std::string source;
  std::vector<std::string> assets;
  Matrix prices;   // bars x assets; empty when the input was returns
  Matrix returns;  // bars x assets: row t is the return into bar t (row 0 NaN for prices)
  std::vector<data::Timestamp> time;
  std::vector<std::string> time_label;
  bool calendar = true;
  double frequency = 252;
  // The prices as the backtester trades them: the input's, or returns compounded from 100.
  backtest::PricePanel panel;
};
[[nodiscard]] ReturnsData LoadReturnsData(const PortfolioSettings& settings);
// The same from data already loaded (an experiment's), `field` as the price.
[[nodiscard]] ReturnsData ReturnsDataFrom(const data::MarketData& market, const std::string& source,
                                          bool values_are_returns, const std::string& frequency,
                                          data::Field field);

// Returns compounded into price indices that start from kIndexBase before each asset's first
// return: what a walk-forward backtest trades when the input was returns.
inline constexpr double kIndexBase = 100;
[[nodiscard]] backtest::PricePanel CompoundedPricePanel(const ReturnsData& data);

// The rows of `returns` ending at `last` (inclusive), `window` long (0: from the start), less the
// rows where no asset has a return.
[[nodiscard]] Matrix TrailingReturns(const Matrix& returns, std::size_t last, std::size_t window);

[[nodiscard]] std::vector<std::string> RunOptimizeJob(const PortfolioSettings& settings,
                                                      const std::string& dir,
                                                      const Provenance& provenance);
[[nodiscard]] std::vector<std::string> RunFrontierJob(const PortfolioSettings& settings,
                                                      const std::string& dir,
                                                      const Provenance& provenance);

}  // namespace finml::portfolio
