#include <gtest/gtest.h>

#include "finml/backtest/strategy.hpp"
#include "finml/core/error.hpp"
#include "finml/features/indicators.hpp"
#include "panel_util.hpp"

namespace finml::backtest {
namespace {

using finml::testing::MakePanel;

BacktestConfig With(const std::string& kind) {
  BacktestConfig c;
  c.strategy.name = kind;
  return c;
}

Panel Scores(const std::vector<std::vector<double>>& by_row) {
  Panel p(by_row.size(), by_row.front().size());
  for (std::size_t t = 0; t < by_row.size(); ++t)
    for (std::size_t i = 0; i < by_row[t].size(); ++i) p.at(t, i) = by_row[t][i];
  return p;
}

TEST(Strategy, ThresholdLongFlatShort) {
  auto prices = MakePanel({{1, 1, 1, 1}});
  Panel s = Scores({{0.5}, {-0.5}, {0.0}, {std::nan("")}});
  auto c = With("threshold");
  auto plan = PlanTargets(c, prices, &s);
  EXPECT_EQ(plan.weight.at(0, 0), 1.0);
  EXPECT_EQ(plan.weight.at(1, 0), 0.0);
  EXPECT_EQ(plan.weight.at(2, 0), 0.0);  // not strictly above the threshold
  EXPECT_TRUE(std::isnan(plan.weight.at(3, 0)));
  c.strategy.short_below = -0.1;
  plan = PlanTargets(c, prices, &s);
  EXPECT_EQ(plan.weight.at(1, 0), -1.0);
}

TEST(Strategy, TopKHoldsTheBestKEqually) {
  auto prices = MakePanel({{1, 1}, {1, 1}, {1, 1}, {1, 1}});
  Panel s = Scores({{0.1, 0.4, 0.3, std::nan("")}, {0.5, 0.1, 0.2, 0.3}});
  auto c = With("topk");
  c.strategy.top_k = 2;
  auto plan = PlanTargets(c, prices, &s);
  EXPECT_EQ(plan.weight.at(0, 0), 0.0);
  EXPECT_EQ(plan.weight.at(0, 1), 0.5);
  EXPECT_EQ(plan.weight.at(0, 2), 0.5);
  EXPECT_EQ(plan.weight.at(0, 3), 0.0);
  EXPECT_EQ(plan.weight.at(1, 0), 0.5);
  EXPECT_EQ(plan.weight.at(1, 3), 0.5);
}

TEST(Strategy, TopKDropoutReplacesAtMostNDropPerDate) {
  auto prices = MakePanel({{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}});
  // Day 0 fills the book with the top 2; on day 1 the ranking flips completely, yet with
  // n_drop = 1 only the worst holding (A1) is swapped for the best newcomer (A3); day 2 swaps
  // again.
  Panel s =
      Scores({{0.9, 0.8, 0.1, 0.0, 0.0}, {0.1, 0.0, 0.7, 0.9, 0.8}, {0.1, 0.0, 0.7, 0.9, 0.8}});
  auto c = With("topk_dropout");
  c.strategy.top_k = 2;
  c.strategy.n_drop = 1;
  auto plan = PlanTargets(c, prices, &s);
  auto held = [&](std::size_t t) {
    std::vector<std::size_t> h;
    for (std::size_t i = 0; i < 5; ++i)
      if (plan.weight.at(t, i) > 0) h.push_back(i);
    return h;
  };
  EXPECT_EQ(held(0), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(held(1), (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(held(2), (std::vector<std::size_t>{3, 4}));
  EXPECT_EQ(plan.weight.at(2, 3), 0.5);
}

TEST(Strategy, LongShortIsDollarNeutralWithUnitGross) {
  auto prices = MakePanel({{1}, {1}, {1}, {1}});
  Panel s = Scores({{0.3, -0.1, 0.2, 0.0}});
  auto plan = PlanTargets(With("long_short"), prices, &s);
  double net = 0, gross = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    net += plan.weight.at(0, i);
    gross += std::abs(plan.weight.at(0, i));
  }
  EXPECT_NEAR(net, 0, 1e-15);
  EXPECT_NEAR(gross, 1, 1e-15);
  EXPECT_GT(plan.weight.at(0, 0), plan.weight.at(0, 2));
  EXPECT_LT(plan.weight.at(0, 1), 0);
}

TEST(Strategy, SmaCrossIsLongOnlyWhileFastIsAboveSlow) {
  std::vector<double> close = {10, 10, 10, 11, 12, 13, 12, 10, 8, 7};
  auto prices = MakePanel({close});
  auto c = With("sma_cross");
  c.strategy.fast = 2;
  c.strategy.slow = 4;
  auto plan = PlanTargets(c, prices, nullptr);
  EXPECT_TRUE(std::isnan(plan.weight.at(2, 0)));  // slow SMA not defined yet
  EXPECT_EQ(plan.weight.at(3, 0), 1.0);           // (10+11)/2 > 41/4
  EXPECT_EQ(plan.weight.at(8, 0), 0.0);
}

TEST(Strategy, SmaCrossHoldsNothingWhereTheTwoMeansAreEqual) {
  // Flat prices: every mean is the price itself, yet 20 and 50 of them summed give different
  // last bits for some prices (8.226 against 8.225999999999997). Equal is neither side.
  std::size_t differing_bits = 0;
  for (double price : {8.226, 0.1, 1.1, 33.33, 101.07, 0.07, 19.99}) {
    SCOPED_TRACE(price);
    auto prices = MakePanel({std::vector<double>(80, price)});
    auto c = With("sma_cross");
    c.strategy.fast = 20;
    c.strategy.slow = 50;
    c.strategy.allow_short = true;
    const auto fast = features::Sma(std::vector<double>(80, price), 20);
    const auto slow = features::Sma(std::vector<double>(80, price), 50);
    for (std::size_t t = 49; t < 80; ++t) differing_bits += fast[t] != slow[t];
    const auto plan = PlanTargets(c, prices, nullptr);
    for (std::size_t t = 49; t < 80; ++t) {
      EXPECT_EQ(plan.weight.at(t, 0), 0.0) << t;
      EXPECT_EQ(plan.score.at(t, 0), 0.0) << t;
    }
  }
  // The case the rule is for happens among these prices.
  EXPECT_GT(differing_bits, 0u);
}

TEST(Strategy, RsiReversionEntersOversoldAndExitsPastTheExitLevel) {
  std::vector<double> close = {100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 95, 99, 103, 107, 111};
  auto prices = MakePanel({close});
  auto c = With("rsi_reversion");
  c.strategy.rsi_period = 3;
  auto plan = PlanTargets(c, prices, nullptr);
  EXPECT_EQ(plan.weight.at(9, 0), 1.0);   // RSI 0 after a run of losses
  EXPECT_EQ(plan.weight.at(14, 0), 0.0);  // recovered
}

TEST(Strategy, LimitsClipWeightsAndScaleLeverage) {
  auto prices = MakePanel({{1}, {1}});
  Panel s = Scores({{0.8, 0.6}});
  auto c = With("weights");
  c.execution.max_weight = 0.7;
  c.execution.max_leverage = 1.0;
  auto plan = PlanTargets(c, prices, &s);
  EXPECT_EQ(plan.clipped, 1u);
  EXPECT_EQ(plan.scaled_rows, 1u);
  EXPECT_NEAR(plan.weight.at(0, 0), 0.7 / 1.3, 1e-15);
  EXPECT_NEAR(plan.weight.at(0, 1), 0.6 / 1.3, 1e-15);
}

TEST(Strategy, SignalStrategiesNeedScores) {
  auto prices = MakePanel({{1, 2}});
  EXPECT_THROW((void)PlanTargets(With("topk"), prices, nullptr), InvalidInput);
}

}  // namespace
}  // namespace finml::backtest
