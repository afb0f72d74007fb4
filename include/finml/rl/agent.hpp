// The reinforcement-learning agents: PPO, A2C, REINFORCE with a baseline, DQN (double, dueling)
// and SAC, on LibTorch in the torch module (libfinml_torch.so), loaded the first time one is
// made. This header is free of torch: the workflow and the CLI only see this interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "finml/rl/environment.hpp"
#include "finml/rl/settings.hpp"

namespace finml::rl {

struct AgentSpec {
  AgentKind kind = AgentKind::kPpo;
  AgentSettings settings;  // with the agent's defaults filled in (AgentDefaults)
  std::size_t observation_size = 0;
  ActionSpace actions;
  // Continuous agents whose actions are bounded (SAC's tanh) multiply them by this before the
  // environment reads them: softmax weights need logits wider than [-1, 1].
  double action_scale = 1;
  std::size_t timesteps = 0;  // transitions (all copies) to learn from
  std::uint64_t seed = 42;
  int threads = 1;
  bool progress = false;
  std::string label;
};

// The learning curve: the mean undiscounted return of the episodes that ended since the
// previous point.
struct LearningPoint {
  std::size_t timestep = 0;
  double episode_return = 0;
  std::size_t episodes = 0;
};

class Agent {
 public:
  virtual ~Agent() = default;
  // Learns from spec.timesteps transitions of `env` (reset here with the spec's seed).
  virtual std::vector<LearningPoint> Learn(Environment& env) = 0;
  // The deterministic action (greedy, or the policy's mean) for each of `count` observations,
  // in the environment's action format.
  virtual void Act(const float* observations, std::size_t count, float* actions) const = 0;
  // Writes the weights to <dir>/agent.pt (aside, then renamed).
  virtual void Save(const std::string& dir) const = 0;
  // Reads <dir>/agent.pt; a file of another shape or kind is an InvalidInput naming it.
  virtual void Load(const std::string& dir) = 0;
  [[nodiscard]] virtual const AgentSpec& Spec() const = 0;
};

// Whether the agent acts with continuous vectors (ppo, a2c, reinforce and sac on the portfolio;
// sac always) or discrete choices.
[[nodiscard]] bool ActsContinuously(AgentKind agent, EnvKind env);
[[nodiscard]] std::unique_ptr<Agent> MakeAgent(const AgentSpec& spec);

}  // namespace finml::rl

// Entry point of the torch module; call it through FINML_MODULE_FUNCTION.
extern "C" {
finml::rl::Agent* finml_torch_make_agent(const finml::rl::AgentSpec& spec);
}
