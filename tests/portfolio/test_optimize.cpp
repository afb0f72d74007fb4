// Portfolio optimisation against cvxopt on a window of PyPortfolioOpt's prices
// (tests/portfolio/make_optimize_fixture.py writes the references and the estimates they used),
// and the properties that have no reference: the efficient frontier, target volatility, maximum
// diversification, risk parity, turnover, clear errors and a 1200-asset problem.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <sstream>

#include "expect_error.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/portfolio/optimize.hpp"
#include "finml/portfolio/page.hpp"
#include "reference_csv.hpp"
#include "test_util.hpp"

namespace finml::portfolio {
namespace {

std::map<std::string, Matrix> ReadReferences() {
  return finml::testing::ReadReferenceCsv(
      finml::testing::RepoPath("tests/portfolio/fixtures/optimize_reference.csv"));
}

const std::map<std::string, Matrix>& References() {
  static const auto* references = new std::map<std::string, Matrix>(ReadReferences());
  return *references;
}

Vector Reference(const std::string& name) {
  const auto it = References().find(name);
  if (it == References().end()) throw std::runtime_error("no reference " + name);
  return it->second.row(0).transpose();
}

// The fixture's inputs: mean and pairwise sample covariance (x 252) of the window's simple
// returns, and the returns themselves (NaN before FB lists).
Estimates WindowEstimates() {
  Estimates e;
  e.expected = Reference("mu");
  e.covariance = References().at("cov");
  e.returns = References().at("returns");
  return e;
}

// Max |got - want|, recorded as a property of the test (--gtest_output=xml shows them).
double ExpectWeights(const Vector& got, const std::string& reference, double tolerance = 1e-6) {
  const Vector want = Reference(reference);
  EXPECT_EQ(got.size(), want.size()) << reference;
  if (got.size() != want.size()) return INFINITY;
  const double diff = (got - want).cwiseAbs().maxCoeff();
  ::testing::Test::RecordProperty("max_abs_diff_" + reference, fmt::format("{:.3g}", diff));
  EXPECT_LE(diff, tolerance) << reference << ": finml " << got.transpose() << "\n cvxopt "
                             << want.transpose();
  return diff;
}

ObjectiveOptions Options(Objective objective, double risk_free = 0.02) {
  ObjectiveOptions o;
  o.objective = objective;
  o.risk_free = risk_free;
  return o;
}

// A long-only portfolio satisfies the constraints of a fully invested one.
void ExpectFullyInvested(const Vector& w, double lower = 0, double upper = 1) {
  EXPECT_NEAR(w.sum(), 1.0, 1e-9);
  EXPECT_GE(w.minCoeff(), lower - 1e-12);
  EXPECT_LE(w.maxCoeff(), upper + 1e-12);
}

class OptimizeReference : public ::testing::Test {
 protected:
  const Estimates e_ = WindowEstimates();
};

TEST_F(OptimizeReference, MinVarianceLongOnlyMatchesCvxopt) {
  const Portfolio p = Optimize(e_, Options(Objective::kMinVariance));
  ExpectFullyInvested(p.weights);
  ExpectWeights(p.weights, "min_variance");
}

TEST_F(OptimizeReference, MaxSharpeLongOnlyMatchesCvxopt) {
  const Portfolio p = Optimize(e_, Options(Objective::kMaxSharpe));
  ExpectFullyInvested(p.weights);
  ExpectWeights(p.weights, "max_sharpe");
  const Vector want = Reference("max_sharpe");
  const double sharpe = (e_.expected.dot(want) - 0.02) / std::sqrt(want.dot(e_.covariance * want));
  EXPECT_NEAR(p.sharpe, sharpe, 1e-9);
}

TEST_F(OptimizeReference, EfficientReturnMatchesCvxopt) {
  ObjectiveOptions o = Options(Objective::kEfficientReturn);
  o.target_return = Reference("efficient_return_target")(0);
  const Portfolio p = Optimize(e_, o);
  ExpectFullyInvested(p.weights);
  EXPECT_GE(p.expected_return, *o.target_return - 1e-9);
  ExpectWeights(p.weights, "efficient_return");
}

TEST_F(OptimizeReference, QuadraticUtilityMatchesCvxopt) {
  ObjectiveOptions o = Options(Objective::kQuadraticUtility);
  o.risk_aversion = 2;
  const Portfolio p = Optimize(e_, o);
  ExpectFullyInvested(p.weights);
  ExpectWeights(p.weights, "quadratic_utility");
}

TEST_F(OptimizeReference, LongShortBoundsMatchCvxopt) {
  Constraints c;
  c.lower = -0.2;
  c.upper = 0.5;
  const Portfolio v = Optimize(e_, Options(Objective::kMinVariance), c);
  ExpectFullyInvested(v.weights, -0.2, 0.5);
  ExpectWeights(v.weights, "long_short_min_variance");
  const Portfolio s = Optimize(e_, Options(Objective::kMaxSharpe), c);
  ExpectFullyInvested(s.weights, -0.2, 0.5);
  ExpectWeights(s.weights, "long_short_max_sharpe");
}

TEST_F(OptimizeReference, SectorCapMatchesCvxopt) {
  Constraints c;
  c.upper = 0.3;
  c.sectors = {{"A", {0, 1}, 0, 0.25}};
  for (const auto& [objective, name] : {std::pair{Objective::kMinVariance, "sector_min_variance"},
                                        std::pair{Objective::kMaxSharpe, "sector_max_sharpe"}}) {
    const Portfolio p = Optimize(e_, Options(objective), c);
    ExpectFullyInvested(p.weights, 0, 0.3);
    EXPECT_LE(p.weights(0) + p.weights(1), 0.25 + 1e-9) << name;
    ExpectWeights(p.weights, name);
  }
}

TEST_F(OptimizeReference, L2RegularisedMinVarianceMatchesCvxopt) {
  Constraints c;
  c.l2 = 0.1;
  const Portfolio p = Optimize(e_, Options(Objective::kMinVariance), c);
  ExpectFullyInvested(p.weights);
  ExpectWeights(p.weights, "l2_min_variance");
}

TEST_F(OptimizeReference, GrossLeverageMatchesCvxopt) {
  Constraints c;
  c.lower = -0.5;
  c.upper = 1;
  c.leverage = 1.5;
  const Portfolio v = Optimize(e_, Options(Objective::kMinVariance), c);
  ExpectFullyInvested(v.weights, -0.5, 1);
  ExpectWeights(v.weights, "leverage_min_variance");
  const Portfolio s = Optimize(e_, Options(Objective::kMaxSharpe), c);
  ExpectFullyInvested(s.weights, -0.5, 1);
  EXPECT_LE(s.weights.cwiseAbs().sum(), 1.5 + 1e-9);
  ExpectWeights(s.weights, "leverage_max_sharpe");
  c.leverage = 1.05;
  const Portfolio t = Optimize(e_, Options(Objective::kMinVariance), c);
  ExpectFullyInvested(t.weights, -0.5, 1);
  EXPECT_LE(t.weights.cwiseAbs().sum(), 1.05 + 1e-9);
  ExpectWeights(t.weights, "tight_leverage_min_variance");
}

// An LP's optimal weights need not be unique: compare its optimal value, which Describe's CVaR of
// the weights is.
TEST_F(OptimizeReference, MinCvarReachesCvxoptsOptimum) {
  ObjectiveOptions o = Options(Objective::kMinCvar);
  o.cvar_beta = 0.95;
  const Portfolio p = Optimize(e_, o);
  ExpectFullyInvested(p.weights);
  const double want = Reference("min_cvar_objective")(0);
  ::testing::Test::RecordProperty("max_abs_diff_min_cvar_objective",
                                  fmt::format("{:.3g}", std::abs(p.cvar - want)));
  EXPECT_NEAR(p.cvar, want, 1e-6);
  // Describe's CVaR is the LP's value at given weights: cvxopt's weights give its optimum.
  EXPECT_NEAR(Describe(Reference("min_cvar"), e_, o).cvar, want, 1e-9);
}

TEST_F(OptimizeReference, MinSemivarianceMatchesCvxopt) {
  ObjectiveOptions o = Options(Objective::kMinSemivariance);
  o.downside_benchmark = 0;
  const Portfolio p = Optimize(e_, o);
  ExpectFullyInvested(p.weights);
  ExpectWeights(p.weights, "min_semivariance");
  const double want = Reference("min_semivariance_objective")(0);
  ::testing::Test::RecordProperty(
      "max_abs_diff_min_semivariance_objective",
      fmt::format("{:.3g}", std::abs(p.semideviation * p.semideviation - want)));
  EXPECT_NEAR(p.semideviation * p.semideviation, want, 1e-9);
}

// ---- Properties without a reference.

TEST(OptimizeFrontier, EfficientFrontierAscendsFromMinVariance) {
  const Estimates e = WindowEstimates();
  const ObjectiveOptions o = Options(Objective::kMinVariance);
  const auto frontier = EfficientFrontier(e, o, {}, 12);
  ASSERT_EQ(frontier.size(), 12u);
  const Portfolio min_variance = Optimize(e, o);
  EXPECT_LE((frontier.front().weights - min_variance.weights).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_NEAR(frontier.front().volatility, min_variance.volatility, 1e-9);
  for (std::size_t k = 1; k < frontier.size(); ++k) {
    EXPECT_GT(frontier[k].expected_return, frontier[k - 1].expected_return) << k;
    EXPECT_GT(frontier[k].volatility, frontier[k - 1].volatility - 1e-12) << k;
    ExpectFullyInvested(frontier[k].weights);
  }
  EXPECT_NEAR(frontier.back().expected_return, e.expected.maxCoeff(), 1e-8);
}

TEST(OptimizeFrontier, EfficientRiskHitsItsTargetWithTheHighestReturn) {
  const Estimates e = WindowEstimates();
  const double floor = Optimize(e, Options(Objective::kMinVariance)).volatility;
  Eigen::Index best = 0;
  e.expected.maxCoeff(&best);
  const double ceiling = std::sqrt(e.covariance(best, best));  // all in the best asset
  ObjectiveOptions o = Options(Objective::kEfficientRisk);
  o.target_volatility = 0.5 * (floor + ceiling);
  const Portfolio p = Optimize(e, o);
  ExpectFullyInvested(p.weights);
  EXPECT_NEAR(p.volatility, *o.target_volatility, 1e-8);
  // No portfolio on the frontier at or below that volatility returns more.
  const auto frontier = EfficientFrontier(e, o, {}, 40);
  int below = 0;
  for (const auto& f : frontier) {
    if (f.volatility > *o.target_volatility) continue;
    ++below;
    EXPECT_LE(f.expected_return, p.expected_return + 1e-8) << f.volatility;
  }
  EXPECT_GT(below, 5);
  // And a slightly higher return costs more volatility.
  ObjectiveOptions r = Options(Objective::kEfficientReturn);
  r.target_return = p.expected_return + 1e-4;
  EXPECT_GT(Optimize(e, r).volatility, *o.target_volatility);
}

// Under bounds, sectors and leverage too: on target, and on the frontier (the least volatile
// portfolio reaching its return has that volatility).
TEST(OptimizeFrontier, EfficientRiskUnderConstraintsIsOnTheFrontier) {
  const Estimates e = WindowEstimates();
  std::vector<Constraints> cases(3);
  cases[0].lower = -0.2;
  cases[0].upper = 0.5;
  cases[1].upper = 0.3;
  cases[1].sectors = {{"A", {0, 1}, 0, 0.25}};
  cases[2].lower = -0.5;
  cases[2].leverage = 1.5;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Constraints& c = cases[k];
    const auto ends = EfficientFrontier(e, Options(Objective::kMinVariance), c, 2);
    for (const double fraction : {0.25, 0.5, 0.75}) {
      ObjectiveOptions o = Options(Objective::kEfficientRisk);
      o.target_volatility =
          ends[0].volatility + fraction * (ends[1].volatility - ends[0].volatility);
      const Portfolio p = Optimize(e, o, c);
      EXPECT_NEAR(p.volatility, *o.target_volatility, 1e-8) << "case " << k << " at " << fraction;
      EXPECT_NEAR(p.weights.sum(), 1.0, 1e-9);
      ObjectiveOptions r = Options(Objective::kEfficientReturn);
      r.target_return = p.expected_return;
      EXPECT_NEAR(Optimize(e, r, c).volatility, *o.target_volatility, 1e-7)
          << "case " << k << " at " << fraction;
    }
  }
}

// With L2, efficient_risk maximises mu'w - gamma ||w||^2 at volatility <= target: any target
// above the least volatility under the constraints is reachable, even one below the volatility of
// the L2-regularised minimum-variance portfolio.
TEST(OptimizeFrontier, EfficientRiskWithL2ReachesTargetsAboveTheMinimumVolatility) {
  const Estimates e = WindowEstimates();
  Constraints c;
  c.l2 = 0.1;
  const double least = Optimize(e, Options(Objective::kMinVariance)).volatility;
  const double regularised = Optimize(e, Options(Objective::kMinVariance), c).volatility;
  ASSERT_LT(least + 1e-3, regularised);
  ObjectiveOptions o = Options(Objective::kEfficientRisk);
  o.target_volatility = 0.5 * (least + regularised);
  try {
    const Portfolio p = Optimize(e, o, c);
    EXPECT_NEAR(p.volatility, *o.target_volatility, 1e-8);
  } catch (const InvalidInput& error) {
    ADD_FAILURE() << "target " << *o.target_volatility << " above the least volatility " << least
                  << " refused: " << error.what();
  }
}

TEST(OptimizeDiversification, MaxDiversificationBeatsOtherPortfolios) {
  const Estimates e = WindowEstimates();
  const Portfolio p = Optimize(e, Options(Objective::kMaxDiversification));
  ExpectFullyInvested(p.weights);
  const auto ratio = [&](const Vector& w) { return Describe(w, e, {}).diversification_ratio; };
  const Eigen::Index n = e.expected.size();
  EXPECT_GE(p.diversification_ratio, ratio(Vector::Constant(n, 1.0 / n)) - 1e-12);
  EXPECT_GE(p.diversification_ratio,
            ratio(Optimize(e, Options(Objective::kMinVariance)).weights) - 1e-12);
  std::mt19937 rng(11);
  std::exponential_distribution<double> draw(1.0);
  for (int k = 0; k < 200; ++k) {
    Vector w(n);
    for (Eigen::Index i = 0; i < n; ++i) w(i) = draw(rng);
    w /= w.sum();
    EXPECT_GE(p.diversification_ratio, ratio(w) - 1e-12) << w.transpose();
  }
}

TEST(OptimizeRiskParity, RiskContributionsAreEqual) {
  const Estimates e = WindowEstimates();
  const Portfolio p = Optimize(e, Options(Objective::kRiskParity));
  ExpectFullyInvested(p.weights);
  const double n = static_cast<double>(e.expected.size());
  EXPECT_NEAR(p.risk_contributions.sum(), 1.0, 1e-12);
  for (Eigen::Index i = 0; i < p.risk_contributions.size(); ++i)
    EXPECT_NEAR(p.risk_contributions(i), 1 / n, 1e-8) << i;
}

// ---- Turnover and transaction costs, from equal weights held now.

class OptimizeTurnover : public ::testing::Test {
 protected:
  Estimates e_ = WindowEstimates();
  Vector current_ =
      Vector::Constant(e_.expected.size(), 1.0 / static_cast<double>(e_.expected.size()));
};

TEST_F(OptimizeTurnover, LimitIsHonoured) {
  Constraints c;
  c.current = current_;
  c.turnover = 0.1;
  for (const Objective objective :
       {Objective::kMinVariance, Objective::kMaxSharpe, Objective::kQuadraticUtility}) {
    const Portfolio free = Optimize(e_, Options(objective));
    const Portfolio p = Optimize(e_, Options(objective), c);
    ExpectFullyInvested(p.weights);
    const double traded = (p.weights - current_).cwiseAbs().sum();
    EXPECT_LE(traded, 0.1 + 1e-8) << EnumName(objective);
    // The unconstrained optimum is further away, so the limit binds, and the trade improves on
    // holding still.
    ASSERT_GT((free.weights - current_).cwiseAbs().sum(), 0.1) << EnumName(objective);
    EXPECT_NEAR(traded, 0.1, 1e-6) << EnumName(objective);
  }
  const Portfolio v = Optimize(e_, Options(Objective::kMinVariance), c);
  EXPECT_LT(v.volatility, Describe(current_, e_, {}).volatility);
  const Portfolio s = Optimize(e_, Options(Objective::kMaxSharpe), c);
  EXPECT_GT(s.sharpe, Describe(current_, e_, Options(Objective::kMaxSharpe)).sharpe);
}

TEST_F(OptimizeTurnover, ZeroTurnoverKeepsTheCurrentWeights) {
  Constraints c;
  c.current = current_;
  c.turnover = 0;
  for (const Objective objective :
       {Objective::kMinVariance, Objective::kMaxSharpe, Objective::kQuadraticUtility}) {
    const Portfolio p = Optimize(e_, Options(objective), c);
    EXPECT_LE((p.weights - current_).cwiseAbs().maxCoeff(), 1e-8) << EnumName(objective);
  }
}

TEST_F(OptimizeTurnover, LargeCostPenaltyMeansNoTrade) {
  Constraints c;
  c.current = current_;
  c.cost = 10;
  for (const Objective objective : {Objective::kMinVariance, Objective::kQuadraticUtility}) {
    const Portfolio p = Optimize(e_, Options(objective), c);
    EXPECT_LE((p.weights - current_).cwiseAbs().maxCoeff(), 1e-8) << EnumName(objective);
  }
  // A small one trades, less than with no cost.
  c.cost = 1e-3;
  const double costly =
      (Optimize(e_, Options(Objective::kMinVariance), c).weights - current_).cwiseAbs().sum();
  const double free =
      (Optimize(e_, Options(Objective::kMinVariance)).weights - current_).cwiseAbs().sum();
  EXPECT_GT(costly, 1e-3);
  EXPECT_LT(costly, free);
}

// ---- Clear errors.

using finml::testing::ExpectError;

// A factor-model covariance (positive definite) of n assets: a market factor with betas in
// [0.5, 1.5], four more, and idiosyncratic variances; random expected returns. The high-beta assets
// would be shorted by an unconstrained minimum variance, so long-only bounds bind.
Estimates RandomEstimates(Eigen::Index n, unsigned seed, Eigen::Index factors = 5) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Matrix loadings(n, factors);
  for (Eigen::Index i = 0; i < n; ++i) {
    loadings(i, 0) = 0.15 * (0.5 + uniform(rng));
    for (Eigen::Index k = 1; k < factors; ++k) loadings(i, k) = 0.05 * normal(rng);
  }
  Estimates e;
  e.covariance = loadings * loadings.transpose();
  e.expected.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    e.covariance(i, i) += 0.01 + 0.08 * uniform(rng);
    e.expected(i) = 0.02 + 0.15 * uniform(rng);
  }
  return e;
}

