// The backtester cannot profit from the future: later prices and later signals leave every earlier
// equity value untouched, and a signal that knows tomorrow's return (shifted one day into the
// future) earns nothing when it trades at the next bar, while the look-ahead alarm goes off.
#include <gtest/gtest.h>

#include <random>

#include "finml/backtest/backtest.hpp"
#include "panel_util.hpp"

namespace finml::backtest {
namespace {

using finml::testing::MakePanel;
using finml::testing::RandomWalks;

Panel RandomScores(std::size_t rows, std::size_t cols, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z;
  Panel p(rows, cols);
  for (double& x : p.values) x = z(rng);
  return p;
}

TEST(Lookahead, LaterSignalsAndPricesNeverChangeEarlierEquity) {
  const std::size_t days = 300, cut = 150;
  auto walks = RandomWalks(6, days, 11);
  auto prices = MakePanel(walks);
  BacktestConfig config;
  config.strategy.name = "long_short";
  SignalPanel signals;
  signals.score = RandomScores(days, 6, 3);
  auto base = RunBacktest(prices, &signals, config);

  // New scores from `cut` on, and every price after `cut` scrambled.
  SignalPanel other = signals;
  auto fresh = RandomScores(days, 6, 99);
  for (std::size_t t = cut; t < days; ++t)
    for (std::size_t i = 0; i < 6; ++i) other.score.at(t, i) = fresh.at(t, i);
  auto shuffled_walks = walks;
  std::mt19937_64 rng(5);
  for (auto& w : shuffled_walks) std::shuffle(w.begin() + cut + 1, w.end(), rng);
  auto changed = RunBacktest(MakePanel(shuffled_walks), &other, config);

  // Equity through the close of `cut` rests on decisions up to cut-1 and prices up to cut.
  for (std::size_t t = 0; t <= cut; ++t)
    ASSERT_EQ(base.engine.equity[t], changed.engine.equity[t]) << t;
  EXPECT_NE(base.engine.equity.back(), changed.engine.equity.back());  // the change was real
}

TEST(Lookahead, ASignalShiftedIntoTheFutureCannotBeUsedAndIsFlagged) {
  const std::size_t days = 2000;
  auto walk = RandomWalks(1, days, 21)[0];
  auto prices = MakePanel({walk});
  // The perfect foresight of tomorrow's return, dated today: a signal shifted one day forward.
  SignalPanel cheat;
  cheat.score = Panel(days, 1);
  for (std::size_t t = 0; t + 1 < days; ++t) cheat.score.at(t, 0) = walk[t + 1] / walk[t] - 1;
  BacktestConfig config;
  config.strategy.short_below = 0.0;  // long above 0, short below
  config.execution.cost_bps = 0;
  auto r = RunBacktest(prices, &cheat, config);

  // Traded at the same close it would earn about |r| = 0.8% a day; filled at the next bar it
  // holds an unrelated day's return.
  double same_bar = 0;
  for (std::size_t t = 0; t + 1 < days; ++t) same_bar += std::abs(cheat.score.at(t, 0));
  same_bar /= days - 1;
  const double earned = std::pow(1 + r.performance.total_return, 1.0 / r.performance.periods) - 1;
  EXPECT_GT(same_bar, 0.006);
  EXPECT_LT(std::abs(earned), 0.001);  // 4.5 standard errors at 1% daily volatility
  EXPECT_TRUE(r.signal.lookahead_suspected);
  EXPECT_GT(r.signal.next_bar_rank_ic, 0.99);
  EXPECT_LT(std::abs(r.signal.rank_ic), 0.1);
  bool warned = false;
  for (const auto& w : r.warnings) warned |= w.find("possible look-ahead") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(Lookahead, AnHonestSignalRaisesNoAlarm) {
  const std::size_t days = 2000;
  auto walk = RandomWalks(1, days, 21)[0];
  auto prices = MakePanel({walk});
  SignalPanel momentum;  // yesterday's return: known at today's close
  momentum.score = Panel(days, 1);
  for (std::size_t t = 1; t < days; ++t) momentum.score.at(t, 0) = walk[t] / walk[t - 1] - 1;
  auto r = RunBacktest(prices, &momentum, BacktestConfig{});
  EXPECT_FALSE(r.signal.lookahead_suspected);
}

}  // namespace
}  // namespace finml::backtest
