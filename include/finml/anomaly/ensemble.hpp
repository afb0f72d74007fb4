// Ensembles of anomaly detectors: one score per record from the scores of several detectors
// fitted on the same training records. An ensemble is decided from those detectors' training
// scores alone (never from labels or from the records it later scores), and what it decides is
// kept, so a saved model scores new records the way its fit did. Registry (one entry each in
// src/anomaly/ensemble.cpp):
//   avg_rank  each score's rank among its detector's training scores, averaged over detectors
//   max_z     the largest score standardised by its detector's training scores' mean and
//             deviation (PyOD's maximisation; ranks would saturate at the top)
//   max_robust_z  the same with each detector's training scores' median and median absolute
//             deviation, which the anomalies among the training records do not inflate
//   select    SELECT's vertical selection (Rayana and Akoglu 2016, "Less is more: building
//             selective anomaly ensembles", ACM TKDD 10(4)): every detector's training scores
//             standardised (z-scores), the pseudo-target their mean; detectors ordered by their
//             weighted Pearson correlation with the target (the target's anomalies, the upper
//             component of a two-Gaussian mixture fitted to it, weigh as much in all as its
//             normal records); the first joins, each next one joins only if the mean of the
//             members' z-scores correlates better with the target with it than without it. The
//             score is the mean z-score of the members; the others are left out (weight 0).
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/anomaly/detector.hpp"
#include "finml/core/names.hpp"

namespace finml::anomaly {

enum class EnsembleKind { kAvgRank, kMaxZ, kMaxRobustZ, kSelect };

// What an ensemble decided at its fit, per detector (member) in the order given.
struct Ensemble {
  EnsembleKind kind = EnsembleKind::kAvgRank;
  Eigen::VectorXd weight;  // each detector's weight in the combination; 0: left out
  Eigen::VectorXd centre;  // max_z, select: the mean of each detector's training scores
                           // (max_robust_z: their median)
  Eigen::VectorXd scale;   // ... and their (population) deviation, 1 where they are constant
                           // (max_robust_z: the scaled median absolute deviation)

  // Decides from `training`: the detectors' scores of the same training records (records x
  // detectors), each record scored without itself as its own neighbour (TrainingScores).
  [[nodiscard]] static Ensemble Fit(EnsembleKind kind, const Matrix& training);
  // One score per record from `scores` (records x detectors); avg_rank ranks each among
  // `training[d]`, the detector's current training scores. Higher is more anomalous.
  [[nodiscard]] Eigen::VectorXd Score(const std::vector<Eigen::VectorXd>& training,
                                      const Matrix& scores) const;
  // `scores` (records x detectors) standardised by `centre` and `scale`, as max_z, max_robust_z
  // and select combine them.
  [[nodiscard]] Matrix Standardised(const Matrix& scores) const;
  // What a saved model keeps; Load refuses a state for another number of detectors.
  [[nodiscard]] nlohmann::json State() const;
  [[nodiscard]] static Ensemble Load(EnsembleKind kind, const nlohmann::json& state,
                                     Eigen::Index detectors);
  // The detectors with a weight above 0, by index.
  [[nodiscard]] std::vector<Eigen::Index> Members() const;
};

// Pearson correlation of `a` and `b` with each record weighing `w` (NaN where either is
// constant).
[[nodiscard]] double WeightedCorrelation(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                         const Eigen::VectorXd& w);

}  // namespace finml::anomaly

template <>
struct finml::EnumNames<finml::anomaly::EnsembleKind> {
  static constexpr std::string_view what = "anomaly ensemble";
  static constexpr finml::NamedValue<finml::anomaly::EnsembleKind> values[] = {
      {finml::anomaly::EnsembleKind::kAvgRank, "avg_rank"},
      {finml::anomaly::EnsembleKind::kMaxZ, "max_z"},
      {finml::anomaly::EnsembleKind::kMaxRobustZ, "max_robust_z"},
      {finml::anomaly::EnsembleKind::kSelect, "select"}};
};
