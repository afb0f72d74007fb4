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
    const RowLimits r = LimitWeights(e, &w.at(t, 0), w.cols);
    plan.clipped += r.clipped;
    if (r.decided) ++plan.decisions;
    if (r.scaled) ++plan.scaled_rows;
  }
}

}  // namespace

RowLimits LimitWeights(const ExecutionConfig& e, double* row, std::size_t n) {
  RowLimits r;
  double gross = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double& x = row[i];
    if (std::isnan(x)) continue;
    r.decided = true;
    if (std::abs(x) > e.max_weight) {
      x = std::copysign(e.max_weight, x);
      ++r.clipped;
    }
    gross += std::abs(x);
  }
  if (!r.decided || gross <= e.max_leverage * (1 + 1e-12)) return r;
  r.scaled = true;
  const double scale = e.max_leverage / gross;
  for (std::size_t i = 0; i < n; ++i) row[i] *= scale;  // NaN stays NaN
  return r;
}

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
