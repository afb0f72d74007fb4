// Long-only, fully invested mean-variance shortcuts over Optimize (portfolio/optimize.hpp), which
// solves them with ALGLIB (BLEIC; Debian libalglib-dev): 20-31x faster than cvxopt on 250-1000
// assets in bench/probes/portfolio_qp.sh, to a lower objective.
#pragma once

#include "finml/portfolio/estimates.hpp"

namespace finml::portfolio {

// min w' Sigma w subject to sum w = 1, 0 <= w <= 1.
[[nodiscard]] Vector MinimumVariance(const Matrix& covariance);

// max (mu - rf)' w / sqrt(w' Sigma w) subject to sum w = 1, w >= 0, solved as the convex problem
// min y' Sigma y subject to (mu - rf)' y = 1, y >= 0, w = y / sum y (Cornuejols and Tutuncu).
// Fails, naming the cause, when no asset is expected to beat the risk-free rate.
[[nodiscard]] Vector MaximumSharpe(const Vector& expected, const Matrix& covariance,
                                   double risk_free);

}  // namespace finml::portfolio