// The report's capital market line is the tangent from the risk-free rate: its slope is the
// maximum Sharpe ratio whatever the objective, never the chosen portfolio's own Sharpe.
TEST_F(OptimizeReference, TheReportsCapitalMarketLineHasTheMaximumSharpeSlope) {
  const ObjectiveOptions options = Options(Objective::kMinVariance);
  const Portfolio chosen = Optimize(e_, options);
  const std::vector<Portfolio> frontier = EfficientFrontier(e_, options, {}, 20);
  const double tangency = Optimize(e_, Options(Objective::kMaxSharpe)).sharpe;
  ASSERT_GT(tangency, chosen.sharpe + 0.1);
  double reach = 0;
  for (const auto& q : frontier) reach = std::max(reach, q.volatility);
  const std::vector<std::string> warnings;
  std::vector<std::string> names;
  for (Eigen::Index i = 0; i < e_.expected.size(); ++i) names.push_back(fmt::format("A{}", i));
  const Provenance provenance{"test", {}, {}};
  OptimizePageInputs in{"min_variance", names,   e_,      options, chosen,    frontier,
                        warnings,       nullptr, nullptr, 0,       provenance};
  // The line's last y, as the page wrote it (to 6 significant digits).
  const auto line_end = [](const std::string& html) -> double {
    const auto line = html.find("\"name\":\"capital market line\"");
    const auto y = html.find("\"y\":[", line == std::string::npos ? html.size() : line);
    const auto comma = html.find(',', y == std::string::npos ? html.size() : y);
    return comma == std::string::npos ? NAN : std::strtod(html.c_str() + comma + 1, nullptr);
  };
  EXPECT_TRUE(std::isnan(line_end(OptimizePage(in).Render(""))))
      << "no line where the slope is unknown";
  in.tangency_sharpe = tangency;
  const double end = line_end(OptimizePage(in).Render(""));
  EXPECT_NEAR(end, options.risk_free + tangency * reach, 1e-5);
  EXPECT_GT(end - (options.risk_free + chosen.sharpe * reach), 0.01);
}

