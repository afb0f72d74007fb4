#include "finml/risk/portfolio.hpp"

#include <cmath>

#include "distributions.hpp"
#include "finml/core/error.hpp"

namespace finml::risk {

CovarianceEstimate EstimateCovariance(const std::vector<std::vector<double>>& x,
                                      CovarianceMethod method, double lambda) {
  FINML_REQUIRE(x.size() >= 2, "a covariance needs at least two days of returns");
  const std::size_t n = x.size(), p = x.front().size();
  FINML_REQUIRE(p >= 1, "a covariance needs at least one asset");
  for (const auto& row : x) {
    FINML_REQUIRE(row.size() == p, "every day needs a return for each of the {} assets", p);
    for (double v : row) FINML_REQUIRE(std::isfinite(v), "the returns contain a non-finite value");
  }
  CovarianceEstimate c;
  c.assets = p;
  c.observations = n;
  c.mean.assign(p, 0.0);
  for (const auto& row : x)
    for (std::size_t i = 0; i < p; ++i) c.mean[i] += row[i] / static_cast<double>(n);
  c.matrix.assign(p * p, 0.0);
  const double nd = static_cast<double>(n);
  if (method == CovarianceMethod::kEwma) {
    FINML_REQUIRE(lambda > 0 && lambda < 1, "EWMA lambda must be in (0, 1)");
    const double total = 1 - std::pow(lambda, nd);
    for (std::size_t t = 0; t < n; ++t) {
      const double w = (1 - lambda) * std::pow(lambda, nd - 1 - static_cast<double>(t)) / total;
      for (std::size_t i = 0; i < p; ++i)
        for (std::size_t j = 0; j < p; ++j) c.matrix[i * p + j] += w * x[t][i] * x[t][j];
    }
    return c;
  }
  for (const auto& row : x)
    for (std::size_t i = 0; i < p; ++i)
      for (std::size_t j = 0; j < p; ++j)
        c.matrix[i * p + j] += (row[i] - c.mean[i]) * (row[j] - c.mean[j]);
  if (method == CovarianceMethod::kSample) {
    for (double& v : c.matrix) v /= nd - 1;
    return c;
  }
  // Ledoit-Wolf on centred data with the maximum-likelihood covariance S (divided by n), exactly
  // as sklearn.covariance.ledoit_wolf_shrinkage computes it.
  for (double& v : c.matrix) v /= nd;
  double mu = 0;
  for (std::size_t i = 0; i < p; ++i) mu += c.matrix[i * p + i];
  mu /= static_cast<double>(p);
  double delta = 0, beta = 0;
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = 0; j < p; ++j) {
      const double target = i == j ? mu : 0.0;
      delta += (c.matrix[i * p + j] - target) * (c.matrix[i * p + j] - target);
    }
  delta /= static_cast<double>(p);
  for (const auto& row : x) {
    double dist = 0;
    for (std::size_t i = 0; i < p; ++i)
      for (std::size_t j = 0; j < p; ++j) {
        const double xx = (row[i] - c.mean[i]) * (row[j] - c.mean[j]) - c.matrix[i * p + j];
        dist += xx * xx;
      }
    beta += dist;
  }
  beta /= static_cast<double>(p) * nd * nd;
  beta = std::min(beta, delta);
  c.shrinkage = delta > 0 ? beta / delta : 0.0;
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = 0; j < p; ++j)
      c.matrix[i * p + j] =
          (1 - c.shrinkage) * c.matrix[i * p + j] + (i == j ? c.shrinkage * mu : 0.0);
  return c;
}

PortfolioVarResult PortfolioVar(const std::vector<double>& w, const CovarianceEstimate& c,
                                double level, std::size_t horizon, double value,
                                bool include_mean) {
  const std::size_t p = c.assets;
  FINML_REQUIRE(w.size() == p, "{} weights for {} assets", w.size(), p);
  FINML_REQUIRE(level > 0.5 && level < 1, "VaR level must be in (0.5, 1)");
  std::vector<double> sigma_w(p, 0.0);
  double variance = 0;
  for (std::size_t i = 0; i < p; ++i) {
    for (std::size_t j = 0; j < p; ++j) sigma_w[i] += c.matrix[i * p + j] * w[j];
    variance += w[i] * sigma_w[i];
  }
  FINML_REQUIRE(variance > 0, "the portfolio has zero variance under this covariance");
  const double h = static_cast<double>(horizon), root_h = std::sqrt(h);
  const double sd = std::sqrt(variance);
  const double z = NormalQuantile(level);
  double mean = 0;
  if (include_mean)
    for (std::size_t i = 0; i < p; ++i) mean += w[i] * c.mean[i];
  PortfolioVarResult r;
  r.volatility = sd * root_h;
  r.var = value * (z * sd * root_h - mean * h);
  r.es = value * (NormalPdf(z) / (1 - level) * sd * root_h - mean * h);
  r.marginal.resize(p);
  r.component.resize(p);
  for (std::size_t i = 0; i < p; ++i) {
    r.marginal[i] = value * (z * root_h * sigma_w[i] / sd - (include_mean ? c.mean[i] * h : 0.0));
    r.component[i] = w[i] * r.marginal[i];
  }
  return r;
}

}  // namespace finml::risk
