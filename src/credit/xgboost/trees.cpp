// XGBoost boosters behind the credit Classifier interface. Every C call goes through Check, which
// turns a non-zero return and XGBGetLastError() into an Error; handles are freed by RAII.
#include "credit/trees.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "finml/core/error.hpp"
#include "finml/credit/classifier.hpp"

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
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
};

struct Booster {
  BoosterHandle handle = nullptr;
  Booster() = default;
  ~Booster() {
    if (handle) XGBoosterFree(handle);
  }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
};

class TreeClassifier final : public Classifier {
 public:
  explicit TreeClassifier(TreeOptions options) : options_(options) {}

  void Fit(const std::vector<double>& x, std::size_t n, std::size_t p, const std::vector<int>& y,
           const std::vector<double>& weights, const std::vector<std::string>&) override;

  std::vector<double> Predict(const std::vector<double>& x, std::size_t n) const override {
    return Run(x, n, 0);
  }

  // SHAP values in log-odds: XGBoost gives n x (p + 1) with the bias last; rows sum to the logit.
  std::vector<double> Contributions(const std::vector<double>& x, std::size_t n,
                                    const std::vector<double>&) const override {
    const auto shap = Run(x, n, 4);
    std::vector<double> out(n * features_);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < features_; ++j)
        out[i * features_ + j] = shap[i * (features_ + 1) + j];
    return out;
  }

  nlohmann::json Options() const override { return options_.ToJson(); }

  nlohmann::json Describe(const std::vector<std::string>& names) const override {
    const auto gain = GainImportance();
    nlohmann::json importance = nlohmann::json::object();
    for (std::size_t j = 0; j < gain.size() && j < names.size(); ++j)
      importance[names[j]] = gain[j];
    return {{"gain_importance", importance}};
  }

  nlohmann::json Save(const std::string& dir) const override {
    Check(XGBoosterSaveModel(booster_->handle, (dir + "/xgboost.tmp.json").c_str()), "save");
    std::filesystem::rename(dir + "/xgboost.tmp.json", dir + "/xgboost.json");
    return nlohmann::json::object();
  }

  void Load(const JsonReader&, const std::string& dir, std::size_t columns) override {
    features_ = columns;
    booster_ = std::make_unique<Booster>();
    Check(XGBoosterCreate(nullptr, 0, &booster_->handle), "booster");
    const std::string path = dir + "/xgboost.json";
    if (XGBoosterLoadModel(booster_->handle, path.c_str()) != 0) {
      throw InvalidInput(
          fmt::format("{}: not an XGBoost model ({}) (fix: restore the file, or "
                      "train again)",
                      path, XGBGetLastError()));
    }
    bst_ulong trained = 0;
    Check(XGBoosterGetNumFeature(booster_->handle, &trained), "feature count");
    if (trained != columns) {
      throw InvalidInput(
          fmt::format("{}: the trees were trained on {} columns, the model's "
                      "preprocessing makes {} (fix: restore the model directory "
                      "from one training run)",
                      path, trained, columns));
    }
  }

 private:
  // option_mask 0: probabilities; 4: SHAP contributions.
  std::vector<double> Run(const std::vector<double>& x, std::size_t n, int option_mask) const {
    Matrix data(x, n, features_);
    bst_ulong length = 0;
    const float* out = nullptr;
    Check(XGBoosterPredict(booster_->handle, data.handle, option_mask, 0, 0, &length, &out),
          "predict");
    return {out, out + length};
  }

  // Total gain per feature, normalised to sum to 1.
  std::vector<double> GainImportance() const {
    std::vector<double> gain(features_, 0.0);
    bst_ulong count = 0;
    const char** dump = nullptr;
    Check(XGBoosterDumpModelEx(booster_->handle, "", 1, "json", &count, &dump), "dump");
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

  TreeOptions options_;
  std::unique_ptr<Booster> booster_;
  std::size_t features_ = 0;
};

void TreeClassifier::Fit(const std::vector<double>& x, std::size_t n, std::size_t p,
                         const std::vector<int>& y, const std::vector<double>& weights,
                         const std::vector<std::string>&) {
  const TreeOptions& o = options_;
  FINML_REQUIRE(x.size() == n * p && y.size() == n && n > 0, "trees: inconsistent shapes");
  Matrix train(x, n, p);
  std::vector<float> labels(y.begin(), y.end());
  Check(XGDMatrixSetFloatInfo(train.handle, "label", labels.data(), n), "labels");
  if (!weights.empty()) {
    std::vector<float> w(weights.begin(), weights.end());
    Check(XGDMatrixSetFloatInfo(train.handle, "weight", w.data(), n), "weights");
  }
  features_ = p;
  booster_ = std::make_unique<Booster>();
  Check(XGBoosterCreate(&train.handle, 1, &booster_->handle), "booster");
  auto set = [&](const char* key, const std::string& value) {
    Check(XGBoosterSetParam(booster_->handle, key, value.c_str()), key);
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
    const double share =
        o.colsample > 0 ? o.colsample
                        : std::max(1.0, std::sqrt(static_cast<double>(p))) / static_cast<double>(p);
    set("colsample_bynode", fmt::format("{}", std::min(1.0, share)));
    set("eta", "1");
    rounds = 1;
  } else {
    set("eta", fmt::format("{}", o.eta));
    set("colsample_bytree", fmt::format("{}", o.colsample));
  }
  for (int i = 0; i < rounds; ++i)
    Check(XGBoosterUpdateOneIter(booster_->handle, i, train.handle), "training");
}

}  // namespace
}  // namespace finml::credit

extern "C" finml::credit::Classifier* finml_xgboost_make_classifier(
    const finml::credit::TreeOptions& options) {
  return new finml::credit::TreeClassifier(options);
}
