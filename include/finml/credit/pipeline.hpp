// Credit scoring end to end: configuration, a fitted model of any kind with its preprocessing
// (logistic, MLP, gradient-boosted trees, random forest), stratified cross-validation or a
// hold-out, explanations, fairness by a protected attribute and population stability.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "finml/credit/metrics.hpp"
#include "finml/credit/preprocess.hpp"
#include "finml/credit/table.hpp"
#include "finml/eval/drift.hpp"

namespace finml::credit {

struct ScorecardScale {
  double base_score = 600;  // points at base_odds
  double base_odds = 50;    // good : bad
  double pdo = 20;          // points to double the odds
  [[nodiscard]] double Factor() const;
  [[nodiscard]] double Offset() const;
  // Points for a probability of default: offset + factor * ln((1 - p) / p).
  [[nodiscard]] double Score(double p) const;
  // From the "scorecard" object of CreditConfig::ToJson (as saved in a model manifest).
  [[nodiscard]] static ScorecardScale FromJson(const nlohmann::json& scorecard);
  static const options::Schema<ScorecardScale>& Schema();
};

struct CreditConfig {
  std::string data = "data/german_credit.csv";
  std::string target = "Class";
  std::string positive;               // empty: the minority class
  std::string weight_column;          // optional row weights
  std::string protected_column;       // fairness report; never a model input
  std::vector<std::string> features;  // empty: every other column
  std::vector<std::string> exclude;
  std::vector<std::pair<std::string, std::string>> rename;  // applied when the table is read
  std::vector<std::string> categorical;  // columns to read as categories even if numeric
  bool permutation_importance = true;
  std::string model = "logistic";  // a name from ClassifierNames() (credit/classifier.hpp)
  // The model's parameters, every default filled in (credit/classifier.hpp
  // ResolveClassifierParams).
  nlohmann::json params = nlohmann::json::object();
  PreprocessOptions preprocess;  // encoding default: woe for logistic, one_hot otherwise
  std::size_t folds = 5;
  double holdout = 0;  // > 0: one stratified hold-out of this share instead of k folds
  std::uint64_t seed = 42;
  double threshold = 0.5;
  std::optional<ProfitMatrix> profit;
  ScorecardScale scale;
  [[nodiscard]] nlohmann::json ToJson() const;
  // Every setting, declared once for `finml credit train` flags and `task: credit` files.
  static const options::Schema<CreditConfig>& Schema();
};

[[nodiscard]] CreditConfig ParseCreditConfig(const ConfigNode& node, const std::string& path = "");
[[nodiscard]] CreditConfig ParseCreditConfig(const nlohmann::json& object,
                                             const std::string& origin = "settings");

// The model inputs of a configuration for a table (features minus target, weight, protected).
[[nodiscard]] std::vector<std::string> ModelFeatures(const Table& table,
                                                     const CreditConfig& config);

class CreditModel {
 public:
  CreditModel();
  ~CreditModel();
  CreditModel(CreditModel&&) noexcept;
  CreditModel& operator=(CreditModel&&) noexcept;

  static CreditModel Fit(const Table& table, const std::vector<std::size_t>& rows,
                         const std::vector<int>& y, const CreditConfig& config);
  [[nodiscard]] std::vector<double> Predict(const Table& table,
                                            const std::vector<std::size_t>& rows,
                                            std::size_t* unseen = nullptr) const;
  // Per source feature, the row's push on the log-odds of default relative to an average training
  // applicant: logistic terms, XGBoost SHAP values (summed over a feature's columns), or for the
  // MLP the change in log-odds when the feature is set to its training average. rows x features.
  [[nodiscard]] std::vector<double> Contributions(const Table& table,
                                                  const std::vector<std::size_t>& rows) const;
  [[nodiscard]] const std::vector<std::string>& FeatureNames() const;
  [[nodiscard]] const Preprocessor& Preprocessing() const;
  [[nodiscard]] const std::string& ModelName() const;
  [[nodiscard]] nlohmann::json Describe() const;  // coefficients, options
  // Scorecard rows (feature, bin, woe, points): logistic with woe encoding only, else empty.
  [[nodiscard]] std::vector<std::vector<std::string>> Scorecard(const ScorecardScale& scale) const;

  void Save(const std::string& dir) const;  // model files; the manifest is written by the caller
  static CreditModel Load(const std::string& dir, const nlohmann::json& manifest);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct FairnessGroup {
  std::string group;
  std::size_t n = 0;
  double approval_rate = 0;  // share not flagged as default (p < threshold)
  double tpr = 0, fpr = 0;   // of the default flag
  double good_approval = 0;  // approval among applicants who repaid (equal opportunity)
  std::optional<double> auc;
};
struct FairnessReport {
  std::string column;
  std::vector<FairnessGroup> groups;
  double disparate_impact = 0;              // min approval rate / max approval rate
  double equal_opportunity_difference = 0;  // max - min approval among good applicants
};

struct CreditRun {
  CreditConfig config;
  Target target;
  std::vector<std::string> features;
  std::vector<double> weights;
  std::vector<std::size_t> fold;  // per row; holdout: 0 = train, 1 = test
  std::vector<double> oof;        // out-of-fold probability (NaN: not evaluated)
  std::vector<BinaryMetrics> fold_metrics;
  BinaryMetrics pooled;
  double auc_mean = 0, auc_std = 0, ks_mean = 0, gini_mean = 0, brier_mean = 0, log_loss_mean = 0;
  std::vector<CalibrationBin> calibration;
  std::vector<RocPoint> roc;
  std::vector<std::pair<std::string, double>> permutation_importance;  // mean AUC drop
  std::vector<std::pair<std::string, double>> information_value;       // woe: from the final fit
  std::optional<FairnessReport> fairness;
  std::size_t unseen_categories = 0;  // in validation rows
  CreditModel final_model;            // fitted on every row
  std::vector<std::string> warnings;  // doubts about the final fit's bins
  double seconds = 0;
};

[[nodiscard]] CreditRun RunCredit(const Table& table, const CreditConfig& config,
                                  bool progress = false);

[[nodiscard]] FairnessReport Fairness(const Table& table, const std::string& column,
                                      const std::vector<std::size_t>& rows,
                                      const std::vector<int>& y, const std::vector<double>& p,
                                      double threshold);

// A row's reasons: the (up to k) features pushing hardest towards default, as (feature index,
// push in log-odds), strongest first; only positive pushes count. `contributions` is rows x
// `features`, as CreditModel::Contributions returns it.
[[nodiscard]] std::vector<std::pair<std::size_t, double>> TopReasons(
    const std::vector<double>& contributions, std::size_t row, std::size_t features, std::size_t k);

// Population stability index of `actual` against `expected` over the bins of `edges`
// (upper-inclusive, last +inf): sum (a - e) ln(a / e), shares floored at 1e-4.
[[nodiscard]] double PopulationStability(const std::vector<double>& expected,
                                         const std::vector<double>& actual,
                                         const std::vector<double>& edges);
// The shared drift statistics, by their credit names.
using eval::BinShares;
using eval::DecileEdges;
using eval::StabilityIndex;

}  // namespace finml::credit
