#include <gtest/gtest.h>

#include <cmath>

#include "finml/backtest/analytics.hpp"
#include "finml/backtest/backtest.hpp"
#include "finml/backtest/performance.hpp"
#include "finml/backtest/signals.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "panel_util.hpp"
#include "test_util.hpp"

namespace finml::backtest {
namespace {

std::vector<data::Timestamp> BusinessDays(std::size_t n, data::CivilDate from) {
  std::vector<data::Timestamp> t;
  for (std::int64_t day = data::DaysFromCivil(from); t.size() < n; ++day)
    if (data::Weekday(day * data::kSecondsPerDay) < 5) t.push_back(day * data::kSecondsPerDay);
  return t;
}

TEST(RollingWindow, ReadsCalendarLengthsAndBars) {
  EXPECT_EQ(RollingWindow::Parse("6M").months, 6);
  EXPECT_EQ(RollingWindow::Parse("1Y").months, 12);
  EXPECT_EQ(RollingWindow::Parse("13W").days, 91);
  EXPECT_EQ(RollingWindow::Parse("126").bars, 126u);
  EXPECT_EQ(RollingWindow::Parse("6M").Describe(), "6 months");
  for (const char* bad : {"", "6m", "M", "-3M", "1.5Y", "1"}) {
    try {
      (void)RollingWindow::Parse(bad);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("rolling_window"), std::string::npos) << e.what();
    }
  }
}

// The Sharpe of each window equals the full formula on that window's returns alone.
TEST(Rolling, BarWindowMatchesTheFullFormulaOnEachWindow) {
  auto walk = finml::testing::RandomWalks(1, 300, 7)[0];
  auto rolling = ComputeRolling(walk, nullptr, {}, RollingWindow::Parse("50"), 252);
  auto r = SimpleReturns(walk);
  std::vector<double> eq = {1};
  for (std::size_t k = 100; k < 150; ++k) eq.push_back(eq.back() * (1 + r[k]));
  const Performance p = ComputePerformance(eq, nullptr, {}, 252, 0);
  EXPECT_NEAR(rolling.sharpe[150], p.sharpe, 1e-9);
  EXPECT_NEAR(rolling.volatility[150], p.annual_volatility, 1e-9);
  EXPECT_TRUE(std::isnan(rolling.sharpe[49]));
  EXPECT_FALSE(std::isnan(rolling.sharpe[50]));
  EXPECT_TRUE(std::isnan(rolling.beta[150]));
}

// Six calendar months back from 2021-08-31 is 2021-02-28: the window holds the returns after the
// last bar on or before it, and the first full window is the first point six months in.
TEST(Rolling, CalendarWindowCoversSixMonths) {
  auto walk = finml::testing::RandomWalks(1, 400, 3)[0];
  const auto time = BusinessDays(walk.size(), {2021, 1, 1});
  auto rolling = ComputeRolling(walk, &walk, time, RollingWindow::Parse("6M"), 252);
  std::size_t first_full = 0;
  while (std::isnan(rolling.sharpe[first_full])) ++first_full;
  EXPECT_EQ(data::FormatTimestamp(time[first_full]), "2021-07-01");
  std::size_t t = 0;
  while (data::FormatTimestamp(time[t]) != "2021-08-31") ++t;
  std::size_t start = 0;
  while (data::FormatTimestamp(time[start + 1]) <= "2021-02-28") ++start;
  auto r = SimpleReturns(walk);
  std::vector<double> eq = {1};
  for (std::size_t k = start; k < t; ++k) eq.push_back(eq.back() * (1 + r[k]));
  EXPECT_NEAR(rolling.sharpe[t], ComputePerformance(eq, nullptr, {}, 252, 0).sharpe, 1e-9);
  EXPECT_NEAR(rolling.beta[t], 1.0, 1e-12);  // against itself
}

TEST(Drawdowns, EpisodesDeepestFirstWithRecovery) {
  const std::vector<double> equity = {100, 90, 95, 101, 80, 85, 102, 70, 75};
  const auto top = TopDrawdowns(equity, 5);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_NEAR(top[0].depth, 70.0 / 102 - 1, 1e-12);
  EXPECT_EQ(top[0].start, 6u);
  EXPECT_EQ(top[0].trough, 7u);
  EXPECT_FALSE(top[0].recovery);
  EXPECT_NEAR(top[1].depth, 80.0 / 101 - 1, 1e-12);
  EXPECT_EQ(top[1].recovery, 6u);
  EXPECT_EQ(top[2].start, 0u);
  EXPECT_EQ(top[2].recovery, 3u);
  EXPECT_EQ(TopDrawdowns(equity, 1).size(), 1u);
  const auto under = Underwater(equity);
  EXPECT_NEAR(under[4], 80.0 / 101 - 1, 1e-12);
  EXPECT_EQ(under[6], 0.0);
}

// Strategies compared side by side start on one date (the longest warm-up) and share one
// benchmark; each alone would start at its own.
TEST(SideBySide, StrategiesStartTogether) {
  const auto prices = finml::testing::MakePanel(finml::testing::RandomWalks(1, 400, 11));
  BacktestConfig fast, slow;
  fast.strategy.name = slow.strategy.name = "sma_cross";
  fast.strategy.fast = 5;
  fast.strategy.slow = 20;
  slow.strategy.fast = 20;
  slow.strategy.slow = 120;
  const auto alone = RunBacktest(prices, nullptr, fast);
  const auto both = RunSideBySide(prices, nullptr, {fast, slow});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_LT(alone.engine.first_row, both[1].engine.first_row);
  EXPECT_EQ(both[0].engine.first_row, both[1].engine.first_row);
  EXPECT_EQ(both[0].benchmark, both[1].benchmark);
  EXPECT_EQ(both[1].engine.equity, RunBacktest(prices, nullptr, slow).engine.equity);
}

// A strategy that decides once a month starts on the common date too, holding what it last
// decided before it.
TEST(SideBySide, SparseDecisionsCarryIntoTheCommonStart) {
  const auto prices = finml::testing::MakePanel(finml::testing::RandomWalks(1, 300, 12));
  SignalPanel monthly;
  monthly.score = Panel(prices.rows(), 1);
  for (std::size_t t = 3; t < prices.rows(); t += 21) monthly.score.at(t, 0) = 1.0;
  BacktestConfig threshold, sma;
  threshold.strategy.name = "threshold";
  sma.strategy.name = "sma_cross";
  sma.strategy.fast = 10;
  sma.strategy.slow = 100;
  const auto both = RunSideBySide(prices, &monthly, {threshold, sma});
  EXPECT_EQ(both[0].engine.first_row, both[1].engine.first_row);
  EXPECT_EQ(both[0].engine.first_row, RunBacktest(prices, nullptr, sma).engine.first_row);
  EXPECT_GT(both[0].engine.gross_exposure[1], 0.99);  // long from the first day
}

// A daily benchmark next to hourly prices: a day's close counts only from the next midnight, so no
// bar of a day sees that day's close.
TEST(FileBenchmark, DailyCloseIsNotKnownDuringItsOwnDay) {
  const std::string file = finml::testing::TempDir("file_benchmark") + "/index.csv";
  WriteFileAtomic(file, "date,close\n2020-01-01,100\n2020-01-02,110\n2020-01-03,132\n");
  std::vector<std::vector<double>> closes(1);
  PricePanel prices = finml::testing::MakePanel({std::vector<double>(12, 50.0)});
  prices.time.clear();
  prices.time_label.clear();
  for (std::int64_t day : {1, 2})
    for (std::int64_t hour = 10; hour < 16; ++hour) {
      prices.time.push_back((data::DaysFromCivil({2020, 1, 2}) + day - 1) * data::kSecondsPerDay +
                            hour * 3600);
      prices.time_label.push_back(data::FormatTimestamp(prices.time.back(), true));
    }
  BacktestConfig config;
  config.strategy.name = "sma_cross";
  config.strategy.fast = 1;
  config.strategy.slow = 2;
  config.benchmark = file;
  const auto r = RunBacktest(prices, nullptr, config);
  const double capital = config.execution.initial_capital;
  for (std::size_t k = 0; k < r.benchmark.size(); ++k) {
    const bool second_day = prices.time[r.engine.first_row + k] >=
                            data::DaysFromCivil({2020, 1, 3}) * data::kSecondsPerDay;
    EXPECT_NEAR(r.benchmark[k], second_day ? 1.1 * capital : capital, 1e-6) << k;
  }
}

}  // namespace
}  // namespace finml::backtest
