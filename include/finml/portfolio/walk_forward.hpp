// Walk-forward portfolio backtests: on each rebalance date, estimate from the trailing window of
// returns only (nothing after the date's close), optimise each objective, and trade the weights
// through finml's backtester (filled at the next bar, with costs), side by side against
// equal-weight buy-and-hold.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "finml/backtest/backtest.hpp"
#include "finml/portfolio/job.hpp"

namespace finml::portfolio {

// Bars (rows of the returns) at whose close the portfolio is re-optimised: the last bar of each
// day, week, month or quarter, or every N bars; only bars with `window` returns before them and a
// bar after them to trade at.
[[nodiscard]] std::vector<std::size_t> RebalanceRows(const std::vector<data::Timestamp>& time,
                                                     bool calendar, const std::string& rule,
                                                     std::size_t window);

// Expected returns at a decision row for the eligible assets (annual), replacing the settings'
// returns model: a forecaster's predictions. NaN: no view for that asset (it is not held).
using ExpectedReturnsAt =
    std::function<Vector(std::size_t row, const std::vector<Eigen::Index>& assets)>;

struct ObjectiveTrack {
  Objective objective;
  std::string name;          // on the tearsheet: the objective's, or "model (objective)"
  backtest::Panel weights;   // rows x assets, NaN except on decision rows
  std::size_t failures = 0;  // decisions where the optimiser failed and the book was kept
  std::string first_failure;
};

struct WalkForward {
  std::vector<std::size_t> rows;      // decision rows
  std::vector<std::size_t> eligible;  // per decision, assets with enough history
  std::vector<ObjectiveTrack> tracks;
};

[[nodiscard]] WalkForward WalkForwardWeights(const ReturnsData& data,
                                             const PortfolioSettings& settings,
                                             const ExpectedReturnsAt* expected = nullptr);

// The backtests of each track on the data's prices, over one period.
[[nodiscard]] std::vector<backtest::BacktestResult> BacktestTracks(
    const ReturnsData& data, const PortfolioSettings& settings, const WalkForward& walk);

// weights.csv, metrics.json and tearsheet.html of backtested tracks into `dir`; the lines to print.
struct WalkForwardReport {
  std::string title;
  std::string signals;            // where the weights came from, for the tearsheet
  std::string chart_library_dir;  // empty: beside the tearsheet
};
[[nodiscard]] std::vector<std::string> WriteWalkForward(
    const std::string& dir, const ReturnsData& data, const PortfolioSettings& settings,
    const WalkForward& walk, const std::vector<backtest::BacktestResult>& results,
    const Provenance& provenance, const WalkForwardReport& report);

[[nodiscard]] std::vector<std::string> RunPortfolioBacktestJob(const PortfolioSettings& settings,
                                                               const std::string& dir,
                                                               const Provenance& provenance);

}  // namespace finml::portfolio
