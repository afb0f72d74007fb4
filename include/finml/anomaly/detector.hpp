// Unsupervised anomaly detectors behind one fit / score interface: a higher score is more
// anomalous. Each learns from training records only; scoring a record never looks at the other
// records being scored (so one record scores the same alone or in a batch, in the service or in
// a file). Registry (one line each in src/anomaly/registry.cpp):
//   hbos         histogram-based outlier score (Goldstein and Dengel 2012), as PyOD's HBOS:
//                per feature `bins` equal-width bins, score sum of -log2(density + alpha); values
//                just outside the training range (within `tol` of a bin width) take the edge bin
//   ecod         empirical-CDF outlier detection (Li et al. 2022): per feature the negative log of
//                the left and right tail probabilities under the training ECDF, the tail chosen
//                by the feature's skewness, summed
//   copod        copula-based outlier detection (Li et al. 2020): the same tails; per feature the
//                larger of the skewness-chosen tail and the mean of both, summed (PyOD's COPOD)
//   pca          PyOD's PCA score on standardised features: the distance to each principal axis,
//                divided by that axis' share of the variance, summed over the axes
//   mcd          squared Mahalanobis distance under the minimum covariance determinant estimate
//                (FastMCD, Rousseeuw and Van Driessen 1999, reweighted as scikit-learn's
//                MinCovDet)
//   knn          distance to the k-th nearest training record (PyOD's KNN "largest")
//   lof          local outlier factor (Breunig et al. 2000) against the training records, as
//                scikit-learn's LocalOutlierFactor(novelty=True)
//   iforest      isolation forest (Liu, Ting and Zhou 2008): `trees` trees on `max_samples`
//                records each, score 2^(-mean path length / c(max_samples))
//   autoencoder  a LibTorch autoencoder (as PyOD's AutoEncoder: ReLU layers `ae_hidden`, mirrored,
//                dropout) trained on the training records through the shared training loop, the
//                last `ae_validation` share of them stopping it early; score the squared
//                reconstruction error summed over features. Needs the torch module.
// Neighbour searches are exact: a k-d tree (nanoflann) up to 16 features (32 from 5,000 records),
// brute force through one matrix product per block of records beyond. Streaming: hbos keeps its
// bins and adds the batch's counts (a value outside the bins counts toward the total only, so the
// region stays rare); ecod and copod merge the batch into their sorted training values and
// recompute each feature's skewness; the autoencoder trains `ae_update_epochs` more epochs on the
// batch.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"

namespace finml::anomaly {

enum class DetectorKind {
  kHbos,
  kEcod,
  kCopod,
  kPca,
  kMcd,
  kKnn,
  kLof,
  kIsolationForest,
  kAutoencoder
};

struct DetectorSettings {
  std::int64_t bins = 10;          // hbos
  double alpha = 0.1;              // hbos: density regulariser
  double tol = 0.5;                // hbos: share of a bin width outside the range still in it
  std::int64_t knn_k = 5;          // knn
  std::int64_t lof_k = 20;         // lof
  std::int64_t trees = 100;        // iforest
  std::int64_t max_samples = 256;  // iforest: records per tree (fewer when the data has fewer)
  std::int64_t mcd_trials = 30;    // mcd: random starts on up to 500 records (scikit-learn: 30)
  std::vector<std::int64_t> ae_hidden = {64, 32};  // autoencoder: encoder widths, mirrored
  double ae_dropout = 0.2;
  std::int64_t ae_epochs = 100;
  std::int64_t ae_batch = 32;
  double ae_lr = 1e-3;
  std::int64_t ae_patience = 10;
  double ae_validation = 0.1;
  std::int64_t ae_update_epochs = 5;  // streaming: epochs over each new batch
  std::uint64_t seed = 42;
  static const options::Schema<DetectorSettings>& Schema();
};

// Records in rows, features in columns.
using Matrix = Eigen::MatrixXd;

class Detector {
 public:
  virtual ~Detector() = default;
  // Learns from `train`, and keeps the training records' own scores (TrainingScores).
  void Fit(const Matrix& train);
  // One score per row; higher is more anomalous.
  [[nodiscard]] virtual Eigen::VectorXd Score(const Matrix& records) const = 0;
  // The training records' scores, each without itself as its own neighbour: what thresholds
  // and ensembles calibrate on.
  [[nodiscard]] const Eigen::VectorXd& TrainingScores() const { return training_scores_; }
  // What a saved model keeps; Load refuses a state of another shape with InvalidInput.
  [[nodiscard]] virtual nlohmann::json State() const = 0;
  virtual void Load(const nlohmann::json& state) = 0;
  // Each feature's part in each record's score (records x features), the features that drive it.
  // Where the score is a sum over features (hbos, ecod, copod), a quadratic form (mcd) or splits
  // exactly (pca: each axis distance shared by the features' squared gaps) the parts add up to
  // the score. Otherwise (knn, lof, iforest) a part is the score's drop when that feature alone
  // is set to 0, the training mean of the standardised features finml feeds its detectors.
  [[nodiscard]] virtual Matrix Contributions(const Matrix& records) const;
  // Detectors that learn incrementally (hbos, ecod, copod, autoencoder) take a batch of new
  // records; the others refuse with InvalidInput (refit them).
  [[nodiscard]] virtual bool Updatable() const { return false; }
  virtual void Update(const Matrix& batch);

