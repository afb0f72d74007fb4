// long_short: weights proportional to the demeaned cross-sectional rank, dollar neutral, sum of
// |w| = gross.
#include <cmath>
#include <numeric>

#include "finml/core/error.hpp"
#include "finml/eval/metrics.hpp"
#include "strategies.hpp"

namespace finml::backtest {
namespace {

class LongShortStrategy final : public Strategy {
 public:
  void Plan(const StrategyConfig& s, const PricePanel& prices, const Panel* scores,
            TargetPlan& plan) const override {
    FINML_REQUIRE(prices.assets() >= 2, "strategy 'long_short' needs at least two assets");
    for (std::size_t t = 0; t < scores->rows; ++t) {
      const double* score = scores->row(t);
      std::vector<std::size_t> scored;
      std::vector<double> values;
      for (std::size_t i = 0; i < scores->cols; ++i) {
        if (std::isnan(score[i])) continue;
        scored.push_back(i);
        values.push_back(score[i]);
      }
      if (scored.size() < 2) continue;
      auto ranks = eval::Ranks(values);
      const double mean = std::accumulate(ranks.begin(), ranks.end(), 0.0) / ranks.size();
      double total = 0;
      for (double& r : ranks) total += std::abs(r -= mean);
      for (std::size_t i = 0; i < scores->cols; ++i) plan.weight.at(t, i) = 0.0;
      if (total == 0) continue;
      for (std::size_t j = 0; j < scored.size(); ++j)
        plan.weight.at(t, scored[j]) = s.gross * ranks[j] / total;
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeLongShortStrategy() { return std::make_unique<LongShortStrategy>(); }

}  // namespace finml::backtest
