// A saved RL agent (finml-rl/1, the model/ folder of `finml rl train`) behind
// POST /v1/models/<name>/predict. A request is {"prices": {"<asset>": [closes, oldest first],
// ...}, "dates": [...]} with every asset the agent trades and the same number of closes each.
// The agent is rolled through those bars from cash, exactly as `finml predict` rolls it through
// a file, and the answer is the target weights it decides at the close of the last bar.
#pragma once

#include <memory>
#include <string>

#include "finml/serve/servable.hpp"

namespace finml::serve {

[[nodiscard]] std::shared_ptr<const Servable> LoadAgentServable(const std::string& dir,
                                                                const std::string& name,
                                                                const ServeLimits& limits);

}  // namespace finml::serve
