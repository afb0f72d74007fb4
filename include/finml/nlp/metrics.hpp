// Multi-class classification metrics: accuracy, macro F1, per-class precision / recall / F1, the
// confusion matrix, and 95% intervals from a bootstrap over texts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace finml::nlp {

struct ClassScores {
  double precision = 0, recall = 0, f1 = 0;
  std::size_t support = 0;
};

struct Interval {
  double low = 0, high = 0;
};

struct ClassificationMetrics {
  std::size_t n = 0;
  double accuracy = 0, macro_f1 = 0;
  std::vector<ClassScores> per_class;
  std::vector<std::vector<std::size_t>> confusion;  // [true][predicted]
  Interval accuracy_ci, macro_f1_ci;                // empty (0, 0) without a bootstrap
  [[nodiscard]] nlohmann::json ToJson(const std::vector<std::string>& classes) const;
};

// Precision of a class never predicted is 0, as scikit-learn's zero_division=0.
[[nodiscard]] ClassificationMetrics Classify(const std::vector<int>& truth,
                                             const std::vector<int>& predicted, std::size_t classes,
                                             std::size_t bootstrap = 0, std::uint64_t seed = 42);

}  // namespace finml::nlp
