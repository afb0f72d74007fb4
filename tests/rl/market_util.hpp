// Market data for RL tests: consecutive daily close-only bars from 2020-01-01.
#pragma once

#include <string>
#include <vector>

#include "backtest/panel_util.hpp"
#include "finml/data/market_data.hpp"

namespace finml::testing {

inline data::MarketData MakeMarket(const std::vector<std::vector<double>>& closes) {
  const backtest::PricePanel p = MakePanel(closes);
  data::MarketData m;
  m.source = "test.csv";
  m.time = p.time;
  m.time_label = p.time_label;
  for (std::size_t i = 0; i < closes.size(); ++i) {
    data::Bars bars;
    bars.symbol = p.symbols[i];
    bars.close = closes[i];
    m.assets.push_back(bars);
  }
  return m;
}

}  // namespace finml::testing
