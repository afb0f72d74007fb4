// The engine's bar against the plain loops it was before its sums were split into lanes
// (src/backtest/engine.cpp, SumInLanes, and the four-asset passes of asset_lanes.cpp): the
// reference below is that code, kept verbatim. Both
// run the same decisions over panels with halts, gaps in the targets, slippage, minimum fees and
// trade sizes; the lanes change only the order of additions, so every figure agrees within
// 1e-12 relative and every count and trade is the same.
#include <gtest/gtest.h>

#include <random>

#include "finml/backtest/engine.hpp"
#include "panel_util.hpp"

namespace finml::backtest {
namespace {

bool HasAny(const double* row, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(row[i])) return true;
  return false;
}

class ReferenceBook {
 public:
  ReferenceBook(const PricePanel& prices, const ExecutionConfig& execution, Rebalance rebalance)
      : prices_(&prices),
        execution_(execution),
        rebalance_(rebalance),
        at_open_(execution.fill == FillPrice::kNextOpen),
        cash_(execution.initial_capital),
        shares_(prices.assets(), 0.0),
        mark_(prices.assets(), std::nan("")),
        last_target_(prices.assets(), std::nan("")),
        halted_by_asset_(prices.assets(), 0) {}
  Book::Bar Advance(std::size_t t, const double* target, std::vector<Trade>* trades,
                    double* holdings);

  const PricePanel* prices_;
  ExecutionConfig execution_;
  Rebalance rebalance_;
  bool at_open_;
  double cash_;
  std::vector<double> shares_, mark_, last_target_;
  std::vector<std::size_t> halted_by_asset_;
  std::size_t orders_ = 0, halted_orders_ = 0, small_orders_skipped_ = 0;
};

Book::Bar ReferenceBook::Advance(std::size_t t, const double* target, std::vector<Trade>* trades,
                                 double* holdings) {
  const std::size_t n = shares_.size();
  const PricePanel& prices = *prices_;
  const double* fill_price = at_open_ ? prices.open.row(t) : prices.close.row(t);
  const double cost_rate = execution_.cost_bps * 1e-4;
  const double slip_rate = execution_.slippage_bps * 1e-4;
  Book::Bar bar;
  if (target && HasAny(target, n)) {
    // Equity when the orders go out, valuing each holding at its fill price where it trades.
    double nav = cash_;
    for (std::size_t i = 0; i < n; ++i) {
      if (shares_[i] == 0) continue;
      nav += shares_[i] * (std::isnan(fill_price[i]) ? mark_[i] : fill_price[i]);
    }
    double traded = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double w = target[i];
      if (std::isnan(w)) continue;
      if (rebalance_ == Rebalance::kOnChange && w == last_target_[i]) continue;
      const double px = fill_price[i];
      if (std::isnan(px)) {
        // Halted or not listed: the order waits for the next decision that still wants it.
        if (shares_[i] != 0 || w != 0) {
          ++halted_orders_;
          ++halted_by_asset_[i];
        } else {
          last_target_[i] = w;
        }
        continue;
      }
      last_target_[i] = w;
      // A ruined book (equity <= 0) opens nothing more; it may still close what it holds.
      const double desired = nav > 0 ? w * nav / px : 0.0;
      const double quantity = desired - shares_[i];
      const double quoted_value = std::abs(quantity) * px;
      if (quoted_value <= 1e-12 * std::abs(nav)) continue;
      ++orders_;
      if (quoted_value < execution_.min_trade_value) {
        ++small_orders_skipped_;
        continue;
      }
      const double price = px * (1.0 + (quantity > 0 ? slip_rate : -slip_rate));
      const double value = std::abs(quantity) * price;
      const double fee = std::max(execution_.min_fee, cost_rate * value);
      const double slip_cost = std::abs(quantity) * px * slip_rate;
      cash_ -= quantity * price + fee;
      shares_[i] += quantity;
      mark_[i] = px;
      traded += value;
      bar.fees += fee;
      bar.slippage += slip_cost;
      if (trades) trades->push_back({t, i, quantity, price, value, fee, slip_cost});
    }
    bar.turnover = nav > 0 ? traded / nav : 0.0;
  }
  const double* close = prices.close.row(t);
  double equity = cash_, gross = 0, net = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(close[i])) mark_[i] = close[i];
    if (shares_[i] == 0) continue;
    const double value = shares_[i] * mark_[i];
    if (holdings) holdings[i] = value;
    equity += value;
    gross += std::abs(value);
    net += value;
  }
  bar.equity = equity;
  bar.cash = cash_;
  bar.gross_exposure = equity > 0 ? gross / equity : 0.0;
  bar.net_exposure = equity > 0 ? net / equity : 0.0;
  if (holdings)
    for (std::size_t i = 0; i < n; ++i) holdings[i] = equity > 0 ? holdings[i] / equity : 0.0;
  return bar;
}

struct Case {
  const char* name;
  ExecutionConfig execution;
  Rebalance rebalance;
};

