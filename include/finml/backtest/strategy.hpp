// Strategies: scores (or prices, for the rule strategies) known at the close of bar t become the
// target weights wanted after that close. A strategy sees rows <= t only; the engine fills at
// t+1. Position and leverage limits are applied here, to every decision, and counted.
#pragma once

#include "finml/backtest/config.hpp"
#include "finml/backtest/engine.hpp"

namespace finml::backtest {

struct TargetPlan {
  Panel weight;             // NaN: no instruction for that asset on that bar
  // The score each decision rests on (the given score, or the rule's own indicator), for the
  // signal's IC; NaN where there is none.
  Panel score;
  std::size_t decisions = 0;     // bars with at least one instruction
  std::size_t clipped = 0;       // weights cut to max_weight
  std::size_t scaled_rows = 0;   // decisions scaled down to max_leverage
};

// `scores` may be null for the rule strategies (sma_cross, rsi_reversion).
[[nodiscard]] TargetPlan PlanTargets(const BacktestConfig& config, const PricePanel& prices,
                                     const Panel* scores);

}  // namespace finml::backtest
