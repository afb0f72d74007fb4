#include "finml/portfolio/risk_parity.hpp"

#include <cmath>

#include "finml/core/error.hpp"

namespace finml::portfolio {

Vector EqualWeight(Eigen::Index assets) {
  FINML_REQUIRE(assets > 0, "equal weight needs at least one asset");
  return Vector::Constant(assets, 1.0 / static_cast<double>(assets));
}

Vector InverseVolatility(const Matrix& covariance) {
  const Vector variance = covariance.diagonal();
  FINML_REQUIRE((variance.array() > 0).all(),
                "inverse volatility: an asset has zero variance (fix: drop assets whose price "
                "never moves)");
  const Vector w = variance.array().sqrt().inverse();
  return w / w.sum();
}

Vector RiskContributions(const Matrix& covariance, const Vector& weights) {
  const Vector marginal = covariance * weights;
  const double variance = weights.dot(marginal);
  return weights.cwiseProduct(marginal) / variance;
}

RiskBudgetResult RiskBudgeting(const Matrix& covariance, const Vector& budgets) {
  const Eigen::Index n = covariance.rows();
  FINML_REQUIRE(n > 0 && covariance.cols() == n && budgets.size() == n,
                "risk budgeting needs a square covariance and one budget per asset");
  FINML_REQUIRE((budgets.array() > 0).all() && std::fabs(budgets.sum() - 1) < 1e-9,
                "risk budgets must be positive and sum to 1 (got sum {})", budgets.sum());
  FINML_REQUIRE((covariance.diagonal().array() > 0).all(),
                "risk budgeting: an asset has zero variance (fix: drop assets whose price never "
                "moves)");
  // Minimise 0.5 x' Sigma x - sum b_i log x_i; the minimiser scaled to sum 1 has risk
  // contributions b. Its first-order condition in x_i alone is a quadratic with one positive root.
  RiskBudgetResult r;
  Vector x = InverseVolatility(covariance);
  Vector sigma_x = covariance * x;
  for (r.sweeps = 1; r.sweeps <= 100000; ++r.sweeps) {
    double largest_step = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double s = covariance(i, i);
      const double others = sigma_x(i) - s * x(i);
      const double next = (-others + std::sqrt(others * others + 4 * s * budgets(i))) / (2 * s);
      const double step = next - x(i);
      if (step != 0) {
        sigma_x += covariance.col(i) * step;
        x(i) = next;
      }
      largest_step = std::max(largest_step, std::fabs(step) / next);
    }
    if (largest_step < 1e-13) break;
  }
  FINML_REQUIRE(r.sweeps <= 100000,
                "risk budgeting did not converge in 100,000 sweeps (is the covariance positive "
                "definite?)");
  r.weights = x / x.sum();
  return r;
}

}  // namespace finml::portfolio
