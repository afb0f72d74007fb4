#include "finml/credit/trees.hpp"

#include <xgboost/c_api.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>

#include "finml/core/error.hpp"
#include "finml/core/params.hpp"

namespace finml::credit {
namespace {

void Check(int rc, const std::string& what) {
  if (rc != 0) throw InternalError(fmt::format("XGBoost {}: {}", what, XGBGetLastError()));
}

struct Matrix {
  DMatrixHandle handle = nullptr;
  Matrix(const std::vector<double>& x, std::size_t n, std::size_t p) {
    std::vector<float> values(x.begin(), x.end());
    Check(XGDMatrixCreateFromMat(values.data(), n, p, std::nanf(""), &handle), "DMatrix");
  }
  ~Matrix() { XGDMatrixFree(handle); }
};

}  // namespace

struct TreeModel::Impl {
  BoosterHandle booster = nullptr;
  std::size_t features = 0;
  ~Impl() {
    if (booster) XGBoosterFree(booster);
  }
};

TreeModel::TreeModel() : impl_(std::make_unique<Impl>()) {}
TreeModel::~TreeModel() = default;
TreeModel::TreeModel(TreeModel&&) noexcept = default;
TreeModel& TreeModel::operator=(TreeModel&&) noexcept = default;

nlohmann::json TreeOptions::ToJson() const {
  return {{"kind", random_forest ? "rf" : "gbdt"}, {"rounds", rounds}, {"eta", eta},
          {"max_depth", max_depth}, {"subsample", subsample},
          {"colsample", colsample == 0 ? nlohmann::json("sqrt") : nlohmann::json(colsample)},
          {"min_child_weight", min_child_weight}, {"lambda", lambda}, {"threads", threads},
          {"seed", seed}};
}

TreeOptions ParseTreeOptions(const nlohmann::json& params, bool random_forest, std::uint64_t seed) {
  TreeOptions o;
  o.random_forest = random_forest;
  o.seed = seed;
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
  ParamReader p(random_forest ? "rf" : "gbdt", params);
  o.rounds = p.Get<int>(random_forest ? "trees" : "rounds", o.rounds);
  if (!random_forest) o.eta = p.Get<double>("eta", o.eta);
  o.max_depth = p.Get<int>("max_depth", o.max_depth);
  o.subsample = p.Get<double>("subsample", o.subsample);
  o.colsample = p.Get<double>("colsample", o.colsample);
  o.min_child_weight = p.Get<double>("min_child_weight", o.min_child_weight);
  o.lambda = p.Get<double>("lambda", o.lambda);
  o.threads = p.Get<int>("threads", o.threads);
  p.Finish();
  FINML_REQUIRE(o.rounds >= 1 && o.max_depth >= 1 && o.eta > 0 && o.subsample > 0 &&
                    o.subsample <= 1 && (o.colsample > 0 || (random_forest && o.colsample == 0)) &&
                    o.colsample <= 1 && o.threads >= 1,
                "{}: rounds/trees >= 1, max_depth >= 1, eta > 0, subsample and colsample in (0, 1] "
                "(rf: colsample 0 = sqrt(features))",
                random_forest ? "rf" : "gbdt");
  return o;
}

TreeModel TreeModel::Fit(const std::vector<double>& x, std::size_t n, std::size_t p,
                         const std::vector<int>& y, const std::vector<double>& weights,
                         const TreeOptions& o) {
  FINML_REQUIRE(x.size() == n * p && y.size() == n && n > 0, "trees: inconsistent shapes");
  Matrix train(x, n, p);
  std::vector<float> labels(y.begin(), y.end());
  Check(XGDMatrixSetFloatInfo(train.handle, "label", labels.data(), n), "labels");
  if (!weights.empty()) {
    std::vector<float> w(weights.begin(), weights.end());
    Check(XGDMatrixSetFloatInfo(train.handle, "weight", w.data(), n), "weights");
  }
  TreeModel m;
  m.impl_->features = p;
  Check(XGBoosterCreate(&train.handle, 1, &m.impl_->booster), "booster");
  auto set = [&](const char* key, const std::string& value) {
    Check(XGBoosterSetParam(m.impl_->booster, key, value.c_str()), key);
  };
  set("objective", "binary:logistic");
  set("tree_method", "hist");
  set("nthread", std::to_string(o.threads));
  set("seed", std::to_string(o.seed));
  set("max_depth", std::to_string(o.max_depth));
  set("min_child_weight", fmt::format("{}", o.min_child_weight));
  set("lambda", fmt::format("{}", o.lambda));
  set("subsample", fmt::format("{}", o.subsample));
  set("verbosity", "0");
  int rounds = o.rounds;
  if (o.random_forest) {
    // XGBoost's random forest: many bagged trees in a single round, no shrinkage.
    set("num_parallel_tree", std::to_string(o.rounds));
    const double share = o.colsample > 0 ? o.colsample
                                         : std::max(1.0, std::sqrt(static_cast<double>(p))) / static_cast<double>(p);
    set("colsample_bynode", fmt::format("{}", std::min(1.0, share)));
    set("eta", "1");
    rounds = 1;
  } else {
    set("eta", fmt::format("{}", o.eta));
    set("colsample_bytree", fmt::format("{}", o.colsample));
  }
  for (int i = 0; i < rounds; ++i)
    Check(XGBoosterUpdateOneIter(m.impl_->booster, i, train.handle), "training");
  return m;
}

namespace {

// option_mask 0: probabilities; 4: SHAP contributions.
std::vector<double> Run(BoosterHandle booster, const std::vector<double>& x, std::size_t n,
                        std::size_t p, int option_mask) {
  Matrix data(x, n, p);
  bst_ulong length = 0;
  const float* out = nullptr;
  Check(XGBoosterPredict(booster, data.handle, option_mask, 0, 0, &length, &out), "predict");
  return {out, out + length};
}

}  // namespace

std::vector<double> TreeModel::Predict(const std::vector<double>& x, std::size_t n) const {
  return Run(impl_->booster, x, n, impl_->features, 0);
}

std::vector<double> TreeModel::Contributions(const std::vector<double>& x, std::size_t n) const {
  return Run(impl_->booster, x, n, impl_->features, 4);
}

std::vector<double> TreeModel::GainImportance() const {
  std::vector<double> gain(impl_->features, 0.0);
  bst_ulong count = 0;
  const char** dump = nullptr;
  Check(XGBoosterDumpModelEx(impl_->booster, "", 1, "json", &count, &dump), "dump");
  double total = 0;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (!node.contains("split")) return;
    const std::string split = node.at("split").get<std::string>();  // "f12"
    const auto feature = static_cast<std::size_t>(std::stoul(split.substr(1)));
    const double g = node.at("gain").get<double>();
    if (feature < gain.size()) gain[feature] += g;
    total += g;
    for (const auto& child : node.at("children")) walk(child);
  };
  for (bst_ulong i = 0; i < count; ++i) walk(nlohmann::json::parse(dump[i]));
  if (total > 0)
    for (double& g : gain) g /= total;
  return gain;
}

void TreeModel::Save(const std::string& path) const {
  Check(XGBoosterSaveModel(impl_->booster, path.c_str()), "save");
}

TreeModel TreeModel::Load(const std::string& path, std::size_t features) {
  TreeModel m;
  m.impl_->features = features;
  Check(XGBoosterCreate(nullptr, 0, &m.impl_->booster), "booster");
  Check(XGBoosterLoadModel(m.impl_->booster, path.c_str()), "load " + path);
  return m;
}

}  // namespace finml::credit
