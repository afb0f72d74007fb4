// Ensembles of anomaly detectors (finml/anomaly/ensemble.hpp): SELECT leaves out the detectors
// that disagree with the others, every ensemble is decided on training scores alone, and a saved
// model scores with what its fit decided.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>

#include "finml/anomaly/benchmark.hpp"
#include "finml/anomaly/detector.hpp"
#include "finml/anomaly/ensemble.hpp"
#include "finml/anomaly/model.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "test_util.hpp"

namespace finml::anomaly {
namespace {

// 500 records, 25 of them far out; detectors 0-3 see them through noise of their own, on scales
// and offsets of their own; 4 is detector 0 turned upside down, so the two cancel in the mean
// z-score (SELECT's target), which is then the mean of detectors 1-3.
Matrix SyntheticTrainingScores() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  Matrix scores(500, 5);
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    const double signal = normal(rng) + (i % 20 == 0 ? 6.0 : 0.0);
    scores(i, 0) = signal + 0.3 * normal(rng);
    scores(i, 1) = 10 * (signal + 0.3 * normal(rng)) + 100;
    scores(i, 2) = 0.01 * (signal + 0.3 * normal(rng)) - 3;
    scores(i, 3) = 0.5 * (signal + 0.3 * normal(rng)) + 7;
    scores(i, 4) = -scores(i, 0);
  }
  return scores;
}

TEST(AnomalyEnsembles, SelectLeavesOutAnAntiCorrelatedDetectorAndTheOneItCancels) {
  const Matrix training = SyntheticTrainingScores();
  const Ensemble select = Ensemble::Fit(EnsembleKind::kSelect, training);
  EXPECT_EQ(select.Members(), (std::vector<Eigen::Index>{1, 2, 3}));
  for (const Eigen::Index d : select.Members()) EXPECT_DOUBLE_EQ(select.weight[d], 1.0 / 3);
  // Detector 0 joins no more than its mirror image: the target does not hold it.
  // avg_rank and max_z keep everyone.
  EXPECT_EQ(Ensemble::Fit(EnsembleKind::kAvgRank, training).Members().size(), 5U);
  EXPECT_EQ(Ensemble::Fit(EnsembleKind::kMaxZ, training).Members().size(), 5U);
  // The score is the members' mean z-score: the outliers come out on top.
  std::vector<Eigen::VectorXd> columns;
  for (Eigen::Index d = 0; d < training.cols(); ++d) columns.push_back(training.col(d));
  const Eigen::VectorXd score = select.Score(columns, training);
  double outliers = 0, normal = 0;
  for (Eigen::Index i = 0; i < score.size(); ++i) (i % 20 == 0 ? outliers : normal) += score[i];
  EXPECT_GT(outliers / 25, normal / 475 + 3);
  // A detector with constant scores never joins, even listed first.
  Matrix with_constant(training.rows(), 6);
  with_constant << Eigen::VectorXd::Constant(training.rows(), 2.0), training;
  EXPECT_EQ(Ensemble::Fit(EnsembleKind::kSelect, with_constant).Members(),
            (std::vector<Eigen::Index>{2, 3, 4}));
}

