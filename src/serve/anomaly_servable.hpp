// A saved anomaly model (finml-anomaly/1, from `finml anomaly fit`) behind
// POST /v1/models/<name>/predict. A request is {"records": [{"<feature>": number, ...}, ...],
// "top_features": 3}; each answer holds per detector the score, the decision at the saved
// threshold and the features that drive the score, and with several detectors their avg_rank.
// Every record scores alone, as in a file. A model with the top_k rule decides per period over a
// batch, which one request is not: its answers carry the score and rank without a decision.
#pragma once

#include <memory>
#include <string>

#include "finml/serve/servable.hpp"

namespace finml::serve {

[[nodiscard]] std::shared_ptr<const Servable> LoadAnomalyServable(const std::string& dir,
                                                                  const std::string& name,
                                                                  const ServeLimits& limits);

}  // namespace finml::serve
