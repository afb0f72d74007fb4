// What `finml nlp train|pretrain|predict` and `task: nlp` experiments do: cross-validation or a
// hold-out, the final fit, metrics.json, predictions.csv, the report and the saved model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/nlp/settings.hpp"
#include "finml/nlp/text.hpp"

namespace finml::nlp {

// Writes metrics.json, predictions.csv, report.html (+ chart library) and model/ (unless
// cross-validation only) into `dir`; returns the summary lines for the terminal.
std::vector<std::string> RunNlpTrain(const NlpSettings& settings, const Texts& data,
                                     const std::string& dir, const Provenance& provenance,
                                     bool progress);

// Writes tokenizer.model, encoder.pt, encoder.json and pretrain.json into `dir`.
std::vector<std::string> RunNlpPretrain(const PretrainSettings& settings,
                                        const std::vector<std::string>& corpus,
                                        const std::string& dir, const Provenance& provenance,
                                        bool progress);

struct PredictCounts {
  std::size_t texts = 0, truncated = 0;
  std::optional<double> accuracy, macro_f1;  // with a label column
};
// The predicted class and class probabilities per text, after the input's own columns; written
// aside and renamed. With `label_column`, also the accuracy against it; a label the model never
// saw in training is an error naming its cell.
PredictCounts PredictTextsToCsv(const std::string& model_dir, const std::string& input,
                                const std::string& text_column, const std::string& out,
                                const std::string& label_column = "", int threads = 1);

}  // namespace finml::nlp
