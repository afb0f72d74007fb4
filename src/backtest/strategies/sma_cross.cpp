// sma_cross: a rule on prices, long while SMA(fast) > SMA(slow) (short below with allow_short).
#include <cmath>

#include "strategies.hpp"

namespace finml::backtest {
namespace {

class SmaCrossStrategy final : public Strategy {
 public:
  void Plan(const StrategyConfig& s, const PricePanel& prices, const Panel*,
            TargetPlan& plan) const override {
    const double size = PositionSize(s, 1.0 / static_cast<double>(prices.assets()));
    for (std::size_t i = 0; i < prices.assets(); ++i) {
      const auto close = BridgedCloses(prices, i);
      const auto fast = features::Sma(close, s.fast);
      const auto slow = features::Sma(close, s.slow);
      for (std::size_t t = 0; t < close.size(); ++t) {
        const double gap = fast[t] - slow[t];
        if (std::isnan(gap)) continue;
        plan.score.at(t, i) = gap;
        plan.weight.at(t, i) = gap > 0 ? size : (s.allow_short ? -size : 0.0);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeSmaCrossStrategy() { return std::make_unique<SmaCrossStrategy>(); }

}  // namespace finml::backtest
