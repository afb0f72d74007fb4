#include <gtest/gtest.h>

#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/risk/garch.hpp"
#include "finml/risk/series.hpp"
#include "test_util.hpp"

namespace finml::risk {
namespace {

const std::vector<double>& Dem2gbp() {
  static const auto series =
      LoadReturnSeries(finml::testing::RepoPath("data/dem2gbp.csv"), "", SeriesKind::kReturns);
  return series.values;
}

double Relative(double a, double b) { return std::abs(a - b) / std::abs(b); }

// Fiorentini, Calzolari and Panattoni (1996); McCullough and Renfro (1998): the GARCH(1,1)
// benchmark on the DEM/GBP returns, to the four significant digits the issue asks for and in
// fact to about six.
TEST(Garch, ReproducesThePublishedDem2gbpBenchmark) {
  const auto fit = FitGarch(Dem2gbp(), {});
  ASSERT_TRUE(fit.converged) << fit.message;
  EXPECT_LT(Relative(fit.Param("mu"), -0.00619041), 1e-5);
  EXPECT_LT(Relative(fit.Param("omega"), 0.0107613), 1e-5);
  EXPECT_LT(Relative(fit.Param("alpha"), 0.153134), 1e-5);
  EXPECT_LT(Relative(fit.Param("beta"), 0.805974), 1e-5);
  EXPECT_NEAR(fit.loglik, -1106.608, 5e-4);
  EXPECT_EQ(fit.n, 1974u);
  EXPECT_NEAR(fit.aic, -2 * fit.loglik + 8, 1e-9);
}

struct FgarchRow {
  double value, se;
};
std::map<std::string, FgarchRow> Fgarch(const std::string& fit) {
  // The fixture's first two columns are text, so it is read here rather than by ReadFixture.
  std::map<std::string, FgarchRow> rows;
  const std::string text = ReadFile(finml::testing::RepoPath("tests/fixtures/fgarch_dem2gbp.csv"));
  data::CsvReader reader("fgarch", text);
  std::vector<std::string_view> fields;
  reader.Next(fields);
  while (reader.Next(fields)) {
    if (fields[0] != fit) continue;
    rows[std::string(fields[1])] = {std::stod(std::string(fields[2])),
                                    fields[3] == "NA" ? NAN : std::stod(std::string(fields[3]))};
  }
  return rows;
}

// R's fGarch on the same data (tests/fixtures/make_risk_fixtures.R). Estimates agree to 1e-5;
// standard errors to 2% (Hessian) and 3% (robust): both sides differentiate numerically, and
// fGarch's Hessian is the rougher one (its omega s.e. is 0.5% off the published benchmark's,
// finml's 0.01%).
TEST(Garch, AgreesWithFgarchNormalAndRobust) {
  const auto fit = FitGarch(Dem2gbp(), {});
  const auto hess = Fgarch("garch_normal");
  const auto qmle = Fgarch("garch_normal_robust");
  for (const char* name : {"mu", "omega", "alpha", "beta"}) {
    const std::size_t i = std::find(fit.names.begin(), fit.names.end(), name) - fit.names.begin();
    EXPECT_LT(Relative(fit.params[i], hess.at(name).value), 2e-5) << name;
    EXPECT_LT(Relative(fit.se_hessian[i], hess.at(name).se), 0.02) << name;
    EXPECT_LT(Relative(fit.se_robust[i], qmle.at(name).se), 0.03) << name;
  }
  EXPECT_NEAR(fit.loglik, hess.at("loglik").value, 1e-5);
}

TEST(Garch, StudentTAgreesWithFgarchOnItsParameterSpace) {
  // fGarch bounds alpha and beta separately; its t fit lands on alpha + beta = 1.009.
  GarchSpec spec{VolatilityModel::kGarch, Innovations::kStudentT, false};
  const auto fit = FitGarch(Dem2gbp(), spec);
  const auto ref = Fgarch("garch_t");
  for (const char* name : {"mu", "omega", "alpha", "beta", "nu"}) {
    const std::size_t i = std::find(fit.names.begin(), fit.names.end(), name) - fit.names.begin();
    EXPECT_LT(Relative(fit.params[i], ref.at(name).value), 1e-4) << name;
    EXPECT_LT(Relative(fit.se_hessian[i], ref.at(name).se), 0.03) << name;
  }
  EXPECT_NEAR(fit.loglik, ref.at("loglik").value, 1e-5);
  // Under the default stationarity constraint the optimum is on alpha + beta < 1, lower.
  const auto constrained = FitGarch(Dem2gbp(), {VolatilityModel::kGarch, Innovations::kStudentT});
  EXPECT_LT(constrained.Param("alpha") + constrained.Param("beta"), 1.0);
  EXPECT_LT(constrained.loglik, fit.loglik);
}

TEST(Garch, NestedModelsFitAtLeastAsWell) {
  const auto garch = FitGarch(Dem2gbp(), {});
  const auto gjr = FitGarch(Dem2gbp(), {VolatilityModel::kGjr, Innovations::kNormal});
  const auto t = FitGarch(Dem2gbp(), {VolatilityModel::kGarch, Innovations::kStudentT});
  EXPECT_GE(gjr.loglik, garch.loglik - 1e-6);
  EXPECT_GE(t.loglik, garch.loglik);
  EXPECT_EQ(gjr.names, (std::vector<std::string>{"mu", "omega", "alpha", "gamma", "beta"}));
  EXPECT_EQ(t.names.back(), "nu");
}

// Simulated GJR and EGARCH paths with known parameters: the estimates land within three
// (robust) standard errors of the truth.
std::vector<double> Simulate(VolatilityModel model, const std::vector<double>& p, std::size_t n) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z;
  std::vector<double> r;
  double s2 = 1, e = 0;
  for (std::size_t t = 0; t < n + 500; ++t) {
    if (model == VolatilityModel::kGjr) {
      s2 = p[1] + (p[2] + (e < 0 ? p[3] : 0.0)) * e * e + p[4] * s2;
    } else {
      const double zz = e / std::sqrt(s2);
      s2 = std::exp(p[1] + p[2] * (std::abs(zz) - std::sqrt(2 / M_PI)) + p[3] * zz +
                    p[4] * std::log(s2));
    }
    e = std::sqrt(s2) * z(rng);
    if (t >= 500) r.push_back(p[0] + e);
  }
  return r;
}

TEST(Garch, RecoversSimulatedGjrAndEgarch) {
  for (auto model : {VolatilityModel::kGjr, VolatilityModel::kEgarch}) {
    const std::vector<double> truth = model == VolatilityModel::kGjr
                                          ? std::vector<double>{0.05, 0.05, 0.04, 0.12, 0.85}
                                          : std::vector<double>{0.05, 0.0, 0.15, -0.08, 0.95};
    const auto fit = FitGarch(Simulate(model, truth, 6000), {model, Innovations::kNormal});
    ASSERT_TRUE(fit.converged) << EnumName(model) << ": " << fit.message;
    for (std::size_t i = 0; i < truth.size(); ++i) {
      EXPECT_LT(std::abs(fit.params[i] - truth[i]), 3 * fit.se_robust[i] + 1e-3)
          << EnumName(model) << " " << fit.names[i] << " " << fit.params[i];
    }
  }
}

TEST(Garch, ForecastsApproachTheUnconditionalVariance) {
  const auto fit = FitGarch(Dem2gbp(), {});
  const auto f = ForecastVariance(fit, 500);
  const double unconditional = fit.Param("omega") / (1 - fit.Param("alpha") - fit.Param("beta"));
  EXPECT_DOUBLE_EQ(f[0], fit.next_variance);
  EXPECT_NEAR(f[1], fit.Param("omega") + (fit.Param("alpha") + fit.Param("beta")) * f[0], 1e-15);
  EXPECT_NEAR(f.back(), unconditional, 1e-6 * unconditional);
  const auto egarch = FitGarch(Dem2gbp(), {VolatilityModel::kEgarch, Innovations::kNormal});
  const auto fe = ForecastVariance(egarch, 5, 1);
  EXPECT_EQ(fe, ForecastVariance(egarch, 5, 1));  // seeded
  for (double v : fe) EXPECT_GT(v, 0);
}

// Returns in decimals instead of percent: estimates and standard errors rescale exactly (mu by
// 1/100, omega by 1/10^4), so the numerical derivatives do not depend on the data's units.
TEST(Garch, StandardErrorsDoNotDependOnUnits) {
  std::vector<double> decimal = Dem2gbp();
  for (double& x : decimal) x /= 100;
  const auto pct = FitGarch(Dem2gbp(), {});
  const auto dec = FitGarch(decimal, {});
  const double scale[] = {1e-2, 1e-4, 1, 1};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_LT(Relative(dec.params[i], pct.params[i] * scale[i]), 1e-4) << pct.names[i];
    EXPECT_LT(Relative(dec.se_robust[i], pct.se_robust[i] * scale[i]), 0.01) << pct.names[i];
    EXPECT_LT(Relative(dec.se_hessian[i], pct.se_hessian[i] * scale[i]), 0.01) << pct.names[i];
  }
}

TEST(Garch, BadSeriesAreClearErrors) {
  EXPECT_THROW((void)FitGarch(std::vector<double>(50, 0.1), {}), InvalidInput);
  EXPECT_THROW((void)FitGarch(std::vector<double>(500, 0.1), {}), InvalidInput);
  std::vector<double> with_nan(Dem2gbp());
  with_nan[10] = NAN;
  EXPECT_THROW((void)FitGarch(with_nan, {}), InvalidInput);
}

}  // namespace
}  // namespace finml::risk
