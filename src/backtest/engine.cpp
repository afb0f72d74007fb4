#include "finml/backtest/engine.hpp"

#include <algorithm>

#include "backtest/asset_lanes.hpp"
#include "finml/core/error.hpp"

// The per-asset bodies below are lambdas the summing loop calls; GCC left the largest one out of
// line, returning its four sums through memory on every asset.
#if defined(__GNUC__)
#define FINML_INLINE __attribute__((always_inline))
#else
#define FINML_INLINE
#endif

namespace finml::backtest {
namespace {

bool HasAny(const double* row, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(row[i])) return true;
  return false;
}

}  // namespace

PricePanel MakePricePanel(const data::MarketData& market, data::Field field) {
  PricePanel p;
  p.source = market.source;
  p.symbols = market.Symbols();
  p.time = market.time;
  p.time_label = market.time_label;
  p.calendar = market.calendar;
  const std::size_t t_count = market.rows(), n = market.assets.size();
  p.close = Panel(t_count, n);
  const bool with_open = std::all_of(market.assets.begin(), market.assets.end(),
                                     [](const data::Bars& b) { return b.Has(data::Field::kOpen); });
  if (with_open) p.open = Panel(t_count, n);
  for (std::size_t i = 0; i < n; ++i) {
    const data::Bars& bars = market.assets[i];
    FINML_REQUIRE(bars.Has(field), "{}: symbol '{}' has no '{}' prices to trade at", market.source,
                  bars.symbol, EnumName(field));
    const auto& price = bars.Get(field);
    for (std::size_t t = 0; t < t_count; ++t) {
      p.close.at(t, i) = price[t];
      if (!with_open) continue;
      // Adjusted closes come with unadjusted opens: scale them by the day's adjustment factor.
      const double factor = field == data::Field::kClose ? 1.0 : price[t] / bars.close[t];
      p.open.at(t, i) = bars.open[t] * factor;
    }
  }
  return p;
}

Book::Book(const PricePanel& prices, const ExecutionConfig& execution, Rebalance rebalance)
    : prices_(&prices),
      execution_(execution),
      rebalance_(rebalance),
      at_open_(execution.fill == FillPrice::kNextOpen),
      cash_(execution.initial_capital),
      shares_(prices.assets(), 0.0),
      mark_(prices.assets(), std::nan("")),
      last_target_(prices.assets(), std::nan("")),
      halted_by_asset_(prices.assets(), 0) {
  FINML_REQUIRE(!at_open_ || prices.open.rows == prices.rows(),
                "{}: fill 'open' needs opening prices, and this data has closes only (fix: use "
                "fill 'close', or supply OHLC data)",
                prices.source);
}

double Book::Equity() const {
  double equity = cash_;
  for (std::size_t i = 0; i < shares_.size(); ++i)
    if (shares_[i] != 0) equity += shares_[i] * mark_[i];
  return equity;
}

namespace {

// Sums f(i) over i in [0, n) in `Lanes` interleaved partial sums, combined pairwise at the end.
// A sum in one accumulator is a chain of n dependent additions, which held a 5000-asset bar to
// ~3 cycles per asset per sum; the order of additions (and so the last bits) differs from a
// plain loop, within 1e-12 relative of it (tests/backtest/test_engine_reference.cpp). f is
// called in order of i, so its side effects happen as in a plain loop. Sums of several values
// use fewer lanes, so that every partial sum stays in a register.
template <typename Sums, std::size_t Lanes, typename F>
Sums SumInLanes(std::size_t n, F f) {
  static_assert(Lanes == 2 || Lanes == 4);
  // Named accumulators, not an array: GCC kept an array of them on the stack.
  Sums a{}, b{}, c{}, d{};
  std::size_t i = 0;
  for (; i + Lanes <= n; i += Lanes) {
    a += f(i);
    b += f(i + 1);
    if constexpr (Lanes == 4) {
      c += f(i + 2);
      d += f(i + 3);
    }
  }
  for (; i < n; ++i) a += f(i);
  a += b;
  c += d;
  a += c;
  return a;
}

struct FillSums {
  double cash_out = 0, traded = 0, fees = 0, slippage = 0;
  FillSums& operator+=(const FillSums& o) {
    cash_out += o.cash_out;
    traded += o.traded;
    fees += o.fees;
    slippage += o.slippage;
    return *this;
  }
};

}  // namespace