// max_robust_z standardises by the median and the scaled median absolute deviation, so the
// training anomalies' scores do not set the scale: on normal scores those equal the mean and the
// deviation; a detector with 1 record in 20 a thousand times out keeps the bulk's scale (the mean
// and deviation of max_z would grow ~50 and ~220 times); the mean absolute deviation steps in
// where more than half the scores are equal, and 1 where all are.
TEST(AnomalyEnsembles, MaxRobustZScalesByTheBulkOfTheTrainingScores) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  Matrix training(20000, 4);
  for (Eigen::Index i = 0; i < training.rows(); ++i) {
    training(i, 0) = 5 + 2 * normal(rng);
    training(i, 1) = normal(rng) + (i % 20 == 0 ? 1000.0 : 0.0);
    training(i, 2) = i % 4 == 0 ? 1.0 : 0.0;  // three in four equal
    training(i, 3) = 3;
  }
  const Ensemble robust = Ensemble::Fit(EnsembleKind::kMaxRobustZ, training);
  EXPECT_EQ(robust.Members().size(), 4U);
  EXPECT_NEAR(robust.centre[0], 5, 0.05);
  EXPECT_NEAR(robust.scale[0], 2, 0.05);
  EXPECT_NEAR(robust.centre[1], 0.07, 0.05);  // the outliers push the median up a little
  EXPECT_NEAR(robust.scale[1], 1.1, 0.1);
  EXPECT_EQ(robust.centre[2], 0);
  EXPECT_NEAR(robust.scale[2], std::sqrt(std::numbers::pi / 2) * 0.25, 1e-12);
  EXPECT_EQ(robust.scale[3], 1);
  const Ensemble plain = Ensemble::Fit(EnsembleKind::kMaxZ, training);
  EXPECT_GT(plain.scale[1], 100 * robust.scale[1]);
  // A record 10 deviations out on detector 1 outscores one 4 deviations out on detector 0.
  std::vector<Eigen::VectorXd> columns;
  for (Eigen::Index d = 0; d < training.cols(); ++d) columns.push_back(training.col(d));
  Matrix records(2, 4);
  records << 5 + 2 * 4, 0, 0, 3, 5, 10 * robust.scale[1] + robust.centre[1], 0, 3;
  const Eigen::VectorXd score = robust.Score(columns, records);
  EXPECT_NEAR(score[1], 10, 1e-9);
  EXPECT_GT(score[1], score[0]);
  // A saved state scores the same.
  const Ensemble loaded =
      Ensemble::Load(EnsembleKind::kMaxRobustZ, nlohmann::json::parse(robust.State().dump()), 4);
  EXPECT_EQ(loaded.Score(columns, records), score);
}

TEST(AnomalyEnsembles, WeightedCorrelationIsPearsonsWithWeights) {
  const Eigen::VectorXd a = (Eigen::VectorXd(4) << 1, 2, 3, 4).finished();
  const Eigen::VectorXd b = (Eigen::VectorXd(4) << 2, 4, 6, 9).finished();
  const Eigen::VectorXd equal = Eigen::VectorXd::Ones(4);
  // Pearson: 11.5 / sqrt(5 x 26.75)
  EXPECT_NEAR(WeightedCorrelation(a, b, equal), 0.9943767126843689, 1e-12);
  // Doubling a record's weight is listing it twice.
  const Eigen::VectorXd twice = (Eigen::VectorXd(4) << 1, 1, 1, 2).finished();
  const Eigen::VectorXd a5 = (Eigen::VectorXd(5) << 1, 2, 3, 4, 4).finished();
  const Eigen::VectorXd b5 = (Eigen::VectorXd(5) << 2, 4, 6, 9, 9).finished();
  EXPECT_NEAR(WeightedCorrelation(a, b, twice),
              WeightedCorrelation(a5, b5, Eigen::VectorXd::Ones(5)), 1e-12);
  EXPECT_TRUE(std::isnan(WeightedCorrelation(a, Eigen::VectorXd::Constant(4, 3), equal)));
}

// A model fitted with all four ensembles, on pima's first 70% of rows.
FitSettings PimaSettings(const std::string& data) {
  FitSettings s;
  s.data = data;
  s.label = "label";
  s.detectors = {DetectorKind::kHbos, DetectorKind::kEcod, DetectorKind::kPca, DetectorKind::kKnn,
                 DetectorKind::kLof};
  return s;
}

