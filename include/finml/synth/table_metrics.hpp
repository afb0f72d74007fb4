// How good a synthetic table is, against the real rows its generator learnt from (train) and the
// real rows it never saw (hold-out):
//   fidelity     per column, the Kolmogorov-Smirnov statistic (numbers) or the total variation
//                distance (categories); the mean absolute difference between the real and the
//                synthetic correlation matrices (numbers as they are, categories one-hot)
//   efficacy     ROC AUC on the real hold-out of an L2 logistic regression trained on the
//                synthetic rows, against the same model trained on the real training rows
//   privacy      distance to the closest record (DCR): from each synthetic row to its nearest real
//                training row, against the same from each hold-out row (standardised numbers,
//                one-hot categories, Euclidean). Synthetic rows closer than real unseen rows are
//                (at the 5th percentile) suggest copies; exact copies are counted.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "finml/credit/table.hpp"
#include "finml/synth/table.hpp"

namespace finml::synth {

struct ColumnFidelity {
  std::string name;
  bool numeric = true;
  double distance = 0;  // KS or TVD
};

struct TableFidelity {
  std::vector<ColumnFidelity> columns;
  double mean_column_distance = 0;
  double correlation_difference = 0;       // mean |corr_real - corr_synthetic| over column pairs
  double auc_real = 0, auc_synthetic = 0;  // NaN without a target
  double dcr_synthetic_p5 = 0, dcr_holdout_p5 = 0, dcr_synthetic_median = 0, dcr_holdout_median = 0;
  double exact_copies = 0;  // share of synthetic rows equal to a training row
  [[nodiscard]] bool Private() const {
    return dcr_synthetic_p5 >= dcr_holdout_p5 && exact_copies == 0;
  }
};

[[nodiscard]] double KolmogorovSmirnov(std::vector<double> a, std::vector<double> b);
[[nodiscard]] double TotalVariation(const std::vector<std::string>& a,
                                    const std::vector<std::string>& b);

// `synthetic` must have the real columns (names and kinds); an InvalidInput names the first that
// differs.
[[nodiscard]] TableFidelity CompareTables(const credit::Table& train, const credit::Table& holdout,
                                          const credit::Table& synthetic, const TableSplit& split);
[[nodiscard]] nlohmann::json TableFidelityJson(const TableFidelity& f);

}  // namespace finml::synth
