// Per-row contributions of a fitted credit model summarised by feature, for the report's SHAP
// summary: which features push predictions hardest (mean |contribution|) and, per feature, how the
// push varies with the feature's value (the beeswarm). Contributions are in log-odds of default,
// as CreditModel::Contributions gives them (XGBoost SHAP values for tree models).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "finml/credit/pipeline.hpp"

namespace finml::credit {

// Up to `max_rows` row indices of 0..n-1, evenly spaced and increasing: a deterministic sample
// that covers a file sorted by date or by id alike.
[[nodiscard]] std::vector<std::size_t> EvenSample(std::size_t n, std::size_t max_rows);

// Where a feature's value sits among the sampled rows, for colouring: low (at or below the first
// tercile and not the largest value), high (at or above the second tercile and not the smallest),
// middle otherwise, none for missing values and categories (which have no order). A 0/1 column
// comes out low/high whatever its balance.
enum class ValueLevel { kLow, kMiddle, kHigh, kNone };
[[nodiscard]] std::vector<ValueLevel> ValueLevels(const std::vector<double>& values);

// Vertical offsets in [-0.4, 0.4] that spread points of equal value apart in proportion to how
// crowded their value is (a beeswarm's outline follows the density). Deterministic.
[[nodiscard]] std::vector<double> SwarmOffsets(const std::vector<double>& values);

struct FeatureEffect {
  std::string feature;
  double mean_abs = 0;                // mean |contribution| over the rows
  std::vector<double> contributions;  // per sampled row
  std::vector<double> values;         // the feature's value (numeric; NaN missing or category)
  std::vector<std::string> labels;    // the value as written, for hover text
};
struct FeatureEffects {
  std::vector<std::size_t> rows;        // the table rows explained
  std::vector<FeatureEffect> features;  // by mean |contribution|, largest first
};
// The final model's contributions on up to `max_rows` rows of `table` (EvenSample).
[[nodiscard]] FeatureEffects ExplainRows(const CreditModel& model, const Table& table,
                                         std::size_t max_rows = 2000);
// The same from contributions already computed (rows x features, row-major).
[[nodiscard]] FeatureEffects SummariseContributions(const std::vector<double>& contributions,
                                                    const std::vector<std::string>& features,
                                                    const Table& table,
                                                    const std::vector<std::size_t>& rows);

}  // namespace finml::credit
