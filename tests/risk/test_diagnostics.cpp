#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "finml/core/files.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/risk/diagnostics.hpp"
#include "finml/risk/series.hpp"
#include "test_util.hpp"

namespace finml::risk {
namespace {

struct Reference {
  std::string series, test;
  std::size_t lag, df;
  double statistic, p_value;
};

// statsmodels 0.13.5 on data/dem2gbp.csv (tests/fixtures/make_risk_diagnostics_fixture.py).
std::vector<Reference> References() {
  const std::string path = finml::testing::RepoPath("tests/fixtures/risk_diagnostics.csv");
  const std::string text = ReadFile(path);
  data::CsvReader reader(path, text);
  std::vector<std::string_view> f;
  reader.Next(f);
  std::vector<Reference> rows;
  while (reader.Next(f)) {
    rows.push_back({std::string(f[0]), std::string(f[1]), std::stoul(std::string(f[2])),
                    std::stoul(std::string(f[4])), std::stod(std::string(f[3])),
                    f[5] == "nan" ? NAN : std::stod(std::string(f[5]))});
  }
  return rows;
}

std::vector<double> Series(const std::string& name) {
  auto values =
      LoadReturnSeries(finml::testing::RepoPath("data/dem2gbp.csv"), "", SeriesKind::kReturns)
          .values;
  if (name == "dem2gbp_first300") values.resize(300);
  return values;
}

std::vector<double> Squared(std::vector<double> x) {
  for (double& v : x) v *= v;
  return x;
}

void ExpectClose(double got, double want, double relative, const std::string& what) {
  EXPECT_LE(std::fabs(got - want), relative * std::fabs(want) + 1e-300)
      << what << ": " << got << " vs " << want;
}

TEST(RiskDiagnostics, AgreeWithStatsmodels) {
  const auto refs = References();
  ASSERT_EQ(refs.size(), 58u);
  for (const auto& r : refs) {
    const auto x = Series(r.series);
    const std::string what = r.series + " " + r.test + " lag " + std::to_string(r.lag);
    if (r.test == "acf_squared") {
      EXPECT_NEAR(Autocorrelation(Squared(x), 20)[r.lag - 1], r.statistic, 1e-12) << what;
      continue;
    }
    ChiSquareTest t;
    if (r.test == "ljung_box")
      t = LjungBox(x, r.lag);
    else if (r.test == "ljung_box_squared")
      t = LjungBox(Squared(x), r.lag);
    else if (r.test == "arch_lm")
      t = ArchLm(x, r.lag);
    else
      FAIL() << "unknown test " << r.test;
    EXPECT_EQ(t.df, r.df) << what;
    ExpectClose(t.statistic, r.statistic, 1e-10, what + " statistic");
    // p-values down to 1e-95: the chi-square tail is computed directly, not as 1 - P.
    ExpectClose(t.p_value, r.p_value, 1e-8, what + " p-value");
  }
}

TEST(RiskDiagnostics, WhiteNoiseLeavesNothingToFind) {
  std::vector<double> z;
  std::uint64_t state = 7;
  for (int i = 0; i < 4000; ++i) {
    // A Box-Muller pair from a fixed LCG: reproducible across standard libraries.
    auto uniform = [&] {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      return (static_cast<double>(state >> 11) + 0.5) / 9007199254740992.0;
    };
    z.push_back(std::sqrt(-2 * std::log(uniform())) * std::cos(2 * M_PI * uniform()));
  }
  EXPECT_GT(ArchLm(z, 10).p_value, 0.01);
  EXPECT_GT(LjungBox(z, 20).p_value, 0.01);
  for (double r : Autocorrelation(z, 20)) EXPECT_LT(std::fabs(r), 4 / std::sqrt(4000.0));
}

TEST(RiskDiagnostics, TooShortASeriesIsRefused) {
  EXPECT_THROW((void)ArchLm({1, 2, 3, 4}, 5), Error);
  EXPECT_THROW((void)Autocorrelation({1, 2, 3}, 3), Error);
}

TEST(RiskDiagnostics, NewsImpactPassesThroughTheUnconditionalVariance) {
  GarchFit fit;
  fit.spec.model = VolatilityModel::kGjr;
  fit.names = {"mu", "omega", "alpha", "gamma", "beta"};
  fit.params = {0, 0.02, 0.05, 0.1, 0.85};
  const double s2 = UnconditionalVariance(fit);
  EXPECT_NEAR(s2, 0.02 / (1 - 0.05 - 0.05 - 0.85), 1e-15);
  // A shock of one unconditional standard deviation, averaged over its sign, keeps the variance.
  const auto v = NewsImpact(fit, {-std::sqrt(s2), 0, std::sqrt(s2)}, s2);
  EXPECT_NEAR((v[0] + v[2]) / 2, s2, 1e-12);
  EXPECT_NEAR(v[1], 0.02 + 0.85 * s2, 1e-15);
  EXPECT_GT(v[0], v[2]);  // bad news raises volatility more
  fit.params = {0, 0.02, 0.2, 0.1, 0.8};
  EXPECT_TRUE(std::isnan(UnconditionalVariance(fit)));  // not stationary
}

TEST(RiskDiagnostics, EgarchNewsImpactIsExponentialInTheShock) {
  GarchFit fit;
  fit.spec.model = VolatilityModel::kEgarch;
  fit.names = {"mu", "omega", "alpha", "gamma", "beta"};
  fit.params = {0, -0.1, 0.2, -0.05, 0.95};
  const double s2 = UnconditionalVariance(fit);
  EXPECT_NEAR(s2, std::exp(-0.1 / 0.05), 1e-15);
  const double s = std::sqrt(s2);
  const auto v = NewsImpact(fit, {-2 * s, 0, 2 * s}, s2);
  const double abs_z = std::sqrt(2 / M_PI);
  EXPECT_NEAR(v[1], std::exp(-0.1 - 0.2 * abs_z + 0.95 * std::log(s2)), 1e-15);
  EXPECT_NEAR(std::log(v[0] / v[2]), -2 * 2 * -0.05, 1e-12);
}

TEST(RiskDiagnostics, QqPairsSortedResidualsWithTheFittedQuantiles) {
  GarchFit fit;
  fit.spec.dist = Innovations::kStudentT;
  fit.names = {"mu", "omega", "alpha", "beta", "nu"};
  fit.params = {0, 0.01, 0.1, 0.8, 5};
  fit.residuals = {0.5, -2, 1, 0, 3};
  const auto q = InnovationQq(fit);
  EXPECT_EQ(q.sample, (std::vector<double>{-2, 0, 0.5, 1, 3}));
  ASSERT_EQ(q.theoretical.size(), 5u);
  EXPECT_NEAR(q.theoretical[2], 0, 1e-12);
  EXPECT_NEAR(q.theoretical[4], InnovationQuantile(Innovations::kStudentT, 0.9, 5), 1e-12);
  EXPECT_NEAR(q.theoretical[0], -q.theoretical[4], 1e-10);
}

}  // namespace
}  // namespace finml::risk
