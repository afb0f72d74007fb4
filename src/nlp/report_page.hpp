// The report of `finml nlp train`: the verdict against the majority class, the metrics with their
// intervals, per class and per fold, the confusion matrix, the learning curves, and the most
// confident mistakes with the words that drove them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/nlp/metrics.hpp"
#include "finml/report/format.hpp"

namespace finml::nlp {

struct Mistake {
  std::size_t row = 0;
  int truth = 0, predicted = 0;
  double confidence = 0;
  std::vector<WordAttribution> words;
};

// "1 text was" or "2 texts were": the start of every message about truncated texts.
inline std::string TextsWere(long long n) {
  return report::Counted(n, "text") + (n == 1 ? " was" : " were");
}

void WriteTrainReport(const std::string& path, const std::string& model,
                      const nlohmann::json& metrics, const std::vector<std::string>& classes,
                      const ClassificationMetrics& pooled, const ClassificationMetrics& baseline,
                      const std::vector<ClassificationMetrics>& per_fold,
                      const std::vector<Mistake>& mistakes, const std::vector<std::string>& texts,
                      const Provenance& provenance);

// The text with each word shaded by its effect (green: towards the prediction, red: against).
[[nodiscard]] std::string HighlightedText(const std::vector<WordAttribution>& words);

}  // namespace finml::nlp
