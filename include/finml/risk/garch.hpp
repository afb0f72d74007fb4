// GARCH-family volatility models fitted by maximum likelihood:
//   r_t = mu + e_t,  e_t = sigma_t z_t,  z_t iid N(0,1) or standardised Student-t(nu)
//   garch   sigma2_t = omega + alpha e2_{t-1} + beta sigma2_{t-1}
//   gjr     sigma2_t = omega + (alpha + gamma [e_{t-1} < 0]) e2_{t-1} + beta sigma2_{t-1}
//   egarch  ln sigma2_t = omega + alpha (|z_{t-1}| - E|z|) + gamma z_{t-1} + beta ln sigma2_{t-1}
// The recursion starts from the sample mean of e2 (e2_0 = sigma2_0 = mean e2, as in the
// Fiorentini-Calzolari-Panattoni / McCullough-Renfro benchmark; egarch: ln sigma2_1 = ln mean e2).
// The optimiser is BFGS on a reparametrisation that keeps every iterate inside the constraints
// (omega > 0, alpha, beta >= 0, stationarity, nu > 2); standard errors are computed in the
// original parameters: from the inverse Hessian and, robust to non-normality, the
// Bollerslev-Wooldridge sandwich H^-1 (sum of outer products of scores) H^-1.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "finml/core/names.hpp"

namespace finml::risk {

enum class VolatilityModel { kGarch, kGjr, kEgarch };
enum class Innovations { kNormal, kStudentT };

struct GarchSpec {
  VolatilityModel model = VolatilityModel::kGarch;
  Innovations dist = Innovations::kNormal;
  // garch only: false bounds alpha and beta to [0, 1) separately, as fGarch does, instead of
  // requiring alpha + beta < 1 (covariance stationarity). Heavy-tailed fits of persistent series
  // can then land on alpha + beta > 1, where the unconditional variance does not exist.
  bool stationary = true;
};

struct GarchFit {
  GarchSpec spec;
  std::vector<std::string> names;  // mu, omega, alpha, [gamma], beta, [nu]
  std::vector<double> params;
  std::vector<double> se_robust, se_hessian;  // NaN where the Hessian is not invertible
  // Parameters at a bound of the model ("alpha = 4.7e-12, at its lower bound 0"): they have no
  // standard error, and the others are computed with them held fixed.
  std::vector<std::string> boundary;
  double loglik = 0, aic = 0, bic = 0;
  std::size_t n = 0;
  bool converged = false;
  int iterations = 0;
  std::string message;
  std::vector<double> sigma2;     // in-sample conditional variances
  std::vector<double> residuals;  // standardised: (r_t - mu) / sigma_t
  double next_variance = 0;       // sigma2_{T+1}, known at the end of the sample

  [[nodiscard]] double Param(const std::string& name) const;  // NaN when absent
};

[[nodiscard]] std::vector<std::string> GarchParameterNames(const GarchSpec& spec);

// Log-likelihood at `params` (order of GarchParameterNames); -inf where undefined. Optionally
// returns each observation's contribution and the conditional variances.
[[nodiscard]] double GarchLogLikelihood(const GarchSpec& spec, const std::vector<double>& params,
                                        const std::vector<double>& returns,
                                        std::vector<double>* contributions = nullptr,
                                        std::vector<double>* sigma2 = nullptr);

struct GarchFitOptions {
  bool standard_errors = true;  // off for rolling refits that only need the parameters
};

// Needs at least 100 finite, non-constant returns.
[[nodiscard]] GarchFit FitGarch(const std::vector<double>& returns, const GarchSpec& spec,
                                const GarchFitOptions& options = {});

// Conditional variance forecasts sigma2_{T+1..T+horizon}: closed form for garch and gjr (the
// asymmetry enters with weight 1/2, the innovations being symmetric); for egarch by Monte Carlo
// (20000 paths, `seed`), since E[sigma2] has no simple closed form there.
[[nodiscard]] std::vector<double> ForecastVariance(const GarchFit& fit, std::size_t horizon,
                                                   std::uint64_t seed = 42);

// E|z| of the innovation distribution.
[[nodiscard]] double ExpectedAbsInnovation(Innovations dist, double nu);
// log density of a standardised innovation z (unit variance).
[[nodiscard]] double InnovationLogDensity(Innovations dist, double z, double nu);
// Quantile of the standardised innovation.
[[nodiscard]] double InnovationQuantile(Innovations dist, double p, double nu);

[[nodiscard]] nlohmann::json GarchFitJson(const GarchFit& fit);

}  // namespace finml::risk

template <>
struct finml::EnumNames<finml::risk::VolatilityModel> {
  static constexpr std::string_view what = "volatility model";
  static constexpr finml::NamedValue<finml::risk::VolatilityModel> values[] = {
      {finml::risk::VolatilityModel::kGarch, "garch"},
      {finml::risk::VolatilityModel::kGjr, "gjr"},
      {finml::risk::VolatilityModel::kEgarch, "egarch"},
      {finml::risk::VolatilityModel::kGjr, "gjr_garch"}};
};

template <>
struct finml::EnumNames<finml::risk::Innovations> {
  static constexpr std::string_view what = "innovation distribution";
  static constexpr finml::NamedValue<finml::risk::Innovations> values[] = {
      {finml::risk::Innovations::kNormal, "normal"},
      {finml::risk::Innovations::kStudentT, "t"},
      {finml::risk::Innovations::kNormal, "norm"},
      {finml::risk::Innovations::kStudentT, "student_t"},
      {finml::risk::Innovations::kStudentT, "std"}};
};
