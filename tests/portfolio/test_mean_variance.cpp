#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "finml/core/error.hpp"
#include "finml/data/loader.hpp"
#include "finml/portfolio/mean_variance.hpp"
#include "test_util.hpp"

namespace finml::portfolio {
namespace {

// PyPortfolioOpt's README example (../shared/data/PROVENANCE.md): CAGR expected returns, sample
// covariance, long-only maximum Sharpe at a 2% risk-free rate.
TEST(MeanVariance, ReproducesPyPortfolioOptsReadme) {
  const std::string file = finml::testing::RepoPath("../shared/data/pypfopt_stock_prices.csv");
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "needs ../shared/data beside the checkout";
  data::LoadOptions load;
  load.missing = data::MissingPolicy::kKeep;
  const auto market = data::LoadMarketData(file, load);
  const Matrix prices = PriceMatrix(market);
  const Matrix returns = SimpleReturns(prices);
  const Vector mu = ExpectedReturns(returns, {ReturnsModel::kCagr});
  const Matrix sigma = EstimateRisk(returns, {RiskModel::kSample}).covariance;
  const Vector w = MaximumSharpe(mu, sigma, 0.02);
  const std::map<std::string, double> readme = {
      {"GOOG", 0.03835}, {"AAPL", 0.0689}, {"FB", 0.20603}, {"BABA", 0.07315}, {"AMZN", 0.04033},
      {"BBY", 0.01324},  {"MA", 0.35349},  {"PFE", 0.1957}, {"SBUX", 0.01082}};
  for (std::size_t j = 0; j < market.assets.size(); ++j) {
    const auto it = readme.find(market.assets[j].symbol);
    EXPECT_NEAR(w(static_cast<Eigen::Index>(j)), it == readme.end() ? 0.0 : it->second, 1e-4)
        << market.assets[j].symbol;
  }
  const double ret = mu.dot(w), vol = std::sqrt(w.dot(sigma * w));
  EXPECT_NEAR(ret, 0.305, 5e-4);
  EXPECT_NEAR(vol, 0.222, 5e-4);
  EXPECT_NEAR((ret - 0.02) / vol, 1.28, 5e-3);
}

// The minimum-variance optimality conditions: every held asset has the same marginal variance
// (Sigma w)_i, and no asset left out has a lower one.
TEST(MeanVariance, MinimumVarianceMeetsItsOptimalityConditions) {
  const Vector vol = (Vector(4) << 0.1, 0.2, 0.3, 0.15).finished();
  Matrix corr(4, 4);
  corr << 1, 0.6, 0.2, -0.1, 0.6, 1, 0.4, 0.0, 0.2, 0.4, 1, 0.3, -0.1, 0.0, 0.3, 1;
  const Matrix sigma = vol.asDiagonal() * corr * vol.asDiagonal();
  const Vector w = MinimumVariance(sigma);
  EXPECT_NEAR(w.sum(), 1.0, 1e-12);
  const Vector marginal = sigma * w;
  double held = NAN;
  for (Eigen::Index i = 0; i < 4; ++i) {
    if (w(i) > 1e-6) {
      if (std::isnan(held)) held = marginal(i);
      EXPECT_NEAR(marginal(i), held, 1e-8) << i;
    }
  }
  for (Eigen::Index i = 0; i < 4; ++i)
    if (w(i) <= 1e-6) EXPECT_GE(marginal(i), held - 1e-8) << i;
}

TEST(MeanVariance, MaximumSharpeWithoutAnyReturnAboveRiskFreeIsAClearError) {
  const Matrix sigma = Matrix::Identity(2, 2) * 0.04;
  try {
    (void)MaximumSharpe((Vector(2) << 0.01, 0.015).finished(), sigma, 0.02);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("beats the risk-free rate"), std::string::npos);
  }
}

}  // namespace
}  // namespace finml::portfolio
