// `finml fraud train` and `finml fraud score`: supervised fraud models on labelled transactions,
// beside an unsupervised detector and the two combined.
//   split      rows sorted by time; the first share trains, the next chooses thresholds (and is
//              reported), the last is the test, touched by nothing but the final measurement
//   features   every numeric column; per categorical column its target encoding (the smoothed
//              fraud rate of the category, fitted on training rows only, each training row
//              encoded by the other training folds so its own label never reaches it); with an
//              entity (card, customer): per trailing window the entity's count and amount of
//              earlier transactions, the time since its last one, the amount against its earlier
//              mean, and per categorical column whether the value is new for the entity; the hour
//              of day. "Earlier" means strictly earlier in time, so nothing at or after a
//              transaction's own time reaches its features.
//   models     gbdt (XGBoost) and logistic with balanced class weights; iforest, fitted on the
//              training features without labels; combined, gbdt with the iforest score as one
//              more feature
//   metrics    ROC AUC, PR AUC (average precision), precision of the top k, recall at a false
//              positive rate, and the cost of the decisions at the threshold that minimises cost
//              on the validation rows: each false alarm costs fp_cost, each missed fraud fn_cost
//              plus its amount
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/core/provenance.hpp"
#include "finml/credit/table.hpp"

namespace finml::anomaly {

enum class FraudModel { kGbdt, kLogistic, kIsolationForest, kCombined };

struct FraudSettings {
  std::string data;
  std::string label;
  std::string time;
  std::string entity;   // optional: card or customer id, for velocity features
  std::string amount;   // optional numeric column: windowed sums, ratios and the cost of a miss
  std::string pattern;  // optional column naming the fraud type: recall per type, never a feature
  std::vector<std::string> numeric;      // default: every numeric column not named above
  std::vector<std::string> categorical;  // default: every other column not named above
  std::vector<std::string> exclude;      // columns that are never features (ids, leaks)
  std::vector<std::string> windows = {"1h", "24h", "7d"};
  std::vector<FraudModel> models = {FraudModel::kGbdt, FraudModel::kLogistic,
                                    FraudModel::kIsolationForest, FraudModel::kCombined};
  double validation = 0.2;
  double test = 0.2;
  double smoothing = 20;  // target encoding: weight of the overall rate, in rows
  std::int64_t encoding_folds = 5;
  double fp_cost = 5;
  double fn_cost = 25;
  double max_fpr = 0.01;
  std::int64_t top_k = 100;
  std::int64_t rounds = 300;  // gbdt
  std::int64_t max_depth = 4;
  double eta = 0.05;
  std::uint64_t seed = 42;
  static const options::Schema<FraudSettings>& Schema();
};

// model.json (and the models' files), metrics.json and report.html into `dir`; returns lines for
// the terminal.
std::vector<std::string> RunFraudTrain(const FraudSettings& settings, const std::string& dir,
                                       const Provenance& provenance);

// A model saved by `finml fraud train`, as `fraud score` and the service use it.
class FraudScorer {
 public:
  FraudScorer();
  ~FraudScorer();
  FraudScorer(FraudScorer&&) noexcept;
  FraudScorer& operator=(FraudScorer&&) noexcept;
  // Checks every field and file: a damaged model directory is an InvalidInput naming it.
  [[nodiscard]] static FraudScorer Load(const std::string& dir);
  [[nodiscard]] const FraudSettings& Settings() const;
  [[nodiscard]] std::vector<std::string> ModelNames() const;
  // The columns a transaction needs: time, entity, amount, numeric and categorical ones.
  [[nodiscard]] std::vector<std::string> Columns() const;
  struct Scores {
    std::vector<std::vector<double>> score;  // per model, per row in the table's order
    std::vector<std::vector<int>> flag;      // score >= the model's threshold
    // Per model and row the three features that push the score up most, "name=+0.42;...":
    // SHAP values in log-odds for the trees, coefficient x (value - training mean) for the
    // logistic model, occlusion for the forest.
    std::vector<std::vector<std::string>> top;
  };
  // Velocity features count the earlier rows of `transactions` only; `explain` fills `top`.
  [[nodiscard]] Scores Score(const credit::Table& transactions, bool explain) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Scores every row of `input` (transactions with the training columns; velocity features come
// from the earlier rows of the same file, so include the preceding history) into the CSV `out`:
// per model the score, the decision at its saved threshold and the three features that push the
// score up most. Returns the number of rows.
std::size_t RunFraudScore(const std::string& model_dir, const std::string& input,
                          const std::string& out);

// A trailing window such as 30s, 15m, 1h, 7d in seconds; an InvalidInput naming `what` else.
[[nodiscard]] std::int64_t ParseWindow(const std::string& text, const std::string& what);

}  // namespace finml::anomaly

template <>
struct finml::EnumNames<finml::anomaly::FraudModel> {
  static constexpr std::string_view what = "fraud model";
  static constexpr finml::NamedValue<finml::anomaly::FraudModel> values[] = {
      {finml::anomaly::FraudModel::kGbdt, "gbdt"},
      {finml::anomaly::FraudModel::kLogistic, "logistic"},
      {finml::anomaly::FraudModel::kIsolationForest, "iforest"},
      {finml::anomaly::FraudModel::kCombined, "combined"}};
};
