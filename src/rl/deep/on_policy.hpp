// The agents' makers inside the torch module (factory.cpp picks one by kind).
#pragma once

#include <memory>

#include "finml/rl/agent.hpp"

namespace finml::rl::deep {

[[nodiscard]] std::unique_ptr<Agent> MakeOnPolicyAgent(
    const AgentSpec& spec);  // ppo, a2c, reinforce
[[nodiscard]] std::unique_ptr<Agent> MakeDqnAgent(const AgentSpec& spec);
[[nodiscard]] std::unique_ptr<Agent> MakeSacAgent(const AgentSpec& spec);

}  // namespace finml::rl::deep
