// The L2 logistic regression as a credit Classifier: exact contributions (coefficient times the
// distance from the training mean) and the linear form scorecards need.
#pragma once

#include <memory>

#include "finml/credit/classifier.hpp"

namespace finml::credit {

[[nodiscard]] const options::Schema<LogisticOptions>& LogisticSchema();
[[nodiscard]] std::unique_ptr<Classifier> MakeLogisticClassifier(const LogisticOptions& options);

}  // namespace finml::credit
