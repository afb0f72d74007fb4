#include "finml/features/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

#include "core/cpu_clones.hpp"
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

namespace {

// Sums of every full window of n, in O(1) per point without a running sum (van Herk /
// Gil-Werman): cut the series into blocks of n and scan each block forwards (prefix sums) and
// backwards (suffix sums). A window that starts inside block k ends inside block k+1, so its
// sum is k's suffix from the window's start plus k+1's prefix to its end; a window that is a
// whole block is that block's last prefix. Every sum adds only the window's own inputs and
// never subtracts, so a spike that has left the window leaves no trace (a running sum loses
// the low digits of every later window to it), the error is that of adding the window
// directly, and a NaN or infinity in a window gives what adding it directly gives.
class WindowSummer {
 public:
  // Requires n <= size: a window longer than the series has no sum to give, and its buffers
  // would be sized by n (a window of 10^9 must not ask for 72 GB).
  WindowSummer(const double* x, std::size_t size, std::size_t n)
      : x_(x),
        size_(size),
        n_(n),
        suffix_(kGroup * n),
        // Before the first block there is nothing, so the first block's partial windows come out
        // NaN, as a window that is not full must.
        previous_(n, std::numeric_limits<double>::quiet_NaN()),
        sums_(std::max(kGroup * n, kFlushAt)) {}

  // Calls sink(sums, count) with the sums of every t in [0, size) in order, in consecutive
  // chunks, NaN for t < n-1 (no full window yet). The sink may change the chunk in place.
  // Inlined, so that the caller's CPU clones compile it for their own targets.
  template <typename Sink>
  [[gnu::always_inline]] inline void Run(Sink sink) {
    std::size_t block = 0;
    const std::size_t full_blocks = size_ / n_;
    for (; block + kGroup <= full_blocks; block += kGroup) {
      if (filled_ + kGroup * n_ > sums_.size()) Flush(sink);
      Group<kGroup>(block);
    }
    for (; block < full_blocks; ++block) {
      if (filled_ + n_ > sums_.size()) Flush(sink);
      Group<1>(block);
    }
    if (filled_ + n_ > sums_.size()) Flush(sink);
    const double* xb = x_ + block * n_;
    double acc = 0;
    for (std::size_t j = 0; j < size_ - block * n_; ++j) {  // the partial last block: prefixes
      acc += xb[j];
      sums_[filled_++] = previous_[j + 1] + acc;
    }
    Flush(sink);
  }

 private:
  // Interleaving blocks gives the CPU independent additions to overlap: one block's scan is a
  // chain of n dependent additions.
  static constexpr std::size_t kGroup = 4;
  // Sums are gathered in a buffer that stays in L1 and handed over a few thousand at a time: the
  // caller copies them to their place in one pass, which takes the scattered stores of the
  // interleaved blocks off the output (and lets SMA skip filling its output first).
  static constexpr std::size_t kFlushAt = 2048;

  template <typename Sink>
  [[gnu::always_inline]] inline void Flush(Sink& sink) {
    if (filled_ > 0) sink(sums_.data(), filled_);
    filled_ = 0;
  }

  // The suffixes first, then the prefixes, each window's sum written as soon as its prefix is
  // known: stores, not additions, bound this loop, and no prefix is stored.
  template <std::size_t G>
  [[gnu::always_inline]] inline void Group(std::size_t first_block) {
    const double* xb = x_ + first_block * n_;
    double* suffix = suffix_.data();
    double* sums = sums_.data() + filled_;
    double back[G] = {};
    for (std::size_t j = n_; j-- > 0;)
      for (std::size_t g = 0; g < G; ++g) {
        back[g] += xb[g * n_ + j];
        suffix[g * n_ + j] = back[g];
      }
    double acc[G] = {};
    for (std::size_t j = 0; j + 1 < n_; ++j)
      for (std::size_t g = 0; g < G; ++g) {
        const double* before = g == 0 ? previous_.data() : suffix + (g - 1) * n_;
        acc[g] += xb[g * n_ + j];
        sums[g * n_ + j] = before[j + 1] + acc[g];
      }
    for (std::size_t g = 0; g < G; ++g) sums[g * n_ + n_ - 1] = acc[g] + xb[g * n_ + n_ - 1];
    std::copy(suffix + (G - 1) * n_, suffix + G * n_, previous_.begin());
    filled_ += G * n_;
  }

