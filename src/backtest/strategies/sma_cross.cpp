// sma_cross: a rule on prices, long while SMA(fast) > SMA(slow) (short below with allow_short).
#include <algorithm>
#include <cmath>

#include "strategies.hpp"

namespace finml::backtest {
namespace {

// Relative: the rounding of a mean of up to thousands of prices is under 1e-13 of it.
constexpr double kTieTolerance = 1e-12;

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
        double gap = fast[t] - slow[t];
        if (std::isnan(gap)) continue;
        // Two means of the same cents can be equal and still differ in their last bits (8.226
        // against 8.225999999999997, summed in different orders); a tie is neither side, as in
        // exact arithmetic and in pandas' compensated rolling mean.
        if (std::fabs(gap) <= kTieTolerance * std::max(std::fabs(fast[t]), std::fabs(slow[t])))
          gap = 0;
        plan.score.at(t, i) = gap;
        plan.weight.at(t, i) = gap > 0 ? size : (gap < 0 && s.allow_short ? -size : 0.0);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeSmaCrossStrategy() { return std::make_unique<SmaCrossStrategy>(); }

}  // namespace finml::backtest
