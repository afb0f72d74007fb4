// Gradient-boosted trees and random forests through XGBoost's C API (Debian libxgboost-dev), for
// binary default prediction. The models live in the XGBoost module (libfinml_xgboost.so); their
// options are read here, without XGBoost.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>

#include "finml/core/options.hpp"

namespace finml::credit {

class Classifier;

struct TreeOptions {
  bool random_forest = false;  // rf: one round of num_parallel_tree bagged trees, eta 1
  int rounds = 300;            // gbdt boosting rounds (rf: trees)
  double eta = 0.05;
  int max_depth = 4;
  double subsample = 0.8;  // rf default 0.632
  double colsample = 0.8;  // gbdt: by tree; rf: by node (0: sqrt(features), the default)
  double min_child_weight = 1;
  double lambda = 1;
  int threads = 1;  // 1 keeps results bit-reproducible
  std::uint64_t seed = 42;
  [[nodiscard]] nlohmann::json ToJson() const;  // the parameters, the kind and the seed
  // gbdt: rounds, eta, ...; rf: trees instead of rounds, no eta, Breiman-forest defaults.
  static const options::Schema<TreeOptions>& Schema(bool random_forest);
  [[nodiscard]] static TreeOptions Defaults(bool random_forest);
};

}  // namespace finml::credit

// Entry point of the XGBoost module; call it through FINML_MODULE_FUNCTION. The classifier's
// contributions are XGBoost's SHAP values in log-odds; Describe() adds gain importance.
extern "C" finml::credit::Classifier* finml_xgboost_make_classifier(
    const finml::credit::TreeOptions& options);
