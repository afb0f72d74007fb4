#include <gtest/gtest.h>

#include <random>

#include "finml/core/error.hpp"
#include "finml/risk/var.hpp"
#include "risk/distributions.hpp"
#include "test_util.hpp"

namespace finml::risk {
namespace {

// R's cvar::VaR and cvar::ES of location-scale normal and t distributions
// (tests/fixtures/make_risk_fixtures.R), to 1e-9: the same quantities by different code (cvar
// integrates the quantile function numerically for ES).
TEST(Var, ParametricAgreesWithRCvar) {
  const auto f =
      finml::testing::ReadFixture(finml::testing::RepoPath("tests/fixtures/cvar_var_es.csv"));
  const auto& level = f.columns.at("level");
  ASSERT_EQ(level.size(), 6u);
  for (std::size_t i = 0; i < level.size(); ++i) {
    const double mu = f.columns.at("location")[i], scale = f.columns.at("scale")[i];
    const VarEstimate e = f.first_column[i] == "normal"
                              ? NormalVar(mu, scale, level[i])
                              : StudentTVar(mu, scale, f.columns.at("nu")[i], level[i]);
    EXPECT_NEAR(e.var, f.columns.at("var")[i], 1e-10) << f.first_column[i] << " " << level[i];
    EXPECT_NEAR(e.es, f.columns.at("es")[i], 1e-8) << f.first_column[i] << " " << level[i];
  }
}

TEST(Var, HistoricalUsesRType7QuantileAndTheTailMean) {
  EXPECT_DOUBLE_EQ(Quantile({3, 1, 4, 1, 5, 9, 2, 6}, 0.1), 1.0);
  EXPECT_DOUBLE_EQ(Quantile({1, 2, 3, 4}, 0.5), 2.5);
  std::vector<double> r;
  for (int i = 1; i <= 100; ++i) r.push_back(i / 1000.0 - 0.05);  // -0.049 .. 0.05
  VarOptions o;
  o.level = 0.95;
  const auto e = EstimateVar("historical", r, o);
  const double q = Quantile(r, 0.05);  // -0.04405
  EXPECT_NEAR(e.var, -q, 1e-15);
  EXPECT_NEAR(e.es, -(-0.049 - 0.048 - 0.047 - 0.046 - 0.045) / 5, 1e-15);
  o.horizon = 4;
  EXPECT_NEAR(EstimateVar("historical", r, o).var, 2 * e.var, 1e-15);  // sqrt(4)
}

TEST(Var, CornishFisherReducesToNormalWithoutSkewOrKurtosis) {
  for (double level : {0.95, 0.99}) {
    const auto cf = CornishFisherVar(0.001, 0.02, 0, 0, level);
    const auto n = NormalVar(0.001, 0.02, level);
    EXPECT_NEAR(cf.var, n.var, 1e-14);
    EXPECT_NEAR(cf.es, n.es, 1e-14);
  }
  // Negative skew and fat tails raise both, ES more than VaR.
  const auto fat = CornishFisherVar(0, 0.01, -0.5, 3, 0.99);
  const auto n = NormalVar(0, 0.01, 0.99);
  EXPECT_GT(fat.var, n.var);
  EXPECT_GT(fat.es - fat.var, n.es - n.var);
}

TEST(Var, StudentTFitRecoversItsParameters) {
  std::mt19937_64 rng(3);
  std::student_t_distribution<double> t(5);
  std::vector<double> x;
  for (int i = 0; i < 20000; ++i) x.push_back(0.001 + 0.02 * t(rng));
  const auto fit = FitStudentT(x);
  EXPECT_NEAR(fit.mu, 0.001, 5e-4);
  EXPECT_NEAR(fit.scale, 0.02, 5e-4);
  EXPECT_NEAR(fit.nu, 5, 0.5);
}

TEST(Var, KupiecAndChristoffersenMatchTheirFormulas) {
  // Values from R (see the note): 5 exceptions in 250 days at 99%, clustered in pairs.
  std::vector<char> x(250, 0);
  for (int i : {9, 10, 49, 50, 51}) x[i] = 1;
  const auto b = BacktestExceptions(x, 0.99);
  EXPECT_EQ(b.exceptions, 5u);
  EXPECT_NEAR(b.expected, 2.5, 1e-12);
  EXPECT_NEAR(b.kupiec.statistic, 1.9568097882306219, 1e-10);
  EXPECT_NEAR(b.kupiec.p_value, 0.1618549171960428, 1e-10);
  EXPECT_NEAR(b.independence.statistic, 19.04930694090181, 1e-9);
  EXPECT_NEAR(b.independence.p_value, 1.273840284499578e-05, 1e-12);
  EXPECT_NEAR(b.conditional_coverage.statistic, 21.00611672913243, 1e-9);
  EXPECT_NEAR(b.conditional_coverage.p_value, 2.745236149997020e-05, 1e-12);
}

TEST(Var, BaselTrafficLightZonesFor250Days) {
  auto zone = [](std::size_t exceptions) {
    std::vector<char> x(250, 0);
    for (std::size_t i = 0; i < exceptions; ++i) x[i * 20] = 1;
    return BacktestExceptions(x, 0.99).zone;
  };
  EXPECT_EQ(zone(0), "green");
  EXPECT_EQ(zone(4), "green");
  EXPECT_EQ(zone(5), "yellow");
  EXPECT_EQ(zone(9), "yellow");
  EXPECT_EQ(zone(10), "red");
}

std::vector<double> FatTailedReturns(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t(4);
  std::vector<double> r;
  double s2 = 1e-4;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = std::sqrt(s2) * t(rng) / std::sqrt(2.0);
    s2 = 2e-6 + 0.08 * e * e + 0.9 * s2;
    r.push_back(e);
  }
  return r;
}

TEST(Var, RollingForecastsNeverSeeTheirOwnDay) {
  auto r = FatTailedReturns(700, 5);
  VarOptions o;
  o.level = 0.99;
  const std::size_t cut = 500;
  for (const std::string& m : VarMethodNames()) {
    const auto base = RollingVar(r, m, o, 250, 20);
    auto changed = r;
    for (std::size_t t = cut; t < r.size(); ++t) changed[t] *= -3;  // rewrite the future
    const auto later = RollingVar(changed, m, o, 250, 20);
    for (std::size_t i = 0; i < base.row.size() && base.row[i] <= cut; ++i) {
      ASSERT_EQ(base.var[i], later.var[i]) << m << " day " << base.row[i];
      ASSERT_EQ(base.es[i], later.es[i]) << m << " day " << base.row[i];
    }
    EXPECT_NE(base.var.back(), later.var.back()) << m;
  }
}

TEST(Var, EveryMethodGivesSaneCoverageOnGarchData) {
  const auto r = FatTailedReturns(3000, 9);
  VarOptions o;
  for (const std::string& m : VarMethodNames()) {
    const auto s = RollingVar(r, m, o, {0.99, 0.95}, 250, 25);
    ASSERT_EQ(s.size(), 2u);
    for (const auto& series : s) {
      const auto b = BacktestVar(series);
      // Within a factor of 2.5 of the nominal rate: a broken sign or scale would be far outside.
      EXPECT_GT(b.rate, (1 - series.options.level) / 2.5) << m;
      EXPECT_LT(b.rate, (1 - series.options.level) * 2.5) << m;
      for (std::size_t i = 0; i < series.var.size(); ++i)
        ASSERT_GE(series.es[i], series.var[i] - 1e-12) << m;
    }
  }
}

TEST(Var, EwmaFollowsTheRiskMetricsRecursion) {
  const auto r = FatTailedReturns(300, 2);
  VarOptions o;
  const auto s = RollingVar(r, "ewma", o, 250, 1);
  double s2 = 0;
  for (std::size_t t = 0; t < 250; ++t) s2 += r[t] * r[t] / 250;
  for (std::size_t t = 0; t < 250; ++t) s2 = 0.94 * s2 + 0.06 * r[t] * r[t];
  for (std::size_t i = 0; i < s.row.size(); ++i) {
    EXPECT_NEAR(s.var[i], NormalQuantile(0.99) * std::sqrt(s2), 1e-15);
    s2 = 0.94 * s2 + 0.06 * r[s.row[i]] * r[s.row[i]];
  }
}

TEST(Var, BadInputsAreErrors) {
  VarOptions o;
  EXPECT_THROW((void)EstimateVar("normal", std::vector<double>(300, 0.01), o), InvalidInput);
  EXPECT_THROW((void)EstimateVar("normal", {0.01, -0.02}, o), InvalidInput);
  std::vector<double> nan_window(100, 0.01);
  nan_window[3] = NAN;
  nan_window[4] = -0.02;
  EXPECT_THROW((void)EstimateVar("normal", nan_window, o), InvalidInput);
  o.level = 1.5;
  EXPECT_THROW((void)EstimateVar("normal", FatTailedReturns(100, 1), o), InvalidInput);
  EXPECT_THROW((void)FindVarMethod("histrical"), ConfigError);
}

}  // namespace
}  // namespace finml::risk