// The validation rows (shuffled, their values and labels scrambled) decide nothing: the same
// members, weights and standardisation, so every training-row score is the same.
TEST(AnomalyEnsembles, DecidedOnTheTrainingRowsAlone) {
  const std::string dir = finml::testing::TempDir("anomaly_ensembles_rows");
  const std::string text = ReadFile(finml::testing::RepoPath("data/odds_pima.csv"));
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  const std::size_t keep = 1 + static_cast<std::size_t>(std::round(0.7 * (lines.size() - 1)));
  std::vector<std::string> later(lines.begin() + static_cast<std::ptrdiff_t>(keep), lines.end());
  std::mt19937_64 rng(11);
  std::shuffle(later.begin(), later.end(), rng);
  std::string scrambled;
  for (std::size_t i = 0; i < keep; ++i) scrambled += lines[i] + "\n";
  for (std::size_t i = 0; i < later.size(); ++i) {
    // Every value of the row reversed in order, the label flipped.
    std::string row = later[i];
    const auto comma = row.rfind(',');
    const std::string label = row.substr(comma + 1) == "1" ? "0" : "1";
    std::vector<std::string> fields;
    std::size_t from = 0;
    for (std::size_t to; (to = row.find(',', from)) != std::string::npos && to < comma;
         from = to + 1)
      fields.push_back(row.substr(from, to - from));
    fields.push_back(row.substr(from, comma - from));
    std::reverse(fields.begin(), fields.end());
    std::string out;
    for (const auto& f : fields) out += f + ",";
    scrambled += out + label + "\n";
  }
  WriteFileAtomic(dir + "/a.csv", text);
  WriteFileAtomic(dir + "/b.csv", scrambled);
  const Provenance provenance{"test", {}, {}};
  (void)RunAnomalyFit(PimaSettings(dir + "/a.csv"), dir + "/fit_a", provenance);
  (void)RunAnomalyFit(PimaSettings(dir + "/b.csv"), dir + "/fit_b", provenance);
  const auto a = nlohmann::json::parse(ReadFile(dir + "/fit_a/model.json"));
  const auto b = nlohmann::json::parse(ReadFile(dir + "/fit_b/model.json"));
  ASSERT_EQ(a["ensembles"].size(), 4U);
  EXPECT_EQ(a["ensembles"], b["ensembles"]);
  EXPECT_EQ(a["ensembles"][3]["name"], "select");
  EXPECT_FALSE(a["ensembles"][3]["members"].empty());
  // The metrics on the validation rows differ: they did reach the fit's output, and only there.
  const auto ma = nlohmann::json::parse(ReadFile(dir + "/fit_a/metrics.json"));
  const auto mb = nlohmann::json::parse(ReadFile(dir + "/fit_b/metrics.json"));
  EXPECT_NE(ma["ensembles"]["select"]["roc_auc"], mb["ensembles"]["select"]["roc_auc"]);
  EXPECT_EQ(ma["ensembles"]["select"]["members"], a["ensembles"][3]["members"]);
}

