#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "finml/backtest/backtest.hpp"
#include "finml/backtest/performance.hpp"
#include "panel_util.hpp"

namespace finml::backtest {
namespace {

TEST(Performance, DrawdownDepthDatesAndLongestSpell) {
  std::vector<double> equity = {100, 120, 90, 110, 130, 80, 100};
  auto d = ComputeDrawdown(equity);
  EXPECT_NEAR(d.depth, 80.0 / 130 - 1, 1e-15);
  EXPECT_EQ(d.peak, 4u);
  EXPECT_EQ(d.trough, 5u);
  EXPECT_FALSE(d.recovery.has_value());
  EXPECT_EQ(d.longest_bars, 3u);  // 120 on bar 1 is regained only on bar 4
  EXPECT_EQ(d.longest_start, 1u);
  auto recovered = ComputeDrawdown({100, 50, 100, 101});
  EXPECT_EQ(recovered.recovery, std::optional<std::size_t>(2));
}

TEST(Performance, RatiosFollowTheirDefinitions) {
  std::vector<double> equity = {100, 101, 100, 102, 101, 103};
  auto r = SimpleReturns(equity);
  double mean = 0;
  for (double x : r) mean += x / r.size();
  double ss = 0, down = 0;
  for (double x : r) {
    ss += (x - mean) * (x - mean);
    down += std::min(x, 0.0) * std::min(x, 0.0);
  }
  const double sd = std::sqrt(ss / (r.size() - 1));
  auto p = ComputePerformance(equity, nullptr, {}, 252, 0);
  EXPECT_NEAR(p.total_return, 0.03, 1e-15);
  EXPECT_NEAR(p.annual_return, std::pow(1.03, 252.0 / 5) - 1, 1e-12);
  EXPECT_NEAR(p.annual_volatility, sd * std::sqrt(252.0), 1e-15);
  EXPECT_NEAR(p.sharpe, mean / sd * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(p.sortino, mean / std::sqrt(down / r.size()) * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(p.win_rate, 3.0 / 5, 1e-15);
  EXPECT_NEAR(p.profit_factor, (1 + 2 + 2) / 2.0, 1e-15);
  EXPECT_NEAR(p.calmar, p.annual_return / (1 - 100.0 / 101), 1e-9);
}

TEST(Performance, BetaOfALeveragedCopyIsItsLeverage) {
  std::vector<double> bench = {100}, twice = {100};
  const double moves[] = {0.01, -0.02, 0.015, 0.003, -0.007, 0.012};
  for (double m : moves) {
    bench.push_back(bench.back() * (1 + m));
    twice.push_back(twice.back() * (1 + 2 * m));
  }
  auto p = ComputePerformance(twice, &bench, {}, 252, 0);
  EXPECT_NEAR(*p.beta, 2.0, 1e-12);
  EXPECT_NEAR(*p.alpha, 0.0, 1e-12);
  EXPECT_NEAR(*p.correlation, 1.0, 1e-12);
}

TEST(Performance, PeriodsPerYearFromTheCalendar) {
  std::vector<data::Timestamp> daily, weekly, hourly;
  for (int k = 0; k < 30; ++k) {
    daily.push_back(k * data::kSecondsPerDay);
    weekly.push_back(k * 7 * data::kSecondsPerDay);
    hourly.push_back((k / 6) * data::kSecondsPerDay + (k % 6) * 3600);
  }
  EXPECT_EQ(InferPeriodsPerYear(daily, true), 252);
  EXPECT_EQ(InferPeriodsPerYear(weekly, true), 52);
  EXPECT_EQ(InferPeriodsPerYear(hourly, true), 252 * 6);
  EXPECT_EQ(InferPeriodsPerYear(daily, false), 252);
}

TEST(Performance, MonthlyReturnsChainToTheTotal) {
  std::vector<data::Timestamp> time;
  std::vector<double> equity;
  const auto start = data::DaysFromCivil({2020, 1, 30});
  for (int k = 0; k < 70; ++k) {
    time.push_back((start + k) * data::kSecondsPerDay);
    equity.push_back(100 + k + (k % 3));
  }
  auto m = ComputeMonthlyReturns(equity, time);
  ASSERT_EQ(m.years, std::vector<int>{2020});
  double chained = 1;
  for (double r : m.returns)
    if (std::isfinite(r)) chained *= 1 + r;
  EXPECT_NEAR(chained - 1, equity.back() / equity.front() - 1, 1e-12);
  EXPECT_NEAR(m.annual[0], equity.back() / equity.front() - 1, 1e-12);
  EXPECT_TRUE(std::isnan(m.returns[11]));  // December has no data
}

TEST(Performance, RollingSharpeMatchesTheFullFormulaOnEachWindow) {
  auto walk = finml::testing::RandomWalks(1, 300, 7)[0];
  auto rolling = RollingSharpe(walk, 50, 252);
  auto r = SimpleReturns(walk);
  std::vector<double> window(r.begin() + 100, r.begin() + 150);
  std::vector<double> eq = {1};
  for (double x : window) eq.push_back(eq.back() * (1 + x));
  EXPECT_NEAR(rolling[150], ComputePerformance(eq, nullptr, {}, 252, 0).sharpe, 1e-9);
  EXPECT_TRUE(std::isnan(rolling[49]));
}

}  // namespace
}  // namespace finml::backtest
