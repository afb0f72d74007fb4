#include "finml/rl/rollout.hpp"

#include "finml/core/error.hpp"

namespace finml::rl {

RolloutResult Rollout(std::shared_ptr<const MarketInputs> inputs, const EnvSettings& env,
                      MarketEnv::Range range, const std::vector<Policy>& policies,
                      const std::function<std::size_t(std::size_t)>& which) {
  if (policies.empty()) throw InternalError("Rollout without a policy");
  const Agent& first_agent = *policies.front().agent;
  const bool continuous = !first_agent.Spec().actions.discrete;
  MarketEnv market(inputs, env, policies.front().scaler, policies.front().turbulence_threshold,
                   range, 1, continuous, true);
  market.Record(true);
  std::vector<float> obs(market.ObservationSize());
  std::size_t widest = 1;
  for (const Policy& p : policies)
    if (!p.agent->Spec().actions.discrete) widest = std::max(widest, p.agent->Spec().actions.size);
  std::vector<float> action(widest);
  float reward = 0;
  std::uint8_t done = 0;
  market.Reset(0, obs.data());
  RolloutResult out;
  out.first = market.Row();
  std::size_t current = 0;
  while (!done) {
    const std::size_t k = which(market.Row());
    if (k != current) {
      current = k;
      market.Rescale(policies.at(k).scaler, policies.at(k).turbulence_threshold, obs.data());
      market.UseActions(!policies.at(k).agent->Spec().actions.discrete);
    }
    policies.at(k).agent->Act(obs.data(), 1, action.data());
    market.Step(action.data(), obs.data(), &reward, &done);
  }
  policies.at(current).agent->Act(obs.data(), 1, action.data());
  out.next_targets.assign(inputs->assets(), 0.0);
  market.Decide(action.data(), out.next_targets.data());
  out.targets = market.RecordedTargets();
  out.equity = market.RecordedEquity();
  out.risk_off_bars = market.RiskOffBars();
  return out;
}

}  // namespace finml::rl
