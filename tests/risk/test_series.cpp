#include <gtest/gtest.h>

#include "finml/core/error.hpp"
#include "finml/risk/series.hpp"

namespace finml::risk {
namespace {

std::string ErrorOf(const std::string& text, SeriesKind kind = SeriesKind::kReturns,
                    const std::string& column = "") {
  try {
    (void)ParseReturnSeries(text, "r.csv", column, kind);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Series, ReadsReturnsAndPrices) {
  auto r = ParseReturnSeries("obs,X\n1,0.5\n2,-0.25\n", "r.csv", "", SeriesKind::kReturns);
  EXPECT_EQ(r.values, (std::vector<double>{0.5, -0.25}));
  EXPECT_FALSE(r.calendar);
  auto p = ParseReturnSeries("Date,A,B\n2020-01-01,100,1\n2020-01-02,110,2\n", "p.csv", "a",
                             SeriesKind::kPrices, false);
  EXPECT_TRUE(p.calendar);
  ASSERT_EQ(p.values.size(), 1u);
  EXPECT_NEAR(p.values[0], 0.1, 1e-15);
  EXPECT_EQ(p.label[0], "2020-01-02");
}

TEST(Series, BadCellsNameLineAndColumn) {
  EXPECT_NE(ErrorOf("d,x\n1,0.1\n2,abc\n").find("r.csv:3:2: cannot parse 'abc'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("d,x\n1,0.1\n2,\n").find("r.csv:3:2: missing value"), std::string::npos);
  EXPECT_NE(ErrorOf("d,x\n1,NaN\n").find("r.csv:2:2"), std::string::npos);
  EXPECT_NE(ErrorOf("d,x,y\n1,1,2\n").find("which one?"), std::string::npos);
  EXPECT_NE(ErrorOf("d,x,y\n1,1,2\n", SeriesKind::kReturns, "z").find("no column 'z'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("d,x\n1,-5\n", SeriesKind::kPrices).find("non-positive price"),
            std::string::npos);
}

// The policies of every price reader, with the same names (issue 14, item 2).
TEST(Series, MissingPoliciesOfThePriceLoader) {
  const std::string prices = "Date,A\n2020-01-01,100\n2020-01-02,\n2020-01-03,110\n";
  EXPECT_NE(ErrorOf(prices, SeriesKind::kPrices).find("--missing ffill"), std::string::npos);
  data::LoadOptions ffill;
  ffill.missing = data::MissingPolicy::kForwardFill;
  auto p = ParseReturnSeries(prices, "p.csv", "", SeriesKind::kPrices, false, ffill);
  ASSERT_EQ(p.values.size(), 2u);
  EXPECT_DOUBLE_EQ(p.values[0], 0);  // a carried price is a zero return
  EXPECT_NEAR(p.values[1], 0.1, 1e-15);
  const std::string returns = "Date,r\n2020-01-01,0.01\n2020-01-02,\n2020-01-03,-0.02\n";
  try {
    (void)ParseReturnSeries(returns, "r.csv", "", SeriesKind::kReturns, false, ffill);
    ADD_FAILURE() << "ffill of a return must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing: drop"), std::string::npos) << e.what();
  }
  data::LoadOptions drop;
  drop.missing = data::MissingPolicy::kDrop;
  auto r = ParseReturnSeries(returns, "r.csv", "", SeriesKind::kReturns, false, drop);
  EXPECT_EQ(r.values, (std::vector<double>{0.01, -0.02}));
  EXPECT_EQ(r.label.back(), "2020-01-03");
}

// From a review: --column names an OHLCV file's price field; a returns file keeps any row labels;
// the unit of a step is named for people.
TEST(Series, OhlcvColumnMonthLabelsAndBarUnits) {
  const std::string ohlcv =
      "Date,Open,High,Low,Close,Volume\n2020-01-02,10,12,9,11,5\n2020-01-03,12,13,10,11,5\n";
  EXPECT_NEAR(ParseReturnSeries(ohlcv, "o.csv", "Open", SeriesKind::kPrices).values[0], 0.2, 1e-12);
  EXPECT_NEAR(ParseReturnSeries(ohlcv, "o.csv", "", SeriesKind::kPrices).values[0], 0, 1e-12);
  EXPECT_NE(ErrorOf(ohlcv, SeriesKind::kPrices, "Volume").find("name a price column"),
            std::string::npos);
  const auto months = ParseReturnSeries("month,r\n1990-01,0.01\n1990-02,-0.02\n", "m.csv", "",
                                        SeriesKind::kReturns);
  EXPECT_EQ(months.label, (std::vector<std::string>{"1990-01", "1990-02"}));
  EXPECT_FALSE(months.calendar);
  std::vector<data::Timestamp> weekly, hourly;
  for (int k = 0; k < 5; ++k) {
    weekly.push_back(k * 7 * data::kSecondsPerDay);
    hourly.push_back(k * 3600);
  }
  EXPECT_EQ(BarUnit(weekly, true), "week");
  EXPECT_EQ(BarUnit(hourly, true), "1-hour bar");
  EXPECT_EQ(BarUnit(hourly, false), "day");
}

}  // namespace
}  // namespace finml::risk