void ExpectClose(double got, double want, const char* what, std::size_t t) {
  EXPECT_NEAR(got, want, 1e-12 * std::max(1.0, std::abs(want))) << what << " at bar " << t;
}

// `whole`: every price and every target a number and no trade list, the bars the book trades
// four assets at a time (src/backtest/asset_lanes.cpp); otherwise halts, gaps and a trade list
// send every fill asset by asset.
void RunBoth(const Case& c, std::size_t assets, unsigned seed, bool whole = false) {
  SCOPED_TRACE(c.name);
  SCOPED_TRACE(whole ? "whole bars" : "halts and gaps");
  const std::size_t days = 60;
  auto closes = testing::RandomWalks(assets, days, seed, 0.02);
  auto opens = testing::RandomWalks(assets, days, seed + 1, 0.02);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  for (std::size_t i = 0; i < assets; ++i)
    for (std::size_t t = 0; t < days; ++t) {
      if (whole) continue;
      if (u(rng) < 0.03) closes[i][t] = std::nan("");  // halts and unlisted days
      if (u(rng) < 0.03) opens[i][t] = std::nan("");
    }
  const PricePanel prices = testing::MakePanel(closes, opens);
  Panel targets(days, assets);
  for (std::size_t t = 0; t < days; ++t)
    for (std::size_t i = 0; i < assets; ++i) {
      const double r = u(rng);
      // Gaps (keep the position), repeats (on-change skips them), exits and fresh weights.
      if (!whole && t % 7 == 3) continue;
      if (!whole && r < 0.1) continue;
      if (r < 0.2 && t > 0)
        targets.at(t, i) = targets.at(t - 1, i);
      else if (r < 0.25)
        targets.at(t, i) = 0;
      else
        targets.at(t, i) = (u(rng) - 0.5) * 4.0 / static_cast<double>(assets);
    }
  Book book(prices, c.execution, c.rebalance);
  ReferenceBook reference(prices, c.execution, c.rebalance);
  std::vector<Trade> trades, reference_trades;
  std::vector<double> holdings(assets, 0.0), reference_holdings(assets, 0.0);
  for (std::size_t t = 1; t < days; ++t) {
    const double* target = t % 11 == 5 ? nullptr : targets.row(t - 1);
    const Book::Bar a = book.Advance(t, target, whole ? nullptr : &trades, holdings.data());
    const Book::Bar b = reference.Advance(t, target, whole ? nullptr : &reference_trades,
                                          reference_holdings.data());
    ExpectClose(a.equity, b.equity, "equity", t);
    ExpectClose(a.cash, b.cash, "cash", t);
    ExpectClose(a.gross_exposure, b.gross_exposure, "gross exposure", t);
    ExpectClose(a.net_exposure, b.net_exposure, "net exposure", t);
    ExpectClose(a.turnover, b.turnover, "turnover", t);
    ExpectClose(a.fees, b.fees, "fees", t);
    ExpectClose(a.slippage, b.slippage, "slippage", t);
    for (std::size_t i = 0; i < assets; ++i)
      ExpectClose(holdings[i], reference_holdings[i], "holding", t);
  }
  EXPECT_EQ(book.Orders(), reference.orders_);
  EXPECT_GT(book.Orders(), 0u);
  EXPECT_EQ(book.HaltedOrders(), reference.halted_orders_);
  EXPECT_EQ(book.HaltedByAsset(), reference.halted_by_asset_);
  EXPECT_EQ(book.SmallOrdersSkipped(), reference.small_orders_skipped_);
  ASSERT_EQ(trades.size(), reference_trades.size());
  for (std::size_t k = 0; k < trades.size(); ++k) {
    EXPECT_EQ(trades[k].row, reference_trades[k].row);
    EXPECT_EQ(trades[k].asset, reference_trades[k].asset);
    ExpectClose(trades[k].quantity, reference_trades[k].quantity, "quantity", trades[k].row);
    ExpectClose(trades[k].fee, reference_trades[k].fee, "fee", trades[k].row);
  }
  for (std::size_t i = 0; i < assets; ++i)
    ExpectClose(book.Shares()[i], reference.shares_[i], "shares", days);
}

TEST(EngineReference, LanesAgreeWithThePlainLoopsWithin1e12) {
  ExecutionConfig plain;
  plain.cost_bps = 5;
  ExecutionConfig rough = plain;
  rough.slippage_bps = 7;
  rough.min_fee = 1.5;
  rough.min_trade_value = 800;  // some orders fall below it
  rough.fill = FillPrice::kNextOpen;
  const Case cases[] = {{"close fills, always", plain, Rebalance::kAlways},
                        {"close fills, on change", plain, Rebalance::kOnChange},
                        {"open fills, slippage, minimum fee and size", rough, Rebalance::kAlways},
                        {"open fills, all of it, on change", rough, Rebalance::kOnChange}};
  for (const Case& c : cases)
    for (std::size_t assets : {1u, 3u, 4u, 37u})
      for (const bool whole : {false, true})
        RunBoth(c, assets, 17u + static_cast<unsigned>(assets), whole);
}

}  // namespace
}  // namespace finml::backtest
