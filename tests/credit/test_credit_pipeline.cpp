#include <gtest/gtest.h>

#include <numeric>

#include "finml/core/error.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/credit/outputs.hpp"
#include "finml/credit/pipeline.hpp"
#include "test_util.hpp"

namespace finml::credit {
namespace {

const Table& German() {
  static const Table t = LoadTable(finml::testing::RepoPath("data/german_credit.csv"));
  return t;
}

CreditConfig Quick(const std::string& kind) {
  CreditConfig c;
  c.model = kind;
  c.permutation_importance = false;
  if (kind == "gbdt") c.params = {{"rounds", 50}};
  if (kind == "rf") c.params = {{"trees", 50}};
  if (kind == "mlp") c.params = {{"epochs", 30}};
  return c;
}

// A row's out-of-fold prediction comes from a model that never saw the row: with the folds fixed,
// flipping the held-out rows' labels (which WoE encoding would feed on) leaves their predictions
// exactly as they were, while flipping training labels moves them.
TEST(CreditPipeline, HeldOutPredictionsNeverSeeTheirOwnLabels) {
  CreditConfig c = Quick("logistic");
  c.preprocess.encoding = Encoding::kWoe;
  const auto target = ExtractTarget(German(), "Class", "Bad");
  const auto fold = StratifiedFolds(target.y, 5, 42);
  std::vector<std::size_t> train, test;
  for (std::size_t i = 0; i < fold.size(); ++i) (fold[i] == 0 ? test : train).push_back(i);
  const auto base = CreditModel::Fit(German(), train, target.y, c).Predict(German(), test);
  auto flipped = target.y;
  for (std::size_t i : test) flipped[i] = 1 - flipped[i];
  EXPECT_EQ(CreditModel::Fit(German(), train, flipped, c).Predict(German(), test), base);
  auto flipped_train = target.y;
  for (std::size_t k = 0; k < 50; ++k) flipped_train[train[k]] = 1 - flipped_train[train[k]];
  EXPECT_NE(CreditModel::Fit(German(), train, flipped_train, c).Predict(German(), test), base);
}

TEST(CreditPipeline, SavedModelsPredictExactlyAsFitted) {
  std::vector<std::size_t> rows(German().rows);
  std::iota(rows.begin(), rows.end(), 0);
  const auto target = ExtractTarget(German(), "Class", "Bad");
  for (const std::string kind : {"logistic", "gbdt", "rf", "mlp"}) {
    const auto model = CreditModel::Fit(German(), rows, target.y, Quick(kind));
    const std::string dir = finml::testing::TempDir("credit_model_" + kind);
    model.Save(dir);
    const auto loaded = CreditModel::Load(dir, {});
    EXPECT_EQ(loaded.Predict(German(), rows), model.Predict(German(), rows)) << kind;
    const auto contributions = model.Contributions(German(), {0, 1});
    EXPECT_EQ(contributions.size(), 2 * model.FeatureNames().size());
  }
}

TEST(CreditPipeline, TreeContributionsAddUpToTheLogit) {
  std::vector<std::size_t> rows(German().rows);
  std::iota(rows.begin(), rows.end(), 0);
  const auto target = ExtractTarget(German(), "Class", "Bad");
  CreditConfig c = Quick("gbdt");
  c.preprocess.encoding = Encoding::kOneHot;
  const auto model = CreditModel::Fit(German(), rows, target.y, c);
  const auto p = model.Predict(German(), {3, 7});
  const auto contrib = model.Contributions(German(), {3, 7});
  const std::size_t f = model.FeatureNames().size();
  // SHAP values sum to the logit minus the expected logit: differences between rows cancel the
  // bias term.
  double d = 0;
  for (std::size_t j = 0; j < f; ++j) d += contrib[j] - contrib[f + j];
  EXPECT_NEAR(d, std::log(p[0] / (1 - p[0])) - std::log(p[1] / (1 - p[1])), 1e-4);
}

TEST(CreditPipeline, ScorecardPointsAddUpToTheScore) {
  const Table t = ParseTable(
      "grade,default\nA,no\nA,no\nA,yes\nB,no\nB,yes\nB,yes\nC,yes\nC,yes\nC,no\nA,no\nB,no\nC,"
      "yes\n",
      "t.csv");
  CreditConfig c = Quick("logistic");
  c.preprocess.encoding = Encoding::kWoe;
  c.target = "default";
  c.positive = "yes";
  std::vector<std::size_t> rows(t.rows);
  std::iota(rows.begin(), rows.end(), 0);
  const auto target = ExtractTarget(t, "default", "yes");
  const auto model = CreditModel::Fit(t, rows, target.y, c);
  const auto card = model.Scorecard(c.scale);
  ASSERT_FALSE(card.empty());
  const auto p = model.Predict(t, {0, 3, 6});  // grades A, B, C
  for (std::size_t k = 0; k < 3; ++k) {
    const std::string grade = std::string(1, static_cast<char>('A' + k));
    const auto row =
        std::find_if(card.begin(), card.end(), [&](const auto& r) { return r[1] == grade; });
    ASSERT_NE(row, card.end());
    EXPECT_NEAR(std::stod((*row)[3]), c.scale.Score(p[k]), 0.006) << grade;
  }
  EXPECT_NEAR(c.scale.Score(1 / 51.0), 600, 1e-9);  // base odds 50:1 -> 600
  EXPECT_NEAR(c.scale.Score(1 / 101.0), 620, 0.3);  // doubled odds -> +20
}

TEST(CreditPipeline, FairnessByGroup) {
  const Table t =
      ParseTable("g,default\na,no\na,no\na,yes\na,yes\nb,no\nb,no\nb,yes\nb,no\n", "t.csv");
  const std::vector<int> y = {0, 0, 1, 1, 0, 0, 1, 0};
  const std::vector<double> p = {0.1, 0.6, 0.7, 0.2, 0.1, 0.2, 0.8, 0.9};
  const std::vector<std::size_t> rows = {0, 1, 2, 3, 4, 5, 6, 7};
  const auto f = Fairness(t, "g", rows, y, p, 0.5);
  ASSERT_EQ(f.groups.size(), 2u);
  EXPECT_NEAR(f.groups[0].approval_rate, 0.5, 1e-15);  // a: 0.1, 0.2 approved
  EXPECT_NEAR(f.groups[1].approval_rate, 0.5, 1e-15);  // b: 0.1, 0.2 approved
  EXPECT_NEAR(f.groups[0].tpr, 0.5, 1e-15);
  EXPECT_NEAR(f.groups[1].good_approval, 2.0 / 3, 1e-15);
  EXPECT_NEAR(f.groups[0].good_approval, 0.5, 1e-15);
  EXPECT_NEAR(f.disparate_impact, 1.0, 1e-15);
  EXPECT_NEAR(f.equal_opportunity_difference, 2.0 / 3 - 0.5, 1e-15);
}

TEST(CreditPipeline, PopulationStability) {
  std::vector<double> a, b;
  for (int i = 0; i < 1000; ++i) {
    a.push_back(i);
    b.push_back(i + 400);
  }
  const auto edges = DecileEdges(a);
  EXPECT_NEAR(PopulationStability(a, a, edges), 0, 1e-12);
  EXPECT_GT(PopulationStability(a, b, edges), 0.25);
}

TEST(CreditPipeline, ConfigIsStrict) {
  EXPECT_THROW((void)ParseCreditConfig({{"modle", "gbdt"}}, "t"), ConfigError);
  EXPECT_THROW((void)ParseCreditConfig({{"model", "svm"}}, "t"), ConfigError);
  EXPECT_THROW((void)ParseCreditConfig({{"encoding", "target"}}, "t"), ConfigError);
  EXPECT_THROW((void)ParseCreditConfig({{"folds", 1}}, "t"), ConfigError);
  EXPECT_EQ(ParseCreditConfig({{"folds", 1}, {"holdout", 0.3}}, "t").holdout, 0.3)
      << "a hold-out needs no folds";
  CreditConfig c = ParseCreditConfig({{"model", "gbdt"}, {"params", {{"rounds", 10}}}}, "t");
  EXPECT_EQ(c.preprocess.encoding, Encoding::kOneHot);  // woe is the logistic default only
  EXPECT_EQ(ParseCreditConfig(c.ToJson(), "again").ToJson(), c.ToJson());
  CreditConfig bad = Quick("gbdt");
  bad.params = {{"roundz", 10}};
  std::vector<std::size_t> rows = {0, 1, 2, 3};
  EXPECT_THROW((void)CreditModel::Fit(German(), rows, ExtractTarget(German(), "Class", "").y, bad),
               ConfigError);
}

}  // namespace
}  // namespace finml::credit
