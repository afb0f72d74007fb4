// The book's three passes over the assets of a bar, four assets at a time (AVX2 where the CPU has
// it, two SSE2 halves elsewhere). Each asset's arithmetic is the scalar code's, operation for
// operation (no fused multiply-add on any CPU); only the sums over assets add in another order,
// within 1e-12 relative of a plain loop (tests/backtest/test_engine_reference.cpp).
#pragma once

#include <cstddef>

namespace finml::backtest::lanes {

struct Held {
  double value = 0;          // Σ shares[i] × (fill[i], or mark[i] where fill[i] is NaN)
  bool all_numbers = false;  // no target and no fill price is NaN
};
// The positions' value at the fill prices, and whether FillWhole may trade the bar: one pass over
// the bar's two new rows, which come from memory.
[[nodiscard]] Held HeldValue(std::size_t n, const double* shares, const double* fill,
                             const double* mark, const double* target);

struct FillCosts {
  double cost_rate = 0, slip_rate = 0, min_fee = 0, min_trade_value = 0;
};

struct Fills {
  double cash_out = 0, traded = 0, fees = 0, slippage = 0;
  std::size_t orders = 0, small = 0;
};

// Every asset's order towards target[i] × nav at fill[i], for a bar whose targets and fill prices
// are all numbers and whose equity is positive, with no trade list kept: the order is skipped
// where on_change and the target is the last one, or where it is worth nothing or less than
// min_trade_value (counted in `small`). Updates shares, marks and last targets.
[[nodiscard]] Fills FillWhole(std::size_t n, const double* target, const double* fill, double nav,
                              bool on_change, const FillCosts& costs, double* shares, double* mark,
                              double* last_target);

struct Marks {
  double equity = 0, gross = 0;  // Σ value (the net exposure too), Σ |value| over the positions
};

// Marks every asset at close[i] where it is a number and sums the positions' values; `holdings`
// (optional) gets each held position's value.
[[nodiscard]] Marks MarkAt(std::size_t n, const double* close, double* mark, const double* shares,
                           double* holdings);

}  // namespace finml::backtest::lanes
