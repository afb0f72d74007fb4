// Scoring metrics for a binary default model: ranking (ROC AUC, Gini, KS), probability quality
// (Brier, log loss, calibration table) and decisions at a threshold, including the threshold that
// maximises a profit/cost matrix.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <vector>

#include "finml/core/options.hpp"

namespace finml::credit {

// ROC AUC by the rank-sum (Mann-Whitney) formula, ties counted half.
[[nodiscard]] double RocAuc(const std::vector<int>& y, const std::vector<double>& p);
// Kolmogorov-Smirnov: max |TPR - FPR| over thresholds.
[[nodiscard]] double KsStatistic(const std::vector<int>& y, const std::vector<double>& p);

struct RocPoint {
  double threshold, fpr, tpr;
};
[[nodiscard]] std::vector<RocPoint> RocCurve(const std::vector<int>& y,
                                             const std::vector<double>& p);

struct CalibrationBin {
  double lower, upper;  // of the predicted probability
  std::size_t count = 0;
  double mean_predicted = 0, observed_rate = 0;
};
// Ten bins of equal width in predicted probability (empty bins omitted).
[[nodiscard]] std::vector<CalibrationBin> CalibrationTable(const std::vector<int>& y,
                                                           const std::vector<double>& p,
                                                           int bins = 10);

// Value of each outcome when the model flags (predicts positive = default) or not. Defaults
// give no cost for true negatives and a loss for missed defaults.
struct ProfitMatrix {
  double true_positive = 0, false_positive = 0, true_negative = 0, false_negative = 0;
  static const options::Schema<ProfitMatrix>& Schema();  // keys tp, fp, tn, fn
};

struct BinaryMetrics {
  std::size_t n = 0, positives = 0;
  double auc = 0, gini = 0, ks = 0, brier = 0, log_loss = 0;
  double threshold = 0.5;
  double accuracy = 0, precision = 0, recall = 0, f1 = 0;
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
  std::optional<double> best_threshold, best_profit;  // with a profit matrix
  [[nodiscard]] nlohmann::json ToJson() const;
};

[[nodiscard]] BinaryMetrics ComputeBinaryMetrics(const std::vector<int>& y,
                                                 const std::vector<double>& p,
                                                 double threshold = 0.5,
                                                 const ProfitMatrix* profit = nullptr);

}  // namespace finml::credit
