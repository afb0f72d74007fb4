#include "finml/risk/garch.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "distributions.hpp"
#include "finml/core/error.hpp"
#include "finml/core/optimize.hpp"
#include "finml/core/strings.hpp"

namespace finml::risk {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr double kMaxPersistence = 0.999999;
constexpr double kMinNu = 2.05;
// Beyond ~500 the t is the normal to many digits, and an unbounded nu drifts to infinity on
// near-normal data, where lgamma differences lose their precision.
constexpr double kMaxNu = 500.0;

double Logistic(double x) { return 1 / (1 + std::exp(-x)); }
double Logit(double p) { return std::log(p / (1 - p)); }

bool HasGamma(const GarchSpec& s) { return s.model != VolatilityModel::kGarch; }
bool HasNu(const GarchSpec& s) { return s.dist == Innovations::kStudentT; }

// Unconstrained theta <-> constrained parameters, in GarchParameterNames order.
std::vector<double> FromTheta(const GarchSpec& s, const std::vector<double>& th) {
  std::vector<double> p;
  p.push_back(th[0]);  // mu
  std::size_t k = 1;
  switch (s.model) {
    case VolatilityModel::kGarch: {
      const double omega = std::exp(th[k++]);
      if (!s.stationary) {
        const double alpha = Logistic(th[k++]);
        p.insert(p.end(), {omega, alpha, Logistic(th[k++])});
        break;
      }
      const double persistence = kMaxPersistence * Logistic(th[k++]);
      const double alpha = persistence * Logistic(th[k++]);
      p.insert(p.end(), {omega, alpha, persistence - alpha});
      break;
    }
    case VolatilityModel::kGjr: {
      // q = alpha + gamma/2 + beta < 1 split into m = alpha + gamma/2 and beta; then alpha in
      // [0, 2m] keeps alpha >= 0 and alpha + gamma >= 0.
      const double omega = std::exp(th[k++]);
      const double q = kMaxPersistence * Logistic(th[k++]);
      const double m = q * Logistic(th[k++]);
      const double alpha = 2 * m * Logistic(th[k++]);
      p.insert(p.end(), {omega, alpha, 2 * (m - alpha), q - m});
      break;
    }
    case VolatilityModel::kEgarch: {
      const double omega = th[k++], alpha = th[k++], gamma = th[k++];
      p.insert(p.end(), {omega, alpha, gamma, kMaxPersistence * std::tanh(th[k++])});
      break;
    }
  }
  if (HasNu(s)) p.push_back(kMinNu + (kMaxNu - kMinNu) * Logistic(th[k]));
  return p;
}

std::vector<double> ToTheta(const GarchSpec& s, const std::vector<double>& p) {
  std::vector<double> th = {p[0]};
  auto clamp01 = [](double x) { return std::min(std::max(x, 1e-6), 1 - 1e-6); };
  switch (s.model) {
    case VolatilityModel::kGarch: {
      const double persistence = p[2] + p[3];
      th.push_back(std::log(p[1]));
      if (!s.stationary) {
        th.push_back(Logit(clamp01(p[2])));
        th.push_back(Logit(clamp01(p[3])));
        break;
      }
      th.push_back(Logit(clamp01(persistence / kMaxPersistence)));
      th.push_back(Logit(clamp01(p[2] / persistence)));
      break;
    }
    case VolatilityModel::kGjr: {
      const double m = p[2] + p[3] / 2, q = m + p[4];
      th.push_back(std::log(p[1]));
      th.push_back(Logit(clamp01(q / kMaxPersistence)));
      th.push_back(Logit(clamp01(m / q)));
      th.push_back(Logit(clamp01(p[2] / (2 * m))));
      break;
    }
    case VolatilityModel::kEgarch:
      th.insert(th.end(), {p[1], p[2], p[3], std::atanh(p[4] / kMaxPersistence)});
      break;
  }
  if (HasNu(s)) th.push_back(Logit(clamp01((p.back() - kMinNu) / (kMaxNu - kMinNu))));
  return th;
}

double Mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

std::vector<std::string> GarchParameterNames(const GarchSpec& s) {
  std::vector<std::string> names = {"mu", "omega", "alpha"};
  if (HasGamma(s)) names.push_back("gamma");
  names.push_back("beta");
  if (HasNu(s)) names.push_back("nu");
  return names;
}

double GarchFit::Param(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return params[i];
  return std::nan("");
}

double ExpectedAbsInnovation(Innovations dist, double nu) {
  if (dist == Innovations::kNormal) return std::sqrt(2 / kPi);
  return 2 * std::sqrt(nu - 2) * std::exp(std::lgamma((nu + 1) / 2) - std::lgamma(nu / 2)) /
         ((nu - 1) * std::sqrt(kPi));
}

double InnovationLogDensity(Innovations dist, double z, double nu) {
  if (dist == Innovations::kNormal) return -0.5 * (std::log(2 * kPi) + z * z);
  return std::lgamma((nu + 1) / 2) - std::lgamma(nu / 2) - 0.5 * std::log(kPi * (nu - 2)) -
         (nu + 1) / 2 * std::log1p(z * z / (nu - 2));
}

double InnovationQuantile(Innovations dist, double p, double nu) {
  if (dist == Innovations::kNormal) return NormalQuantile(p);
  return StudentTQuantile(p, nu) * std::sqrt((nu - 2) / nu);
}

double GarchLogLikelihood(const GarchSpec& s, const std::vector<double>& p,
                          const std::vector<double>& r, std::vector<double>* contributions,
                          std::vector<double>* sigma2_out) {
  const std::size_t n = r.size();
  const double mu = p[0], omega = p[1], alpha = p[2];
  const double gamma = HasGamma(s) ? p[3] : 0.0;
  const double beta = p[HasGamma(s) ? 4 : 3];
  const double nu = HasNu(s) ? p.back() : 0.0;
  if (HasNu(s) && !(nu > 2)) return kNegInf;
  double e2_mean = 0;
  for (double x : r) e2_mean += (x - mu) * (x - mu);
  e2_mean /= static_cast<double>(n);
  if (contributions) contributions->assign(n, 0.0);
  if (sigma2_out) sigma2_out->assign(n, 0.0);
  const double abs_z = s.model == VolatilityModel::kEgarch ? ExpectedAbsInnovation(s.dist, nu) : 0;
  // Normal: -0.5 (ln 2pi + ln s2 + e2/s2). t: the standardised density of e/s, less ln s.
  const double t_const =
      HasNu(s) ? std::lgamma((nu + 1) / 2) - std::lgamma(nu / 2) - 0.5 * std::log(kPi * (nu - 2))
               : 0.0;
  double total = 0;
  double prev_e = 0, prev_s2 = e2_mean;
  for (std::size_t t = 0; t < n; ++t) {
    double s2;
    if (s.model == VolatilityModel::kEgarch) {
      if (t == 0) {
        s2 = e2_mean;
      } else {
        const double z = prev_e / std::sqrt(prev_s2);
        const double log_s2 =
            omega + alpha * (std::abs(z) - abs_z) + gamma * z + beta * std::log(prev_s2);
        s2 = std::exp(log_s2);
      }
    } else if (t == 0) {
      // e2_0 = sigma2_0 = mean e2; its sign is unknown, so the asymmetry counts half.
      s2 = omega + (alpha + gamma / 2 + beta) * e2_mean;
    } else {
      const double shock = prev_e * prev_e;
      s2 = omega + (alpha + (prev_e < 0 ? gamma : 0.0)) * shock + beta * prev_s2;
    }
    if (!(s2 > 0) || !std::isfinite(s2)) return kNegInf;
    const double e = r[t] - mu;
    double ll;
    if (HasNu(s)) {
      ll = t_const - (nu + 1) / 2 * std::log1p(e * e / (s2 * (nu - 2))) - 0.5 * std::log(s2);
    } else {
      ll = -0.5 * (std::log(2 * kPi) + std::log(s2) + e * e / s2);
    }
    if (contributions) (*contributions)[t] = ll;
    if (sigma2_out) (*sigma2_out)[t] = s2;
    total += ll;
    prev_e = e;
    prev_s2 = s2;
  }
  return std::isfinite(total) ? total : kNegInf;
}

GarchFit FitGarch(const std::vector<double>& r, const GarchSpec& s, const GarchFitOptions& o) {
  FINML_REQUIRE(s.stationary || s.model == VolatilityModel::kGarch,
                "the non-stationary parameter space is offered for garch only");
  FINML_REQUIRE(r.size() >= 100, "a GARCH fit needs at least 100 returns, got {}", r.size());
  for (std::size_t t = 0; t < r.size(); ++t)
    FINML_REQUIRE(std::isfinite(r[t]),
                  "the return at position {} (counting from 0) is {}; a GARCH fit needs every "
                  "return (fix: drop or fill the gap before fitting)",
                  t, r[t]);
  const double mean = Mean(r);
  double var = 0;
  for (double x : r) var += (x - mean) * (x - mean);
  var /= static_cast<double>(r.size() - 1);
  FINML_REQUIRE(var > 1e-20 * std::max(1.0, mean * mean),
                "the returns are constant (variance {}): there is no volatility to model", var);

  std::vector<double> start = {mean};
  switch (s.model) {
    case VolatilityModel::kGarch:
      start.insert(start.end(), {0.1 * var, 0.1, 0.8});
      break;
    case VolatilityModel::kGjr:
      start.insert(start.end(), {0.1 * var, 0.05, 0.1, 0.8});
      break;
    case VolatilityModel::kEgarch:
      start.insert(start.end(), {0.05 * std::log(var), 0.1, 0.0, 0.95});
      break;
  }
  if (HasNu(s)) start.push_back(8.0);

  // Scaled by n so the tolerance means the same for short and long samples.
  const double scale = 1.0 / static_cast<double>(r.size());
  Objective objective = [&](const std::vector<double>& theta) {
    return -scale * GarchLogLikelihood(s, FromTheta(s, theta), r);
  };
  MinimizeOptions options;
  options.gradient_tolerance = 1e-9;
  MinimizeResult m = MinimizeBfgs(objective, ToTheta(s, start), options);
  // A second pass from the optimum refreshes the curvature estimate and tightens the result.
  MinimizeResult polish = MinimizeBfgs(objective, m.x, options);
  if (polish.value <= m.value) {
    polish.iterations += m.iterations;
    m = polish;
  }

  GarchFit fit;
  fit.spec = s;
  fit.names = GarchParameterNames(s);
  fit.params = FromTheta(s, m.x);
  fit.n = r.size();
  fit.converged = m.converged;
  fit.iterations = m.iterations;
  fit.message = m.message;
  std::vector<double> contributions;
  fit.loglik = GarchLogLikelihood(s, fit.params, r, &contributions, &fit.sigma2);
  const auto k = static_cast<double>(fit.params.size());
  fit.aic = -2 * fit.loglik + 2 * k;
  fit.bic = -2 * fit.loglik + k * std::log(static_cast<double>(r.size()));
  fit.residuals.resize(r.size());
  for (std::size_t t = 0; t < r.size(); ++t)
    fit.residuals[t] = (r[t] - fit.params[0]) / std::sqrt(fit.sigma2[t]);
  {
    const double e = r.back() - fit.params[0], s2 = fit.sigma2.back();
    const double omega = fit.params[1], alpha = fit.params[2];
    const double gamma = HasGamma(s) ? fit.params[3] : 0.0;
    const double beta = fit.params[HasGamma(s) ? 4 : 3];
    if (s.model == VolatilityModel::kEgarch) {
      const double nu = HasNu(s) ? fit.params.back() : 0.0;
      const double z = e / std::sqrt(s2);
      fit.next_variance =
          std::exp(omega + alpha * (std::abs(z) - ExpectedAbsInnovation(s.dist, nu)) + gamma * z +
                   beta * std::log(s2));
    } else {
      fit.next_variance = omega + (alpha + (e < 0 ? gamma : 0.0)) * e * e + beta * s2;
    }
  }

  const std::size_t kp = fit.params.size();
  fit.se_hessian.assign(kp, std::nan(""));
  fit.se_robust.assign(kp, std::nan(""));
  // Non-negative coefficients (GARCH and GJR) that the fit drove to zero sit on the boundary: the
  // likelihood is not smooth across it, central differences step outside it, and every standard
  // error came out NaN. They are named, and the others are computed with them held fixed.
  std::vector<std::size_t> free;
  for (std::size_t i = 0; i < kp; ++i) {
    const std::string& name = fit.names[i];
    const bool non_negative = s.model != VolatilityModel::kEgarch &&
                              (name == "alpha" || name == "beta" ||
                               (name == "gamma" && s.model == VolatilityModel::kGjr));
    if (non_negative && fit.params[i] < 1e-6) {
      fit.boundary.push_back(
          fmt::format("{} = {:.3g}, at its lower bound 0 (no standard error; the others are "
                      "computed with it held fixed)",
                      name, fit.params[i]));
      continue;
    }
    free.push_back(i);
  }
  if (s.model != VolatilityModel::kEgarch) {
    const double persistence =
        fit.params[2] + (HasGamma(s) ? fit.params[3] / 2 : 0.0) + fit.params[HasGamma(s) ? 4 : 3];
    if (persistence > 1 - 1e-5)
      fit.boundary.push_back(fmt::format(
          "persistence {:.6f}, at the stationarity bound 1 (the variance has no long-run level; "
          "standard errors near the bound are unreliable)",
          persistence));
  }
  if (!o.standard_errors) return fit;
  auto full = [&](const std::vector<double>& reduced) {
    std::vector<double> p = fit.params;
    for (std::size_t k = 0; k < free.size(); ++k) p[free[k]] = reduced[k];
    return p;
  };
  std::vector<double> at;
  for (std::size_t i : free) at.push_back(fit.params[i]);
  Objective negative_ll = [&](const std::vector<double>& p) {
    return -GarchLogLikelihood(s, full(p), r);
  };
  // Steps relative to each parameter, floored far below any realistic value: with decimal returns
  // omega is ~1e-6 and mu ~1e-4, where a fixed floor would dwarf them.
  const auto reduced_hessian = NumericHessian(negative_ll, at, 1e-4, 1e-10);
  std::size_t rows = 0;
  const auto reduced_scores = NumericJacobian(
      [&](const std::vector<double>& p) {
        std::vector<double> c;
        if (!std::isfinite(GarchLogLikelihood(s, full(p), r, &c))) c.assign(r.size(), std::nan(""));
        return c;
      },
      at, rows, 1e-6, 1e-10);
  // Back to the full layout; fixed parameters get zero rows, and their errors stay NaN below.
  const std::size_t kf = free.size();
  std::vector<double> hessian(kp * kp, 0.0), scores(rows * kp, 0.0);
  for (std::size_t a = 0; a < kf; ++a) {
    for (std::size_t b2 = 0; b2 < kf; ++b2)
      hessian[free[a] * kp + free[b2]] = reduced_hessian[a * kf + b2];
    for (std::size_t t = 0; t < rows; ++t) scores[t * kp + free[a]] = reduced_scores[t * kf + a];
  }
  for (std::size_t i = 0; i < kp; ++i)
    if (std::find(free.begin(), free.end(), i) == free.end()) hessian[i * kp + i] = 1;
  Eigen::MatrixXd h(kp, kp), b = Eigen::MatrixXd::Zero(kp, kp);
  for (std::size_t i = 0; i < kp; ++i)
    for (std::size_t j = 0; j < kp; ++j) h(i, j) = hessian[i * kp + j];
  for (std::size_t t = 0; t < rows; ++t) {
    Eigen::VectorXd g(kp);
    for (std::size_t i = 0; i < kp; ++i) g(i) = scores[t * kp + i];
    b += g * g.transpose();
  }
  if (!h.allFinite() || !b.allFinite()) return fit;
  Eigen::FullPivLU<Eigen::MatrixXd> lu(h);
  if (!lu.isInvertible()) return fit;
  const Eigen::MatrixXd h_inv = lu.inverse();
  const Eigen::MatrixXd sandwich = h_inv * b * h_inv;
  for (std::size_t i : free) {
    if (h_inv(i, i) > 0) fit.se_hessian[i] = std::sqrt(h_inv(i, i));
    if (sandwich(i, i) > 0) fit.se_robust[i] = std::sqrt(sandwich(i, i));
  }
  return fit;
}

std::vector<double> ForecastVariance(const GarchFit& fit, std::size_t horizon, std::uint64_t seed) {
  std::vector<double> out;
  if (horizon == 0) return out;
  const auto& s = fit.spec;
  const double omega = fit.params[1], alpha = fit.params[2];
  const double gamma = HasGamma(s) ? fit.params[3] : 0.0;
  const double beta = fit.params[HasGamma(s) ? 4 : 3];
  const double nu = HasNu(s) ? fit.params.back() : 0.0;
  out.push_back(fit.next_variance);
  if (s.model != VolatilityModel::kEgarch) {
    const double persistence = alpha + gamma / 2 + beta;
    for (std::size_t h = 1; h < horizon; ++h) out.push_back(omega + persistence * out.back());
    return out;
  }
  const std::size_t paths = 20000;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::chi_squared_distribution<double> chi2(HasNu(s) ? nu : 1.0);
  auto draw = [&] {
    const double z = normal(rng);
    if (!HasNu(s)) return z;
    return z / std::sqrt(chi2(rng) / nu) * std::sqrt((nu - 2) / nu);
  };
  const double abs_z = ExpectedAbsInnovation(s.dist, nu);
  std::vector<double> log_s2(paths, std::log(fit.next_variance));
  for (std::size_t h = 1; h < horizon; ++h) {
    double sum = 0;
    for (double& l : log_s2) {
      const double z = draw();
      l = omega + alpha * (std::abs(z) - abs_z) + gamma * z + beta * l;
      sum += std::exp(l);
    }
    out.push_back(sum / static_cast<double>(paths));
  }
  return out;
}

nlohmann::json GarchFitJson(const GarchFit& f) {
  auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); };
  nlohmann::json j = {{"model", EnumName(f.spec.model)},
                      {"dist", EnumName(f.spec.dist)},
                      {"stationary", f.spec.stationary},
                      {"n", f.n},
                      {"loglik", f.loglik},
                      {"aic", f.aic},
                      {"bic", f.bic},
                      {"converged", f.converged},
                      {"iterations", f.iterations},
                      {"optimizer", "BFGS on a constraint-preserving reparametrisation"}};
  for (std::size_t i = 0; i < f.names.size(); ++i) {
    j[f.names[i]] = f.params[i];
    j[f.names[i] + "_se"] = num(f.se_robust[i]);
    j[f.names[i] + "_se_hessian"] = num(f.se_hessian[i]);
  }
  j["se"] = "robust (Bollerslev-Wooldridge sandwich); *_se_hessian from the inverse Hessian";
  j["boundary"] = f.boundary;
  return j;
}

}  // namespace finml::risk