TEST(OptimizeErrors, AreClearAndSayHowToFixThem) {
  const Estimates e = WindowEstimates();
  const auto call = [&](Objective objective, Constraints c = {}, ObjectiveOptions o = {}) {
    o.objective = objective;
    return [=] { (void)Optimize(e, o, c); };
  };
  ObjectiveOptions high_rf;
  high_rf.risk_free = 1.0;  // every asset below it
  ExpectError(call(Objective::kMaxSharpe, {}, high_rf), "beats the risk-free rate");

  const Estimates thirty = RandomEstimates(30, 5);
  Constraints narrow;
  narrow.upper = 0.01;  // 30 x 0.01 < 1
  ExpectError([&] { (void)Optimize(thirty, Options(Objective::kMinVariance), narrow); },
              "no portfolio satisfies the constraints");
  ExpectError([&] { (void)Optimize(thirty, Options(Objective::kMaxSharpe), narrow); },
              "no portfolio satisfies the constraints");

  Constraints capped;
  capped.sectors = {{"A", {0, 1, 2}, 0, 0.25}, {"B", {3, 4, 5}, 0, 0.25}};
  ExpectError(call(Objective::kMinVariance, capped), "caps sum to 0.5");
  ExpectError(call(Objective::kMaxSharpe, capped), "caps sum to 0.5");

  ObjectiveOptions unreachable;
  unreachable.target_return = e.expected.maxCoeff() + 0.01;
  ExpectError(call(Objective::kEfficientReturn, {}, unreachable), "above the highest");

  ObjectiveOptions calm;
  calm.target_volatility = 0.5 * Optimize(e, Options(Objective::kMinVariance)).volatility;
  ExpectError(call(Objective::kEfficientRisk, {}, calm), "below the lowest");

  Constraints neutral;
  neutral.net = 0;
  neutral.lower = -1;
  ExpectError(call(Objective::kMinVariance, neutral), "market-neutral");
  Constraints neutral_long_only;
  neutral_long_only.net = 0;
  ExpectError(call(Objective::kMaxSharpe, neutral_long_only), "needs short positions");

  Constraints bounded;
  bounded.upper = 0.5;
  ExpectError(call(Objective::kHrp, bounded), "is a rule, not an optimisation");
  ExpectError(call(Objective::kEqualWeight, bounded), "is a rule, not an optimisation");
  Constraints l2;
  l2.l2 = 0.1;
  ExpectError(call(Objective::kRiskParity, l2), "is a rule, not an optimisation");

  Constraints reversed;
  reversed.lower = 0.4;
  reversed.upper = 0.2;
  ExpectError(call(Objective::kMinVariance, reversed), "reversed");
  ExpectError(call(Objective::kMaxSharpe, reversed), "reversed");

  Constraints costly;
  costly.cost = 0.01;
  ExpectError(call(Objective::kMaxSharpe, costly), "is a ratio");
  ExpectError(call(Objective::kMinCvar, l2), "L2 regularisation does not apply");
}

