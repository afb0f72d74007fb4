// A saved fraud model (finml-fraud/1, from `finml fraud train`) behind
// POST /v1/models/<name>/predict. A request is {"transactions": [{"<column>": value, ...}, ...]}
// with the columns the model was trained on; velocity features count the earlier transactions
// of the same request, so a caller sends the entity's recent history with the transaction to
// judge (the service keeps no state between requests). Each answer holds per model the score and
// the flag at the threshold chosen on validation rows.
#pragma once

#include <memory>
#include <string>

#include "finml/serve/servable.hpp"

namespace finml::serve {

[[nodiscard]] std::shared_ptr<const Servable> LoadFraudServable(const std::string& dir,
                                                                const std::string& name,
                                                                const ServeLimits& limits);

}  // namespace finml::serve
