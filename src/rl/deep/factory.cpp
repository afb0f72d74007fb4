#include "rl/deep/on_policy.hpp"

extern "C" finml::rl::Agent* finml_torch_make_agent(const finml::rl::AgentSpec& spec) {
  using finml::rl::AgentKind;
  switch (spec.kind) {
    case AgentKind::kDqn:
      return finml::rl::deep::MakeDqnAgent(spec).release();
    case AgentKind::kSac:
      return finml::rl::deep::MakeSacAgent(spec).release();
    default:
      return finml::rl::deep::MakeOnPolicyAgent(spec).release();
  }
}
