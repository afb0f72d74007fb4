#include "finml/features/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
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
//
// Written as inline functions that SmaKernel's CPU clones compile for their own targets: the
// AVX2 clone runs four neighbouring runs of blocks at once in the four lanes of a vector.
using Lanes = double __attribute__((vector_size(32)));
// GCC notes that a 32-byte vector's ABI differs without AVX; these never cross a call boundary.
#pragma GCC diagnostic ignored "-Wpsabi"
// For buffers: std::allocator does not give the default target's new the 32-byte alignment.
using StoredLanes = double __attribute__((vector_size(32), aligned(8)));
using LaneIndex = std::int64_t __attribute__((vector_size(32)));
constexpr std::size_t kLanes = 4;

// Rows a, b, c, d of a 4x4 block become its columns.
[[gnu::always_inline]] inline void Transpose(Lanes& a, Lanes& b, Lanes& c, Lanes& d) {
  const Lanes ab_even = __builtin_shuffle(a, b, LaneIndex{0, 4, 2, 6}),
              ab_odd = __builtin_shuffle(a, b, LaneIndex{1, 5, 3, 7}),
              cd_even = __builtin_shuffle(c, d, LaneIndex{0, 4, 2, 6}),
              cd_odd = __builtin_shuffle(c, d, LaneIndex{1, 5, 3, 7});
  a = __builtin_shuffle(ab_even, cd_even, LaneIndex{0, 1, 4, 5});
  b = __builtin_shuffle(ab_odd, cd_odd, LaneIndex{0, 1, 4, 5});
  c = __builtin_shuffle(ab_even, cd_even, LaneIndex{2, 3, 6, 7});
  d = __builtin_shuffle(ab_odd, cd_odd, LaneIndex{2, 3, 6, 7});
}

