// The stylised-fact metrics against statsmodels, SciPy and NumPy (stylized_oracle.py wrote the
// expected values), the Lambert W transform, and the mode-collapse flag.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "finml/core/files.hpp"
#include "finml/synth/lambert_w.hpp"
#include "finml/synth/stylized_facts.hpp"
#include "test_util.hpp"

namespace finml::synth {
namespace {

const nlohmann::json& Oracle() {
  static const nlohmann::json j =
      nlohmann::json::parse(ReadFile(finml::testing::RepoPath("tests/synth/stylized_oracle.json")));
  return j;
}

std::vector<double> Vec(const char* key) { return Oracle()[key].get<std::vector<double>>(); }

void ExpectCurve(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], tol) << "lag " << k + 1;
}

TEST(StylizedFacts, WassersteinMatchesScipy) {
  EXPECT_NEAR(Wasserstein1(Vec("a"), Vec("b")), Oracle()["wasserstein_ab"].get<double>(), 1e-12);
  EXPECT_NEAR(Wasserstein1(AggregatedReturns({Vec("a")}, 5), AggregatedReturns({Vec("b")}, 5)),
              Oracle()["wasserstein_ab_5"].get<double>(), 1e-12);
  EXPECT_DOUBLE_EQ(Wasserstein1(Vec("a"), Vec("a")), 0.0);
  // Shifting a sample by c moves it by exactly |c|.
  auto shifted = Vec("a");
  for (double& v : shifted) v += 0.003;
  EXPECT_NEAR(Wasserstein1(Vec("a"), shifted), 0.003, 1e-12);
}

TEST(StylizedFacts, AutocorrelationsMatchStatsmodels) {
  const auto a = Vec("a"), b = Vec("b");
  ExpectCurve(Autocorrelation(a, 30), Vec("acf_a"), 1e-12);
  std::vector<double> abs_a(a.size()), sq_b(b.size());
  for (std::size_t i = 0; i < a.size(); ++i) abs_a[i] = std::abs(a[i]);
  for (std::size_t i = 0; i < b.size(); ++i) sq_b[i] = b[i] * b[i];
  ExpectCurve(Autocorrelation(abs_a, 30), Vec("acf_abs_a"), 1e-12);
  ExpectCurve(Autocorrelation(sq_b, 30), Vec("acf_sq_b"), 1e-12);
  ExpectCurve(LeverageEffect(a, 30), Vec("leverage_a"), 1e-12);
}

TEST(StylizedFacts, MomentsAndTailsMatchScipy) {
  const auto a = Vec("a");
  EXPECT_NEAR(Skewness(a), Oracle()["skew_a"].get<double>(), 1e-12);
  EXPECT_NEAR(ExcessKurtosis(a), Oracle()["kurtosis_a"].get<double>(), 1e-12);
  EXPECT_NEAR(HillTailIndex(a, 0.05), Oracle()["hill_right_a"].get<double>(), 1e-10);
  std::vector<double> negated(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) negated[i] = -a[i];
  EXPECT_NEAR(HillTailIndex(negated, 0.05), Oracle()["hill_left_a"].get<double>(), 1e-10);
}

TEST(StylizedFacts, HillRecoversAParetoTailIndex) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x(50000);
  for (double& v : x) v = std::pow(1 - u(rng), -1.0 / 3.0);  // Pareto, alpha = 3
  EXPECT_NEAR(HillTailIndex(x, 0.05), 3.0, 0.15);
}

TEST(StylizedFacts, GainLossHorizonsOfAKnownPath) {
  // Up 1% a day: every 5% gain takes 5 days; down 2% a day: every 5% loss takes 3.
  const Paths paths = {std::vector<double>(20, 0.01), std::vector<double>(10, -0.02)};
  const GainLoss g = GainLossAsymmetry(paths, 0.05 - 1e-12, 100);
  EXPECT_DOUBLE_EQ(g.median_gain, 5.0);
  EXPECT_DOUBLE_EQ(g.median_loss, 3.0);
  EXPECT_DOUBLE_EQ(g.asymmetry, 2.0);
  EXPECT_DOUBLE_EQ(g.reached_gain, 16.0 / 30.0);  // starts 0..15 of the first path
  EXPECT_DOUBLE_EQ(g.reached_loss, 8.0 / 30.0);   // starts 0..7 of the second
  const GainLoss none = GainLossAsymmetry({std::vector<double>(50, 0.0)}, 0.05, 100);
  EXPECT_TRUE(std::isnan(none.median_gain));
  EXPECT_EQ(none.reached_gain, 0.0);
}

// Returns with volatility regimes (calm and turbulent stretches of 100 days).
std::vector<double> Regimes(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::vector<double> r(n);
  for (std::size_t t = 0; t < n; ++t) r[t] = ((t / 100) % 2 == 0 ? 0.005 : 0.03) * z(rng);
  return r;
}

TEST(StylizedFacts, ModeCollapseIsFlaggedAndVolatilityClusteringMeasured) {
  const FactSettings s;
  const Paths real = {Regimes(1, 4000)};
  const SeriesFacts rf = ComputeFacts(real, s);
  EXPECT_GT(rf.acf_abs[0], 0.2);  // regimes cluster volatility
  // A generator that reproduces the regimes is neither collapsed nor far off.
  const Paths good = {Regimes(2, 4000), Regimes(3, 4000)};
  const FactDistances dg = CompareFacts(real, rf, good, ComputeFacts(good, s), s);
  EXPECT_FALSE(dg.collapsed);
  EXPECT_NEAR(dg.volatility_spread_ratio, 1.0, 0.2);
  // One that draws every day at the average volatility has lost both regimes.
  std::mt19937_64 rng(4);
  std::normal_distribution<double> z(0, 0.0215);
  Paths flat(2, std::vector<double>(4000));
  for (auto& p : flat)
    for (double& v : p) v = z(rng);
  const FactDistances df = CompareFacts(real, rf, flat, ComputeFacts(flat, s), s);
  EXPECT_TRUE(df.collapsed);
  EXPECT_GT(df.acf_abs, 3 * dg.acf_abs);
  EXPECT_GT(df.emd[0], dg.emd[0]);
}

TEST(LambertW, PrincipalBranchInvertsWTimesExpW) {
  for (const double x : {1e-12, 1e-6, 0.01, 0.5, 1.0, std::exp(1.0), 10.0, 1e3, 1e8}) {
    const double w = LambertW0(x);
    EXPECT_NEAR(w * std::exp(w), x, 1e-12 * std::max(1.0, x)) << x;
  }
  EXPECT_NEAR(LambertW0(std::exp(1.0)), 1.0, 1e-14);
}

TEST(LambertW, IgmmRecoversTheTailParameterAndRoundTrips) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z(0, 1);
  const double delta = 0.2, mu = 0.0005, sigma = 0.01;
  std::vector<double> y(40000);
  for (double& v : y) {
    const double u = z(rng);
    v = mu + sigma * u * std::exp(0.5 * delta * u * u);
  }
  const LambertW t = LambertW::Fit(y);
  EXPECT_NEAR(t.delta, delta, 0.03);
  EXPECT_NEAR(t.sigma, sigma, 0.0007);
  for (const double v : {-0.2, -0.03, 0.0, 0.001, 0.05, 0.3})
    EXPECT_NEAR(t.HeavyTail(t.Gaussianize(v)), v, 1e-12);
  // Gaussian data needs no transform.
  std::vector<double> g(20000);
  for (double& v : g) v = z(rng);
  EXPECT_LT(LambertW::Fit(g).delta, 0.02);
}

}  // namespace
}  // namespace finml::synth
