#include "finml/portfolio/mean_variance.hpp"

#include "finml/portfolio/optimize.hpp"

namespace finml::portfolio {

Vector MinimumVariance(const Matrix& covariance) {
  const Estimates e{Vector::Zero(covariance.rows()), covariance, {}};
  return Optimize(e, {.objective = Objective::kMinVariance}).weights;
}

Vector MaximumSharpe(const Vector& expected, const Matrix& covariance, double risk_free) {
  const Estimates e{expected, covariance, {}};
  return Optimize(e, {.objective = Objective::kMaxSharpe, .risk_free = risk_free}).weights;
}

}  // namespace finml::portfolio
