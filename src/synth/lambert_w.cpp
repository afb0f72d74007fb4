#include "finml/synth/lambert_w.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include "finml/core/error.hpp"

namespace finml::synth {
namespace {

double Kurtosis(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  const double m = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double m2 = 0, m4 = 0;
  for (const double v : x) {
    const double d = (v - m) * (v - m);
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  return m2 > 0 ? m4 / (m2 * m2) : 3.0;
}

double Back(double z, double delta) {
  if (delta <= 0) return z;
  const double w = LambertW0(delta * z * z);
  return (z < 0 ? -1.0 : 1.0) * std::sqrt(w / delta);
}

// The delta in [0, 1] whose back-transform of `z` has kurtosis closest to 3 (golden section on a
// unimodal objective: the kurtosis falls as delta grows).
double DeltaForGaussianKurtosis(const std::vector<double>& z) {
  std::vector<double> u(z.size());
  const auto gap = [&](double delta) {
    std::transform(z.begin(), z.end(), u.begin(), [&](double v) { return Back(v, delta); });
    const double k = Kurtosis(u) - 3.0;
    return k * k;
  };
  if (Kurtosis(z) <= 3.0) return 0.0;
  double lo = 0, hi = 1;
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
  double fa = gap(a), fb = gap(b);
  for (int i = 0; i < 60 && hi - lo > 1e-7; ++i) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = gap(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = gap(b);
    }
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double LambertW0(double x) {
  if (x <= 0) return 0;
  // Start from log1p(x) (good for small x) or log(x) - log(log(x)) (large x).
  double w = x < 3 ? std::log1p(x) * 0.75 : std::log(x) - std::log(std::log(x));
  for (int i = 0; i < 50; ++i) {
    const double e = std::exp(w), f = w * e - x;
    const double step = f / (e * (w + 1) - (w + 2) * f / (2 * w + 2));
    w -= step;
    if (std::abs(step) <= 1e-15 * (1 + std::abs(w))) break;
  }
  return w;
}

LambertW LambertW::Fit(const std::vector<double>& y) {
  FINML_REQUIRE(y.size() >= 10, "Lambert W: needs at least 10 values, got {}", y.size());
  LambertW t;
  const double n = static_cast<double>(y.size());
  t.mu = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double ss = 0;
  for (const double v : y) ss += (v - t.mu) * (v - t.mu);
  t.sigma = std::sqrt(ss / n);
  FINML_REQUIRE(t.sigma > 0, "Lambert W: the series is constant");
  std::vector<double> z(y.size()), x(y.size());
  for (int iteration = 0; iteration < 100; ++iteration) {
    for (std::size_t i = 0; i < y.size(); ++i) z[i] = (y[i] - t.mu) / t.sigma;
    t.delta = DeltaForGaussianKurtosis(z);
    for (std::size_t i = 0; i < y.size(); ++i) x[i] = t.mu + t.sigma * Back(z[i], t.delta);
    const double mu = std::accumulate(x.begin(), x.end(), 0.0) / n;
    double s2 = 0;
    for (const double v : x) s2 += (v - mu) * (v - mu);
    const double sigma = std::sqrt(s2 / n);
    const bool settled =
        std::abs(mu - t.mu) < 1e-9 * t.sigma && std::abs(sigma - t.sigma) < 1e-9 * t.sigma;
    t.mu = mu;
    t.sigma = sigma;
    if (settled) break;
  }
  return t;
}

double LambertW::Gaussianize(double y) const { return Back((y - mu) / sigma, delta); }

double LambertW::HeavyTail(double u) const {
  return mu + sigma * u * std::exp(0.5 * delta * u * u);
}

nlohmann::json LambertW::ToJson() const { return {{"mu", mu}, {"sigma", sigma}, {"delta", delta}}; }

LambertW LambertW::FromJson(const nlohmann::json& j, const std::string& where) {
  LambertW t;
  try {
    t.mu = j.at("mu").get<double>();
    t.sigma = j.at("sigma").get<double>();
    t.delta = j.at("delta").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(
        fmt::format("{}: the Lambert W transform is incomplete ({})", where, e.what()));
  }
  FINML_REQUIRE(
      std::isfinite(t.mu) && t.sigma > 0 && std::isfinite(t.sigma) && t.delta >= 0 && t.delta <= 1,
      "{}: the Lambert W transform is out of range (sigma > 0, 0 <= delta <= 1)", where);
  return t;
}

}  // namespace finml::synth
