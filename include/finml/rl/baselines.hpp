// The strategies every agent is compared with, each as target weights on the trading bars only
// and fitted on data before them: buy-and-hold (equal weight, bought once), equal weight and
// minimum variance re-balanced on a calendar (portfolio/walk_forward.hpp, trailing window only),
// and a forecaster's top-k: a ridge regression of the next bar's log return on the state's
// per-asset inputs, fitted on the training bars with its penalty chosen on the validation bars.
// With one asset (the trading environment), the forecaster goes long (or short, where the
// actions allow it) on the sign of its forecast.
#pragma once

#include <string>
#include <vector>

#include "finml/backtest/engine.hpp"
#include "finml/data/market_data.hpp"
#include "finml/rl/environment.hpp"
#include "finml/rl/settings.hpp"

namespace finml::rl {

struct BaselineTrack {
  std::string name;
  backtest::Panel targets;
  std::string description;
};

// One ridge fit per window of the cycle: `windows` holds (train_last, start, end) per window.
struct BaselineWindow {
  std::size_t train_last = 0, start = 0, end = 0;
};

[[nodiscard]] std::vector<BaselineTrack> BaselineTargets(
    const data::MarketData& market, const MarketInputs& inputs, const EnvSettings& env,
    const RlSettings& settings, const std::vector<BaselineWindow>& windows);

}  // namespace finml::rl
