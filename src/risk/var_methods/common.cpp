#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "finml/core/error.hpp"
#include "methods.hpp"

namespace finml::risk::var_methods {
namespace {

double StepGarchVariance(const GarchFit& fit, double s2, double r) {
  const double e = r - fit.params[0];
  return fit.params[1] + fit.params[2] * e * e + fit.params[3] * s2;
}

// h-day paths of summed returns through a GARCH(1,1): innovations from `draw`.
template <typename Draw>
std::vector<double> SimulatePaths(const GarchFit& fit, double next_s2, std::size_t horizon,
                                  std::size_t paths, Draw draw) {
  std::vector<double> total(paths, 0.0);
  for (std::size_t k = 0; k < paths; ++k) {
    double s2 = next_s2;
    for (std::size_t h = 0; h < horizon; ++h) {
      const double r = fit.params[0] + std::sqrt(s2) * draw();
      total[k] += r;
      s2 = StepGarchVariance(fit, s2, r);
    }
  }
  return total;
}

}  // namespace

Moments ComputeMoments(const std::vector<double>& x) {
  Moments m;
  const double n = static_cast<double>(x.size());
  m.mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double m2 = 0, m3 = 0, m4 = 0;
  for (double v : x) {
    const double d = v - m.mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  m.sd = std::sqrt(m2 * n / (n - 1));
  m.skew = m2 > 0 ? m3 / std::pow(m2, 1.5) : 0;
  m.excess_kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : 0;
  return m;
}

void RequireWindow(const std::vector<double>& window, std::size_t min_size) {
  FINML_REQUIRE(window.size() >= min_size, "VaR needs at least {} returns in the window, got {}",
                min_size, window.size());
  for (double v : window) FINML_REQUIRE(std::isfinite(v), "the returns contain a non-finite value");
  const auto [lo, hi] = std::minmax_element(window.begin(), window.end());
  FINML_REQUIRE(*hi > *lo, "the returns are constant: there is no risk to measure");
}

VarEstimate EmpiricalTail(const std::vector<double>& values, double level) {
  const double q = Quantile(values, 1 - level);
  double sum = 0;
  std::size_t count = 0;
  for (double v : values) {
    if (v > q) continue;
    sum += v;
    ++count;
  }
  return {-q, count ? -sum / static_cast<double>(count) : -q};
}

VarEstimate Scaled(VarEstimate e, std::size_t horizon) {
  const double s = std::sqrt(static_cast<double>(horizon));
  return {e.var * s, e.es * s};
}

bool GarchFilter::Fit(const std::vector<double>& window) {
  const bool refit = !fit_ || calls_ % refit_every_ == 0;
  ++calls_;
  if (!refit) return false;
  RequireWindow(window, 100);
  GarchFitOptions o;
  o.standard_errors = false;
  fit_ = std::make_unique<GarchFit>(FitGarch(window, {VolatilityModel::kGarch, innovations_}, o));
  s2_ = fit_->next_variance;
  return true;
}

void GarchFilter::Update(double r) { s2_ = StepGarchVariance(*fit_, s2_, r); }

std::vector<double> GarchTOutcomes(const GarchFit& fit, double next_s2, std::size_t horizon,
                                   std::size_t paths, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const double nu = fit.Param("nu");
  std::chi_squared_distribution<double> chi2(nu);
  const double scale = std::sqrt((nu - 2) / nu);
  auto draw = [&] { return normal(rng) / std::sqrt(chi2(rng) / nu) * scale; };
  return SimulatePaths(fit, next_s2, horizon, paths, draw);
}

std::vector<double> FilteredOutcomes(const GarchFit& fit, double next_s2, std::size_t horizon,
                                     std::size_t paths, std::uint64_t seed) {
  if (horizon == 1) {
    // One day ahead the bootstrap distribution is the residuals themselves: no sampling noise.
    std::vector<double> r(fit.residuals.size());
    for (std::size_t i = 0; i < r.size(); ++i)
      r[i] = fit.params[0] + std::sqrt(next_s2) * fit.residuals[i];
    return r;
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, fit.residuals.size() - 1);
  auto draw = [&] { return fit.residuals[pick(rng)]; };
  return SimulatePaths(fit, next_s2, horizon, paths, draw);
}

}  // namespace finml::risk::var_methods
