// Does a fitted volatility model leave anything behind? Tests and curves on its standardised
// residuals z_t = (r_t - mu) / sigma_t, which are iid with the innovation distribution when the
// model is right: no autocorrelation in z (Ljung-Box) or in z^2 (Ljung-Box on squares, Engle's
// ARCH-LM), and quantiles that match the fitted distribution (QQ). Conventions follow statsmodels
// (acf, acorr_ljungbox, het_arch), which tests/fixtures/make_risk_diagnostics_fixture.py uses
// for the reference values.
#pragma once

#include <cstddef>
#include <vector>

#include "finml/risk/garch.hpp"

namespace finml::risk {

struct ChiSquareTest {
  double statistic = 0;
  std::size_t df = 0;
  double p_value = 1;  // P(chi2(df) > statistic)
};

// Sample autocorrelations at lags 1..max_lag: demeaned, each lag's sum over n (statsmodels acf).
[[nodiscard]] std::vector<double> Autocorrelation(const std::vector<double>& x,
                                                  std::size_t max_lag);
// Ljung-Box Q = n (n + 2) sum_{k<=lags} rho_k^2 / (n - k), chi-square with `lags` df.
[[nodiscard]] ChiSquareTest LjungBox(const std::vector<double>& x, std::size_t lags);
// Engle's ARCH-LM test: x_t^2 regressed on a constant and x_{t-1}^2 .. x_{t-lags}^2 over the
// n - lags complete rows; LM = (n - lags) R^2, chi-square with `lags` df (x is not demeaned).
[[nodiscard]] ChiSquareTest ArchLm(const std::vector<double>& x, std::size_t lags);

// Sorted standardised residuals against the fitted innovation distribution's quantiles at the
// plotting positions (i + 1/2) / n.
struct QqPoints {
  std::vector<double> theoretical, sample;
};
[[nodiscard]] QqPoints InnovationQq(const GarchFit& fit);

// The variance the model reverts to: omega / (1 - persistence) for garch and gjr (gamma entering
// with weight 1/2), exp(omega / (1 - beta)) for egarch (the level of ln sigma2); NaN when the
// fit is not stationary or its persistence is above 1 - 1e-4 (no level within decades).
[[nodiscard]] double UnconditionalVariance(const GarchFit& fit);
// The news impact curve: sigma2_t as a function of the shock e_{t-1} = r_{t-1} - mu, with
// sigma2_{t-1} = `sigma2` (the unconditional variance, Engle and Ng 1993).
[[nodiscard]] std::vector<double> NewsImpact(const GarchFit& fit, const std::vector<double>& shocks,
                                             double sigma2);

}  // namespace finml::risk