  const double* x_;
  std::size_t size_, n_;
  std::vector<double> suffix_, previous_, sums_;
  std::size_t filled_ = 0;
};

}  // namespace

namespace {

// Compiled for AVX2 and for any x86-64 (core/cpu_clones.hpp): the chunks' scaling and copies
// are vector loops, with the same bits either way.
FINML_CPU_CLONES Series SmaKernel(const Series& x, std::size_t n) {
  if (n > x.size()) return Series(x.size(), kNaN);
  // A product with the reciprocal: within an ulp of the quotient, and a division per point took
  // a third of the time.
  const double inverse = 1.0 / static_cast<double>(n);
  Series out(x.size());
  double* o = out.data();
  WindowSummer(x.data(), x.size(), n).Run([&](const double* sums, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) o[i] = sums[i] * inverse;
    o += count;
  });
  return out;
}

}  // namespace

Series Sma(const Series& x, std::size_t n) {
  RequireWindow(n, "SMA");
  return SmaKernel(x, n);
}

namespace {

// LinearRecurrence's block, which RSI's fused averages follow to give the same bits.
constexpr std::size_t kRecurrenceBlock = 8;

// y[t] = a * y[t-1] + b * x[t] from y[-1] = start. The recurrence is one dependent multiply and
// add per point; in blocks of kBlock, each block's run from zero is independent of the others
// (the CPU overlaps them) and the carry crosses a whole block in one step:
// y[t+j] = a^(j+1) * y[t-1] + local[j]. The order of additions differs from the plain loop by
// rounding only, and a < 1 keeps those differences from growing (the tests hold it to TTR).
FINML_CPU_CLONES void LinearRecurrence(const double* x, std::size_t len, double a, double b,
                                       double start, double* y) {
  constexpr std::size_t kBlock = kRecurrenceBlock;
  double power[kBlock + 1];
  power[0] = 1;
  for (std::size_t j = 1; j <= kBlock; ++j) power[j] = power[j - 1] * a;
  double carry = start;
  std::size_t t = 0;
  for (; t + kBlock <= len; t += kBlock) {
    double local[kBlock];
    double acc = 0;
    for (std::size_t j = 0; j < kBlock; ++j) {
      acc = a * acc + b * x[t + j];
      local[j] = acc;
    }
    for (std::size_t j = 0; j < kBlock; ++j) y[t + j] = power[j + 1] * carry + local[j];
    carry = y[t + kBlock - 1];
  }
  for (; t < len; ++t) carry = y[t] = a * carry + b * x[t];
}

// The index of the first NaN in x[from, size), or size: chunks without one are passed over whole,
// with one branch per chunk rather than one per point.
FINML_CPU_CLONES std::size_t FirstNan(const double* x, std::size_t from, std::size_t size) {
  constexpr std::size_t kChunk = 16;
  std::size_t t = from;
  for (; t + kChunk <= size; t += kChunk) {
    bool any = false;
    for (std::size_t j = 0; j < kChunk; ++j) any |= std::isnan(x[t + j]);
    if (any) break;
  }
  while (t < size && !std::isnan(x[t])) ++t;
  return t;
}

}  // namespace

