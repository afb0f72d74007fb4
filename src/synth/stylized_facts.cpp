#include "finml/synth/stylized_facts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>

namespace finml::synth {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Mean(const std::vector<double>& x) {
  return x.empty() ? kNaN
                   : std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double Median(std::vector<double> x) {
  if (x.empty()) return kNaN;
  const std::size_t mid = x.size() / 2;
  std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(mid), x.end());
  const double upper = x[mid];
  if (x.size() % 2 == 1) return upper;
  return 0.5 * (upper + *std::max_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(mid)));
}

// Central moment of order `order` about the mean, divided by n.
double CentralMoment(const std::vector<double>& x, double mean, int order) {
  double s = 0;
  for (const double v : x) s += std::pow(v - mean, order);
  return s / static_cast<double>(x.size());
}

// The mean over paths of a per-path curve, lag by lag (paths too short for a lag do not count).
template <typename Curve>
std::vector<double> MeanCurve(const Paths& paths, std::size_t max_lag, Curve curve) {
  std::vector<double> sum(max_lag, 0.0);
  std::vector<std::size_t> count(max_lag, 0);
  for (const auto& p : paths) {
    const std::vector<double> c = curve(p);
    for (std::size_t k = 0; k < c.size() && k < max_lag; ++k) {
      if (!std::isfinite(c[k])) continue;
      sum[k] += c[k];
      ++count[k];
    }
  }
  std::vector<double> mean;
  for (std::size_t k = 0; k < max_lag && count[k] > 0; ++k)
    mean.push_back(sum[k] / static_cast<double>(count[k]));
  return mean;
}

double CurveDistance(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  if (n == 0) return kNaN;
  double s = 0;
  for (std::size_t k = 0; k < n; ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(s);
}

double StandardDeviation(const std::vector<double>& x) {
  if (x.size() < 2) return kNaN;
  const double m = Mean(x);
  double s = 0;
  for (const double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(x.size() - 1));
}

}  // namespace

std::vector<double> PooledReturns(const Paths& paths) {
  std::vector<double> all;
  for (const auto& p : paths) all.insert(all.end(), p.begin(), p.end());
  return all;
}

double Wasserstein1(std::vector<double> a, std::vector<double> b) {
  if (a.empty() || b.empty()) return kNaN;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  // Walk the merged values; between consecutive ones both CDFs are constant.
  std::size_t i = 0, j = 0;
  double previous = std::min(a.front(), b.front()), total = 0;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  while (i < a.size() || j < b.size()) {
    const double next = j == b.size() || (i < a.size() && a[i] <= b[j]) ? a[i] : b[j];
    total +=
        std::abs(static_cast<double>(i) / na - static_cast<double>(j) / nb) * (next - previous);
    while (i < a.size() && a[i] == next) ++i;
    while (j < b.size() && b[j] == next) ++j;
    previous = next;
  }
  return total;
}

std::vector<double> AggregatedReturns(const Paths& paths, std::size_t k) {
  std::vector<double> out;
  if (k == 0) return out;
  for (const auto& p : paths) {
    if (p.size() < k) continue;
    double window = std::accumulate(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(k), 0.0);
    out.push_back(window);
    for (std::size_t t = k; t < p.size(); ++t) {
      window += p[t] - p[t - k];
      out.push_back(window);
    }
  }
  return out;
}

std::vector<double> Autocorrelation(const std::vector<double>& x, std::size_t max_lag) {
  std::vector<double> acf;
  if (x.size() < 2) return acf;
  const double m = Mean(x);
  double c0 = 0;
  for (const double v : x) c0 += (v - m) * (v - m);
  const std::size_t lags = std::min(max_lag, x.size() - 1);
  for (std::size_t k = 1; k <= lags; ++k) {
    double c = 0;
    for (std::size_t t = 0; t + k < x.size(); ++t) c += (x[t] - m) * (x[t + k] - m);
    acf.push_back(c0 > 0 ? c / c0 : kNaN);
  }
  return acf;
}