// Constraints that pass the quick checks but conflict with each other reach the solver, whose
// infeasibility comes back as the same clear error.
TEST(OptimizeErrors, ConflictingSectorsAreReportedBySolver) {
  const Estimates e = WindowEstimates();
  Constraints c;
  c.sectors = {{"A", {0, 1}, 0.7, 1}, {"B", {0, 1, 2}, 0, 0.5}};
  for (const Objective objective :
       {Objective::kMinVariance, Objective::kMaxSharpe, Objective::kMinCvar}) {
    ExpectError([&] { (void)Optimize(e, Options(objective), c); },
                "no portfolio satisfies the constraints");
  }
}

// Optimises with a sector holding `asset`, then exits: 0 after an error naming the sector, 1 after
// none, 2 after another error.
[[noreturn]] void ExitAfterSectorWith(const Estimates& e, Eigen::Index asset) {
  Constraints c;
  c.sectors = {{"A", {0, asset}, 0, 0.3}};
  try {
    (void)Optimize(e, Options(Objective::kMinVariance), c);
  } catch (const InvalidInput& error) {
    std::fprintf(stderr, "%s\n", error.what());
    std::_Exit(std::string(error.what()).find("sector") != std::string::npos ? 0 : 2);
  }
  std::_Exit(1);
}

