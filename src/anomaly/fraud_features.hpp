// The features of `finml fraud train` and `finml fraud score` (include/finml/anomaly/fraud.hpp
// says what they are and why none of them can see the future).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "finml/credit/table.hpp"
#include "finml/data/timestamp.hpp"

namespace finml::anomaly {

struct FeatureSpec {
  std::string time, entity, amount;
  std::vector<std::string> numeric, categorical;
  std::vector<std::string> window_names;
  std::vector<std::int64_t> windows;  // seconds
};

// A time column: ISO 8601 text or seconds since 1970; a bad cell is an InvalidInput naming its
// line.
[[nodiscard]] std::vector<data::Timestamp> ReadTimes(const credit::Table& table,
                                                     const std::string& column);

// Everything but the target encodings, rows sorted by time (ties keep file order).
struct RawFeatures {
  std::vector<std::size_t> order;  // the file row (0-based) of each sorted row
  std::vector<data::Timestamp> time;
  std::vector<std::string> names;                    // columns of x
  Eigen::MatrixXd x;                                 // NaN where a numeric cell is missing
  std::vector<std::vector<std::string>> categories;  // per categorical column, per sorted row
  std::vector<double> amount;                        // per sorted row; empty without an amount
};
[[nodiscard]] RawFeatures BuildRawFeatures(const credit::Table& table, const FeatureSpec& spec);

// The smoothed fraud rate of each category: (frauds + smoothing * prior) / (rows + smoothing),
// an unseen category takes the prior.
struct TargetEncoder {
  double prior = 0;
  std::vector<std::unordered_map<std::string, double>> rates;  // per categorical column
  static TargetEncoder Fit(const std::vector<std::vector<std::string>>& categories,
                           const std::vector<int>& y, const std::vector<std::size_t>& rows,
                           double smoothing);
  [[nodiscard]] Eigen::MatrixXd Encode(const std::vector<std::vector<std::string>>& categories,
                                       std::size_t begin, std::size_t end) const;
};
// The training rows [0, train) encoded out of fold: `folds` contiguous blocks, each encoded by an
// encoder fitted on the others, so no row's own label reaches its encoding.
[[nodiscard]] Eigen::MatrixXd CrossFitEncode(
    const std::vector<std::vector<std::string>>& categories, const std::vector<int>& y,
    std::size_t train, std::size_t folds, double smoothing);

}  // namespace finml::anomaly
