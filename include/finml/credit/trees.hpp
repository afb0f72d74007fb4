// Gradient-boosted trees and random forests through XGBoost's C API (Debian libxgboost-dev), for
// binary default prediction. XGBoost stays behind this header: callers see plain vectors.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace finml::credit {

struct TreeOptions {
  bool random_forest = false;  // rf: one round of num_parallel_tree bagged trees, eta 1
  int rounds = 300;            // gbdt boosting rounds (rf: trees)
  double eta = 0.05;
  int max_depth = 4;
  double subsample = 0.8;      // rf default 0.632
  double colsample = 0.8;      // gbdt: by tree; rf: by node (0: sqrt(features), the default)
  double min_child_weight = 1;
  double lambda = 1;
  int threads = 1;             // 1 keeps results bit-reproducible
  std::uint64_t seed = 42;
  [[nodiscard]] nlohmann::json ToJson() const;
};
[[nodiscard]] TreeOptions ParseTreeOptions(const nlohmann::json& params, bool random_forest,
                                           std::uint64_t seed);

class TreeModel {
 public:
  TreeModel();
  ~TreeModel();
  TreeModel(TreeModel&&) noexcept;
  TreeModel& operator=(TreeModel&&) noexcept;

  // `x`: n x p row-major; NaN is missing (XGBoost learns a default direction).
  static TreeModel Fit(const std::vector<double>& x, std::size_t n, std::size_t p,
                       const std::vector<int>& y, const std::vector<double>& weights,
                       const TreeOptions& options);
  [[nodiscard]] std::vector<double> Predict(const std::vector<double>& x, std::size_t n) const;
  // SHAP values in log-odds: n x (p + 1), the last column the bias; each row sums to the logit.
  [[nodiscard]] std::vector<double> Contributions(const std::vector<double>& x, std::size_t n) const;
  // Total gain per feature, normalised to sum to 1.
  [[nodiscard]] std::vector<double> GainImportance() const;
  void Save(const std::string& path) const;  // XGBoost's JSON model format
  static TreeModel Load(const std::string& path, std::size_t features);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace finml::credit
