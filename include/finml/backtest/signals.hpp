// Scores from a model or a person, placed on the price data's grid: score(t, i) is what was known
// about asset i at the close of bar t. The CSV is `date,symbol,score`, or `date,score` when the
// prices hold one asset; every row must land on a price date and a known symbol, or the error
// names its line and the fix.
#pragma once

#include <string>
#include <string_view>

#include "finml/backtest/engine.hpp"

namespace finml::backtest {

struct SignalPanel {
  std::string source;
  Panel score;            // NaN: no score for that asset on that bar
  std::size_t count = 0;  // scores placed
  // Rows dated after the last price bar: they cannot be traded yet, and are reported.
  std::size_t after_last_bar = 0;
  std::string first_after;  // the first such date, for the message
};

[[nodiscard]] SignalPanel ParseSignals(std::string_view text, const std::string& file_label,
                                       const PricePanel& prices);
[[nodiscard]] SignalPanel LoadSignals(const std::string& path, const PricePanel& prices);

}  // namespace finml::backtest
