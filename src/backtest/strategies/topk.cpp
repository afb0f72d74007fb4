// topk: the top_k best scores, equal weight, rebuilt on every signal date.
#include <algorithm>

#include "strategies.hpp"

namespace finml::backtest {
namespace {

class TopKStrategy final : public Strategy {
 public:
  void Plan(const StrategyConfig& s, const PricePanel&, const Panel* scores,
            TargetPlan& plan) const override {
    const double size = PositionSize(s, 1.0 / static_cast<double>(s.top_k));
    for (std::size_t t = 0; t < scores->rows; ++t) {
      const auto ranked = RankedByScore(scores->row(t), scores->cols);
      if (ranked.empty()) continue;
      for (std::size_t i = 0; i < scores->cols; ++i) plan.weight.at(t, i) = 0.0;
      for (std::size_t j = 0; j < std::min(s.top_k, ranked.size()); ++j)
        plan.weight.at(t, ranked[j]) = size;
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeTopKStrategy() { return std::make_unique<TopKStrategy>(); }

}  // namespace finml::backtest
