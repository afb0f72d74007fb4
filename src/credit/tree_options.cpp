#include <nlohmann/json.hpp>

#include "trees.hpp"

namespace finml::credit {
namespace {

options::Schema<TreeOptions> Build(bool forest) {
  using T = TreeOptions;
  options::Schema<T> s;
  if (forest) {
    s.Add("trees", &T::rounds, "trees in the forest").Min(1);
  } else {
    s.Add("rounds", &T::rounds, "boosting rounds").Min(1);
    s.Add("eta", &T::eta, "learning rate").Above(0).Max(1);
  }
  s.Add("max_depth", &T::max_depth, "deepest split").Min(1);
  s.Add("subsample", &T::subsample, "share of rows each tree sees").Above(0).Max(1);
  s.Add("colsample", &T::colsample,
        forest ? "share of features per split (0: sqrt(features))" : "share of features per tree")
      .Min(0)
      .Max(1);
  s.Add("min_child_weight", &T::min_child_weight, "smallest hessian sum in a leaf").Min(0);
  s.Add("lambda", &T::lambda, "L2 penalty on leaf weights").Min(0);
  s.Add("threads", &T::threads, "XGBoost threads (1 keeps results bit-reproducible)").Min(1);
  if (!forest) {
    s.Rule(
        "colsample", [](const T& t) { return t.colsample > 0; },
        "must be > 0 (only rf reads 0 as sqrt(features))");
  }
  return s;
}

}  // namespace

const options::Schema<TreeOptions>& TreeOptions::Schema(bool random_forest) {
  static const auto gbdt = Build(false);
  static const auto rf = Build(true);
  return random_forest ? rf : gbdt;
}

TreeOptions TreeOptions::Defaults(bool random_forest) {
  TreeOptions o;
  o.random_forest = random_forest;
  if (random_forest) {
    // Close to a Breiman forest (scikit-learn's defaults): deep trees, sqrt(p) candidate
    // features per split (colsample 0 = that rule), nearly unregularised leaves.
    o.rounds = 300;
    o.max_depth = 16;
    o.subsample = 0.632;
    o.colsample = 0;
    o.min_child_weight = 0.1;
    o.lambda = 1e-3;
    o.eta = 1;
  }
  return o;
}

nlohmann::json TreeOptions::ToJson() const {
  nlohmann::json j = Schema(random_forest).ToJson(*this);
  j["kind"] = random_forest ? "rf" : "gbdt";
  j["seed"] = seed;
  return j;
}

}  // namespace finml::credit
