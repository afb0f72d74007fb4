#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <numeric>
#include <random>

#include "finml/core/error.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/credit/metrics.hpp"
#include "finml/credit/preprocess.hpp"
#include "finml/credit/table.hpp"
#include "test_util.hpp"

namespace finml::credit {
namespace {

const Table& German() {
  static const Table t = LoadTable(finml::testing::RepoPath("data/german_credit.csv"));
  return t;
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(CreditTable, DetectsKindsAndTheTarget) {
  const Table& t = German();
  EXPECT_EQ(t.rows, 1000u);
  EXPECT_EQ(t.Get("Duration").kind, ColumnKind::kNumeric);
  EXPECT_EQ(t.Get("Class").kind, ColumnKind::kCategorical);
  const Target target = ExtractTarget(t, "Class", "");
  EXPECT_EQ(target.positive, "Bad");  // the minority class by default
  EXPECT_EQ(std::count(target.y.begin(), target.y.end(), 1), 300);
  EXPECT_NE(ErrorOf([&] { (void)ExtractTarget(t, "Clas", ""); }).find("did you mean 'Class'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { (void)ExtractTarget(t, "Class", "Bd"); }).find("not a value"),
            std::string::npos);
  const Table one = ParseTable("a,y\n1,yes\n2,yes\n", "one.csv");
  EXPECT_NE(ErrorOf([&] { (void)ExtractTarget(one, "y", ""); }).find("single class"),
            std::string::npos);
  const Table mixed = ParseTable("a,b\n1,x\nabc,2\n", "m.csv");
  EXPECT_EQ(mixed.Get("a").kind, ColumnKind::kCategorical);  // a non-number makes it categorical
}

TEST(CreditMetrics, HandComputedValues) {
  const std::vector<int> y = {0, 0, 1, 1, 0, 1};
  const std::vector<double> p = {0.1, 0.4, 0.35, 0.8, 0.4, 0.9};
  // Pairs (pos, neg): 9; pos beats neg in 0.35>0.1, 0.8>all, 0.9>all = 1+3+3 = 7.
  EXPECT_NEAR(RocAuc(y, p), 7.0 / 9, 1e-15);
  const auto m = ComputeBinaryMetrics(y, p, 0.5);
  EXPECT_NEAR(m.gini, 2 * 7.0 / 9 - 1, 1e-15);
  EXPECT_EQ(m.tp, 2u);
  EXPECT_EQ(m.fn, 1u);
  EXPECT_EQ(m.fp, 0u);
  EXPECT_NEAR(m.recall, 2.0 / 3, 1e-15);
  EXPECT_NEAR(m.brier, (0.01 + 0.16 + 0.4225 + 0.04 + 0.16 + 0.01) / 6, 1e-15);
  // KS: after 0.9, 0.8 (tpr 2/3, fpr 0) -> 2/3.
  EXPECT_NEAR(m.ks, 2.0 / 3, 1e-15);
  // Ties count half in the AUC.
  EXPECT_NEAR(RocAuc({0, 1}, {0.5, 0.5}), 0.5, 1e-15);
  ProfitMatrix profit{0, -1, 1, -5};  // a missed default costs 5, a good loan earns 1
  const auto best = ComputeBinaryMetrics(y, p, 0.5, &profit);
  ASSERT_TRUE(best.best_threshold.has_value());
  // Flag p >= 0.35: tp 3, fp 2 (0.4, 0.4), tn 1 -> 0 - 2 + 1 - 0 = -1 is the best.
  EXPECT_NEAR(*best.best_profit, -1, 1e-12);
  EXPECT_NEAR(*best.best_threshold, 0.35, 1e-15);
}

TEST(CreditLogistic, MatchesScikitLearn) {
  const Table& t = German();
  const std::vector<std::string> cols = {"Duration",
                                         "Amount",
                                         "InstallmentRatePercentage",
                                         "ResidenceDuration",
                                         "Age",
                                         "NumberExistingCredits",
                                         "NumberPeopleMaintenance"};
  const Target target = ExtractTarget(t, "Class", "Bad");
  std::vector<std::size_t> rows(t.rows);
  std::iota(rows.begin(), rows.end(), 0);
  const auto pre = Preprocessor::Fit(t, rows, target.y, cols, {});
  const auto x = pre.Transform(t, rows);
  LogisticOptions o;
  o.l2 = 2.0;  // scikit-learn C = 0.5
  const auto model = FitLogistic(x, t.rows, cols.size(), target.y, {}, pre.OutputNames(), o);
  ASSERT_TRUE(model.converged);
  const auto ref =
      finml::testing::ReadFixture(finml::testing::RepoPath("tests/fixtures/logistic_german.csv"));
  const auto& value = ref.columns.at("value");
  EXPECT_NEAR(model.intercept, value[0], 1e-6);
  for (std::size_t j = 0; j < cols.size(); ++j)
    EXPECT_NEAR(model.coefficients[j], value[j + 1], 1e-6) << cols[j];
  std::vector<double> p(t.rows);
  for (std::size_t i = 0; i < t.rows; ++i) p[i] = model.Probability(x.data() + i * cols.size());
  EXPECT_NEAR(RocAuc(target.y, p), value[cols.size() + 1], 1e-9);
  for (double se : model.std_errors) EXPECT_GT(se, 0);
}

TEST(CreditLogistic, UnpenalisedFitRecoversSimulatedCoefficients) {
  std::mt19937_64 rng(4);
  std::normal_distribution<double> z;
  const std::size_t n = 20000;
  std::vector<double> x(2 * n);
  std::vector<int> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[2 * i] = z(rng);
    x[2 * i + 1] = z(rng);
    const double eta = -0.5 + 1.0 * x[2 * i] - 0.7 * x[2 * i + 1];
    y[i] = std::uniform_real_distribution<double>(0, 1)(rng) < 1 / (1 + std::exp(-eta));
  }
  LogisticOptions o;
  o.l2 = 0;
  const auto m = FitLogistic(x, n, 2, y, {}, {"a", "b"}, o);
  EXPECT_NEAR(m.intercept, -0.5, 3 * m.intercept_se);
  EXPECT_NEAR(m.coefficients[0], 1.0, 3 * m.std_errors[0]);
  EXPECT_NEAR(m.coefficients[1], -0.7, 3 * m.std_errors[1]);
  EXPECT_LT(m.std_errors[0], 0.03);
}

TEST(CreditPreprocess, WoeAndIvFollowTheirDefinitions) {
  const Table t = ParseTable("x,c,y\n1,a,1\n2,a,0\n3,b,0\n4,b,0\n5,b,1\n6,c,0\n", "t.csv");
  const std::vector<int> y = {1, 0, 0, 0, 1, 0};
  const std::vector<std::size_t> rows = {0, 1, 2, 3, 4, 5};
  PreprocessOptions o;
  o.encoding = Encoding::kWoe;
  o.bins = 2;
  const auto p = Preprocessor::Fit(t, rows, y, {"x", "c"}, o);
  const auto& c = p.Features()[1];
  ASSERT_EQ(c.bins.size(), 3u);
  // Category a: 1 good, 1 bad; totals 4 good, 2 bad; +0.5 smoothing.
  const double woe_a = std::log((1.5 / 4.5) / (1.5 / 2.5));
  EXPECT_NEAR(c.bins[0].woe, woe_a, 1e-15);
  double iv = 0;
  for (const auto& b : c.bins) {
    const double bad = b.events, good = b.count - bad;
    iv += ((good + 0.5) / 4.5 - (bad + 0.5) / 2.5) * b.woe;
  }
  EXPECT_NEAR(c.iv, iv, 1e-15);
  // An unseen category scores the neutral WoE 0 and is counted.
  const Table later = ParseTable("x,c,y\n2,zzz,0\n", "later.csv");
  std::size_t unseen = 0;
  const auto row = p.Transform(later, {0}, &unseen);
  EXPECT_EQ(unseen, 1u);
  EXPECT_EQ(row[1], 0.0);
  // Round trip through JSON gives identical outputs.
  const auto again = Preprocessor::FromJson(nlohmann::json(p.ToJson()));
  EXPECT_EQ(again.Transform(t, rows), p.Transform(t, rows));
}

// A flag whose rare value is 0 keeps both bins, as the same flag written the other way does;
// quantile edges alone put every decile at 1 and erased it (found by a new user).
TEST(CreditPreprocess, AFlagKeepsBothBinsWhicheverValueIsRare) {
  std::string csv = "flag,flipped,y\n";
  std::vector<int> y;
  for (int r = 0; r < 200; ++r) {
    const int flag = r < 14 ? 0 : 1;  // 7% zeros
    const int bad = r < 14 ? (r % 2) : (r % 5 == 0);
    csv += fmt::format("{},{},{}\n", flag, 1 - flag, bad);
    y.push_back(bad);
  }
  const Table t = ParseTable(csv, "t.csv");
  std::vector<std::size_t> rows(200);
  std::iota(rows.begin(), rows.end(), 0);
  PreprocessOptions o;
  o.encoding = Encoding::kWoe;
  const auto p = Preprocessor::Fit(t, rows, y, {"flag", "flipped"}, o);
  const auto& flag = p.Features()[0];
  const auto& flipped = p.Features()[1];
  ASSERT_EQ(flag.bins.size(), 2u);
  ASSERT_EQ(flipped.bins.size(), 2u);
  EXPECT_GT(flag.iv, 0.05);
  EXPECT_NEAR(flag.iv, flipped.iv, 1e-12);
  EXPECT_EQ(flag.bins[0].count, 14u);
  EXPECT_EQ(flipped.bins[1].count, 14u);
  // A column of one value is still one bin (and a warning).
  const Table constant = ParseTable("x,y\n3,0\n3,1\n3,0\n", "c.csv");
  EXPECT_EQ(Preprocessor::Fit(constant, {0, 1, 2}, {0, 1, 0}, {"x"}, o).Features()[0].bins.size(),
            1u);
}

// Monotonic binning and a minimum bin share, as optbinning users expect (issue 14, item 10).
TEST(CreditPreprocess, MonotonicBinsAndMinimumShare) {
  // Default rate by decile of x: rises, except deciles 3 and 7 dip: two reversals.
  const std::vector<int> bad_per_decile = {0, 2, 1, 3, 4, 5, 4, 7, 8, 9};
  std::string csv = "x,y\n";
  std::vector<int> y;
  for (int d = 0; d < 10; ++d)
    for (int k = 0; k < 10; ++k) {
      const int bad = k < bad_per_decile[static_cast<std::size_t>(d)] ? 1 : 0;
      csv += fmt::format("{},{}\n", d * 10 + k, bad);
      y.push_back(bad);
    }
  const Table t = ParseTable(csv, "t.csv");
  std::vector<std::size_t> rows(100);
  std::iota(rows.begin(), rows.end(), 0);
  PreprocessOptions o;
  o.encoding = Encoding::kWoe;
  const auto plain = Preprocessor::Fit(t, rows, y, {"x"}, o);
  ASSERT_EQ(plain.Features()[0].bins.size(), 10u);
  bool turns = false;
  for (const auto& w : plain.Warnings()) turns |= w.find("changes direction") != std::string::npos;
  EXPECT_TRUE(turns);
  o.monotonic = true;
  const auto mono = Preprocessor::Fit(t, rows, y, {"x"}, o);
  const auto& bins = mono.Features()[0].bins;
  EXPECT_EQ(bins.size(), 8u);  // each dip pooled with the bin before it
  // The default rate only rises, so the weight of evidence (good share over bad) only falls.
  for (std::size_t i = 1; i < bins.size(); ++i) EXPECT_LE(bins[i].woe, bins[i - 1].woe);
  std::size_t total = 0;
  for (const auto& b : bins) total += b.count;
  EXPECT_EQ(total, 100u);
  for (const auto& w : mono.Warnings()) EXPECT_EQ(w.find("changes direction"), std::string::npos);
  // Every bin at least 25% of the rows: 10 deciles become at most 4 bins.
  o.monotonic = false;
  o.min_bin_share = 0.25;
  const auto wide = Preprocessor::Fit(t, rows, y, {"x"}, o);
  EXPECT_LE(wide.Features()[0].bins.size(), 4u);
  for (const auto& b : wide.Features()[0].bins) EXPECT_GE(b.count, 25u);
  EXPECT_EQ(wide.Features()[0].bins.front().label.rfind("(-inf, ", 0), 0u);
  // A share no split can meet still leaves two bins: a feature is never erased in silence.
  o.min_bin_share = 0.45;
  EXPECT_EQ(Preprocessor::Fit(t, rows, y, {"x"}, o).Features()[0].bins.size(), 2u);
}

// A 0/1 indicator gets its two bins, not a third, empty one above its largest value.
TEST(CreditPreprocess, IndicatorColumnsGetTwoBins) {
  std::string csv = "flag,y\n";
  std::vector<int> y;
  for (int i = 0; i < 200; ++i) {
    csv += fmt::format("{},{}\n", i % 3 == 0 ? 1 : 0, i % 4 == 0 ? 1 : 0);
    y.push_back(i % 4 == 0 ? 1 : 0);
  }
  const Table t = ParseTable(csv, "t.csv");
  std::vector<std::size_t> rows(200);
  std::iota(rows.begin(), rows.end(), 0);
  PreprocessOptions o;
  o.encoding = Encoding::kWoe;
  const auto p = Preprocessor::Fit(t, rows, y, {"flag"}, o);
  const auto& bins = p.Features()[0].bins;
  ASSERT_EQ(bins.size(), 2u);
  EXPECT_EQ(bins[0].count + bins[1].count, 200u);
  EXPECT_GT(bins[1].count, 0u);
  for (const auto& w : p.Warnings()) EXPECT_EQ(w.find("fewer than"), std::string::npos) << w;
}

TEST(CreditTable, RenameMatchesTheFilesOwnNames) {
  const Table t = ParseTable("a,b\n1,2\n", "t.csv", {}, {{"a", "b"}, {"b", "a"}});
  EXPECT_EQ(t.Names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(t.Get("b").numbers[0], 1);
}

TEST(CreditPreprocess, OneHotStandardisesOnTrainingRowsOnly) {
  const Table t = ParseTable("x,c\n1,a\n3,b\n100,a\n", "t.csv");
  const auto p = Preprocessor::Fit(t, {0, 1}, {0, 1, 0}, {"x", "c"}, {});
  EXPECT_EQ(p.OutputNames(), (std::vector<std::string>{"x", "c=a", "c=b"}));
  const auto out = p.Transform(t, {2});
  EXPECT_NEAR(out[0], (100 - 2) / std::sqrt(2.0), 1e-12);  // training mean 2, sd sqrt(2)
  EXPECT_EQ(out[1], 1.0);
  const Table missing = ParseTable("x,c\n,a\n", "m.csv");
  EXPECT_NE(ErrorOf([&] {
              (void)p.Transform(missing, {0});
            }).find("m.csv:2:1: missing value in column 'x'"),
            std::string::npos);
}

TEST(CreditFolds, StratifiedAndReproducible) {
  std::vector<int> y(100, 0);
  for (int i = 0; i < 30; ++i) y[i * 3] = 1;
  const auto f = StratifiedFolds(y, 5, 7);
  EXPECT_EQ(f, StratifiedFolds(y, 5, 7));
  for (std::size_t k = 0; k < 5; ++k) {
    int pos = 0, all = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (f[i] == k) {
        ++all;
        pos += y[i];
      }
    EXPECT_EQ(all, 20);
    EXPECT_EQ(pos, 6);
  }
  EXPECT_NE(f, StratifiedFolds(y, 5, 8));
}

}  // namespace
}  // namespace finml::credit
