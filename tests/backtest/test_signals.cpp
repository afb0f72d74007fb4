#include <fmt/format.h>
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

// A run's predictions of one asset: val decisions on the given days of January 2020 (targets the
// next day), then test decisions from the 20th.
std::string Predictions(const std::vector<int>& val_days) {
  std::string text = "date,model,y_true,y_pred,split,decision_date,score\n";
  auto day = [](int d) { return fmt::format("2020-01-{:02d}", d); };
  for (int d : val_days) text += fmt::format("{},m,0,0.1,val,{},0.1\n", day(d + 1), day(d));
  for (int d = 20; d < 25; ++d) text += fmt::format("{},m,0,0.1,test,{},0.1\n", day(d + 1), day(d));
  return text;
}

TEST(Signals, OneSplitOfARunsPredictionsEndsOneBarAfterItsLastOutcome) {
  auto prices = MakePanel({std::vector<double>(30, 1.0)});
  const auto val = ParseSignals(Predictions({3, 4, 5, 6}), "p.csv", prices, {"m", "val"});
  ASSERT_TRUE(val.split_last_row.has_value());
  // The last decision (the 6th, row 5) is judged on the 7th (row 6); it filled on row 6 and is
  // marked on row 7.
  EXPECT_EQ(*val.split_last_row, 7u);
  EXPECT_EQ(val.split_blocks, 1u);
  // The test split runs to the data's end; `all` and plain signals are not cut.
  EXPECT_EQ(*ParseSignals(Predictions({3}), "p.csv", prices, {"m", "test"}).split_last_row, 25u);
  EXPECT_FALSE(ParseSignals(Predictions({3}), "p.csv", prices, {"m", "all"}).split_last_row);
  EXPECT_FALSE(ParseSignals("date,score\n2020-01-02,1\n", "s.csv", prices).split_last_row);
  // Folds: decisions in two blocks with other bars between them.
  EXPECT_EQ(
      ParseSignals(Predictions({2, 3, 4, 12, 13}), "p.csv", prices, {"m", "val"}).split_blocks, 2u);
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
