// threshold: long position_weight (default 1/assets) when score > long_above; short when score <
// short_below if set; else flat.
#include <cmath>

#include "strategies.hpp"

namespace finml::backtest {
namespace {

class ThresholdStrategy final : public Strategy {
 public:
  void Plan(const StrategyConfig& s, const PricePanel& prices, const Panel* scores,
            TargetPlan& plan) const override {
    const double size = PositionSize(s, 1.0 / static_cast<double>(prices.assets()));
    for (std::size_t k = 0; k < scores->values.size(); ++k) {
      const double x = scores->values[k];
      if (std::isnan(x)) continue;
      double w = 0;
      if (x > s.long_above)
        w = size;
      else if (s.short_below && x < *s.short_below)
        w = -size;
      plan.weight.values[k] = w;
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeThresholdStrategy() { return std::make_unique<ThresholdStrategy>(); }

}  // namespace finml::backtest
