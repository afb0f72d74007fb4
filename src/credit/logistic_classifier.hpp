// The L2 logistic regression as a credit Classifier: exact contributions (coefficient times the
// distance from the training mean) and the linear form scorecards need.
#pragma once

#include <memory>

#include "finml/credit/classifier.hpp"

namespace finml::credit {

// Parameters: l2 (1), max_iterations (100).
[[nodiscard]] std::unique_ptr<Classifier> MakeLogisticClassifier(const nlohmann::json& params);

}  // namespace finml::credit