// P neighbouring blocks of n from each of four runs of blocks (lane g reads x + g * stride): their
// window sums, times `scale`, into out + g * stride. `previous[j]` holds, per lane, the suffix
// sums of the block before; the P blocks' go to suffix + p * n. The P blocks' scans are
// independent chains of additions that the CPU overlaps. The lanes add exactly what the scalar
// scan adds, in the same order, so the bits are the same.
template <std::size_t P>
[[gnu::always_inline]] inline void BlocksInLanes(const double* __restrict x, std::size_t stride,
                                                 std::size_t n, double scale,
                                                 StoredLanes* __restrict in,
                                                 StoredLanes* __restrict suffix,
                                                 const StoredLanes* __restrict previous,
                                                 double* __restrict out) {
  const auto load = [](const double* p) __attribute__((always_inline)) {
    Lanes v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  const auto store = [](double* p, Lanes v) __attribute__((always_inline)) {
    std::memcpy(p, &v, sizeof v);
  };
  const std::size_t m = P * n;
  std::size_t j = 0;
  for (; j + kLanes <= m; j += kLanes) {
    Lanes a = load(x + j), b = load(x + stride + j), c = load(x + 2 * stride + j),
          d = load(x + 3 * stride + j);
    Transpose(a, b, c, d);
    in[j] = a;
    in[j + 1] = b;
    in[j + 2] = c;
    in[j + 3] = d;
  }
  for (; j < m; ++j) in[j] = Lanes{x[j], x[stride + j], x[2 * stride + j], x[3 * stride + j]};

  Lanes back[P] = {};
  for (std::size_t k = n; k-- > 0;)
    for (std::size_t p = 0; p < P; ++p) {
      back[p] += in[p * n + k];
      suffix[p * n + k] = back[p];
    }
  Lanes acc[P] = {};
  for (std::size_t k = 0; k + 1 < n; ++k)
    for (std::size_t p = 0; p < P; ++p) {
      const StoredLanes* before = p == 0 ? previous : suffix + (p - 1) * n;
      acc[p] += in[p * n + k];
      in[p * n + k] = (before[k + 1] + acc[p]) * scale;  // read for the last time just above
    }
  for (std::size_t p = 0; p < P; ++p) in[p * n + n - 1] = (acc[p] + in[p * n + n - 1]) * scale;

  j = 0;
  for (; j + kLanes <= m; j += kLanes) {
    Lanes a = in[j], b = in[j + 1], c = in[j + 2], d = in[j + 3];
    Transpose(a, b, c, d);
    store(out + j, a);
    store(out + stride + j, b);
    store(out + 2 * stride + j, c);
    store(out + 3 * stride + j, d);
  }
  for (; j < m; ++j)
    for (std::size_t g = 0; g < kLanes; ++g) out[g * stride + j] = in[j][g];
}

// The full blocks from `first` on, one at a time, scalar, from `previous` (the suffix sums of
// block first-1, or NaN before the first block), then the partial block after them.
[[gnu::always_inline]] inline void BlocksInTurn(const double* __restrict x, std::size_t size,
                                                std::size_t n, double scale, std::size_t first,
                                                double* __restrict previous,
                                                double* __restrict suffix, double* __restrict out) {
  std::size_t block = first;
  for (; (block + 1) * n <= size; ++block, std::swap(previous, suffix)) {
    const double* xb = x + block * n;
    double* ob = out + block * n;
    double back = 0;
    for (std::size_t k = n; k-- > 0;) {
      back += xb[k];
      suffix[k] = back;
    }
    double acc = 0;
    for (std::size_t k = 0; k + 1 < n; ++k) {
      acc += xb[k];
      ob[k] = (previous[k + 1] + acc) * scale;
    }
    ob[n - 1] = (acc + xb[n - 1]) * scale;
  }
  const double* xb = x + block * n;
  double acc = 0;
  for (std::size_t k = 0; block * n + k < size; ++k) {  // the partial last block: prefixes only
    acc += xb[k];
    out[block * n + k] = (previous[k + 1] + acc) * scale;
  }
}

// Appends scale * (the sum of x[t-n+1 .. t]) to `out` for every t, NaN for t < n-1. Requires
// n <= size: the buffers are sized by n, and a window of 10^9 on a short series must not ask for
// 72 GB. The full blocks go in stretches of four neighbouring runs of blocks, one run per lane;
// the blocks left over and the partial last block are scanned one at a time after them.
//
// `out` grows a stretch at a time, and each stretch is written while the zeros that std::vector
// must fill it with are still in cache: filling the whole output first sent it to memory and
// back once more before the sums overwrote it.
[[gnu::always_inline]] inline void AppendWindowSums(const double* __restrict x, std::size_t size,
                                                    std::size_t n, double scale, Series& out) {
  constexpr double kNothing = std::numeric_limits<double>::quiet_NaN();
  // Blocks per lane in a stretch: about 8 KB of output per lane.
  const std::size_t run = std::max<std::size_t>(1, 1024 / n), stretch = kLanes * run * n;
  std::vector<double> previous(n, kNothing), suffix(n);
  // Two blocks per lane at a time; the suffix sums alternate between two buffers, and the block
  // before the next pair is always the last of the buffer written last.
  constexpr std::size_t kPair = 2;
  std::vector<StoredLanes> in(kPair * n),
      lane_sums[2] = {std::vector<StoredLanes>(kPair * n), std::vector<StoredLanes>(kPair * n)};
  std::size_t begin = 0;
  for (; begin + stretch <= size; begin += stretch) {
    const double* xs = x + begin;
    StoredLanes *before = lane_sums[0].data(), *after = lane_sums[1].data();
    StoredLanes* previous_block = before + (kPair - 1) * n;
    // Before its first block, lane 0 needs the suffix sums of the block before the stretch
    // (carried over), and lane g > 0 those of the last block of lane g-1's run (a scan of one
    // block more per lane).
    for (std::size_t k = 0; k < n; ++k) previous_block[k][0] = previous[k];
    for (std::size_t g = 1; g < kLanes; ++g) {
      const double* xb = xs + g * run * n - n;
      double back = 0;
      for (std::size_t k = n; k-- > 0;) {
        back += xb[k];
        previous_block[k][g] = back;
      }
    }
    out.resize(begin + stretch);
    double* os = out.data() + begin;
    // The next stretch's input and output are fetched during this one, so that its fill (on the
    // resize) and its first loads do not wait for memory.
    const bool next = begin + 2 * stretch <= size;
    std::size_t block = 0;
    for (; block < run; block += kPair, std::swap(before, after)) {
      if (next)
        for (std::size_t k = block * kLanes * n; k < (block + kPair) * kLanes * n; k += 8) {
          __builtin_prefetch(xs + stretch + k);
          __builtin_prefetch(os + stretch + k, 1);
        }
      const StoredLanes* last = before + (kPair - 1) * n;
      if (block + kPair <= run) {
        BlocksInLanes<kPair>(xs + block * n, run * n, n, scale, in.data(), after, last,
                             os + block * n);
      } else {
        BlocksInLanes<1>(xs + block * n, run * n, n, scale, in.data(), after + (kPair - 1) * n,
                         last, os + block * n);
      }
    }
    const StoredLanes* last = before + (kPair - 1) * n;
    for (std::size_t k = 0; k < n; ++k) previous[k] = last[k][kLanes - 1];
  }
  out.resize(size);
  BlocksInTurn(x, size, n, scale, begin / n, previous.data(), suffix.data(), out.data());
}

}  // namespace

namespace {

// Compiled for AVX2 and for any x86-64 (core/cpu_clones.hpp), with the same bits either way.
FINML_CPU_CLONES Series SmaKernel(const Series& x, std::size_t n) {
  if (n > x.size()) return Series(x.size(), kNaN);
  Series out;
  out.reserve(x.size());
  // A product with the reciprocal: within an ulp of the quotient, and a division per point took
  // a third of the time.
  AppendWindowSums(x.data(), x.size(), n, 1.0 / static_cast<double>(n), out);
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

// The first t in [from, size) where missing(t), or size: chunks without one are passed over
// whole, with one branch per chunk rather than one per point. Inlined into CPU clones.
template <typename Missing>
[[gnu::always_inline]] inline std::size_t FirstMissing(std::size_t from, std::size_t size,
                                                       Missing missing) {
  constexpr std::size_t kChunk = 16;
  std::size_t t = from;
  for (; t + kChunk <= size; t += kChunk) {
    bool any = false;
    for (std::size_t j = 0; j < kChunk; ++j) any |= missing(t + j);
    if (any) break;
  }
  while (t < size && !missing(t)) ++t;
  return t;
}

// The index of the first NaN in x[from, size), or size.
FINML_CPU_CLONES std::size_t FirstNan(const double* x, std::size_t from, std::size_t size) {
  return FirstMissing(
      from, size, [x](std::size_t t) __attribute__((always_inline)) { return std::isnan(x[t]); });
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
  return FirstMissing(
      from, size, [close](std::size_t t) __attribute__((always_inline)) {
        return std::isnan(close[t] - close[t - 1]);
      });
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