Book::Bar Book::Advance(std::size_t t, const double* target, std::vector<Trade>* trades,
                        double* holdings) {
  const std::size_t n = shares_.size();
  const PricePanel& prices = *prices_;
  const double* fill_price = at_open_ ? prices.open.row(t) : prices.close.row(t);
  const double cost_rate = execution_.cost_bps * 1e-4;
  const double slip_rate = execution_.slippage_bps * 1e-4;
  double* shares = shares_.data();
  double* mark = mark_.data();
  Bar bar;
  if (target && HasAny(target, n)) {
    // Equity when the orders go out, valuing each holding at its fill price where it trades.
    const lanes::Held held = lanes::HeldValue(n, shares, fill_price, mark, target);
    const double nav = cash_ + held.value;
    // Locals, not members, inside the loop: a member counter bumped per asset is a chain of
    // stores and reloads, and the optional trade list's push_back could change any member.
    const bool on_change = rebalance_ == Rebalance::kOnChange;
    const double min_fee = execution_.min_fee, min_trade_value = execution_.min_trade_value;
    double* last_target = last_target_.data();
    std::size_t orders = 0, halted = 0, small = 0;
    // A bar where every target and fill price is a number, with no trade list to keep, trades
    // four assets at a time; any other bar asset by asset.
    const bool whole = !trades && nav > 0 && held.all_numbers;
    FillSums fills;
    if (whole) {
      const lanes::Fills f = lanes::FillWhole(n, target, fill_price, nav, on_change,
                                              {cost_rate, slip_rate, min_fee, min_trade_value},
                                              shares, mark, last_target);
      fills = {f.cash_out, f.traded, f.fees, f.slippage};
      orders = f.orders;
      small = f.small;
    } else {
      fills = SumInLanes<FillSums, 2>(n, [&](std::size_t i) FINML_INLINE -> FillSums {
        const double w = target[i];
        if (std::isnan(w)) return {};
        if (on_change && w == last_target[i]) return {};
        const double px = fill_price[i];
        if (std::isnan(px)) {
          // Halted or not listed: the order waits for a later decision that wants it.
          if (shares[i] != 0 || w != 0) {
            ++halted;
            ++halted_by_asset_[i];
          } else {
            last_target[i] = w;
          }
          return {};
        }
        last_target[i] = w;
        // A ruined book (equity <= 0) opens nothing more; it may still close positions.
        const double desired = nav > 0 ? w * nav / px : 0.0;
        const double quantity = desired - shares[i];
        const double size = std::abs(quantity);
        const double quoted_value = size * px;
        if (quoted_value <= 1e-12 * std::abs(nav)) return {};
        ++orders;
        if (quoted_value < min_trade_value) {
          ++small;
          return {};
        }
        // copysign, not a branch on the side: a rebalance's sides are a coin toss.
        const double price = px * (1.0 + std::copysign(slip_rate, quantity));
        const double value = size * price;
        const double fee = std::max(min_fee, cost_rate * value);
        const double slip_cost = size * px * slip_rate;
        shares[i] += quantity;
        mark[i] = px;
        if (trades) trades->push_back({t, i, quantity, price, value, fee, slip_cost});
        return {quantity * price + fee, value, fee, slip_cost};
      });
    }
    orders_ += orders;
    halted_orders_ += halted;
    small_orders_skipped_ += small;
    cash_ -= fills.cash_out;
    bar.fees = fills.fees;
    bar.slippage = fills.slippage;
    bar.turnover = nav > 0 ? fills.traded / nav : 0.0;
  }
  const double* close = prices.close.row(t);
  const lanes::Marks marked = lanes::MarkAt(n, close, mark, shares, holdings);
  const double equity = cash_ + marked.equity;
  bar.equity = equity;
  bar.cash = cash_;
  bar.gross_exposure = equity > 0 ? marked.gross / equity : 0.0;
  bar.net_exposure = equity > 0 ? marked.equity / equity : 0.0;
  if (holdings)
    for (std::size_t i = 0; i < n; ++i) holdings[i] = equity > 0 ? holdings[i] / equity : 0.0;
  return bar;
}