Series Ema(const Series& x, std::size_t n, bool wilder) {
  RequireWindow(n, "EMA");
  const double ratio = wilder ? 1.0 / static_cast<double>(n) : 2.0 / (static_cast<double>(n) + 1);
  Series out(x.size(), kNaN);
  // Each run of valid inputs is averaged on its own: a gap restarts the average, whose seed
  // would otherwise mix in values across the hole.
  for (std::size_t begin = 0; begin < x.size();) {
    if (std::isnan(x[begin])) {
      ++begin;
      continue;
    }
    const std::size_t end = FirstNan(x.data(), begin, x.size());
    if (end - begin >= n) {
      const std::size_t seed = begin + n - 1;
      double seed_sum = 0;
      for (std::size_t t = begin; t < seed; ++t) seed_sum += x[t];
      out[seed] = (seed_sum + x[seed]) / static_cast<double>(n);
      LinearRecurrence(x.data() + seed + 1, end - seed - 1, 1.0 - ratio, ratio, out[seed],
                       out.data() + seed + 1);
    }
    begin = end;
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

namespace {

// Square root of the squared deviations of each full window from its mean (`mean`, NaN where the
// window is not full), over `divisor`: two passes per window, exact where a running sum of
// squares would cancel. Windows are taken a run at a time so the additions for one window
// offset vectorise across the run's windows.
FINML_CPU_CLONES void RollingDeviation(const Series& x, std::size_t n, const double* mean,
                                       double divisor, double* out) {
  constexpr std::size_t kRun = 256;
  double squares[kRun];
  for (std::size_t first = n - 1; first < x.size(); first += kRun) {
    const std::size_t count = std::min(kRun, x.size() - first);
    std::fill(squares, squares + count, 0.0);
    for (std::size_t back = 0; back < n; ++back) {
      const double* xs = x.data() + first - back;
      const double* m = mean + first;
      for (std::size_t j = 0; j < count; ++j) {
        const double d = xs[j] - m[j];
        squares[j] += d * d;
      }
    }
    for (std::size_t j = 0; j < count; ++j) out[first + j] = std::sqrt(squares[j] / divisor);
  }
}

}  // namespace

Series RollingStd(const Series& x, std::size_t n, bool sample) {
  RequireWindow(n, "rolling standard deviation");
  FINML_REQUIRE(!sample || n >= 2, "sample standard deviation needs a window of at least 2");
  Series mean = Sma(x, n), out(x.size(), kNaN);
  RollingDeviation(x, n, mean.data(), static_cast<double>(sample ? n - 1 : n), out.data());
  return out;
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

namespace {

// The elementwise passes below, compiled for AVX2 too (core/cpu_clones.hpp): the same bits.
FINML_CPU_CLONES void Subtract(const double* a, const double* b, double* out, std::size_t size) {
  for (std::size_t t = 0; t < size; ++t) out[t] = a[t] - b[t];
}

FINML_CPU_CLONES void Bands(const double* close, const double* middle, const double* sd, double k,
                            double* lower, double* upper, double* percent_b, std::size_t size) {
  for (std::size_t t = 0; t < size; ++t) {
    lower[t] = middle[t] - k * sd[t];
    upper[t] = middle[t] + k * sd[t];
    percent_b[t] = (close[t] - lower[t]) / (upper[t] - lower[t]);
  }
}

FINML_CPU_CLONES void TrueRanges(const double* high, const double* low, const double* close,
                                 std::size_t size, double* tr) {
  for (std::size_t t = 1; t < size; ++t) {
    const double prev = close[t - 1];
    // `|`, not `||`: no branch per point, so the loop vectorises.
    const bool missing = std::isnan(prev) | std::isnan(high[t]) | std::isnan(low[t]);
    tr[t] = missing ? kNaN : std::max(high[t], prev) - std::min(low[t], prev);
  }
}

// The index of the first t in [from, size) whose change close[t] - close[t-1] is NaN, or size.
FINML_CPU_CLONES std::size_t FirstMissingChange(const double* close, std::size_t from,
                                                std::size_t size) {
  constexpr std::size_t kChunk = 16;
  std::size_t t = from;
  for (; t + kChunk <= size; t += kChunk) {
    bool any = false;
    for (std::size_t j = 0; j < kChunk; ++j) any |= std::isnan(close[t + j] - close[t + j - 1]);
    if (any) break;
  }
  while (t < size && !std::isnan(close[t] - close[t - 1])) ++t;
  return t;
}

// RSI over one run [begin, end) of valid changes, at least n long: Wilder's averages of the ups
// and the downs, each seeded with the mean of its first n, taken in one pass over the closes with
// no series of ups, downs or averages stored (five such series made RSI five passes over memory).
// The two averages follow LinearRecurrence's blocks exactly, so the bits are those of Ema(ups,
// n, true) and Ema(downs, n, true) combined.
FINML_CPU_CLONES void StrengthOfRun(const double* close, std::size_t begin, std::size_t end,
                                    std::size_t n, double* out) {
  const auto up = [close](std::size_t t) {
    const double change = close[t] - close[t - 1];
    return change > 0 ? change : 0.0;
  };
  const auto down = [close](std::size_t t) {
    const double change = close[t] - close[t - 1];
    return change < 0 ? -change : 0.0;
  };
  const auto strength = [](double avg_up, double avg_down) {
    return 100.0 * avg_up / (avg_up + avg_down);
  };
  const std::size_t seed = begin + n - 1;
  double up_sum = 0, down_sum = 0;
  for (std::size_t t = begin; t < seed; ++t) {
    up_sum += up(t);
    down_sum += down(t);
  }
  double carry_up = (up_sum + up(seed)) / static_cast<double>(n);
  double carry_down = (down_sum + down(seed)) / static_cast<double>(n);
  out[seed] = strength(carry_up, carry_down);

  const double b = 1.0 / static_cast<double>(n), a = 1.0 - b;
  constexpr std::size_t kBlock = kRecurrenceBlock;
  double power[kBlock + 1];
  power[0] = 1;
  for (std::size_t j = 1; j <= kBlock; ++j) power[j] = power[j - 1] * a;
  std::size_t t = seed + 1;
  for (; t + kBlock <= end; t += kBlock) {
    // Split in three loops so that the first and last vectorise; only the middle one is a chain.
    double scaled_up[kBlock], scaled_down[kBlock];
    for (std::size_t j = 0; j < kBlock; ++j) {
      scaled_up[j] = b * up(t + j);
      scaled_down[j] = b * down(t + j);
    }
    double local_up[kBlock], local_down[kBlock];
    double acc_up = 0, acc_down = 0;
    for (std::size_t j = 0; j < kBlock; ++j) {
      acc_up = a * acc_up + scaled_up[j];
      acc_down = a * acc_down + scaled_down[j];
      local_up[j] = acc_up;
      local_down[j] = acc_down;
    }
    for (std::size_t j = 0; j < kBlock; ++j)
      out[t + j] = strength(power[j + 1] * carry_up + local_up[j],
                            power[j + 1] * carry_down + local_down[j]);
    carry_up = power[kBlock] * carry_up + local_up[kBlock - 1];
    carry_down = power[kBlock] * carry_down + local_down[kBlock - 1];
  }
  for (; t < end; ++t) {
    carry_up = a * carry_up + b * up(t);
    carry_down = a * carry_down + b * down(t);
    out[t] = strength(carry_up, carry_down);
  }
}

}  // namespace

MacdLines Macd(const Series& close, std::size_t fast, std::size_t slow, std::size_t signal) {
  FINML_REQUIRE(fast < slow, "MACD: fast period {} must be shorter than slow period {}", fast,
                slow);
  MacdLines out;
  out.macd = Ema(close, fast);
  Subtract(out.macd.data(), Ema(close, slow).data(), out.macd.data(), close.size());
  out.signal = Ema(out.macd, signal);
  out.histogram.resize(close.size());
  Subtract(out.macd.data(), out.signal.data(), out.histogram.data(), close.size());
  return out;
}

Series Rsi(const Series& close, std::size_t n) {
  RequireWindow(n, "RSI");
  Series out(close.size(), kNaN);
  for (std::size_t begin = 1; begin < close.size();) {
    if (std::isnan(close[begin] - close[begin - 1])) {
      ++begin;
      continue;
    }
    const std::size_t end = FirstMissingChange(close.data(), begin, close.size());
    if (end - begin >= n) StrengthOfRun(close.data(), begin, end, n, out.data());
    begin = end;
  }
  return out;
}

BollingerBands Bollinger(const Series& close, std::size_t n, double k) {
  BollingerBands out;
  out.middle = Sma(close, n);
  Series sd(close.size(), kNaN);
  RollingDeviation(close, n, out.middle.data(), static_cast<double>(n), sd.data());
  const std::size_t size = close.size();
  out.lower.resize(size);
  out.upper.resize(size);
  out.percent_b.resize(size);
  Bands(close.data(), out.middle.data(), sd.data(), k, out.lower.data(), out.upper.data(),
        out.percent_b.data(), size);
  return out;
}

Series TrueRange(const Series& high, const Series& low, const Series& close) {
  FINML_REQUIRE(high.size() == low.size() && low.size() == close.size(),
                "true range: high, low and close differ in length");
  Series tr(close.size(), kNaN);
  TrueRanges(high.data(), low.data(), close.data(), close.size(), tr.data());
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