std::vector<double> LeverageEffect(const std::vector<double>& r, std::size_t max_lag) {
  std::vector<double> out;
  for (std::size_t k = 1; k <= max_lag && k + 2 <= r.size(); ++k) {
    const std::size_t n = r.size() - k;
    double mx = 0, my = 0;
    for (std::size_t t = 0; t < n; ++t) {
      mx += r[t];
      my += r[t + k] * r[t + k];
    }
    mx /= static_cast<double>(n);
    my /= static_cast<double>(n);
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const double dx = r[t] - mx, dy = r[t + k] * r[t + k] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    out.push_back(sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : kNaN);
  }
  return out;
}

double Skewness(const std::vector<double>& x) {
  if (x.size() < 3) return kNaN;
  const double m = Mean(x), m2 = CentralMoment(x, m, 2);
  return m2 > 0 ? CentralMoment(x, m, 3) / std::pow(m2, 1.5) : kNaN;
}

double ExcessKurtosis(const std::vector<double>& x) {
  if (x.size() < 4) return kNaN;
  const double m = Mean(x), m2 = CentralMoment(x, m, 2);
  return m2 > 0 ? CentralMoment(x, m, 4) / (m2 * m2) - 3.0 : kNaN;
}

double HillTailIndex(const std::vector<double>& x, double tail_share) {
  std::vector<double> positive;
  for (const double v : x)
    if (v > 0 && std::isfinite(v)) positive.push_back(v);
  if (positive.size() < 20) return kNaN;
  std::sort(positive.begin(), positive.end(), std::greater<>());
  const auto wanted = static_cast<std::size_t>(tail_share * static_cast<double>(x.size()));
  const std::size_t k = std::min(std::max<std::size_t>(wanted, 10), positive.size() - 1);
  double s = 0;
  for (std::size_t i = 0; i < k; ++i) s += std::log(positive[i] / positive[k]);
  return s > 0 ? static_cast<double>(k) / s : kNaN;
}

GainLoss GainLossAsymmetry(const Paths& paths, double theta, std::size_t max_horizon) {
  std::vector<double> gains, losses;
  std::size_t starts = 0;
  for (const auto& p : paths) {
    std::vector<double> level(p.size() + 1, 0.0);
    for (std::size_t t = 0; t < p.size(); ++t) level[t + 1] = level[t] + p[t];
    for (std::size_t t = 0; t + 1 < level.size(); ++t) {
      ++starts;
      bool gain_found = false, loss_found = false;
      const std::size_t end = std::min(level.size() - 1, t + max_horizon);
      for (std::size_t u = t + 1; u <= end && !(gain_found && loss_found); ++u) {
        const double move = level[u] - level[t];
        if (!gain_found && move >= theta) {
          gains.push_back(static_cast<double>(u - t));
          gain_found = true;
        }
        if (!loss_found && move <= -theta) {
          losses.push_back(static_cast<double>(u - t));
          loss_found = true;
        }
      }
    }
  }
  GainLoss g;
  g.median_gain = Median(gains);
  g.median_loss = Median(losses);
  g.asymmetry = g.median_gain - g.median_loss;
  if (starts > 0) {
    g.reached_gain = static_cast<double>(gains.size()) / static_cast<double>(starts);
    g.reached_loss = static_cast<double>(losses.size()) / static_cast<double>(starts);
  }
  return g;
}

