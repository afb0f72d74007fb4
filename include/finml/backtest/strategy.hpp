// Strategies: scores (or prices, for the rule strategies) known at the close of bar t become the
// target weights wanted after that close. A strategy sees rows <= t only; the engine fills at
// t+1. Position and leverage limits are applied after the strategy, to every decision, and
// counted. Strategies are created by name from one table (backtest/strategy_registry.cpp): adding
// one is its own file under src/backtest/strategies/ plus one row there.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "finml/backtest/config.hpp"
#include "finml/backtest/engine.hpp"

namespace finml::backtest {

struct TargetPlan {
  Panel weight;  // NaN: no instruction for that asset on that bar
  // The score each decision rests on (the given score, or the rule's own indicator), for the
  // signal's IC; NaN where there is none.
  Panel score;
  std::size_t decisions = 0;    // bars with at least one instruction
  std::size_t clipped = 0;      // weights cut to max_weight
  std::size_t scaled_rows = 0;  // decisions scaled down to max_leverage
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Fills plan.weight, and plan.score where the strategy computes its own. `scores` has the
  // prices' shape, or is null for a strategy that trades on prices alone.
  virtual void Plan(const StrategyConfig& config, const PricePanel& prices, const Panel* scores,
                    TargetPlan& plan) const = 0;
};

struct StrategyInfo {
  std::string name;
  std::string summary;  // one line, for help and errors
  bool needs_signals;   // false: a rule on prices
  Rebalance rebalance;  // the default when the configuration sets none
};

[[nodiscard]] const std::vector<StrategyInfo>& Strategies();
// The entry of `name`; an unknown name is a ConfigError listing the valid ones.
[[nodiscard]] const StrategyInfo& FindStrategy(const std::string& name);
[[nodiscard]] std::unique_ptr<Strategy> MakeStrategy(const std::string& name);
[[nodiscard]] bool NeedsSignals(const std::string& name);

// `scores` may be null for the rule strategies (sma_cross, rsi_reversion).
// One decision's weights held to the execution's limits: each |weight| clipped to max_weight,
// then the row scaled down to max_leverage; NaN (no instruction) stays NaN.
struct RowLimits {
  std::size_t clipped = 0;
  bool decided = false, scaled = false;
};
RowLimits LimitWeights(const ExecutionConfig& execution, double* row, std::size_t n);

[[nodiscard]] TargetPlan PlanTargets(const BacktestConfig& config, const PricePanel& prices,
                                     const Panel* scores);

}  // namespace finml::backtest
