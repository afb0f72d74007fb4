// weights: the score is the target weight itself.
#include "strategies.hpp"

namespace finml::backtest {
namespace {

class WeightsStrategy final : public Strategy {
 public:
  void Plan(const StrategyConfig&, const PricePanel&, const Panel* scores,
            TargetPlan& plan) const override {
    plan.weight = *scores;
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeWeightsStrategy() { return std::make_unique<WeightsStrategy>(); }

}  // namespace finml::backtest
