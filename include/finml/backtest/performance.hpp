// Performance of an equity curve, with the conventions stated where they differ between tools:
// returns are simple per-bar returns of the equity; annualisation uses `periods_per_year`; Sharpe
// and volatility use the sample standard deviation; Sortino's downside deviation is the root mean
// square of min(r - rf, 0) over all bars (as empyrical/pyfolio); the annual return is geometric.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "finml/data/timestamp.hpp"

namespace finml::backtest {

struct Drawdown {
  double depth = 0;                     // most negative equity / running peak - 1
  std::size_t peak = 0, trough = 0;     // indices into the equity series
  std::optional<std::size_t> recovery;  // first index back at the peak, if it came back
  std::size_t longest_bars = 0;         // longest spell below a previous peak, in bars
  std::size_t longest_start = 0;        // where that spell began (the peak)
};

struct Performance {
  std::size_t periods = 0;  // returns (bars after the first)
  double total_return = 0, annual_return = 0, annual_volatility = 0;
  double sharpe = 0, sortino = 0, calmar = 0;
  Drawdown drawdown;
  double longest_drawdown_days = 0;  // calendar days of the longest spell (0 without a calendar)
  double win_rate = 0;               // share of bars with a gain among bars with a non-zero P&L
  double profit_factor = 0;          // sum of gains / sum of losses, in currency
  double best_bar = 0, worst_bar = 0;
  // Against a benchmark (absent when there is none).
  std::optional<double> alpha, beta, information_ratio, tracking_error, correlation;
};

[[nodiscard]] std::vector<double> SimpleReturns(const std::vector<double>& equity);
[[nodiscard]] Drawdown ComputeDrawdown(const std::vector<double>& equity);
// `time` aligns with equity (for drawdown durations in days); pass {} without a calendar.
[[nodiscard]] Performance ComputePerformance(const std::vector<double>& equity,
                                             const std::vector<double>* benchmark,
                                             const std::vector<data::Timestamp>& time,
                                             double periods_per_year, double risk_free);
// Bars per year from the calendar: bars per trading day (intraday data) times trading days per
// year (365 when the data trades on weekends, else 252); weekly, monthly and slower data by
// their spacing.
struct Annualisation {
  double periods_per_year = 252;
  double bars_per_day = 1;  // median bars of a trading day; 1 for daily or slower data
  double days_per_year = 252;
  bool intraday = false;
  bool inferred = true;  // false: the user set periods_per_year
  bool calendar = true;  // false: no dates, 252 assumed
  bool counted = false;  // daily bars counted per year over the data's span
  [[nodiscard]] std::string Describe() const;
};
[[nodiscard]] Annualisation InferAnnualisation(const std::vector<data::Timestamp>& time,
                                               bool calendar);
[[nodiscard]] double InferPeriodsPerYear(const std::vector<data::Timestamp>& time, bool calendar);

[[nodiscard]] nlohmann::json PerformanceJson(const Performance& p,
                                             const std::vector<std::string>& labels);

}  // namespace finml::backtest