TEST(AnomalyEnsembles, ASavedModelScoresAsItsFitDecided) {
  const std::string dir = finml::testing::TempDir("anomaly_ensembles_saved");
  const std::string data = finml::testing::RepoPath("data/odds_pima.csv");
  (void)RunAnomalyFit(PimaSettings(data), dir + "/fit", Provenance{"test", {}, {}});
  const AnomalyModel model = AnomalyModel::Load(dir + "/fit");
  EXPECT_EQ(model.EnsembleNames(),
            (std::vector<std::string>{"avg_rank", "max_z", "max_robust_z", "select"}));
  const LabelledData d = LoadLabelled(data, "label");
  const auto scores = model.Score(d.x, false);
  ASSERT_EQ(scores.ensemble.cols(), 4);
  // avg_rank is the mean rank the model always reported.
  for (Eigen::Index r = 0; r < d.x.rows(); ++r)
    ASSERT_DOUBLE_EQ(scores.ensemble(r, 0), scores.avg_rank[r]) << r;
  // The ensemble fitted again on the saved training scores decides the same and scores the same.
  const auto doc = nlohmann::json::parse(ReadFile(dir + "/fit/model.json"));
  std::vector<Eigen::VectorXd> training;
  Matrix columns(static_cast<Eigen::Index>(doc["detectors"][0]["training_scores"].size()),
                 static_cast<Eigen::Index>(doc["detectors"].size()));
  for (std::size_t k = 0; k < doc["detectors"].size(); ++k) {
    const auto v = doc["detectors"][k]["training_scores"].get<std::vector<double>>();
    training.emplace_back(Eigen::Map<const Eigen::VectorXd>(v.data(), columns.rows()));
    columns.col(static_cast<Eigen::Index>(k)) = training.back();
  }
  const Ensemble refit = Ensemble::Fit(EnsembleKind::kSelect, columns);
  EXPECT_EQ(refit.State(), doc["ensembles"][3]["state"]);
  const Eigen::VectorXd direct = refit.Score(training, scores.score);
  for (Eigen::Index r = 0; r < d.x.rows(); ++r) ASSERT_EQ(direct[r], scores.ensemble(r, 3)) << r;
  // Saved again and loaded: the same bits; one record alone scores as in the batch.
  EnsureDirectory(dir + "/again");
  WriteFileAtomic(dir + "/again/model.json", model.Document().dump() + "\n");
  const auto again = AnomalyModel::Load(dir + "/again").Score(d.x, false);
  EXPECT_EQ(again.ensemble, scores.ensemble);
  for (const Eigen::Index r : {0, 17, 500}) {
    const auto one = model.Score(d.x.middleRows(r, 1), false);
    EXPECT_EQ(one.ensemble.row(0), scores.ensemble.row(r)) << r;
  }
  // The score file has a column per ensemble.
  (void)RunAnomalyScore(dir + "/fit", data, dir + "/scores.csv");
  const std::string csv = ReadFile(dir + "/scores.csv");
  EXPECT_NE(csv.substr(0, csv.find('\n')).find(",avg_rank,max_z,max_robust_z,select"),
            std::string::npos);
}

TEST(AnomalyEnsembles, OldModelsScoreWithTheRankEnsembleAndDamagedStatesAreErrors) {
  const std::string dir = finml::testing::TempDir("anomaly_ensembles_old");
  const std::string data = finml::testing::RepoPath("data/odds_pima.csv");
  (void)RunAnomalyFit(PimaSettings(data), dir + "/fit", Provenance{"test", {}, {}});
  auto doc = nlohmann::json::parse(ReadFile(dir + "/fit/model.json"));
  auto old = doc;
  old.erase("ensembles");
  EnsureDirectory(dir + "/old");
  WriteFileAtomic(dir + "/old/model.json", old.dump());
  const AnomalyModel model = AnomalyModel::Load(dir + "/old");
  EXPECT_EQ(model.EnsembleNames(), (std::vector<std::string>{"avg_rank"}));
  const LabelledData d = LoadLabelled(data, "label");
  const auto scores = model.Score(d.x.topRows(20), false);
  for (Eigen::Index r = 0; r < 20; ++r) EXPECT_DOUBLE_EQ(scores.ensemble(r, 0), scores.avg_rank[r]);
  EXPECT_EQ(model.Document().contains("ensembles"), false);

  auto damaged = doc;
  damaged["ensembles"][2]["state"]["weight"] = {1, 0};
  EnsureDirectory(dir + "/damaged");
  WriteFileAtomic(dir + "/damaged/model.json", damaged.dump());
  EXPECT_THROW((void)AnomalyModel::Load(dir + "/damaged"), InvalidInput);
  damaged = doc;
  damaged["ensembles"][2]["state"]["weight"] = {0, 0, 0, 0, 0};
  WriteFileAtomic(dir + "/damaged/model.json", damaged.dump());
  EXPECT_THROW((void)AnomalyModel::Load(dir + "/damaged"), InvalidInput);
  damaged = doc;
  damaged["ensembles"][2]["name"] = "median";
  WriteFileAtomic(dir + "/damaged/model.json", damaged.dump());
  EXPECT_THROW((void)AnomalyModel::Load(dir + "/damaged"), ConfigError);
}

}  // namespace
}  // namespace finml::anomaly
