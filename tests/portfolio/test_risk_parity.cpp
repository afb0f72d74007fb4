#include <gtest/gtest.h>

#include "finml/core/error.hpp"
#include "finml/portfolio/risk_parity.hpp"

namespace finml::portfolio {
namespace {

Matrix Covariance() {
  // Volatilities 10%, 20%, 30%, 15% with mixed correlations (positive definite).
  const Vector vol = (Vector(4) << 0.1, 0.2, 0.3, 0.15).finished();
  Matrix corr(4, 4);
  corr << 1, 0.6, 0.2, -0.1,  //
      0.6, 1, 0.4, 0.0,       //
      0.2, 0.4, 1, 0.3,       //
      -0.1, 0.0, 0.3, 1;
  return vol.asDiagonal() * corr * vol.asDiagonal();
}

TEST(RiskParity, EqualRiskContributions) {
  const Matrix cov = Covariance();
  const auto erc = RiskBudgeting(cov, Vector::Constant(4, 0.25));
  EXPECT_NEAR(erc.weights.sum(), 1.0, 1e-15);
  EXPECT_TRUE((erc.weights.array() > 0).all());
  const Vector rc = RiskContributions(cov, erc.weights);
  for (Eigen::Index i = 0; i < 4; ++i) EXPECT_NEAR(rc(i), 0.25, 1e-8) << i;
}

TEST(RiskParity, BudgetsAreMet) {
  const Matrix cov = Covariance();
  const Vector budgets = (Vector(4) << 0.4, 0.3, 0.2, 0.1).finished();
  const Vector rc = RiskContributions(cov, RiskBudgeting(cov, budgets).weights);
  for (Eigen::Index i = 0; i < 4; ++i) EXPECT_NEAR(rc(i), budgets(i), 1e-8) << i;
}

// Uncorrelated assets: equal risk contribution is inverse volatility, in closed form.
TEST(RiskParity, UncorrelatedIsInverseVolatility) {
  const Matrix cov = Vector((Vector(3) << 0.01, 0.04, 0.09).finished()).asDiagonal();
  const Vector erc = RiskBudgeting(cov, Vector::Constant(3, 1.0 / 3)).weights;
  const Vector inverse = InverseVolatility(cov);
  EXPECT_TRUE(erc.isApprox(inverse, 1e-10));
  EXPECT_NEAR(inverse(0), (1 / 0.1) / (1 / 0.1 + 1 / 0.2 + 1 / 0.3), 1e-15);
  EXPECT_TRUE(EqualWeight(4).isApprox(Vector::Constant(4, 0.25)));
}

TEST(RiskParity, BadInputsAreClearErrors) {
  const Matrix cov = Covariance();
  EXPECT_THROW((void)RiskBudgeting(cov, Vector::Constant(4, 0.3)), Error);  // sum 1.2
  Matrix flat = cov;
  flat(2, 2) = 0;
  EXPECT_THROW((void)InverseVolatility(flat), Error);
}

}  // namespace
}  // namespace finml::portfolio
