// Black-Litterman: expected returns that start from the market's implied returns and move toward
// an investor's views as far as the views' confidence says (He and Litterman 1999; Idzorek 2005
// for confidences in percent).
#pragma once

#include <optional>

#include "finml/portfolio/estimates.hpp"

namespace finml::portfolio {

// The returns that make the market portfolio optimal for a mean-variance investor with risk
// aversion `delta`: delta Sigma w_market (+ the risk-free rate).
[[nodiscard]] Vector MarketImpliedReturns(const Matrix& covariance, const Vector& market_weights,
                                          double risk_aversion, double risk_free = 0);

struct Views {
  // k views x n assets: a row with one 1 is an absolute view on that asset; a row with +1 and -1
  // a relative view (one outperforms the other); Q the views' returns.
  Matrix picks;
  Vector returns;
  // Per view, Idzorek's confidence in (0, 1]; empty: the view's uncertainty is its variance
  // under the prior, p tau Sigma p' (He and Litterman).
  std::optional<Vector> confidence;
};

struct Posterior {
  Vector returns;     // the posterior expected returns
  Matrix covariance;  // Sigma + the posterior uncertainty of the mean
  Matrix omega;       // the views' uncertainty used
};

[[nodiscard]] Posterior BlackLitterman(const Matrix& covariance, const Vector& prior,
                                       const Views& views, double tau = 0.05);

}  // namespace finml::portfolio
