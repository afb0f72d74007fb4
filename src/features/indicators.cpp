#include "finml/features/indicators.hpp"

#include <cmath>
#include <deque>
#include <limits>

#include "finml/core/error.hpp"

namespace finml::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void RequireWindow(std::size_t n, const char* what) {
  FINML_REQUIRE(n >= 1, "{}: window length must be at least 1", what);
}

// Applies `window_fn(begin, end)` to each full trailing window free of NaN.
template <typename Fn>
Series Rolling(const Series& x, std::size_t n, Fn window_fn) {
  Series out(x.size(), kNaN);
  std::size_t valid_run = 0;
  for (std::size_t t = 0; t < x.size(); ++t) {
    valid_run = std::isnan(x[t]) ? 0 : valid_run + 1;
    if (valid_run >= n) out[t] = window_fn(t + 1 - n, t + 1);
  }
  return out;
}

}  // namespace

Series Sma(const Series& x, std::size_t n) {
  RequireWindow(n, "SMA");
  Series out(x.size(), kNaN);
  // A running sum with Neumaier's compensation: a spike of 1e20 entering and leaving the window
  // would otherwise take the low digits of every later sum with it. A sum that overflows (two
  // values near 1e308) is recomputed from the window.
  double sum = 0, lost = 0;
  auto add = [&](double v) {
    const double t = sum + v;
    lost += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  };
  std::size_t valid_run = 0;
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (std::isnan(x[t])) {
      valid_run = 0;
      sum = lost = 0;
      continue;
    }
    ++valid_run;
    add(x[t]);
    if (valid_run > n) add(-x[t - n]);
    if (!std::isfinite(sum) || !std::isfinite(lost)) {
      sum = lost = 0;
      for (std::size_t k = t + 1 - std::min(valid_run, n); k <= t; ++k) add(x[k]);
    }
    if (valid_run >= n) out[t] = (sum + lost) / static_cast<double>(n);
  }
  return out;
}

Series Ema(const Series& x, std::size_t n, bool wilder) {
  RequireWindow(n, "EMA");
  const double ratio = wilder ? 1.0 / static_cast<double>(n) : 2.0 / (static_cast<double>(n) + 1);
  Series out(x.size(), kNaN);
  std::size_t valid_run = 0;
  double seed_sum = 0;
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (std::isnan(x[t])) {
      // A gap restarts the average: its seed would otherwise mix in values across the hole.
      valid_run = 0;
      seed_sum = 0;
      continue;
    }
    ++valid_run;
    if (valid_run < n) {
      seed_sum += x[t];
    } else if (valid_run == n) {
      out[t] = (seed_sum + x[t]) / static_cast<double>(n);
    } else {
      out[t] = ratio * x[t] + (1.0 - ratio) * out[t - 1];
    }
  }
  return out;
}

Series Wma(const Series& x, std::size_t n) {
  RequireWindow(n, "WMA");
  const double weight_sum = static_cast<double>(n) * static_cast<double>(n + 1) / 2.0;
  return Rolling(x, n, [&](std::size_t b, std::size_t e) {
    double s = 0;
    for (std::size_t i = b; i < e; ++i) s += static_cast<double>(i - b + 1) * x[i];
    return s / weight_sum;
  });
}

Series RollingStd(const Series& x, std::size_t n, bool sample) {
  RequireWindow(n, "rolling standard deviation");
  FINML_REQUIRE(!sample || n >= 2, "sample standard deviation needs a window of at least 2");
  // Two passes per window: exact where a running sum of squares would cancel catastrophically.
  return Rolling(x, n, [&](std::size_t b, std::size_t e) {
    double mean = 0;
    for (std::size_t i = b; i < e; ++i) mean += x[i];
    mean /= static_cast<double>(n);
    double ss = 0;
    for (std::size_t i = b; i < e; ++i) ss += (x[i] - mean) * (x[i] - mean);
    return std::sqrt(ss / static_cast<double>(sample ? n - 1 : n));
  });
}

namespace {
// Monotonic deque: O(1) amortised per step for rolling extrema.
template <typename Better>
Series RollingExtreme(const Series& x, std::size_t n, Better better) {
  Series out(x.size(), kNaN);
  std::deque<std::size_t> candidates;
  std::size_t valid_run = 0;
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (std::isnan(x[t])) {
      valid_run = 0;
      candidates.clear();
      continue;
    }
    ++valid_run;
    while (!candidates.empty() && !better(x[candidates.back()], x[t])) candidates.pop_back();
    candidates.push_back(t);
    if (candidates.front() + n <= t) candidates.pop_front();
    if (valid_run >= n) out[t] = x[candidates.front()];
  }
  return out;
}
}  // namespace

Series RollingMax(const Series& x, std::size_t n) {
  RequireWindow(n, "rolling max");
  return RollingExtreme(x, n, [](double kept, double incoming) { return kept > incoming; });
}

Series RollingMin(const Series& x, std::size_t n) {
  RequireWindow(n, "rolling min");
  return RollingExtreme(x, n, [](double kept, double incoming) { return kept < incoming; });
}

