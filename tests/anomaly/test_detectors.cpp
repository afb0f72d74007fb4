// Anomaly detectors against scikit-learn and NumPy (anomaly_oracle.py) on a fixed split of ODDS
// pima: exact scores where the algorithm is the same (kNN, LOF, PCA, HBOS, ECOD, COPOD), the
// ranking where it is randomised (MCD, isolation forest); saved states score the same; one record
// scores as in a batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "anomaly/detectors.hpp"
#include "finml/anomaly/benchmark.hpp"
#include "finml/anomaly/detector.hpp"
#include "finml/anomaly/model.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/credit/metrics.hpp"
#include "test_util.hpp"

namespace finml::anomaly {
namespace {

struct Split {
  Matrix train, test;
  std::vector<int> y;
  nlohmann::json oracle;
};

// The oracle's split of `file` (its rows under `prefix` + "train_rows" / "test_rows"),
// standardised on the training rows.
Split LoadSplit(const char* file, const std::string& prefix) {
  Split s;
  s.oracle = nlohmann::json::parse(
      ReadFile(finml::testing::RepoPath("tests/anomaly/anomaly_oracle.json")));
  const LabelledData d = LoadLabelled(finml::testing::RepoPath(file), "label");
  const auto rows = [&](const std::string& key) {
    const auto idx = s.oracle[key].get<std::vector<Eigen::Index>>();
    Matrix m(static_cast<Eigen::Index>(idx.size()), d.x.cols());
    for (std::size_t i = 0; i < idx.size(); ++i)
      m.row(static_cast<Eigen::Index>(i)) = d.x.row(idx[i]);
    return m;
  };
  s.train = rows(prefix + "train_rows");
  s.test = rows(prefix + "test_rows");
  for (const auto i : s.oracle[prefix + "test_rows"].get<std::vector<std::size_t>>())
    s.y.push_back(d.y[i]);
  const Standardizer scaler = Standardizer::Fit(s.train);
  s.train = scaler.Apply(s.train);
  s.test = scaler.Apply(s.test);
  return s;
}

const Split& Pima() {
  static const Split split = LoadSplit("data/odds_pima.csv", "");
  return split;
}

std::unique_ptr<Detector> Fitted(DetectorKind kind) {
  auto d = MakeDetector(kind, DetectorSettings{});
  d->Fit(Pima().train);
  return d;
}

void ExpectClose(const Eigen::VectorXd& got, const nlohmann::json& want, double rel) {
  const auto w = want.get<std::vector<double>>();
  ASSERT_EQ(static_cast<std::size_t>(got.size()), w.size());
  for (std::size_t i = 0; i < w.size(); ++i)
    ASSERT_NEAR(got[static_cast<Eigen::Index>(i)], w[i], rel * (1 + std::abs(w[i])))
        << "record " << i;
}

double Auc(const Eigen::VectorXd& score) {
  return credit::RocAuc(Pima().y, std::vector<double>(score.data(), score.data() + score.size()));
}

// Spearman's rank correlation.
double RankCorrelation(const Eigen::VectorXd& a, const std::vector<double>& b) {
  const auto ranks = [](std::vector<double> v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto i, auto j) { return v[i] < v[j]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < order.size(); ++i) r[order[i]] = static_cast<double>(i);
    return r;
  };
  const auto ra = ranks(std::vector<double>(a.data(), a.data() + a.size())), rb = ranks(b);
  const double n = static_cast<double>(ra.size()), mean = (n - 1) / 2;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(AnomalyDetectors, NeighbourScoresEqualScikitLearns) {
  const auto knn = Fitted(DetectorKind::kKnn);
  ExpectClose(knn->Score(Pima().test), Pima().oracle["knn"], 1e-9);
  ExpectClose(knn->TrainingScores(), Pima().oracle["knn_training"], 1e-9);
  const auto lof = Fitted(DetectorKind::kLof);
  ExpectClose(lof->Score(Pima().test), Pima().oracle["lof"], 1e-9);
  ExpectClose(lof->TrainingScores(), Pima().oracle["lof_training"], 1e-9);
}

TEST(AnomalyDetectors, PcaHistogramAndTailScoresEqualTheReferenceFormulas) {
  ExpectClose(Fitted(DetectorKind::kPca)->Score(Pima().test), Pima().oracle["pca"], 1e-7);
  ExpectClose(Fitted(DetectorKind::kHbos)->Score(Pima().test), Pima().oracle["hbos"], 1e-9);
  ExpectClose(Fitted(DetectorKind::kEcod)->Score(Pima().test), Pima().oracle["ecod"], 1e-9);
  ExpectClose(Fitted(DetectorKind::kCopod)->Score(Pima().test), Pima().oracle["copod"], 1e-9);
}

TEST(AnomalyDetectors, RandomisedDetectorsRankLikeScikitLearns) {
  const Eigen::VectorXd mcd = Fitted(DetectorKind::kMcd)->Score(Pima().test);
  EXPECT_GT(RankCorrelation(mcd, Pima().oracle["mcd"].get<std::vector<double>>()), 0.95);
  EXPECT_NEAR(Auc(mcd), Pima().oracle["mcd_auc"].get<double>(), 0.03);
  const Eigen::VectorXd forest = Fitted(DetectorKind::kIsolationForest)->Score(Pima().test);
  EXPECT_NEAR(Auc(forest), Pima().oracle["iforest_auc"].get<double>(), 0.03);
  for (Eigen::Index i = 0; i < forest.size(); ++i) {
    ASSERT_GT(forest[i], 0);
    ASSERT_LT(forest[i], 1);
  }
}

// Above 500 records FastMCD starts from subsets (up to 1,500 records: a merged sample of all of
// them; above: a merged sample of 1,500, then all records). Either way a cluster of outliers a
// fifth of the records strong, shifted against the features' correlation, must not pull the
// estimate: it scores above every clean record, and the same seed gives the same scores.
TEST(AnomalyDetectors, McdOnSubsetsIgnoresAFifthOfShiftedRecords) {
  for (const Eigen::Index n : {550, 1000, 1500, 2400}) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal;
    const Eigen::Index p = 4, outliers = n / 5;
    Matrix x(n, p);
    for (Eigen::Index r = 0; r < n; ++r) {
      const double common = normal(rng);
      for (Eigen::Index c = 0; c < p; ++c) x(r, c) = common + 0.3 * normal(rng);
      // The outliers break the correlation: large on the first two features, opposite signs.
      if (r < outliers) x.row(r).head(2) += Eigen::RowVector2d(4, -4);
    }
    const auto fit = [&] {
      auto d = MakeDetector(DetectorKind::kMcd, DetectorSettings{});
      d->Fit(x);
      return d->Score(x);
    };
    const Eigen::VectorXd score = fit();
    const double lowest_outlier = score.head(outliers).minCoeff();
    const double highest_clean = score.tail(n - outliers).maxCoeff();
    EXPECT_GT(lowest_outlier, highest_clean) << n << " records";
    EXPECT_EQ(score, fit()) << n << " records";
  }
}

// Cardio's training records take FastMCD's subset path, and its near-constant features make
// supports singular in floating point, where scikit-learn keeps concentrating. One split cannot
// tell a biased FastMCD from an unlucky seed (scikit-learn's own seeds give this split's AUC
// 0.80 to 0.89), so: the ranking within what scikit-learn's other seeds give, and the mean AUC
// over 20 benchmark splits within 0.025 of scikit-learn's over 20 of its own (0.825; finml
// 0.819; its FastMCD before it followed scikit-learn's singularity test and refinement: 0.87).
TEST(AnomalyDetectors, McdOnCardioRanksLikeScikitLearns) {
  const Split cardio = LoadSplit("data/odds_cardio.csv", "cardio_");
  auto mcd = MakeDetector(DetectorKind::kMcd, DetectorSettings{});
  mcd->Fit(cardio.train);
  const Eigen::VectorXd score = mcd->Score(cardio.test);
  const auto seeds = cardio.oracle["cardio_mcd_rank_correlation_seeds"].get<std::vector<double>>();
  EXPECT_GT(RankCorrelation(score, cardio.oracle["cardio_mcd"].get<std::vector<double>>()),
            *std::min_element(seeds.begin(), seeds.end()) - 0.01);

  BenchmarkSettings settings;
  settings.data = finml::testing::RepoPath("data/odds_cardio.csv");
  settings.detectors = {DetectorKind::kMcd};
  settings.splits = 20;
  const std::string dir = finml::testing::TempDir("anomaly_mcd_cardio_splits");
  (void)RunAnomalyBenchmark(settings, dir, Provenance{"test", {}, {}});
  const auto metrics = nlohmann::json::parse(ReadFile(dir + "/metrics.json"));
  EXPECT_NEAR(metrics["detectors"]["mcd"]["roc_auc"].get<double>(),
              cardio.oracle["cardio_mcd_auc_mean_20_splits"].get<double>(), 0.025);
}

TEST(AnomalyDetectors, SavedStateScoresTheSameAndOneRecordScoresAsInABatch) {
  for (const auto& v : EnumNames<DetectorKind>::values) {
    const auto fitted = Fitted(v.value);
    const Eigen::VectorXd batch = fitted->Score(Pima().test);
    auto loaded = MakeDetector(v.value, DetectorSettings{});
    loaded->Load(nlohmann::json::parse(fitted->State().dump()));
    const Eigen::VectorXd again = loaded->Score(Pima().test);
    for (Eigen::Index i = 0; i < batch.size(); ++i)
      ASSERT_NEAR(again[i], batch[i], 1e-9 * (1 + std::abs(batch[i]))) << v.name;
    // The autoencoder runs torch's float32 layers on the BLAS, whose blocking depends on the
    // batch (OpenBLAS adds a row's products in another order at another place): one record
    // scores as in a batch to float32 rounding there, to 1e-9 everywhere else.
    const double tolerance = v.value == DetectorKind::kAutoencoder ? 1e-5 : 1e-9;
    for (const Eigen::Index r : {Eigen::Index{0}, Eigen::Index{17}, Eigen::Index{300}})
      EXPECT_NEAR(fitted->Score(Pima().test.row(r))[0], batch[r],
                  tolerance * (1 + std::abs(batch[r])))
          << v.name;
    // Another width is refused.
    EXPECT_THROW((void)fitted->Score(Matrix::Zero(2, 3)), InvalidInput) << v.name;
  }
}

TEST(AnomalyDetectors, DamagedStatesAndBadTrainingDataAreClearErrors) {
  auto forest = Fitted(DetectorKind::kIsolationForest);
  nlohmann::json state = forest->State();
  state["trees"][0][0][2] = 0;  // a child pointing back at its parent would loop forever
  auto loaded = MakeDetector(DetectorKind::kIsolationForest, DetectorSettings{});
  EXPECT_THROW(loaded->Load(state), InvalidInput);
  auto pca = MakeDetector(DetectorKind::kPca, DetectorSettings{});
  Matrix bad = Pima().train;
  bad(3, 2) = std::nan("");
  EXPECT_THROW(pca->Fit(bad), InvalidInput);
  auto knn = MakeDetector(DetectorKind::kKnn, DetectorSettings{});
  EXPECT_THROW(knn->Fit(Pima().train.topRows(4)), InvalidInput);  // k = 5 needs 6 records
}

TEST(AnomalyBenchmark, LabelsMustBeZeroOrOne) {
  const std::string dir = finml::testing::TempDir("anomaly_labels");
  WriteFileAtomic(dir + "/bad.csv", "a,b,label\n1,2,0\n3,4,2\n");
  try {
    (void)LoadLabelled(dir + "/bad.csv", "label");
    FAIL() << "a label of 2 was accepted";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3:3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace finml::anomaly

namespace finml::anomaly {
namespace {

// No look-ahead: the validation rows (the later ones) change no fitted number, only the metrics.
TEST(AnomalyFit, LaterRowsChangeNothingFittedAndScoresMatchTheDetectors) {
  const std::string dir = finml::testing::TempDir("anomaly_fit");
  const std::string text = ReadFile(finml::testing::RepoPath("data/odds_pima.csv"));
  WriteFileAtomic(dir + "/a.csv", text);
  // The same file with every value of the last 30% of the rows replaced.
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  const std::size_t keep = 1 + static_cast<std::size_t>(std::round(0.7 * (lines.size() - 1)));
  std::string scrambled;
  for (std::size_t i = 0; i < lines.size(); ++i)
    scrambled +=
        (i < keep ? lines[i] : std::string("9,9,9,9,9,9,9,9,") + (i % 2 ? "1" : "0")) + "\n";
  WriteFileAtomic(dir + "/b.csv", scrambled);
  FitSettings s;
  s.label = "label";
  s.detectors = {DetectorKind::kIsolationForest, DetectorKind::kHbos, DetectorKind::kKnn};
  const Provenance provenance{"test", {}, {}};
  s.data = dir + "/a.csv";
  (void)RunAnomalyFit(s, dir + "/fit_a", provenance);
  s.data = dir + "/b.csv";
  (void)RunAnomalyFit(s, dir + "/fit_b", provenance);
  const auto a = nlohmann::json::parse(ReadFile(dir + "/fit_a/model.json"));
  const auto b = nlohmann::json::parse(ReadFile(dir + "/fit_b/model.json"));
  EXPECT_EQ(a["detectors"], b["detectors"]);
  EXPECT_EQ(a["mean"], b["mean"]);
  EXPECT_EQ(a["scale"], b["scale"]);
  EXPECT_EQ(a["ensembles"], b["ensembles"]);  // chosen on the training scores alone
  const auto ma = nlohmann::json::parse(ReadFile(dir + "/fit_a/metrics.json"));
  const auto mb = nlohmann::json::parse(ReadFile(dir + "/fit_b/metrics.json"));
  EXPECT_NE(ma["detectors"]["hbos"]["roc_auc"], mb["detectors"]["hbos"]["roc_auc"]);
  // Each threshold flags the contamination share of the training records.
  for (const auto& d : a["detectors"]) {
    const auto training = d["training_scores"].get<std::vector<double>>();
    const double above =
        static_cast<double>(std::count_if(training.begin(), training.end(), [&](double v) {
          return v > d["threshold"].get<double>();
        }));
    EXPECT_NEAR(above / static_cast<double>(training.size()), s.contamination, 0.01) << d["name"];
  }
  // Scoring the file again gives, for the first record, the decision the threshold implies.
  EXPECT_EQ(RunAnomalyScore(dir + "/fit_a", dir + "/a.csv", dir + "/scores.csv"), 768U);
  const std::string scores = ReadFile(dir + "/scores.csv");
  EXPECT_EQ(scores.substr(0, scores.find('\n')),
            "row,iforest_score,iforest_anomaly,iforest_top_features,hbos_score,hbos_anomaly,"
            "hbos_top_features,knn_score,knn_anomaly,knn_top_features,avg_rank,max_z,max_robust_z,"
            "select");
}

TEST(AnomalyDetectors, ContributionsAddUpToTheScoreOrMeasureOcclusion) {
  const Matrix& test = Pima().test;
  for (const auto kind : {DetectorKind::kHbos, DetectorKind::kEcod, DetectorKind::kCopod,
                          DetectorKind::kPca, DetectorKind::kMcd}) {
    const auto d = Fitted(kind);
    const Matrix parts = d->Contributions(test);
    ASSERT_EQ(parts.rows(), test.rows());
    ASSERT_EQ(parts.cols(), test.cols());
    const Eigen::VectorXd score = d->Score(test);
    for (Eigen::Index r = 0; r < test.rows(); ++r)
      ASSERT_NEAR(parts.row(r).sum(), score[r], 1e-9 * (1 + std::abs(score[r])))
          << EnumName(kind) << " row " << r;
  }
  // A record far out on one feature only: every detector names that feature first.
  Matrix outlier = Matrix::Zero(1, test.cols());
  outlier(0, 2) = 12;
  for (const auto kind : {DetectorKind::kHbos, DetectorKind::kEcod, DetectorKind::kCopod,
                          DetectorKind::kPca, DetectorKind::kMcd, DetectorKind::kKnn,
                          DetectorKind::kLof, DetectorKind::kIsolationForest}) {
    const Matrix parts = Fitted(kind)->Contributions(outlier);
    Eigen::Index top = 0;
    parts.row(0).maxCoeff(&top);
    EXPECT_EQ(top, 2) << EnumName(kind) << ": " << parts;
  }
}

TEST(AnomalyDetectors, TheTreeFindsTheNeighboursTheBruteForceFinds) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  Matrix reference(600, 5), queries(50, 5);
  for (Eigen::Index i = 0; i < reference.size(); ++i) reference.data()[i] = normal(rng);
  for (Eigen::Index i = 0; i < queries.size(); ++i) queries.data()[i] = normal(rng);
  reference.middleRows(100, 20) = reference.middleRows(0, 20);  // duplicates tie
  const NeighbourIndex tree(reference, NeighbourSearch::kTree);
  const NeighbourIndex brute(reference, NeighbourSearch::kBruteForce);
  for (const bool self : {false, true}) {
    const Matrix& q = self ? reference : queries;
    const Neighbours a = tree.Query(q, 7, self), b = brute.Query(q, 7, self);
    // The brute force's |a|^2 - 2ab + |b|^2 leaves ~1e-8 where a duplicate is at 0.
    EXPECT_LT((a.distance - b.distance).cwiseAbs().maxCoeff(), 1e-7) << self;
    // Where distances differ, so do the neighbours found.
    for (Eigen::Index r = 0; r < q.rows(); ++r)
      for (Eigen::Index i = 0; i < 7; ++i)
        if (a.index(r, i) != b.index(r, i)) EXPECT_NEAR(a.distance(r, i), b.distance(r, i), 1e-7);
  }
  EXPECT_THROW((void)tree.Query(queries, 601, false), InvalidInput);
  EXPECT_THROW((void)tree.Query(reference, 600, true), InvalidInput);
  // A LOF fitted through either search scores the same.
  EXPECT_EQ(NeighbourIndex(reference).Query(queries, 3, false).index,
            tree.Query(queries, 3, false).index);
}

TEST(AnomalyDetectors, StreamingUpdatesEqualARefitWhereTheyShould) {
  const Split& p = Pima();
  const Eigen::Index half = p.train.rows() / 2;
  // ECOD and COPOD: fitted on half, updated with the rest = fitted on all.
  for (const auto kind : {DetectorKind::kEcod, DetectorKind::kCopod}) {
    auto streamed = MakeDetector(kind, DetectorSettings{});
    streamed->Fit(p.train.topRows(half));
    ASSERT_TRUE(streamed->Updatable());
    streamed->Update(p.train.bottomRows(p.train.rows() - half));
    const auto whole = Fitted(kind);
    EXPECT_TRUE(streamed->Score(p.test).isApprox(whole->Score(p.test), 1e-12)) << EnumName(kind);
    EXPECT_EQ(streamed->State(), whole->State());
  }
  // HBOS keeps its bins: the training records again leave every density as it was, and records
  // piled into one bin make that bin less anomalous.
  auto hbos = Fitted(DetectorKind::kHbos);
  const Eigen::VectorXd before = hbos->Score(p.test);
  hbos->Update(p.train);
  EXPECT_EQ(hbos->Score(p.test), before);
  const Matrix one = p.train.topRows(1);
  const double alone = hbos->Score(one)[0];
  hbos->Update(one.replicate(200, 1));
  EXPECT_LT(hbos->Score(one)[0], alone);
  // The others refuse.
  for (const auto kind : {DetectorKind::kIsolationForest, DetectorKind::kKnn, DetectorKind::kPca}) {
    auto d = Fitted(kind);
    EXPECT_FALSE(d->Updatable());
    EXPECT_THROW(d->Update(p.test), InvalidInput);
  }
  // Saved and loaded, an hbos model still updates.
  auto loaded = MakeDetector(DetectorKind::kHbos, DetectorSettings{});
  loaded->Load(hbos->State());
  loaded->Update(one);
  hbos->Update(one);
  EXPECT_EQ(loaded->Score(p.test), hbos->Score(p.test));
}

std::string PimaWithDays(const std::string& dir) {
  // ODDS pima with a day column: 20 records a day.
  const std::string text = ReadFile(finml::testing::RepoPath("data/odds_pima.csv"));
  std::string out;
  std::size_t start = 0, line = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1, ++line)
    out += (line == 0 ? std::string("day") : std::to_string(86400 * ((line - 1) / 20))) + "," +
           text.substr(start, end - start) + "\n";
  WriteFileAtomic(dir + "/days.csv", out);
  return dir + "/days.csv";
}

TEST(AnomalyFit, CostAndTopKRulesDecideAsTheySay) {
  const std::string dir = finml::testing::TempDir("anomaly_rules");
  FitSettings s;
  s.data = PimaWithDays(dir);
  s.label = "label";
  s.time = "day";
  s.detectors = {DetectorKind::kHbos, DetectorKind::kKnn};
  const Provenance provenance{"test", {}, {}};
  (void)RunAnomalyFit(s, dir + "/quantile", provenance);
  s.rule = DecisionRule::kCost;
  s.fp_cost = 1;
  s.fn_cost = 5;
  (void)RunAnomalyFit(s, dir + "/cost", provenance);
  s.rule = DecisionRule::kTopK;
  s.top_k = 3;
  (void)RunAnomalyFit(s, dir + "/top", provenance);
  const auto q = nlohmann::json::parse(ReadFile(dir + "/quantile/metrics.json"));
  const auto c = nlohmann::json::parse(ReadFile(dir + "/cost/metrics.json"));
  const auto t = nlohmann::json::parse(ReadFile(dir + "/top/metrics.json"));
  // The day column is not a feature.
  EXPECT_EQ(nlohmann::json::parse(ReadFile(dir + "/top/model.json"))["features"].size(), 8U);
  const double validation = q["data"]["validation_rows"].get<double>();
  for (const char* d : {"hbos", "knn"}) {
    // Chosen on these rows, the cost threshold costs no more than the quantile one.
    EXPECT_LE(c["detectors"][d]["cost"].get<double>(), q["detectors"][d]["cost"].get<double>());
    EXPECT_EQ(c["detectors"][d]["roc_auc"], q["detectors"][d]["roc_auc"]);
    // 230 validation rows: 2 on day 26, then days 27 to 38; 3 a day where there are 3.
    EXPECT_EQ(t["detectors"][d]["flagged"].get<int>(), 2 + 3 * 12) << validation;
  }
  // Scoring flags 3 a day too, and names the features.
  (void)RunAnomalyScore(dir + "/top", s.data, dir + "/scores.csv");
  const std::string scores = ReadFile(dir + "/scores.csv");
  std::size_t flagged = 0, start = scores.find('\n') + 1;
  for (std::size_t end; (end = scores.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string row = scores.substr(start, end - start);
    const auto first = row.find(',');
    const auto second = row.find(',', first + 1);
    flagged += row[second + 1] == '1';
  }
  EXPECT_EQ(flagged, 3U * 39U);  // 768 rows: days 0 to 38
  EXPECT_NE(scores.find(";feature_"), std::string::npos);
  // A cost rule without a label cannot choose.
  s.rule = DecisionRule::kCost;
  s.label.clear();
  EXPECT_THROW((void)RunAnomalyFit(s, dir + "/no_label", provenance), InvalidInput);
}

TEST(AnomalyModel, UpdatesInPlaceAndRefusesDetectorsThatCannot) {
  const std::string dir = finml::testing::TempDir("anomaly_update");
  FitSettings s;
  s.data = finml::testing::RepoPath("data/odds_pima.csv");
  s.label = "label";
  s.detectors = {DetectorKind::kEcod, DetectorKind::kHbos};
  (void)RunAnomalyFit(s, dir + "/fit", Provenance{"test", {}, {}});
  const auto lines = RunAnomalyUpdate(dir + "/fit", s.data, dir + "/updated");
  EXPECT_EQ(lines.size(), 3U);
  const auto before = nlohmann::json::parse(ReadFile(dir + "/fit/model.json"));
  const auto after = nlohmann::json::parse(ReadFile(dir + "/updated/model.json"));
  EXPECT_EQ(after["detectors"][0]["training_scores"].size(),
            before["detectors"][0]["training_scores"].size() + 768);
  EXPECT_EQ(after["updates"][0]["rows"], 768);
  EXPECT_NE(after["detectors"][0]["threshold"], before["detectors"][0]["threshold"]);
  s.detectors = {DetectorKind::kHbos, DetectorKind::kIsolationForest};
  (void)RunAnomalyFit(s, dir + "/forest", Provenance{"test", {}, {}});
  try {
    (void)RunAnomalyUpdate(dir + "/forest", s.data, dir + "/never");
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("iforest cannot learn from new records"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/never"));
}

}  // namespace
}  // namespace finml::anomaly
