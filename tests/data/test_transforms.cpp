#include <gtest/gtest.h>

#include <cmath>

#include "finml/data/loader.hpp"
#include "finml/data/transforms.hpp"
#include "test_util.hpp"

namespace finml::data {

TEST(Transforms, SimpleAndLogReturns) {
  std::vector<double> p = {100, 110, 99};
  auto s = Returns(p, ReturnKind::kSimple);
  auto l = Returns(p, ReturnKind::kLog);
  EXPECT_TRUE(std::isnan(s[0]));
  EXPECT_DOUBLE_EQ(s[1], 110.0 / 100.0 - 1.0);
  EXPECT_DOUBLE_EQ(s[2], 99.0 / 110.0 - 1.0);
  EXPECT_DOUBLE_EQ(l[1], std::log(1.1));
  auto two = Returns(p, ReturnKind::kSimple, 2);
  EXPECT_DOUBLE_EQ(two[2], 99.0 / 100.0 - 1.0);
}

TEST(Transforms, ResampleWeeklyAndMonthly) {
  // 2020-01-02 is a Thursday.
  MarketData md = ParseMarketData(
      "Date,Open,High,Low,Close,Volume\n"
      "2020-01-02,1,5,1,2,10\n2020-01-03,2,6,2,3,20\n"
      "2020-01-06,3,4,0.5,4,30\n2020-01-31,4,9,3,5,40\n2020-02-03,5,6,4,6,50\n",
      "bars.csv");
  MarketData w = Resample(md, ResampleRule::Parse("W"));
  ASSERT_EQ(w.rows(), 4u);
  EXPECT_EQ(w.time_label[0], "2020-01-03");
  EXPECT_DOUBLE_EQ(w.assets[0].open[0], 1);
  EXPECT_DOUBLE_EQ(w.assets[0].high[0], 6);
  EXPECT_DOUBLE_EQ(w.assets[0].close[0], 3);
  EXPECT_DOUBLE_EQ(w.assets[0].volume[0], 30);
  MarketData m = Resample(md, ResampleRule::Parse("M"));
  ASSERT_EQ(m.rows(), 2u);
  EXPECT_EQ(m.time_label[0], "2020-01-31");
  EXPECT_DOUBLE_EQ(m.assets[0].low[0], 0.5);
  EXPECT_DOUBLE_EQ(m.assets[0].high[0], 9);
  EXPECT_DOUBLE_EQ(m.assets[0].volume[0], 100);
  EXPECT_DOUBLE_EQ(m.assets[0].close[1], 6);
}

TEST(Transforms, ResampleNeedsCalendar) {
  MarketData eu = LoadMarketData(testing::RepoPath("data/eustockmarkets.csv"));
  EXPECT_THROW((void)Resample(eu, ResampleRule::Parse("M")), InvalidInput);
}

TEST(Transforms, AlignInnerAndOuter) {
  MarketData a = ParseMarketData("Date,A\n2020-01-02,1\n2020-01-03,2\n2020-01-06,3\n", "a.csv");
  MarketData b = ParseMarketData("Date,B\n2020-01-03,20\n2020-01-06,30\n2020-01-07,40\n", "b.csv");
  MarketData inner = AlignOnCalendar({a, b}, JoinKind::kInner);
  ASSERT_EQ(inner.rows(), 2u);
  EXPECT_DOUBLE_EQ(inner.Asset("A").close[0], 2);
  EXPECT_DOUBLE_EQ(inner.Asset("B").close[1], 30);
  MarketData outer = AlignOnCalendar({a, b}, JoinKind::kOuter);
  ASSERT_EQ(outer.rows(), 4u);
  EXPECT_TRUE(std::isnan(outer.Asset("B").close[0]));
  EXPECT_TRUE(std::isnan(outer.Asset("A").close[3]));
  EXPECT_THROW((void)AlignOnCalendar({a, a}, JoinKind::kInner), InvalidInput);
}

TEST(Timestamp, CivilRoundTripAndWeekday) {
  for (std::int64_t d = -800000; d < 800000; d += 997) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(d)), d);
  }
  EXPECT_EQ(Weekday(*ParseTimestamp("2020-01-02")), 3);  // Thursday
  EXPECT_FALSE(ParseTimestamp("2021-02-29").has_value());
  EXPECT_TRUE(ParseTimestamp("2020-02-29").has_value());
  EXPECT_FALSE(ParseTimestamp("2020-01-02x").has_value());
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("1999-12-31 23:59:59")), "1999-12-31 23:59:59");
}

}  // namespace finml::data
