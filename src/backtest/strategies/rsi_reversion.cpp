// rsi_reversion: a rule on prices, long below RSI rsi_lower until it recovers past rsi_exit
// (short above rsi_upper with allow_short).
#include <cmath>

#include "strategies.hpp"

namespace finml::backtest {
namespace {

class RsiReversionStrategy final : public Strategy {
 public:
  void Plan(const StrategyConfig& s, const PricePanel& prices, const Panel*,
            TargetPlan& plan) const override {
    const double size = PositionSize(s, 1.0 / static_cast<double>(prices.assets()));
    for (std::size_t i = 0; i < prices.assets(); ++i) {
      const auto rsi = features::Rsi(BridgedCloses(prices, i), s.rsi_period);
      int side = 0;
      for (std::size_t t = 0; t < rsi.size(); ++t) {
        const double r = rsi[t];
        if (std::isnan(r)) continue;
        if (side > 0 && r > s.rsi_exit) side = 0;
        if (side < 0 && r < s.rsi_exit) side = 0;
        if (r < s.rsi_lower) side = 1;
        if (s.allow_short && r > s.rsi_upper) side = -1;
        plan.score.at(t, i) = 50.0 - r;  // oversold scores high: what the rule bets on
        plan.weight.at(t, i) = side * size;
      }
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeRsiReversionStrategy() {
  return std::make_unique<RsiReversionStrategy>();
}

}  // namespace finml::backtest
