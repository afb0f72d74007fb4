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
  // 1970-01-05 was a Monday.
  const data::Timestamp monday = 4 * data::kSecondsPerDay;
  std::vector<data::Timestamp> weekdays, every_day, weekly, hourly, fx;
  for (int k = 0; k < 60; ++k) {
    if (data::Weekday(monday + k * data::kSecondsPerDay) < 5)
      weekdays.push_back(monday + k * data::kSecondsPerDay);
    every_day.push_back(monday + k * data::kSecondsPerDay);
    weekly.push_back(k * 7 * data::kSecondsPerDay);
  }
  for (int day = 0; day < 14; ++day) {
    const data::Timestamp start = monday + day * data::kSecondsPerDay;
    if (data::Weekday(start) < 5)
      for (int h = 0; h < 6; ++h) hourly.push_back(start + h * 3600);
    // FX: 24 bars a weekday, and the Sunday-evening open (two bars) counts for nothing.
    if (data::Weekday(start) < 5)
      for (int h = 0; h < 24; ++h) fx.push_back(start + h * 3600);
    if (data::Weekday(start) == 6) {
      fx.push_back(start + 22 * 3600);
      fx.push_back(start + 23 * 3600);
    }
  }
  EXPECT_EQ(InferPeriodsPerYear(weekdays, true), 252);
  EXPECT_EQ(InferPeriodsPerYear(every_day, true), 365);  // crypto trades on weekends
  EXPECT_EQ(InferPeriodsPerYear(weekly, true), 52);
  EXPECT_EQ(InferPeriodsPerYear(hourly, true), 252 * 6);
  const Annualisation a = InferAnnualisation(fx, true);
  EXPECT_TRUE(a.intraday);
  EXPECT_EQ(a.bars_per_day, 24);
  EXPECT_EQ(a.days_per_year, 252);
  EXPECT_EQ(a.periods_per_year, 24 * 252);
  EXPECT_NE(a.Describe().find("24 bars per trading day x 252 trading days"), std::string::npos)
      << a.Describe();
  EXPECT_EQ(InferPeriodsPerYear(weekdays, false), 252);
  // Two years of New York closes shown in Tokyo fall on Tuesday to Saturday: still 252, counted.
  std::vector<data::Timestamp> tokyo;
  for (int k = 0; k < 730; ++k) {
    const data::Timestamp day = monday + k * data::kSecondsPerDay;
    if (data::Weekday(day) < 5) tokyo.push_back(day + data::kSecondsPerDay + 6 * 3600);
  }
  const Annualisation shifted = InferAnnualisation(tokyo, true);
  EXPECT_EQ(shifted.periods_per_year, 252);
  EXPECT_TRUE(shifted.counted);
  EXPECT_NE(InferAnnualisation(weekdays, false).Describe().find("no calendar dates"),
            std::string::npos);
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

}  // namespace
}  // namespace finml::backtest
