// Running trained policies through a range of bars, deterministically, one copy: what
// validation, trading, `finml rl evaluate`, `finml predict` and the server all do.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "finml/rl/agent.hpp"
#include "finml/rl/environment.hpp"

namespace finml::rl {

// An agent with the state scaling and risk-off threshold it was trained with.
struct Policy {
  const Agent* agent = nullptr;
  StateScaler scaler;
  double turbulence_threshold = 0;
};

struct RolloutResult {
  backtest::Panel targets;     // bars x assets; NaN where nothing was decided
  std::vector<double> equity;  // at each close from the first decision's bar
  std::size_t first = 0;       // the first decision's bar
  std::size_t risk_off_bars = 0;
  // What the last policy asks for at the close of the last bar, to be filled after the data.
  std::vector<double> next_targets;
};

// `which(row)` picks the policy deciding at `row` (an index into `policies`); the state is
// re-scaled when the policy changes.
[[nodiscard]] RolloutResult Rollout(std::shared_ptr<const MarketInputs> inputs,
                                    const EnvSettings& env, MarketEnv::Range range,
                                    const std::vector<Policy>& policies,
                                    const std::function<std::size_t(std::size_t)>& which);

}  // namespace finml::rl
