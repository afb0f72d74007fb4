#include "backtest/asset_lanes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/cpu_clones.hpp"

// The four-double vectors never cross a function boundary that is not inlined. (GCC reports the
// ABI note once the file is compiled, after a pop would have restored it: no push and pop.)
#pragma GCC diagnostic ignored "-Wpsabi"

namespace finml::backtest::lanes {
namespace {

constexpr std::size_t kWidth = 4;
using V = double __attribute__((vector_size(32)));
using M = std::int64_t __attribute__((vector_size(32)));  // a lane's condition: -1 or 0

[[gnu::always_inline]] inline V Load(const double* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void Store(double* p, V v) { std::memcpy(p, &v, sizeof v); }
[[gnu::always_inline]] inline V Splat(double x) { return V{x, x, x, x}; }
[[gnu::always_inline]] inline V Abs(V v) {
  return reinterpret_cast<V>(reinterpret_cast<M>(v) & std::numeric_limits<std::int64_t>::max());
}
// std::copysign(magnitude, sign) in each lane.
[[gnu::always_inline]] inline V CopySign(V magnitude, V sign) {
  const std::int64_t sign_bit = std::numeric_limits<std::int64_t>::min();
  return reinterpret_cast<V>((reinterpret_cast<M>(Abs(magnitude))) |
                             (reinterpret_cast<M>(sign) & sign_bit));
}
[[gnu::always_inline]] inline double Total(V v) { return (v[0] + v[1]) + (v[2] + v[3]); }
[[gnu::always_inline]] inline std::size_t Count(M m) {
  return static_cast<std::size_t>(-(m[0] + m[1] + m[2] + m[3]));
}

// The last n % 4 assets run through the same block on copies padded with assets that hold
// nothing and trade nothing; only the real lanes are copied back.
template <std::size_t Arrays>
struct Tail {
  double lane[Arrays][kWidth];
  Tail(const double* const (&from)[Arrays], std::size_t count, const double (&padding)[Arrays]) {
    for (std::size_t a = 0; a < Arrays; ++a)
      for (std::size_t k = 0; k < kWidth; ++k) lane[a][k] = k < count ? from[a][k] : padding[a];
  }
};

struct FillSums {
  V cash_out{}, traded{}, fees{}, slippage{};
  M orders{}, small{};
};

[[gnu::always_inline]] inline void FillBlock(const double* target, const double* fill, V nav,
                                             V tiny, bool on_change, const FillCosts& c,
                                             double* shares, double* mark, double* last_target,
                                             FillSums& sums) {
  const V zero = Splat(0), w = Load(target), px = Load(fill), held = Load(shares);
  const V quantity = w * nav / px - held;
  const V size = Abs(quantity);
  const V quoted = size * px;
  // As the scalar code's `quoted <= tiny` skip, NaN included.
  M active = ~(quoted <= tiny);
  if (on_change) active &= w != Load(last_target);
  const M small = active & (quoted < Splat(c.min_trade_value));
  const M trade = active & ~small;
  const V price = px * (Splat(1.0) + CopySign(Splat(c.slip_rate), quantity));
  const V value = size * price;
  const V rate_fee = Splat(c.cost_rate) * value, min_fee = Splat(c.min_fee);
  const V fee = min_fee < rate_fee ? rate_fee : min_fee;  // std::max(min_fee, rate_fee)
  const V slip_cost = size * px * Splat(c.slip_rate);
  Store(shares, trade ? held + quantity : held);
  Store(mark, trade ? px : Load(mark));
  Store(last_target, w);
  sums.cash_out += trade ? quantity * price + fee : zero;
  sums.traded += trade ? value : zero;
  sums.fees += trade ? fee : zero;
  sums.slippage += trade ? slip_cost : zero;
  sums.orders += active;
  sums.small += small;
}

[[gnu::always_inline]] inline void HeldBlock(const double* shares, const double* fill,
                                             const double* mark, const double* target, V& value,
                                             M& numbers) {
  const V s = Load(shares), px = Load(fill), w = Load(target);
  const V price = px != px ? Load(mark) : px;
  value += s != Splat(0) ? s * price : Splat(0);
  numbers &= (px == px) & (w == w);
}

[[gnu::always_inline]] inline void MarkBlock(const double* close, double* mark,
                                             const double* shares, double* holdings, V& equity,
                                             V& gross) {
  const V c = Load(close), zero = Splat(0);
  const V m = c != c ? Load(mark) : c;
  Store(mark, m);
  const V s = Load(shares);
  const M held = s != zero;
  const V value = s * m;
  if (holdings) Store(holdings, held ? value : Load(holdings));
  equity += held ? value : zero;
  gross += held ? Abs(value) : zero;
}

}  // namespace

FINML_CPU_CLONES Held HeldValue(std::size_t n, const double* shares, const double* fill,
                                const double* mark, const double* target) {
  V value{};
  M numbers = ~M{};
  std::size_t i = 0;
  for (; i + kWidth <= n; i += kWidth)
    HeldBlock(shares + i, fill + i, mark + i, target + i, value, numbers);
  if (i < n) {
    const Tail<4> t({shares + i, fill + i, mark + i, target + i}, n - i, {0.0, 1.0, 1.0, 0.0});
    HeldBlock(t.lane[0], t.lane[1], t.lane[2], t.lane[3], value, numbers);
  }
  return {Total(value), (numbers[0] & numbers[1] & numbers[2] & numbers[3]) != 0};
}

FINML_CPU_CLONES Fills FillWhole(std::size_t n, const double* target, const double* fill,
                                 double nav, bool on_change, const FillCosts& costs, double* shares,
                                 double* mark, double* last_target) {
  FillSums sums;
  const V nav_lanes = Splat(nav), tiny = Splat(1e-12 * std::abs(nav));
  std::size_t i = 0;
  for (; i + kWidth <= n; i += kWidth)
    FillBlock(target + i, fill + i, nav_lanes, tiny, on_change, costs, shares + i, mark + i,
              last_target + i, sums);
  if (i < n) {
    // Padding: no target change, a price of 1 and nothing held, so nothing to trade.
    Tail<5> t({target + i, fill + i, shares + i, mark + i, last_target + i}, n - i,
              {0.0, 1.0, 0.0, 1.0, 0.0});
    FillBlock(t.lane[0], t.lane[1], nav_lanes, tiny, on_change, costs, t.lane[2], t.lane[3],
              t.lane[4], sums);
    std::copy_n(t.lane[2], n - i, shares + i);
    std::copy_n(t.lane[3], n - i, mark + i);
    std::copy_n(t.lane[4], n - i, last_target + i);
  }
  return {Total(sums.cash_out), Total(sums.traded), Total(sums.fees),
          Total(sums.slippage), Count(sums.orders), Count(sums.small)};
}

FINML_CPU_CLONES Marks MarkAt(std::size_t n, const double* close, double* mark,
                              const double* shares, double* holdings) {
  V equity{}, gross{};
  std::size_t i = 0;
  for (; i + kWidth <= n; i += kWidth)
    MarkBlock(close + i, mark + i, shares + i, holdings ? holdings + i : nullptr, equity, gross);
  if (i < n) {
    Tail<4> t({close + i, mark + i, shares + i, holdings ? holdings + i : close + i}, n - i,
              {0.0, 0.0, 0.0, 0.0});
    MarkBlock(t.lane[0], t.lane[1], t.lane[2], holdings ? t.lane[3] : nullptr, equity, gross);
    std::copy_n(t.lane[1], n - i, mark + i);
    if (holdings) std::copy_n(t.lane[3], n - i, holdings + i);
  }
  return {Total(equity), Total(gross)};
}

}  // namespace finml::backtest::lanes
