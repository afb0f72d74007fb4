#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "finml/data/loader.hpp"
#include "finml/data/quality.hpp"

namespace finml::data {
namespace {

// A daily random walk of `rows` business days from 2020-01-06 (a Monday), 1% a day.
MarketData Walk(std::size_t rows, unsigned seed = 7) {
  MarketData md;
  md.source = "walk.csv";
  std::mt19937 random(seed);
  std::normal_distribution<double> step(0.0, 0.01);
  Bars bars;
  bars.symbol = "W";
  double price = 100;
  std::int64_t day = DaysFromCivil({2020, 1, 6});
  for (std::size_t t = 0; t < rows; ++t) {
    while (Weekday(day * kSecondsPerDay) >= 5) ++day;
    md.time.push_back(day * kSecondsPerDay);
    md.time_label.push_back(FormatTimestamp(day * kSecondsPerDay));
    bars.close.push_back(price);
    price *= std::exp(step(random));
    ++day;
  }
  md.assets.push_back(bars);
  return md;
}

TEST(Quality, APriceThatJumpsAndComesBackIsASuspectedBadTickAndAJumpThatStaysIsNot) {
  MarketData md = Walk(500);
  auto& close = md.assets[0].close;
  close[100] = close[99] * 1.15;  // a bad tick: back to the walk at 101
  const double before_crash = close[299];
  for (std::size_t t = 300; t < close.size(); ++t) close[t] *= 0.8;  // a crash that stays
  const QualityReport q = AssessQuality(md);
  const AssetQuality& a = q.assets.at(0);
  ASSERT_EQ(a.bad_tick_count, 1u);
  EXPECT_EQ(a.bad_ticks.at(0).row, 100u);
  EXPECT_DOUBLE_EQ(a.bad_ticks[0].before, close[99]);
  EXPECT_DOUBLE_EQ(a.bad_ticks[0].at, close[100]);
  EXPECT_DOUBLE_EQ(a.bad_ticks[0].after, close[101]);
  // The robust spread ignores the two outliers: near the walk's 1%.
  EXPECT_NEAR(a.robust_sd, 0.01, 0.0015);
  EXPECT_NEAR(a.bad_ticks[0].sigmas, std::log(1.15) / a.robust_sd, 1e-9);
  // The crash is the largest move, and not a bad tick.
  EXPECT_EQ(a.largest_move_row, 300u);
  EXPECT_NEAR(a.largest_move, std::log(close[300] / before_crash), 1e-12);
}

TEST(Quality, AMoveAPanelMakesTogetherIsTheMarketsNotABadTick) {
  MarketData md = Walk(300, 17);
  for (unsigned k = 1; k < 5; ++k) {
    Bars other = Walk(300, 17 + k).assets[0];
    other.symbol = "W" + std::to_string(k);
    md.assets.push_back(other);
  }
  // A crash and rebound in four of the five, on one day; a tick of one asset alone, on another.
  for (std::size_t a = 0; a < 4; ++a) md.assets[a].close[100] = md.assets[a].close[99] * 0.88;
  md.assets[4].close[200] = md.assets[4].close[199] * 0.88;
  const QualityReport q = AssessQuality(md);
  for (std::size_t a = 0; a < 4; ++a) EXPECT_EQ(q.assets[a].bad_tick_count, 0u) << a;
  ASSERT_EQ(q.assets[4].bad_tick_count, 1u);
  EXPECT_EQ(q.assets[4].bad_ticks[0].row, 200u);
  // Alone, the first asset's crash day is a suspected tick.
  MarketData alone = md;
  alone.assets.resize(1);
  EXPECT_EQ(AssessQuality(alone).assets[0].bad_tick_count, 1u);
}

TEST(Quality, ATickDownThatComesBackCountsAndItsReturnIsNotASecondOne) {
  MarketData md = Walk(300, 11);
  auto& close = md.assets[0].close;
  close[50] = close[49] * 0.85;
  close[200] = close[199] * 1.2;
  const QualityReport q = AssessQuality(md);
  ASSERT_EQ(q.assets[0].bad_tick_count, 2u);
  // The larger first.
  EXPECT_EQ(q.assets[0].bad_ticks[0].row, 200u);
  EXPECT_EQ(q.assets[0].bad_ticks[1].row, 50u);
}

TEST(Quality, ABadTickIsFoundAcrossMissingValuesAndMissingValuesAreCounted) {
  MarketData md = Walk(300, 3);
  auto& close = md.assets[0].close;
  close[120] = close[119] * 1.25;
  close[121] = std::nan("");  // the move back is to the next present price
  close[10] = std::nan("");
  const QualityReport q = AssessQuality(md);
  EXPECT_EQ(q.assets[0].missing, 2u);
  EXPECT_EQ(q.assets[0].values, 298u);
  EXPECT_EQ(q.assets[0].returns, 297u);
  ASSERT_EQ(q.assets[0].bad_tick_count, 1u);
  EXPECT_EQ(q.assets[0].bad_ticks[0].row, 120u);
  EXPECT_DOUBLE_EQ(q.assets[0].bad_ticks[0].after, close[122]);
}

TEST(Quality, NothingIsFoundInACleanWalk) {
  const MarketData md = Walk(1000, 5);
  const QualityReport q = AssessQuality(md);
  EXPECT_EQ(q.assets[0].bad_tick_count, 0u);
  EXPECT_EQ(q.assets[0].stale_run_count, 0u);
  EXPECT_EQ(q.assets[0].outside_range_count, 0u);
  EXPECT_EQ(q.gap_count, 0u);  // weekends are 3 usual steps, under the 5 that count
  EXPECT_EQ(q.usual_step_seconds, kSecondsPerDay);
  EXPECT_EQ(q.assets[0].min,
            *std::min_element(md.assets[0].close.begin(), md.assets[0].close.end()));
}

TEST(Quality, RunsOfOnePriceAreFoundLongestFirstAndShortOnesAreNot) {
  MarketData md = Walk(400, 9);
  auto& close = md.assets[0].close;
  for (std::size_t t = 20; t < 26; ++t) close[t] = close[19];     // 7 equal, from row 19
  for (std::size_t t = 200; t < 210; ++t) close[t] = close[199];  // 11 equal, from row 199
  for (std::size_t t = 300; t < 303; ++t) close[t] = close[299];  // 4: too short
  const QualityReport q = AssessQuality(md);
  const auto& a = q.assets[0];
  ASSERT_EQ(a.stale_run_count, 2u);
  EXPECT_EQ(a.stale_runs[0].first_row, 199u);
  EXPECT_EQ(a.stale_runs[0].bars, 11u);
  EXPECT_EQ(a.stale_runs[1].first_row, 19u);
  EXPECT_EQ(a.stale_runs[1].bars, 7u);
  EXPECT_DOUBLE_EQ(a.stale_runs[1].value, close[19]);
}

TEST(Quality, OpensAndClosesOutsideTheirBarsRangeAreFound) {
  const MarketData md = ParseMarketData(
      "Date,Open,High,Low,Close\n"
      "2021-03-01,10,11,9,10.5\n"
      "2021-03-02,10.5,11,10,11.5\n"     // close above the high
      "2021-03-03,9.5,11,10,10.2\n"      // open below the low
      "2021-03-04,10.2,10.8,10,10.8\n",  // close at the high: fine
      "bars.csv", LoadOptions{});
  const QualityReport q = AssessQuality(md);
  const auto& a = q.assets.at(0);
  ASSERT_EQ(a.outside_range_count, 2u);
  EXPECT_EQ(a.outside_range[0].row, 1u);
  EXPECT_EQ(a.outside_range[0].field, Field::kClose);
  EXPECT_DOUBLE_EQ(a.outside_range[0].value, 11.5);
  EXPECT_EQ(a.outside_range[1].row, 2u);
  EXPECT_EQ(a.outside_range[1].field, Field::kOpen);
}

TEST(Quality, CalendarGapsAreMeasuredInUsualStepsAndNightsOfIntradayBarsAreNotGaps) {
  MarketData md = Walk(200, 1);
  for (std::size_t t = 100; t < md.rows(); ++t) md.time[t] += 14 * kSecondsPerDay;
  const QualityReport q = AssessQuality(md);
  ASSERT_EQ(q.gap_count, 1u);
  EXPECT_EQ(q.gaps[0].row, 100u);
  EXPECT_DOUBLE_EQ(q.gaps[0].steps,
                   static_cast<double>(md.time[100] - md.time[99]) / kSecondsPerDay);

  // Hourly bars 09:00 to 16:00 on two days, with 12:00 and 13:00 missing on the second.
  MarketData hourly;
  hourly.assets.push_back(Bars{});
  hourly.assets[0].symbol = "H";
  for (std::int64_t day : {DaysFromCivil({2021, 6, 1}), DaysFromCivil({2021, 6, 2})}) {
    for (int hour = 9; hour <= 16; ++hour) {
      if (day == DaysFromCivil({2021, 6, 2}) && (hour == 12 || hour == 13)) continue;
      hourly.time.push_back(day * kSecondsPerDay + hour * 3600);
      hourly.time_label.push_back(FormatTimestamp(hourly.time.back(), true));
      hourly.assets[0].close.push_back(100 + hour);
    }
  }
  QualitySettings two;
  two.gap_factor = 2.5;
  const QualityReport h = AssessQuality(hourly, two);
  EXPECT_EQ(h.usual_step_seconds, 3600);
  ASSERT_EQ(h.gap_count, 1u);  // not the night between the days
  EXPECT_DOUBLE_EQ(h.gaps[0].steps, 3.0);
}

TEST(Quality, OnlyTheNamedNumberOfFindingsIsKeptAndAllAreCounted) {
  MarketData md = Walk(600, 13);
  auto& close = md.assets[0].close;
  for (std::size_t t = 50; t < 550; t += 50) close[t] = close[t - 1] * (1.1 + t * 1e-4);
  QualitySettings three;
  three.named = 3;
  const QualityReport q = AssessQuality(md, three);
  EXPECT_EQ(q.assets[0].bad_tick_count, 10u);
  ASSERT_EQ(q.assets[0].bad_ticks.size(), 3u);
  EXPECT_EQ(q.assets[0].bad_ticks[0].row, 500u);  // the largest of them
}

TEST(Quality, ScalingEveryPriceChangesNoFinding) {
  MarketData md = Walk(400, 21);
  md.assets[0].close[77] *= 1.3;
  const QualityReport a = AssessQuality(md);
  for (double& v : md.assets[0].close) v *= 1000;
  const QualityReport b = AssessQuality(md);
  ASSERT_EQ(a.assets[0].bad_tick_count, 1u);
  EXPECT_EQ(b.assets[0].bad_tick_count, 1u);
  EXPECT_EQ(b.assets[0].bad_ticks[0].row, a.assets[0].bad_ticks[0].row);
  EXPECT_NEAR(b.assets[0].robust_sd, a.assets[0].robust_sd, 1e-12);
}

}  // namespace
}  // namespace finml::data
