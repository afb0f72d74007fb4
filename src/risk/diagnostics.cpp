#include "finml/risk/diagnostics.hpp"

#include <algorithm>
#include <cmath>

#include "distributions.hpp"
#include "finml/core/error.hpp"

namespace finml::risk {

std::vector<double> Autocorrelation(const std::vector<double>& x, std::size_t max_lag) {
  const std::size_t n = x.size();
  FINML_REQUIRE(n > max_lag, "autocorrelation to lag {} needs more than {} values", max_lag,
                max_lag);
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  double c0 = 0;
  for (double v : x) c0 += (v - mean) * (v - mean);
  std::vector<double> rho(max_lag, std::nan(""));
  if (c0 == 0) return rho;
  for (std::size_t k = 1; k <= max_lag; ++k) {
    double c = 0;
    for (std::size_t t = k; t < n; ++t) c += (x[t] - mean) * (x[t - k] - mean);
    rho[k - 1] = c / c0;
  }
  return rho;
}

ChiSquareTest LjungBox(const std::vector<double>& x, std::size_t lags) {
  FINML_REQUIRE(lags >= 1, "Ljung-Box needs at least one lag");
  const auto rho = Autocorrelation(x, lags);
  const double n = static_cast<double>(x.size());
  double q = 0;
  for (std::size_t k = 1; k <= lags; ++k)
    q += rho[k - 1] * rho[k - 1] / (n - static_cast<double>(k));
  q *= n * (n + 2);
  return {q, lags, std::isfinite(q) ? ChiSquareSurvival(q, static_cast<double>(lags)) : NAN};
}

ChiSquareTest ArchLm(const std::vector<double>& x, std::size_t lags) {
  FINML_REQUIRE(lags >= 1 && x.size() > 2 * lags + 2,
                "ARCH-LM with {} lags needs more than {} values, got {}", lags, 2 * lags + 2,
                x.size());
  const std::size_t m = x.size() - lags, p = lags + 1;
  // Columns: constant, then each lag of x^2; least squares by Householder QR, whose transformed
  // right-hand side holds the residual sum of squares in its last m - p entries.
  std::vector<std::vector<double>> a(p, std::vector<double>(m));
  std::vector<double> y(m);
  for (std::size_t i = 0; i < m; ++i) {
    const std::size_t t = i + lags;
    y[i] = x[t] * x[t];
    a[0][i] = 1;
    for (std::size_t k = 1; k <= lags; ++k) a[k][i] = x[t - k] * x[t - k];
  }
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(m);
  double total = 0;
  for (double v : y) total += (v - mean) * (v - mean);
  for (std::size_t j = 0; j < p; ++j) {
    double norm = 0;
    for (std::size_t i = j; i < m; ++i) norm += a[j][i] * a[j][i];
    norm = std::sqrt(norm);
    if (norm == 0) continue;  // a column of zeros explains nothing
    const double alpha = a[j][j] > 0 ? -norm : norm;
    std::vector<double> v(a[j].begin() + static_cast<std::ptrdiff_t>(j), a[j].end());
    v[0] -= alpha;
    double vv = 0;
    for (double e : v) vv += e * e;
    if (vv == 0) continue;
    auto reflect = [&](std::vector<double>& col) {
      double dot = 0;
      for (std::size_t i = j; i < m; ++i) dot += v[i - j] * col[i];
      const double f = 2 * dot / vv;
      for (std::size_t i = j; i < m; ++i) col[i] -= f * v[i - j];
    };
    for (std::size_t c = j; c < p; ++c) reflect(a[c]);
    reflect(y);
  }
  double residual = 0;
  for (std::size_t i = p; i < m; ++i) residual += y[i] * y[i];
  const double r2 = total > 0 ? 1 - residual / total : NAN;
  const double lm = static_cast<double>(m) * r2;
  return {lm, lags, std::isfinite(lm) ? ChiSquareSurvival(lm, static_cast<double>(lags)) : NAN};
}

QqPoints InnovationQq(const GarchFit& fit) {
  QqPoints q;
  q.sample = fit.residuals;
  std::sort(q.sample.begin(), q.sample.end());
  const double nu = fit.Param("nu");
  const double n = static_cast<double>(q.sample.size());
  for (std::size_t i = 0; i < q.sample.size(); ++i)
    q.theoretical.push_back(
        InnovationQuantile(fit.spec.dist, (static_cast<double>(i) + 0.5) / n, nu));
  return q;
}

// Persistence above this has a long-run level reached only after decades of daily bars (a shock
// halves in more than 6,931 bars): quoting it would mislead, so there is none.
constexpr double kMaxPersistence = 1 - 1e-4;

double UnconditionalVariance(const GarchFit& fit) {
  const double omega = fit.Param("omega"), alpha = fit.Param("alpha"), beta = fit.Param("beta");
  if (fit.spec.model == VolatilityModel::kEgarch)
    return std::fabs(beta) < kMaxPersistence ? std::exp(omega / (1 - beta)) : NAN;
  const double gamma = fit.spec.model == VolatilityModel::kGjr ? fit.Param("gamma") : 0.0;
  const double persistence = alpha + beta + gamma / 2;
  return persistence < kMaxPersistence ? omega / (1 - persistence) : NAN;
}

std::vector<double> NewsImpact(const GarchFit& fit, const std::vector<double>& shocks,
                               double sigma2) {
  const double omega = fit.Param("omega"), alpha = fit.Param("alpha"), beta = fit.Param("beta");
  const double gamma = fit.spec.model == VolatilityModel::kGarch ? 0.0 : fit.Param("gamma");
  std::vector<double> out;
  out.reserve(shocks.size());
  if (fit.spec.model == VolatilityModel::kEgarch) {
    const double abs_z = ExpectedAbsInnovation(fit.spec.dist, fit.Param("nu"));
    for (double e : shocks) {
      const double z = e / std::sqrt(sigma2);
      out.push_back(
          std::exp(omega + alpha * (std::fabs(z) - abs_z) + gamma * z + beta * std::log(sigma2)));
    }
    return out;
  }
  for (double e : shocks)
    out.push_back(omega + (alpha + (e < 0 ? gamma : 0.0)) * e * e + beta * sigma2);
  return out;
}

}  // namespace finml::risk
