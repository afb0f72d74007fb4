#include <gtest/gtest.h>

#include "finml/backtest/engine.hpp"
#include "finml/core/error.hpp"
#include "panel_util.hpp"

namespace finml::backtest {
namespace {

using finml::testing::MakePanel;
const double kNaN = std::nan("");

ExecutionConfig Costs(double bps, double capital = 1000) {
  ExecutionConfig e;
  e.cost_bps = bps;
  e.initial_capital = capital;
  return e;
}

TEST(Engine, DecisionAtCloseFillsAtNextCloseWithCommission) {
  auto prices = MakePanel({{100, 110, 121, 110}});
  Panel w(4, 1);
  w.at(0, 0) = 1.0;  // decided at the close of day 0
  w.at(2, 0) = 0.0;  // sold at the close of day 3
  auto r = Simulate(prices, w, Costs(10), Rebalance::kOnChange);
  ASSERT_EQ(r.first_row, 0u);
  ASSERT_EQ(r.equity.size(), 4u);
  // Day 1: 1000/110 shares bought at 110, fee 10 bps of 1000 = 1.
  const double shares = 1000.0 / 110.0;
  EXPECT_DOUBLE_EQ(r.equity[0], 1000);
  EXPECT_NEAR(r.equity[1], 999, 1e-9);
  EXPECT_NEAR(r.equity[2], shares * 121 - 1, 1e-9);
  // Day 3: sold at 110 for 1000, fee 1.
  EXPECT_NEAR(r.equity[3], 1000 - 1 - 1, 1e-9);
  ASSERT_EQ(r.trades.size(), 2u);
  EXPECT_EQ(r.trades[0].row, 1u);
  EXPECT_NEAR(r.trades[0].quantity, shares, 1e-12);
  EXPECT_NEAR(r.trades[1].quantity, -shares, 1e-12);
  EXPECT_NEAR(r.fees[1] + r.fees[3], 2, 1e-12);
  EXPECT_NEAR(r.turnover[1], 1.0, 1e-12);
  EXPECT_NEAR(r.gross_exposure[2], shares * 121 / (shares * 121 - 1), 1e-12);
}

TEST(Engine, OpenFillsUseTheNextOpenAndMarkAtTheClose) {
  auto prices = MakePanel({{100, 110, 120}}, {{99, 105, 118}});
  Panel w(3, 1);
  w.at(0, 0) = 1.0;
  ExecutionConfig e = Costs(0);
  e.fill = FillPrice::kNextOpen;
  auto r = Simulate(prices, w, e, Rebalance::kOnChange);
  // Bought at day 1's open (105), not day 0's close (100) nor day 1's close (110).
  EXPECT_NEAR(r.trades.at(0).price, 105, 1e-12);
  EXPECT_NEAR(r.equity[1], 1000.0 / 105 * 110, 1e-9);
  EXPECT_NEAR(r.equity[2], 1000.0 / 105 * 120, 1e-9);
}

TEST(Engine, SlippageAndMinimumFee) {
  auto prices = MakePanel({{100, 100, 100}});
  Panel w(3, 1);
  w.at(0, 0) = 0.5;
  w.at(1, 0) = 0.0;
  ExecutionConfig e = Costs(1);  // 1 bp of ~500 = 0.05, below the minimum fee
  e.min_fee = 2;
  e.slippage_bps = 10;
  auto r = Simulate(prices, w, e, Rebalance::kOnChange);
  ASSERT_EQ(r.trades.size(), 2u);
  const double qty = 500.0 / 100;  // sized at the quote
  EXPECT_NEAR(r.trades[0].price, 100.1, 1e-12);
  EXPECT_NEAR(r.trades[0].fee, 2, 1e-12);
  EXPECT_NEAR(r.trades[0].slippage, qty * 0.1, 1e-12);
  EXPECT_NEAR(r.equity[1], 1000 - qty * 0.1 - 2, 1e-9);
  EXPECT_NEAR(r.trades[1].price, 99.9, 1e-12);
  EXPECT_NEAR(r.equity[2], 1000 - 2 * qty * 0.1 - 4, 1e-9);
}

TEST(Engine, MinTradeValueSkipsSmallOrders) {
  auto prices = MakePanel({{100, 100, 100}});
  Panel w(3, 1);
  w.at(0, 0) = 0.001;  // 1 currency unit
  ExecutionConfig e = Costs(0);
  e.min_trade_value = 5;
  auto r = Simulate(prices, w, e, Rebalance::kOnChange);
  EXPECT_TRUE(r.trades.empty());
  EXPECT_EQ(r.small_orders_skipped, 1u);
}

TEST(Engine, HaltedSymbolWaitsAndIsReported) {
  auto prices = MakePanel({{100, kNaN, kNaN, 100, 100}, {50, 50, 50, 50, 50}});
  Panel w(5, 2);
  for (std::size_t t = 0; t < 4; ++t) {
    w.at(t, 0) = 0.5;
    w.at(t, 1) = 0.5;
  }
  auto r = Simulate(prices, w, Costs(0), Rebalance::kOnChange);
  EXPECT_EQ(r.halted_orders, 2u);  // day 1 and day 2 found no price for A0
  EXPECT_EQ(r.halted_by_asset[0], 2u);
  ASSERT_EQ(r.trades.size(), 2u);
  EXPECT_EQ(r.trades[0].asset, 1u);  // A1 filled on day 1
  EXPECT_EQ(r.trades[1].asset, 0u);  // A0 filled once it traded again, on day 3
  EXPECT_EQ(r.trades[1].row, 3u);
}

TEST(Engine, HoldingsAreMarkedAtTheLastPriceThroughAHalt) {
  auto prices = MakePanel({{100, 100, kNaN, 120}});
  Panel w(4, 1);
  w.at(0, 0) = 1.0;
  auto r = Simulate(prices, w, Costs(0), Rebalance::kOnChange);
  EXPECT_NEAR(r.equity[2], 1000, 1e-9);
  EXPECT_NEAR(r.equity[3], 1200, 1e-9);
}

TEST(Engine, AlwaysRebalanceRestoresWeightsOnChangeLetsThemDrift) {
  auto prices = MakePanel({{100, 100, 200, 200}, {100, 100, 100, 100}});
  Panel w(4, 2);
  for (std::size_t t = 0; t < 3; ++t) w.at(t, 0) = w.at(t, 1) = 0.5;
  auto drift = Simulate(prices, w, Costs(0), Rebalance::kOnChange);
  auto always = Simulate(prices, w, Costs(0), Rebalance::kAlways);
  EXPECT_EQ(drift.trades.size(), 2u);
  EXPECT_EQ(always.trades.size(), 4u);  // day 3 restores 50/50 after A0 doubled
  // Equity 1500 at day 2; 750 in each: A0 sells 5 - 750/200 = 1.25, A1 buys 2.5.
  EXPECT_NEAR(always.trades[2].quantity, -1.25, 1e-12);
  EXPECT_NEAR(always.trades[3].quantity, 2.5, 1e-12);
}

// Restoring weights at every close: an independent recursion (equity carried in shares that drift
// with prices, each day re-sized to w x equity, 10 bps on the traded value) gives the same equity,
// a halted day in the middle included.
TEST(Engine, AlwaysRebalanceMatchesAnIndependentRecursion) {
  auto walks = finml::testing::RandomWalks(3, 60, 5);
  walks[1][30] = kNaN;  // a halt: that asset's order waits a day
  const auto prices = MakePanel(walks);
  Panel w(60, 3);
  for (std::size_t t = 0; t < 60; ++t) {
    w.at(t, 0) = 0.5;
    w.at(t, 1) = -0.2;
    w.at(t, 2) = t % 2 ? 0.3 : 0.6;
  }
  auto r = Simulate(prices, w, Costs(10, 1e6), Rebalance::kAlways, false);
  double cash = 1e6;
  std::vector<double> shares(3, 0.0), mark(3, 0.0);
  for (std::size_t t = 1; t < 60; ++t) {
    for (std::size_t i = 0; i < 3; ++i)
      if (!std::isnan(walks[i][t])) mark[i] = walks[i][t];
    double nav = cash;
    for (std::size_t i = 0; i < 3; ++i) nav += shares[i] * mark[i];
    for (std::size_t i = 0; i < 3; ++i) {
      if (std::isnan(walks[i][t])) continue;  // halted: the order waits
      const double q = w.at(t - 1, i) * nav / walks[i][t] - shares[i];
      cash -= q * walks[i][t] + 1e-3 * std::abs(q) * walks[i][t];
      shares[i] += q;
    }
    double equity = cash;
    for (std::size_t i = 0; i < 3; ++i) equity += shares[i] * mark[i];
    ASSERT_NEAR(r.equity[t], equity, 1e-6) << t;
  }
  EXPECT_EQ(r.halted_orders, 1u);
}

TEST(Engine, ShortPositionGainsWhenThePriceFalls) {
  auto prices = MakePanel({{100, 100, 80}});
  Panel w(3, 1);
  w.at(0, 0) = -1.0;
  auto r = Simulate(prices, w, Costs(0), Rebalance::kOnChange);
  EXPECT_NEAR(r.equity[2], 1200, 1e-9);
  EXPECT_NEAR(r.net_exposure[2], -800.0 / 1200, 1e-12);
}

TEST(Engine, ErrorsWhenNothingIsDecidedOrOnlyOnTheLastBar) {
  auto prices = MakePanel({{100, 101, 102}});
  Panel none(3, 1);
  EXPECT_THROW((void)Simulate(prices, none, Costs(0), Rebalance::kOnChange), InvalidInput);
  Panel last(3, 1);
  last.at(2, 0) = 1;
  EXPECT_THROW((void)Simulate(prices, last, Costs(0), Rebalance::kOnChange), InvalidInput);
  ExecutionConfig open = Costs(0);
  open.fill = FillPrice::kNextOpen;
  Panel w(3, 1);
  w.at(0, 0) = 1;
  EXPECT_THROW((void)Simulate(prices, w, open, Rebalance::kOnChange), InvalidInput);
}

TEST(Engine, BuyAndHoldStartsAtTheFirstFill) {
  auto prices = MakePanel({{100, 110, 121}, {10, 10, 20}});
  auto b = BuyAndHold(prices, 0, FillPrice::kNextClose, {0, 1}, 1000);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_DOUBLE_EQ(b[0], 1000);
  EXPECT_NEAR(b[1], 1000, 1e-9);
  EXPECT_NEAR(b[2], 500 * 1.1 + 500 * 2, 1e-9);
}

}  // namespace
}  // namespace finml::backtest
