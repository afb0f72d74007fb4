#include <gtest/gtest.h>

#include "finml/backtest/signals.hpp"
#include "finml/core/error.hpp"
#include "panel_util.hpp"

namespace finml::backtest {
namespace {

using finml::testing::MakePanel;

TEST(Signals, PlacesScoresOnTheGridAndCountsLateOnes) {
  auto prices = MakePanel({{1, 1, 1}, {2, 2, 2}});
  auto s = ParseSignals(
      "Date,Symbol,Score\n2020-01-01,A1,0.5\n2020-01-03,A0,-1\n"
      "2020-01-09,A0,2\n",
      "s.csv", prices);
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.score.at(0, 1), 0.5);
  EXPECT_EQ(s.score.at(2, 0), -1);
  EXPECT_TRUE(std::isnan(s.score.at(0, 0)));
  EXPECT_EQ(s.after_last_bar, 1u);
  EXPECT_EQ(s.first_after, "2020-01-09");
}

TEST(Signals, SingleAssetNeedsNoSymbol) {
  auto prices = MakePanel({{1, 1}});
  auto s = ParseSignals("date,score\n2020-01-02,0.25\n", "s.csv", prices);
  EXPECT_EQ(s.score.at(1, 0), 0.25);
}

void ExpectError(const std::string& text, const std::string& where, const std::string& what) {
  auto prices = MakePanel({{1, 1}, {1, 1}});
  try {
    (void)ParseSignals(text, "s.csv", prices);
    FAIL() << "no error for: " << text;
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(Signals, BadRowsAreErrorsNamingLineAndColumn) {
  ExpectError("date,symbol,score\n2020-01-01,A0,x\n", "s.csv:2:3", "cannot read 'x'");
  ExpectError("date,symbol,score\n2020-01-01,B9,1\n", "s.csv:2:2", "symbol 'B9'");
  ExpectError("date,symbol,score\n2019-12-31,A0,1\n", "s.csv:2:1", "not a date of the price data");
  ExpectError("date,symbol,score\n2020-01-01,A0,1\n2020-01-01,A0,2\n", "s.csv:3:1",
              "a second score");
  ExpectError("date,score\n2020-01-01,1\n", "s.csv:1:1", "no 'symbol' column");
  ExpectError("when,symbol,score\n", "s.csv:1:1", "has no date column");
  ExpectError("date,symbol,score\n2020-01-01,A0,nan\n", "s.csv:2:3", "finite score");
}

}  // namespace
}  // namespace finml::backtest
