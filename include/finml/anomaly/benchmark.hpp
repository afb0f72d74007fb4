// `finml anomaly benchmark`: PyOD's benchmark protocol on a labelled set (label 1 = anomaly):
// `splits` random stratification-free splits into `train` share and the rest, features
// standardised on the training part, every detector fitted on the training records and judged
// on the rest by ROC AUC, average precision and precision at n (n = the anomalies in the test
// part); the mean over splits, beside PyOD's published figures when a reference table is given.
// The ensembles of the chosen detectors (finml/anomaly/ensemble.hpp: avg_rank, max_z,
// max_robust_z, select),
// each decided on the detectors' scores of the training part alone, so the test part's labels
// and records choose nothing; metrics.json counts the splits in which select chose each detector.
#pragma once

#include <string>
#include <vector>

#include "finml/anomaly/detector.hpp"
#include "finml/core/options.hpp"
#include "finml/core/provenance.hpp"
#include "finml/credit/table.hpp"

namespace finml::anomaly {

struct LabelledData {
  std::string source;
  std::vector<std::string> features;
  Matrix x;
  std::vector<int> y;
};
// Every column but `label` as features (all must be numeric); `label` must hold only 0 and 1.
[[nodiscard]] LabelledData LoadLabelled(const std::string& path, const std::string& label);
// The named numeric columns as a matrix, and a 0/1 label column; errors name file, line, column.
[[nodiscard]] Matrix TableFeatures(const credit::Table& table,
                                   const std::vector<std::string>& names);
[[nodiscard]] std::vector<int> TableLabels(const credit::Table& table, const std::string& label);
// The numeric columns among `names` whose values rise with every row, as an id, a counter or a
// time in seconds does: they tell a model where a record sits in the file, not what it is.
// Callers warn; a real feature that happens to rise stays the user's call.
[[nodiscard]] std::vector<std::string> IdLikeColumns(const credit::Table& table,
                                                     const std::vector<std::string>& names);

struct BenchmarkSettings {
  std::string data;
  std::string label = "label";
  std::vector<DetectorKind> detectors;  // empty: all
  std::int64_t splits = 10;
  double train = 0.6;
  std::uint64_t split_seed = 42;
  bool ensembles = true;
  std::string reference;       // PyOD's benchmark table (pyod_benchmark_roc.csv), optional
  std::string reference_name;  // its row (default: the data file's stem without "odds_")
  DetectorSettings detector;
  static const options::Schema<BenchmarkSettings>& Schema();
};

// metrics.json and report.html into `dir`; returns lines for the terminal.
std::vector<std::string> RunAnomalyBenchmark(const BenchmarkSettings& settings,
                                             const std::string& dir, const Provenance& provenance);

}  // namespace finml::anomaly