 protected:
  virtual void Learn(const Matrix& train) = 0;
  // Neighbour-based detectors leave each record out of its own neighbours.
  [[nodiscard]] virtual Eigen::VectorXd ScoreTraining(const Matrix& train) const {
    return Score(train);
  }

 private:
  Eigen::VectorXd training_scores_;
};

[[nodiscard]] std::unique_ptr<Detector> MakeDetector(DetectorKind kind,
                                                     const DetectorSettings& settings);

// Per-feature standardisation fitted on training records (a constant feature keeps scale 1).
struct Standardizer {
  Eigen::RowVectorXd mean, scale;
  static Standardizer Fit(const Matrix& train);
  [[nodiscard]] Matrix Apply(const Matrix& x) const;
};

// Scores as the plain vectors that metrics, thresholds and saved JSON take.
inline std::vector<double> ToVector(const Eigen::VectorXd& v) {
  return {v.data(), v.data() + v.size()};
}

// The median as numpy's: the mean of the middle two of an even count (0 values: NaN).
[[nodiscard]] double Median(std::vector<double> values);

// Each score's position among a detector's training scores (ties count half): comparable across
// detectors, and computable for one record alone (the avg_rank ensemble).
[[nodiscard]] Eigen::VectorXd RankAmong(const Eigen::VectorXd& training,
                                        const Eigen::VectorXd& scores);
// The lowest score level whose decisions (flag score >= level) cost least on labelled rows: each
// flagged y = 0 costs `false_alarm`, each unflagged y = 1 its `miss[i]`. +inf: flag nothing.
[[nodiscard]] double CheapestLevel(const std::vector<int>& y, const std::vector<double>& score,
                                   double false_alarm, const std::vector<double>& miss);
// The `count` columns of `parts`' row with the largest values, largest first (ties by column),
// as "name=+1.23;name=+0.4" with `names` the columns' names.
[[nodiscard]] std::vector<Eigen::Index> StrongestParts(const Matrix& parts, Eigen::Index row,
                                                       std::size_t count);
[[nodiscard]] std::string FormatParts(const Matrix& parts, Eigen::Index row,
                                      const std::vector<std::string>& names, std::size_t count);
// The share of anomalies (y = 1) among the n highest scores, n the number of anomalies.
[[nodiscard]] double PrecisionAtN(const std::vector<int>& y, const std::vector<double>& score);

}  // namespace finml::anomaly

template <>
struct finml::EnumNames<finml::anomaly::DetectorKind> {
  static constexpr std::string_view what = "anomaly detector";
  static constexpr finml::NamedValue<finml::anomaly::DetectorKind> values[] = {
      {finml::anomaly::DetectorKind::kHbos, "hbos"},
      {finml::anomaly::DetectorKind::kEcod, "ecod"},
      {finml::anomaly::DetectorKind::kCopod, "copod"},
      {finml::anomaly::DetectorKind::kPca, "pca"},
      {finml::anomaly::DetectorKind::kMcd, "mcd"},
      {finml::anomaly::DetectorKind::kKnn, "knn"},
      {finml::anomaly::DetectorKind::kLof, "lof"},
      {finml::anomaly::DetectorKind::kIsolationForest, "iforest"},
      {finml::anomaly::DetectorKind::kAutoencoder, "autoencoder"}};
};