EngineResult Simulate(const PricePanel& prices, const Panel& targets,
                      const ExecutionConfig& execution, Rebalance rebalance, bool record_trades) {
  const std::size_t t_count = prices.rows(), n = prices.assets();
  if (targets.rows != t_count || targets.cols != n)
    throw InternalError("Simulate: target and price panels differ in shape");
  Book book(prices, execution, rebalance);
  std::size_t first = 0;
  while (first < t_count && !HasAny(targets.row(first), n)) ++first;
  FINML_REQUIRE(
      first < t_count,
      "the strategy never decided a position: no bar has a target weight (fix: check that "
      "the signals' dates fall inside the price data, and that rule strategies have "
      "enough history to warm up)");
  FINML_REQUIRE(first + 1 < t_count,
                "the first decision is on the last bar ({}), so there is no later bar to fill it "
                "at (fix: supply prices after the first signal date)",
                prices.time_label[first]);

  EngineResult r;
  r.first_row = first;
  const std::size_t steps = t_count - first;
  for (auto* v :
       {&r.equity, &r.cash, &r.gross_exposure, &r.net_exposure, &r.turnover, &r.fees, &r.slippage})
    v->assign(steps, 0.0);
  if (steps * n <= EngineResult::kMaxHoldingsCells) r.holdings = Panel(steps, n, 0.0);
  r.equity[0] = r.cash[0] = execution.initial_capital;

  for (std::size_t t = first + 1; t < t_count; ++t) {
    const std::size_t k = t - first;
    const Book::Bar bar = book.Advance(t, targets.row(t - 1), record_trades ? &r.trades : nullptr,
                                       r.holdings.rows ? &r.holdings.at(k, 0) : nullptr);
    r.equity[k] = bar.equity;
    r.cash[k] = bar.cash;
    r.gross_exposure[k] = bar.gross_exposure;
    r.net_exposure[k] = bar.net_exposure;
    r.turnover[k] = bar.turnover;
    r.fees[k] = bar.fees;
    r.slippage[k] = bar.slippage;
  }
  r.orders = book.Orders();
  r.halted_orders = book.HaltedOrders();
  r.halted_by_asset = book.HaltedByAsset();
  r.small_orders_skipped = book.SmallOrdersSkipped();
  return r;
}

std::vector<double> BuyAndHold(const PricePanel& prices, std::size_t first_row, FillPrice fill,
                               const std::vector<std::size_t>& assets, double capital) {
  const std::size_t t_count = prices.rows();
  std::vector<double> equity(t_count - first_row, capital);
  if (first_row + 1 >= t_count) return equity;
  const Panel& fill_panel = fill == FillPrice::kNextOpen ? prices.open : prices.close;
  std::vector<std::size_t> held;
  for (std::size_t i : assets)
    if (!std::isnan(fill_panel.at(first_row + 1, i))) held.push_back(i);
  FINML_REQUIRE(!held.empty(), "the benchmark has no price on {} to buy at",
                prices.time_label[first_row + 1]);
  std::vector<double> shares(held.size()), mark(held.size());
  for (std::size_t j = 0; j < held.size(); ++j) {
    mark[j] = fill_panel.at(first_row + 1, held[j]);
    shares[j] = capital / static_cast<double>(held.size()) / mark[j];
  }
  for (std::size_t t = first_row + 1; t < t_count; ++t) {
    double value = 0;
    for (std::size_t j = 0; j < held.size(); ++j) {
      const double c = prices.close.at(t, held[j]);
      if (!std::isnan(c)) mark[j] = c;
      value += shares[j] * mark[j];
    }
    equity[t - first_row] = value;
  }
  return equity;
}

}  // namespace finml::backtest
