#include "finml/portfolio/black_litterman.hpp"

#include "finml/core/error.hpp"

namespace finml::portfolio {

Vector MarketImpliedReturns(const Matrix& covariance, const Vector& market_weights,
                            double risk_aversion, double risk_free) {
  FINML_REQUIRE(covariance.rows() == market_weights.size(), "market weights: {} for {} assets",
                market_weights.size(), covariance.rows());
  return (risk_aversion * covariance * market_weights).array() + risk_free;
}

Posterior BlackLitterman(const Matrix& covariance, const Vector& prior, const Views& views,
                         double tau) {
  const Eigen::Index n = covariance.rows(), k = views.picks.rows();
  FINML_REQUIRE(prior.size() == n && views.picks.cols() == n && views.returns.size() == k && k > 0,
                "Black-Litterman: {} views need a {} x {} pick matrix and {} view returns", k, k, n,
                k);
  FINML_REQUIRE(tau > 0, "Black-Litterman: tau must be > 0 (got {})", tau);
  const Matrix tau_sigma = tau * covariance;
  const Matrix prior_view_variance = views.picks * tau_sigma * views.picks.transpose();
  Posterior out;
  out.omega = Matrix::Zero(k, k);
  for (Eigen::Index v = 0; v < k; ++v) {
    double scale = 1;
    if (views.confidence) {
      const double c = (*views.confidence)(v);
      FINML_REQUIRE(c > 0 && c <= 1, "view {}: confidence must be in (0, 1] (got {})", v + 1, c);
      // Idzorek: confidence c makes the view's uncertainty (1 - c) / c times its prior variance;
      // 100% is a view taken as certain.
      scale = (1 - c) / c;
    }
    out.omega(v, v) = scale * prior_view_variance(v, v);
  }
  // mu = pi + tau Sigma P' (P tau Sigma P' + Omega)^-1 (Q - P pi): no inverse of Omega, so a view
  // held with 100% confidence (Omega = 0) works.
  const Matrix gain = tau_sigma * views.picks.transpose() *
                      (prior_view_variance + out.omega).ldlt().solve(Matrix::Identity(k, k));
  out.returns = prior + gain * (views.returns - views.picks * prior);
  const Matrix posterior_uncertainty = tau_sigma - gain * views.picks * tau_sigma;
  out.covariance = covariance + posterior_uncertainty;
  return out;
}

}  // namespace finml::portfolio
