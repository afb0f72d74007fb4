// A saved credit scorer (finml-credit/1, the model/ folder of `finml credit train`) behind
// POST /v1/models/<name>/predict. A request is {"applicant": {...}} or {"applicants": [...]},
// each applicant an object with exactly the model's input features (numbers for numeric ones,
// strings for categories, null for missing if the model imputes), and optionally "reasons": k.
// The answer per applicant: probability of default, scorecard points, the decision at the
// training threshold, and the k features pushing hardest towards default.
#pragma once

#include <memory>
#include <string>

#include "finml/serve/servable.hpp"

namespace finml::serve {

[[nodiscard]] std::shared_ptr<const Servable> LoadCreditServable(const std::string& dir,
                                                                 const std::string& name,
                                                                 const ServeLimits& limits);

}  // namespace finml::serve
