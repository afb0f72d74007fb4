// Table generators and metrics: the copula keeps the dependence that independent marginals lose,
// the split is reproducible and disjoint, copies of training rows are caught by the
// distance-to-closest-record check, and KS matches SciPy.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/table.hpp"
#include "finml/synth/table_metrics.hpp"
#include "test_util.hpp"

namespace finml::synth {
namespace {

// Income (lognormal), debt ratio tied to it, a grade category tied to both, and a default label
// tied to the grade.
credit::Table Applicants(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  credit::Table t;
  t.source = "applicants";
  t.rows = n;
  credit::Column income{"income"}, debt{"debt"}, grade{"grade"}, label{"default"};
  grade.kind = label.kind = credit::ColumnKind::kCategorical;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = z(rng), b = 0.8 * a + 0.6 * z(rng);
    income.numbers.push_back(std::round(30000 * std::exp(0.4 * a)));
    debt.numbers.push_back(0.3 + 0.1 * b);
    const std::string g = b > 0.5 ? "A" : (b > -0.5 ? "B" : "C");
    grade.labels.push_back(g);
    std::bernoulli_distribution bad(g == "A" ? 0.05 : (g == "B" ? 0.2 : 0.5));
    label.labels.push_back(bad(rng) ? "bad" : "good");
  }
  t.columns = {income, debt, grade, label};
  return t;
}

TableFidelity Judge(SynthModelKind model, const credit::Table& train, const credit::Table& holdout,
                    const TableSplit& split) {
  SynthSettings s;
  s.model = model;
  auto g = MakeTableGenerator(s);
  std::mt19937_64 rng(1);
  g->Fit(train, rng, false);
  return CompareTables(train, holdout, g->Sample(train.rows, 3), split);
}

TEST(SynthTables, CopulaKeepsDependenceThatMarginalsLose) {
  TableSplit split;
  split.target = "default";
  const auto [train, holdout] = SplitTable(Applicants(3000, 1), split);
  const TableFidelity copula = Judge(SynthModelKind::kCopula, train, holdout, split);
  const TableFidelity marginals = Judge(SynthModelKind::kMarginals, train, holdout, split);
  // Both keep every column's distribution...
  EXPECT_LT(copula.mean_column_distance, 0.05);
  EXPECT_LT(marginals.mean_column_distance, 0.05);
  // ...only the copula keeps how they move together, and so what predicts default.
  EXPECT_LT(copula.correlation_difference, 0.5 * marginals.correlation_difference);
  EXPECT_GT(copula.auc_synthetic, 0.6);
  EXPECT_NEAR(copula.auc_synthetic, copula.auc_real, 0.06);
  EXPECT_GT(copula.auc_synthetic, marginals.auc_synthetic);
  EXPECT_TRUE(copula.Private());
}

TEST(SynthTables, CopiesOfTrainingRowsAreNotPrivate) {
  TableSplit split;
  split.target = "default";
  const auto [train, holdout] = SplitTable(Applicants(1000, 2), split);
  const TableFidelity f = CompareTables(train, holdout, train, split);
  EXPECT_DOUBLE_EQ(f.exact_copies, 1.0);
  EXPECT_DOUBLE_EQ(f.dcr_synthetic_p5, 0.0);
  EXPECT_FALSE(f.Private());
  EXPECT_DOUBLE_EQ(f.auc_synthetic, f.auc_real);  // the same rows train the same model
  EXPECT_DOUBLE_EQ(f.mean_column_distance, 0.0);
}

TEST(SynthTables, SplitIsReproducibleStratifiedAndDisjoint) {
  const credit::Table t = Applicants(1000, 3);
  TableSplit split;
  split.target = "default";
  const auto [a_train, a_hold] = SplitTable(t, split);
  const auto [b_train, b_hold] = SplitTable(t, split);
  EXPECT_EQ(a_train.Get("income").numbers, b_train.Get("income").numbers);
  EXPECT_EQ(a_train.rows + a_hold.rows, t.rows);
  EXPECT_NEAR(static_cast<double>(a_hold.rows), 300, 2);
  const auto bad_share = [](const credit::Table& x) {
    const auto& l = x.Get("default").labels;
    return static_cast<double>(std::count(l.begin(), l.end(), "bad")) /
           static_cast<double>(l.size());
  };
  EXPECT_NEAR(bad_share(a_train), bad_share(a_hold), 0.01);
  split.split_seed = 7;
  EXPECT_NE(SplitTable(t, split).first.Get("income").numbers, a_train.Get("income").numbers);
}

TEST(SynthTables, KolmogorovSmirnovMatchesScipyAndTvdIsHalfTheL1) {
  const auto j =
      nlohmann::json::parse(ReadFile(finml::testing::RepoPath("tests/synth/stylized_oracle.json")));
  auto a = j["a"].get<std::vector<double>>(), b = j["b"].get<std::vector<double>>();
  EXPECT_NEAR(KolmogorovSmirnov(a, b), j["ks_ab"].get<double>(), 1e-12);
  for (double& v : a) v = std::round(v * 100) / 100;  // ties
  for (double& v : b) v = std::round(v * 100) / 100;
  EXPECT_NEAR(KolmogorovSmirnov(a, b), j["ks_a_rounded"].get<double>(), 1e-12);
  EXPECT_DOUBLE_EQ(TotalVariation({"x", "x", "y", "y"}, {"x", "y", "y", "y"}), 0.25);
  EXPECT_DOUBLE_EQ(TotalVariation({"x"}, {"z"}), 1.0);
}

TEST(SynthTables, SavedTableGeneratorsSampleTheSameRowsAndCheckTheirState) {
  const credit::Table t = Applicants(500, 4);
  for (const auto model : {SynthModelKind::kMarginals, SynthModelKind::kCopula}) {
    SynthSettings s;
    s.model = model;
    auto g = MakeTableGenerator(s);
    std::mt19937_64 rng(1);
    g->Fit(t, rng, false);
    const std::string dir = finml::testing::TempDir("synth_table") + "/" + EnumName(model);
    SaveGenerator(*g, s, {{"rows", t.rows}}, dir);
    const SavedGenerator loaded = SavedGenerator::Load(dir);
    ASSERT_TRUE(loaded.table);
    const auto a = loaded.table->Sample(50, 9), b = g->Sample(50, 9);
    EXPECT_EQ(a.Get("income").numbers, b.Get("income").numbers);
    EXPECT_EQ(a.Get("grade").labels, b.Get("grade").labels);
    // A damaged state is refused, naming the file.
    auto manifest = nlohmann::json::parse(ReadFile(dir + "/model.json"));
    manifest["state"]["columns"][0]["values"] = {3.0, 1.0};
    WriteFileAtomic(dir + "/model.json", manifest.dump());
    EXPECT_THROW((void)SavedGenerator::Load(dir), InvalidInput);
  }
}

TEST(SynthTables, SyntheticTablesMustHaveTheRealColumns) {
  const credit::Table t = Applicants(200, 5);
  credit::Table missing = t;
  missing.columns.pop_back();
  TableSplit split;
  const auto [train, holdout] = SplitTable(t, split);
  try {
    (void)CompareTables(train, holdout, missing, split);
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("column 'default'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace finml::synth
