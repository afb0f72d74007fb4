#include "finml/rl/agent.hpp"

#include "finml/core/error.hpp"
#include "finml/core/modules.hpp"

namespace finml::rl {

bool ActsContinuously(AgentKind agent, EnvKind env) {
  if (agent == AgentKind::kSac) return true;
  if (agent == AgentKind::kDqn) return false;
  return env == EnvKind::kPortfolio;
}

std::unique_ptr<Agent> MakeAgent(const AgentSpec& spec) {
  if (spec.kind == AgentKind::kDqn)
    FINML_REQUIRE(spec.actions.discrete,
                  "dqn chooses among discrete actions, and the portfolio environment takes "
                  "continuous weights (fix: --env trading, or ppo, a2c, reinforce or sac)");
  if (spec.kind == AgentKind::kSac)
    FINML_REQUIRE(!spec.actions.discrete, "sac acts continuously (internal: discrete space)");
  return std::unique_ptr<Agent>(
      FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_agent)(spec));
}

}  // namespace finml::rl