// A sector naming an asset outside 0..n-1 must be a clear error, not an out-of-range write (it
// runs in a child process: such a write corrupts the heap).
TEST(OptimizeSectorsDeathTest, AssetOutsideTheEstimatesIsAClearError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const Estimates e = WindowEstimates();
  for (const Eigen::Index bad : {Eigen::Index{6}, Eigen::Index{-1}, Eigen::Index{100000}}) {
    EXPECT_EXIT(ExitAfterSectorWith(e, bad), ::testing::ExitedWithCode(0), "")
        << "sector asset " << bad << " of 6";
  }
}

// ---- Scale: 1200 assets, long-only minimum variance meets its KKT conditions.

TEST(OptimizeScale, MinVarianceOf1200AssetsMeetsItsKktConditions) {
  const Estimates e = RandomEstimates(1200, 17);
  const Portfolio p = Optimize(e, Options(Objective::kMinVariance));
  const Vector& w = p.weights;
  const Eigen::Index n = w.size();
  EXPECT_NEAR(w.sum(), 1.0, 1e-9);
  EXPECT_GE(w.minCoeff(), 0.0);
  EXPECT_NEAR(p.volatility * p.volatility, w.dot(e.covariance * w), 1e-15);

  // Stationarity with a multiplier nu for the sum and lambda_i >= 0 for w_i >= 0: the gradient
  // 2 Sigma w is nu on held assets and at least nu on the others (to the solver's accuracy: its
  // weights are ~1e-7 from exact, so relative 1e-3 here).
  const Vector gradient = 2 * e.covariance * w;
  std::vector<Eigen::Index> held;
  double nu = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    if (w(i) > 1e-6) held.push_back(i), nu += gradient(i);
  const auto count = static_cast<Eigen::Index>(held.size());
  ASSERT_GT(count, 1);
  ASSERT_LT(count, n) << "no bound is active: a weak test of the long-only constraints";
  nu /= static_cast<double>(count);
  double worst_held = 0, worst_left = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (w(i) > 1e-6)
      worst_held = std::max(worst_held, std::abs(gradient(i) - nu) / nu);
    else
      worst_left = std::max(worst_left, (nu - gradient(i)) / nu);
  }
  EXPECT_LE(worst_held, 1e-3) << "held assets' marginal variances differ";
  EXPECT_LE(worst_left, 1e-3) << "an asset left out has a lower marginal variance";

  // The exact optimum on that active set, Sigma_HH^-1 1 / 1' Sigma_HH^-1 1, is feasible and meets
  // the conditions exactly, so it is the optimum: the solver's weights and variance are near it.
  Matrix sub(count, count);
  for (Eigen::Index a = 0; a < count; ++a)
    for (Eigen::Index b = 0; b < count; ++b) sub(a, b) = e.covariance(held[a], held[b]);
  const Vector x = sub.ldlt().solve(Vector::Ones(count));
  Vector exact = Vector::Zero(n);
  for (Eigen::Index a = 0; a < count; ++a) exact(held[a]) = x(a) / x.sum();
  ASSERT_GE(exact.minCoeff(), 0.0) << "the active set is not the optimum's";
  const Vector exact_gradient = 2 * e.covariance * exact;
  const double exact_nu = 2 / x.sum();
  for (Eigen::Index i = 0; i < n; ++i)
    if (exact(i) == 0) ASSERT_GE(exact_gradient(i), exact_nu * (1 - 1e-12)) << i;
  const double variance = w.dot(e.covariance * w), least = exact.dot(e.covariance * exact);
  const double weight_error = (w - exact).cwiseAbs().maxCoeff();
  ::testing::Test::RecordProperty("held", static_cast<int>(count));
  ::testing::Test::RecordProperty("kkt_held", fmt::format("{:.3g}", worst_held));
  ::testing::Test::RecordProperty("kkt_left", fmt::format("{:.3g}", worst_left));
  ::testing::Test::RecordProperty("max_abs_diff_weights", fmt::format("{:.3g}", weight_error));
  ::testing::Test::RecordProperty("variance_excess", fmt::format("{:.3g}", variance / least - 1));
  EXPECT_LE(weight_error, 1e-6);
  EXPECT_GE(variance, least * (1 - 1e-12));
  EXPECT_LE(variance, least * (1 + 1e-8));
}

}  // namespace
}  // namespace finml::portfolio
