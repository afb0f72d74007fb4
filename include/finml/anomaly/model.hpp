// `finml anomaly fit`, `score` and `update`: detectors fitted on the earlier records of a file and
// saved with the rule that turns their scores into decisions.
//   fit     the first (1 - validation) share of the rows (in file order: time order for
//           transactions) trains the standardisation and every detector. The decision rule:
//             contamination  the (1 - contamination) quantile of the training scores
//             cost           the threshold that minimises fp_cost x false alarms + fn_cost x
//                            missed anomalies on the validation rows (needs the label)
//             top_k          the k highest scores of each period (--time, --period): what an
//                            investigation team with a fixed daily capacity reviews
//           With a label, ROC AUC, PR AUC, precision@k (k = the anomalies among the validation
//           rows) and the precision and recall of the rule's decisions are measured on the later
//           rows, which no detector was fitted on (the cost rule's threshold is chosen on them,
//           so its precision and recall there are optimistic; a later file judges it fairly).
//   score   per detector the score, the decision and the three features that drive the score
//           (Detector::Contributions), and with several detectors the score of each ensemble
//           saved with the model (finml/anomaly/ensemble.hpp: avg_rank, max_z, max_robust_z,
//           select), as its fit decided it on the training scores alone
//   update  hbos, ecod and copod learn from a new batch (Detector::Update); each batch record is
//           scored before it is learned and joins the scores the threshold is the quantile of
//           (the ensembles keep the members, weights and standardisation their fit decided)
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/anomaly/detector.hpp"
#include "finml/anomaly/ensemble.hpp"
#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/core/provenance.hpp"

namespace finml::anomaly {

enum class DecisionRule { kContamination, kCost, kTopK };

struct FitSettings {
  std::string data;
  std::string label;                  // optional: 1 = anomaly; validation metrics need it
  std::vector<std::string> features;  // default: every numeric column but the label and time
  std::vector<DetectorKind> detectors = {DetectorKind::kIsolationForest};
  std::vector<EnsembleKind> ensembles = {EnsembleKind::kAvgRank, EnsembleKind::kMaxZ,
                                         EnsembleKind::kMaxRobustZ, EnsembleKind::kSelect};
  DecisionRule rule = DecisionRule::kContamination;
  double contamination = 0.05;  // share of training records above each threshold
  double fp_cost = 1;           // cost rule
  double fn_cost = 10;
  std::int64_t top_k = 10;  // top_k rule: decisions per period
  std::string time;         // top_k rule: the time column (ISO 8601 or seconds)
  std::string period = "1d";
  double validation = 0.3;  // share of the last rows kept for validation
  DetectorSettings detector;
  static const options::Schema<FitSettings>& Schema();
};

// model.json, metrics.json and report.html into `dir`; returns lines for the terminal.
std::vector<std::string> RunAnomalyFit(const FitSettings& settings, const std::string& dir,
                                       const Provenance& provenance);

// A model saved by `finml anomaly fit`, as `score`, `update` and the service use it.
class AnomalyModel {
 public:
  AnomalyModel();
  ~AnomalyModel();
  AnomalyModel(AnomalyModel&&) noexcept;
  AnomalyModel& operator=(AnomalyModel&&) noexcept;
  // Checks every field: a damaged model.json is an InvalidInput naming it.
  [[nodiscard]] static AnomalyModel Load(const std::string& dir);

  [[nodiscard]] const std::vector<std::string>& Features() const;
  [[nodiscard]] std::vector<std::string> DetectorNames() const;
  // The ensembles saved with the model (none with one detector; avg_rank for models saved
  // before ensembles were).
  [[nodiscard]] std::vector<std::string> EnsembleNames() const;
  [[nodiscard]] DecisionRule Rule() const;
  // For the top_k rule: the time column, the period in seconds and k.
  [[nodiscard]] const std::string& TimeColumn() const;
  [[nodiscard]] std::int64_t PeriodSeconds() const;
  [[nodiscard]] std::int64_t TopK() const;

  struct Scores {
    Matrix score;               // records x detectors
    Eigen::MatrixXi flag;       // threshold decisions; the top_k rule decides with FlagTopK
    Eigen::VectorXd avg_rank;   // mean rank among each detector's training scores
    Matrix ensemble;            // records x EnsembleNames(), as decided at the fit
    std::vector<Matrix> parts;  // per detector, records x features (when explained)
  };
  // `records` in the units of the file (the model standardises them).
  [[nodiscard]] Scores Score(const Matrix& records, bool explain) const;
  // The top_k rule: per detector the k highest scores of each period (ties by row order).
  void FlagTopK(Scores& scores, const std::vector<std::int64_t>& time) const;
  // Streaming: see the file comment. Refuses a model with a detector that cannot update.
  void Update(const Matrix& records);
  // The model.json this model would be saved as.
  [[nodiscard]] nlohmann::json Document() const;
  // The `count` features with the largest parts, "name=+1.23;..." (a part may be negative).
  [[nodiscard]] std::string TopFeatures(const Matrix& parts, Eigen::Index row,
                                        std::size_t count) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Scores every row of `input` with the model in `model_dir` into the CSV `out` (atomically);
// returns the number of rows.
std::size_t RunAnomalyScore(const std::string& model_dir, const std::string& input,
                            const std::string& out);

// Updates the model in `model_dir` with the rows of `input` into the model directory `out_dir`
// (model.json only); returns lines for the terminal.
std::vector<std::string> RunAnomalyUpdate(const std::string& model_dir, const std::string& input,
                                          const std::string& out_dir);

}  // namespace finml::anomaly

template <>
struct finml::EnumNames<finml::anomaly::DecisionRule> {
  static constexpr std::string_view what = "decision rule";
  static constexpr finml::NamedValue<finml::anomaly::DecisionRule> values[] = {
      {finml::anomaly::DecisionRule::kContamination, "contamination"},
      {finml::anomaly::DecisionRule::kCost, "cost"},
      {finml::anomaly::DecisionRule::kTopK, "top_k"}};
};
