#include "finml/risk/var.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "distributions.hpp"
#include "finml/core/error.hpp"
#include "finml/core/optimize.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/strings.hpp"
#include "var_methods/methods.hpp"

namespace finml::risk {

double Quantile(std::vector<double> v, double p) {
  FINML_REQUIRE(!v.empty(), "quantile of an empty sample");
  // Two order statistics, not a sort: the same values, in linear time (a Monte Carlo VaR took
  // 40% of its time sorting 200,000 outcomes per estimate).
  const double h = (static_cast<double>(v.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto at = v.begin() + static_cast<std::ptrdiff_t>(std::min(lo, v.size() - 1));
  std::nth_element(v.begin(), at, v.end());
  if (lo + 1 >= v.size()) return *at;
  const double next = *std::min_element(at + 1, v.end());
  return *at + (h - static_cast<double>(lo)) * (next - *at);
}

VarEstimate NormalVar(double mu, double sigma, double level) {
  const double z = NormalQuantile(level);
  return {-(mu - sigma * z), -(mu - sigma * NormalPdf(z) / (1 - level))};
}

VarEstimate StudentTVar(double mu, double scale, double nu, double level) {
  const double t = StudentTQuantile(level, nu);
  const double tail_mean = StudentTPdf(t, nu) / (1 - level) * (nu + t * t) / (nu - 1);
  return {-(mu - scale * t), -(mu - scale * tail_mean)};
}

VarEstimate CornishFisherVar(double mu, double sigma, double skew, double kurt, double level) {
  auto adjusted = [&](double z) {
    return z + (z * z - 1) * skew / 6 + (z * z * z - 3 * z) * kurt / 24 -
           (2 * z * z * z - 5 * z) * skew * skew / 36;
  };
  // ES is the mean of the adjusted quantile over the tail: with u = Phi(z) that is the integral
  // of the (cubic) expansion against phi below q, whose moments have closed forms:
  // I0 = Phi(q), I1 = -phi(q), I2 = Phi(q) - q phi(q), I3 = -(q^2 + 2) phi(q).
  const double tail = 1 - level;
  const double q = NormalQuantile(tail), pdf = NormalPdf(q);
  const double i0 = tail, i1 = -pdf, i2 = tail - q * pdf, i3 = -(q * q + 2) * pdf;
  const double tail_mean = (i1 + skew / 6 * (i2 - i0) + kurt / 24 * (i3 - 3 * i1) -
                            skew * skew / 36 * (2 * i3 - 5 * i1)) /
                           tail;
  return {-(mu + sigma * adjusted(q)), -(mu + sigma * tail_mean)};
}

StudentTFit FitStudentT(const std::vector<double>& x, const StudentTFit* start) {
  const var_methods::Moments m = var_methods::ComputeMoments(x);
  // nu lives in (2, 200): beyond that the t is a normal to four digits, and an unbounded nu
  // drifts off towards infinity on near-normal windows, where lgamma differences lose every digit.
  constexpr double kMinNu = 2.0, kMaxNu = 200.0;
  auto nu_of = [&](double th) { return kMinNu + (kMaxNu - kMinNu) / (1 + std::exp(-th)); };
  auto theta_of = [&](double nu) {
    const double u = std::min(std::max((nu - kMinNu) / (kMaxNu - kMinNu), 1e-6), 1 - 1e-6);
    return std::log(u / (1 - u));
  };
  // Warm starts take location and scale from the previous fit but nu no higher than 50: near the
  // upper bound the likelihood is flat in nu and the optimiser would stay stuck there.
  const double nu0 = start                     ? std::min(start->nu, 50.0)
                     : m.excess_kurtosis > 0.1 ? std::min(4 + 6 / m.excess_kurtosis, 50.0)
                                               : 30.0;
  const double n = static_cast<double>(x.size());
  // theta = (mu / sd, log(scale / sd), logit of nu): unit-free, so the tolerance fits any data.
  Objective nll = [&](const std::vector<double>& th) {
    const double mu = th[0] * m.sd, s = std::exp(th[1]) * m.sd, nu = nu_of(th[2]);
    double ll = 0;
    for (double v : x) ll += std::log(StudentTPdf((v - mu) / s, nu)) - std::log(s);
    return std::isfinite(ll) ? -ll / n : std::numeric_limits<double>::infinity();
  };
  const std::vector<double> th0 =
      start
          ? std::vector<double>{start->mu / m.sd, std::log(start->scale / m.sd), theta_of(nu0)}
          : std::vector<double>{m.mean / m.sd, std::log(std::sqrt((nu0 - 2) / nu0)), theta_of(nu0)};
  MinimizeOptions options;
  options.gradient_tolerance = 1e-8;
  const auto r = MinimizeBfgs(nll, th0, options);
  return {r.x[0] * m.sd, std::exp(r.x[1]) * m.sd, nu_of(r.x[2])};
}

VarEstimate EstimateVar(const std::string& method, const std::vector<double>& w,
                        const VarOptions& o) {
  FINML_REQUIRE(o.level > 0.5 && o.level < 1, "VaR level must be in (0.5, 1), got {}", o.level);
  FINML_REQUIRE(o.horizon >= 1, "VaR horizon must be at least 1 day");
  var_methods::RequireWindow(w, FindVarMethod(method).min_window);
  auto engine = MakeVarEngine(method, o);
  engine->Fit(w, 0);
  return engine->Estimate(o.level, o.horizon);
}

std::vector<VarSeries> RollingVar(const std::vector<double>& r, const std::string& method,
                                  const VarOptions& o, const std::vector<double>& levels,
                                  std::size_t window, std::size_t refit_every) {
  FINML_REQUIRE(o.horizon == 1,
                "rolling VaR backtests use 1-day VaR (horizon 1): overlapping "
                "h-day exceptions are not independent");
  FINML_REQUIRE(window >= 20, "the VaR window must be at least 20 days");
  FINML_REQUIRE(r.size() > window + 1,
                "{} returns are too few for a {}-day window and an out-of-sample period", r.size(),
                window);
  FINML_REQUIRE(refit_every >= 1, "refit_every must be at least 1");
  FINML_REQUIRE(!levels.empty(), "give at least one VaR level");
  for (double level : levels)
    FINML_REQUIRE(level > 0.5 && level < 1, "VaR level must be in (0.5, 1), got {}", level);
  var_methods::RequireWindow(r, 20);
  std::vector<VarSeries> out(levels.size());
  for (std::size_t l = 0; l < levels.size(); ++l) {
    out[l].method = FindVarMethod(method).name;
    out[l].options = o;
    out[l].options.level = levels[l];
    out[l].window = window;
  }
  auto engine = MakeVarEngine(method, o, refit_every);
  for (std::size_t t = window; t < r.size(); ++t) {
    ThrowIfCancelled();  // a rolling GARCH or Monte Carlo run is long, and has no progress line
    // What the method knows at the close of t-1, shared by every level.
    const std::vector<double> past(r.begin() + static_cast<std::ptrdiff_t>(t - window),
                                   r.begin() + static_cast<std::ptrdiff_t>(t));
    engine->Fit(past, t);
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const VarEstimate e = engine->Estimate(levels[l], 1);
      VarSeries& s = out[l];
      s.row.push_back(t);
      s.var.push_back(e.var);
      s.es.push_back(e.es);
      s.realized.push_back(r[t]);
      s.exception.push_back(r[t] < -e.var ? 1 : 0);
    }
    // Then the day's return becomes known and the filters move on.
    engine->Update(r[t]);
  }
  return out;
}

VarSeries RollingVar(const std::vector<double>& r, const std::string& method, const VarOptions& o,
                     std::size_t window, std::size_t refit_every) {
  return RollingVar(r, method, o, {o.level}, window, refit_every).front();
}

VarBacktest BacktestExceptions(const std::vector<char>& x, double level) {
  VarBacktest b;
  b.n = x.size();
  FINML_REQUIRE(b.n > 0, "no VaR forecasts to backtest");
  const double p = 1 - level, n = static_cast<double>(b.n);
  b.exceptions = static_cast<std::size_t>(std::count(x.begin(), x.end(), 1));
  b.expected = n * p;
  b.rate = static_cast<double>(b.exceptions) / n;
  auto xlogy = [](double k, double q) { return k == 0 ? 0.0 : k * std::log(q); };
  const double e = static_cast<double>(b.exceptions);
  const double lr_pof =
      -2 * (xlogy(n - e, 1 - p) + xlogy(e, p) - xlogy(n - e, 1 - b.rate) - xlogy(e, b.rate));
  b.kupiec = {lr_pof, ChiSquareSurvival(lr_pof, 1)};
  double n00 = 0, n01 = 0, n10 = 0, n11 = 0;
  for (std::size_t t = 1; t < x.size(); ++t) {
    if (x[t - 1] == 0)
      (x[t] ? n01 : n00) += 1;
    else
      (x[t] ? n11 : n10) += 1;
  }
  const double pi0 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0;
  const double pi1 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0;
  const double pi = (n01 + n11) / (n00 + n01 + n10 + n11);
  const double lr_ind =
      -2 * (xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi) - xlogy(n00, 1 - pi0) -
            xlogy(n01, pi0) - xlogy(n10, 1 - pi1) - xlogy(n11, pi1));
  b.independence = {lr_ind, ChiSquareSurvival(lr_ind, 1)};
  b.conditional_coverage = {lr_pof + lr_ind, ChiSquareSurvival(lr_pof + lr_ind, 2)};
  b.zone_probability = BinomialCdf(b.exceptions, b.n, p);
  b.zone = b.zone_probability < 0.95 ? "green" : b.zone_probability < 0.9999 ? "yellow" : "red";
  return b;
}

VarBacktest BacktestVar(const VarSeries& s) {
  VarBacktest b = BacktestExceptions(s.exception, s.options.level);
  const double n = static_cast<double>(s.var.size());
  b.mean_var = std::accumulate(s.var.begin(), s.var.end(), 0.0) / n;
  b.mean_es = std::accumulate(s.es.begin(), s.es.end(), 0.0) / n;
  double loss = 0, predicted = 0;
  for (std::size_t i = 0; i < s.var.size(); ++i) {
    if (!s.exception[i]) continue;
    loss -= s.realized[i];
    predicted += s.es[i];
  }
  if (predicted > 0) b.es_ratio = loss / predicted;
  return b;
}

nlohmann::json VarBacktestJson(const VarBacktest& b) {
  return {{"observations", b.n},
          {"exceptions", b.exceptions},
          {"expected_exceptions", b.expected},
          {"exception_rate", b.rate},
          {"kupiec_pof", {{"statistic", b.kupiec.statistic}, {"p_value", b.kupiec.p_value}}},
          {"christoffersen_independence",
           {{"statistic", b.independence.statistic}, {"p_value", b.independence.p_value}}},
          {"christoffersen_conditional_coverage",
           {{"statistic", b.conditional_coverage.statistic},
            {"p_value", b.conditional_coverage.p_value}}},
          {"traffic_light", b.zone},
          {"traffic_light_probability", b.zone_probability},
          {"mean_var", b.mean_var},
          {"mean_es", b.mean_es},
          {"es_ratio", b.es_ratio ? nlohmann::json(*b.es_ratio) : nlohmann::json()}};
}

}  // namespace finml::risk