SeriesFacts ComputeFacts(const Paths& paths, const FactSettings& s) {
  SeriesFacts f;
  f.acf_returns =
      MeanCurve(paths, s.max_lag, [&](const auto& p) { return Autocorrelation(p, s.max_lag); });
  f.acf_abs = MeanCurve(paths, s.max_lag, [&](const auto& p) {
    std::vector<double> a(p.size());
    std::transform(p.begin(), p.end(), a.begin(), [](double v) { return std::abs(v); });
    return Autocorrelation(a, s.max_lag);
  });
  f.acf_squared = MeanCurve(paths, s.max_lag, [&](const auto& p) {
    std::vector<double> a(p.size());
    std::transform(p.begin(), p.end(), a.begin(), [](double v) { return v * v; });
    return Autocorrelation(a, s.max_lag);
  });
  f.leverage =
      MeanCurve(paths, s.max_lag, [&](const auto& p) { return LeverageEffect(p, s.max_lag); });
  const std::vector<double> all = PooledReturns(paths);
  f.mean = Mean(all);
  f.std = StandardDeviation(all);
  f.skew = Skewness(all);
  f.kurtosis = ExcessKurtosis(all);
  std::vector<double> negated(all.size());
  std::transform(all.begin(), all.end(), negated.begin(), [](double v) { return -v; });
  f.hill_left = HillTailIndex(negated, s.tail_share);
  f.hill_right = HillTailIndex(all, s.tail_share);
  f.gain_loss = GainLossAsymmetry(paths, s.theta, s.max_horizon);
  const std::size_t w = std::max<std::size_t>(s.diversity_window, 2);
  for (const auto& p : paths)
    for (std::size_t t = 0; t + w <= p.size(); t += w) {
      double sum = 0, sq = 0;
      for (std::size_t u = t; u < t + w; ++u) {
        sum += p[u];
        sq += p[u] * p[u];
      }
      const double m = sum / static_cast<double>(w);
      f.window_volatility.push_back(std::sqrt(std::max(sq / static_cast<double>(w) - m * m, 0.0)));
    }
  return f;
}

FactDistances CompareFacts(const Paths& real, const SeriesFacts& rf, const Paths& synthetic,
                           const SeriesFacts& sf, const FactSettings& s) {
  FactDistances d;
  for (const std::size_t k : s.emd_lags)
    d.emd.push_back(Wasserstein1(AggregatedReturns(real, k), AggregatedReturns(synthetic, k)));
  d.acf_returns = CurveDistance(rf.acf_returns, sf.acf_returns);
  d.acf_abs = CurveDistance(rf.acf_abs, sf.acf_abs);
  d.acf_squared = CurveDistance(rf.acf_squared, sf.acf_squared);
  d.leverage = CurveDistance(rf.leverage, sf.leverage);
  d.gain_loss = std::abs(rf.gain_loss.asymmetry - sf.gain_loss.asymmetry);
  const double real_spread = StandardDeviation(rf.window_volatility);
  d.volatility_spread_ratio = StandardDeviation(sf.window_volatility) / real_spread;
  d.collapsed = std::isfinite(d.volatility_spread_ratio) && d.volatility_spread_ratio < 0.5;
  return d;
}

nlohmann::json FactsJson(const SeriesFacts& f) {
  const auto number = [](double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
  };
  return {{"mean", number(f.mean)},
          {"std", number(f.std)},
          {"skewness", number(f.skew)},
          {"excess_kurtosis", number(f.kurtosis)},
          {"hill_left", number(f.hill_left)},
          {"hill_right", number(f.hill_right)},
          {"gain_horizon_median", number(f.gain_loss.median_gain)},
          {"loss_horizon_median", number(f.gain_loss.median_loss)},
          {"gain_loss_asymmetry", number(f.gain_loss.asymmetry)},
          {"acf_returns_lag1", f.acf_returns.empty() ? nlohmann::json() : number(f.acf_returns[0])},
          {"acf_abs_lag1", f.acf_abs.empty() ? nlohmann::json() : number(f.acf_abs[0])},
          {"leverage_lag1", f.leverage.empty() ? nlohmann::json() : number(f.leverage[0])}};
}

nlohmann::json DistancesJson(const FactDistances& d, const FactSettings& s) {
  const auto number = [](double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
  };
  nlohmann::json j = {{"acf_returns", number(d.acf_returns)},
                      {"acf_abs", number(d.acf_abs)},
                      {"acf_squared", number(d.acf_squared)},
                      {"leverage", number(d.leverage)},
                      {"gain_loss", number(d.gain_loss)},
                      {"volatility_spread_ratio", number(d.volatility_spread_ratio)},
                      {"mode_collapse", d.collapsed}};
  for (std::size_t i = 0; i < d.emd.size() && i < s.emd_lags.size(); ++i)
    j["emd_" + std::to_string(s.emd_lags[i])] = number(d.emd[i]);
  return j;
}

}  // namespace finml::synth
