#include "finml/backtest/strategy.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "finml/core/error.hpp"

namespace finml::backtest {
namespace {

void ApplyLimits(const ExecutionConfig& e, TargetPlan& plan) {
  Panel& w = plan.weight;
  for (std::size_t t = 0; t < w.rows; ++t) {
    double gross = 0;
    bool any = false;
    for (std::size_t i = 0; i < w.cols; ++i) {
      double& x = w.at(t, i);
      if (std::isnan(x)) continue;
      any = true;
      if (std::abs(x) > e.max_weight) {
        x = std::copysign(e.max_weight, x);
        ++plan.clipped;
      }
      gross += std::abs(x);
    }
    if (!any) continue;
    ++plan.decisions;
    if (gross <= e.max_leverage * (1 + 1e-12)) continue;
    ++plan.scaled_rows;
    const double scale = e.max_leverage / gross;
    for (std::size_t i = 0; i < w.cols; ++i) w.at(t, i) *= scale;  // NaN stays NaN
  }
}

}  // namespace

TargetPlan PlanTargets(const BacktestConfig& config, const PricePanel& prices,
                       const Panel* scores) {
  const std::size_t n = prices.assets();
  FINML_REQUIRE(n > 0 && prices.rows() > 0, "the price data is empty");
  const std::string& name = config.strategy.name;
  FINML_REQUIRE(!NeedsSignals(name) || scores != nullptr,
                "strategy '{}' trades on signals: give a signals file (date,symbol,score)", name);
  if (scores && (scores->rows != prices.rows() || scores->cols != n))
    throw InternalError("PlanTargets: scores and prices differ in shape");
  TargetPlan plan;
  plan.weight = Panel(prices.rows(), n);
  plan.score = scores ? *scores : Panel(prices.rows(), n);
  MakeStrategy(name)->Plan(config.strategy, prices, scores, plan);
  ApplyLimits(config.execution, plan);
  return plan;
}

}  // namespace finml::backtest