MacdLines Macd(const Series& close, std::size_t fast, std::size_t slow, std::size_t signal) {
  FINML_REQUIRE(fast < slow, "MACD: fast period {} must be shorter than slow period {}", fast,
                slow);
  Series ema_fast = Ema(close, fast), ema_slow = Ema(close, slow);
  MacdLines out;
  out.macd.resize(close.size());
  for (std::size_t t = 0; t < close.size(); ++t) out.macd[t] = ema_fast[t] - ema_slow[t];
  out.signal = Ema(out.macd, signal);
  out.histogram.resize(close.size());
  for (std::size_t t = 0; t < close.size(); ++t) out.histogram[t] = out.macd[t] - out.signal[t];
  return out;
}

Series Rsi(const Series& close, std::size_t n) {
  RequireWindow(n, "RSI");
  Series up(close.size(), kNaN), down(close.size(), kNaN);
  for (std::size_t t = 1; t < close.size(); ++t) {
    double change = close[t] - close[t - 1];
    up[t] = change > 0 ? change : 0.0;
    down[t] = change < 0 ? -change : 0.0;
    if (std::isnan(change)) up[t] = down[t] = kNaN;
  }
  Series avg_up = Ema(up, n, true), avg_down = Ema(down, n, true);
  Series out(close.size(), kNaN);
  for (std::size_t t = 0; t < close.size(); ++t)
    out[t] = 100.0 * avg_up[t] / (avg_up[t] + avg_down[t]);
  return out;
}

BollingerBands Bollinger(const Series& close, std::size_t n, double k) {
  BollingerBands out;
  out.middle = Sma(close, n);
  Series sd = RollingStd(close, n, /*sample=*/false);
  const std::size_t size = close.size();
  out.lower.resize(size);
  out.upper.resize(size);
  out.percent_b.resize(size);
  for (std::size_t t = 0; t < size; ++t) {
    out.lower[t] = out.middle[t] - k * sd[t];
    out.upper[t] = out.middle[t] + k * sd[t];
    out.percent_b[t] = (close[t] - out.lower[t]) / (out.upper[t] - out.lower[t]);
  }
  return out;
}

Series TrueRange(const Series& high, const Series& low, const Series& close) {
  FINML_REQUIRE(high.size() == low.size() && low.size() == close.size(),
                "true range: high, low and close differ in length");
  Series tr(close.size(), kNaN);
  for (std::size_t t = 1; t < close.size(); ++t) {
    double prev = close[t - 1];
    tr[t] = std::max(high[t], prev) - std::min(low[t], prev);
    if (std::isnan(prev) || std::isnan(high[t]) || std::isnan(low[t])) tr[t] = kNaN;
  }
  return tr;
}

Series Atr(const Series& high, const Series& low, const Series& close, std::size_t n) {
  return Ema(TrueRange(high, low, close), n, /*wilder=*/true);
}

StochasticLines Stochastic(const Series& high, const Series& low, const Series& close,
                           std::size_t n_k, std::size_t n_d, std::size_t n_slow) {
  FINML_REQUIRE(high.size() == low.size() && low.size() == close.size(),
                "stochastic: high, low and close differ in length");
  Series hmax = RollingMax(high, n_k), lmin = RollingMin(low, n_k);
  StochasticLines out;
  out.fast_k.resize(close.size());
  for (std::size_t t = 0; t < close.size(); ++t)
    out.fast_k[t] = (close[t] - lmin[t]) / (hmax[t] - lmin[t]);
  out.fast_d = Sma(out.fast_k, n_d);
  out.slow_d = Sma(out.fast_d, n_slow);
  return out;
}

Series Obv(const Series& close, const Series& volume) {
  FINML_REQUIRE(close.size() == volume.size(), "OBV: close and volume differ in length");
  Series out(close.size(), kNaN);
  if (close.empty()) return out;
  const double tiny = std::sqrt(std::numeric_limits<double>::epsilon());
  double total = volume[0];
  out[0] = total;
  for (std::size_t t = 1; t < close.size(); ++t) {
    double change = std::log(close[t] / close[t - 1]);
    if (std::abs(change) >= tiny) total += change > 0 ? volume[t] : -volume[t];
    out[t] = total;
  }
  return out;
}

Series Roc(const Series& x, std::size_t n) {
  RequireWindow(n, "ROC");
  Series out(x.size(), kNaN);
  for (std::size_t t = n; t < x.size(); ++t) out[t] = std::log(x[t] / x[t - n]);
  return out;
}

Series Momentum(const Series& x, std::size_t n) {
  RequireWindow(n, "momentum");
  Series out(x.size(), kNaN);
  for (std::size_t t = n; t < x.size(); ++t) out[t] = x[t] - x[t - n];
  return out;
}

Series RollingVolatility(const Series& close, std::size_t n) {
  return RollingStd(Roc(close, 1), n, /*sample=*/true);
}

Series RollingZScore(const Series& x, std::size_t n) {
  Series mean = Sma(x, n), sd = RollingStd(x, n, /*sample=*/true);
  Series out(x.size());
  for (std::size_t t = 0; t < x.size(); ++t) out[t] = (x[t] - mean[t]) / sd[t];
  return out;
}

Series Lag(const Series& x, std::size_t k) {
  Series out(x.size(), kNaN);
  for (std::size_t t = k; t < x.size(); ++t) out[t] = x[t - k];
  return out;
}

}  // namespace finml::features
