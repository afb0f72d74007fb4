// What a tearsheet shows beyond the headline metrics: drawdown episodes, and rolling volatility,
// Sharpe and beta over a window in calendar terms (6 months, as QuantStats and pyfolio use).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "finml/data/timestamp.hpp"

namespace finml::backtest {

// "6M", "1Y", "13W", "90D" (calendar), or a count of bars ("126"). Bad text is a ConfigError
// naming `key`.
struct RollingWindow {
  int months = 0, days = 0;
  std::size_t bars = 0;
  std::string text = "6M";
  static RollingWindow Parse(const std::string& text, const std::string& key = "rolling_window");
  // The window in words ("6 months", "126 bars").
  [[nodiscard]] std::string Describe() const;
};

struct RollingStats {
  // Per equity point, NaN until the window is full: annualised volatility and Sharpe of the bar
  // returns in the window, and beta to the benchmark (NaN without one).
  std::vector<double> volatility, sharpe, beta;
};

// `time`: the equity points' times (empty without a calendar; then a calendar window becomes
// months * periods_per_year / 12 bars). The Sharpe is of returns over `risk_free` (annual), as
// the headline one.
[[nodiscard]] RollingStats ComputeRolling(const std::vector<double>& equity,
                                          const std::vector<double>* benchmark,
                                          const std::vector<data::Timestamp>& time,
                                          const RollingWindow& window, double periods_per_year,
                                          double risk_free = 0);

struct DrawdownEpisode {
  std::size_t start = 0, trough = 0;    // indices into the equity series: the peak, the bottom
  std::optional<std::size_t> recovery;  // first index back at the peak; none: still under water
  double depth = 0;                     // trough / peak - 1
};

// The `count` deepest drawdowns, deepest first.
[[nodiscard]] std::vector<DrawdownEpisode> TopDrawdowns(const std::vector<double>& equity,
                                                        std::size_t count = 5);
// equity / running peak - 1 per point.
[[nodiscard]] std::vector<double> Underwater(const std::vector<double>& equity);

}  // namespace finml::backtest
