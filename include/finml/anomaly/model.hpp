// `finml anomaly fit` and `finml anomaly score`: detectors fitted on the earlier records of a file
// and saved with the thresholds that turn their scores into decisions.
//   fit     the first (1 - validation) share of the rows (in file order: time order for
//           transactions) trains the standardisation and every detector; each detector's threshold
//           is the (1 - contamination) quantile of its training scores; with a label, ROC AUC, PR
//           AUC, precision@k (k = the anomalies among the validation rows) and the precision and
//           recall of the threshold's decisions are measured on the later rows, which nothing was
//           fitted on
//   score   a saved model scores any file with its feature columns: per detector the score and the
//           decision, and with several detectors their rank ensemble (avg_rank)
#pragma once

#include <string>
#include <vector>

#include "finml/anomaly/detector.hpp"
#include "finml/core/options.hpp"
#include "finml/core/provenance.hpp"

namespace finml::anomaly {

struct FitSettings {
  std::string data;
  std::string label;                  // optional: 1 = anomaly; validation metrics need it
  std::vector<std::string> features;  // default: every numeric column but the label
  std::vector<DetectorKind> detectors = {DetectorKind::kIsolationForest};
  double contamination = 0.05;  // share of training records above each threshold
  double validation = 0.3;      // share of the last rows kept for validation
  DetectorSettings detector;
  static const options::Schema<FitSettings>& Schema();
};

// model.json, metrics.json and report.html into `dir`; returns lines for the terminal.
std::vector<std::string> RunAnomalyFit(const FitSettings& settings, const std::string& dir,
                                       const Provenance& provenance);

// Scores every row of `input` with the model in `model_dir` into the CSV `out` (atomically);
// returns the number of rows.
std::size_t RunAnomalyScore(const std::string& model_dir, const std::string& input,
                            const std::string& out);

}  // namespace finml::anomaly
