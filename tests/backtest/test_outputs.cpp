#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "finml/backtest/backtest.hpp"
#include "finml/core/files.hpp"
#include "finml/report/html_page.hpp"
#include "panel_util.hpp"
#include "test_util.hpp"

namespace finml::backtest {
namespace {

TEST(BacktestOutputs, SignalsForAFewOfThePricesSymbolsWarnThatThresholdLeavesCapitalIdle) {
  const std::size_t days = 300;
  auto prices = finml::testing::MakePanel(finml::testing::RandomWalks(4, days, 5));
  SignalPanel some;
  some.score = Panel(days, 4);
  for (std::size_t t = 0; t < days; ++t) some.score.at(t, 1) = t % 2 == 0 ? 1.0 : -1.0;
  BacktestConfig config;
  const auto warned = [](const BacktestResult& r) {
    for (const auto& w : r.warnings)
      if (w.find("the signals score 1 of the prices' 4 symbols") != std::string::npos &&
          w.find("at most 25% is ever invested") != std::string::npos &&
          w.find("position_weight=1") != std::string::npos)
        return true;
    return false;
  };
  EXPECT_TRUE(warned(RunBacktest(prices, &some, config)));
  // Sized by the user, or every symbol scored: nothing to say.
  config.strategy.position_weight = 1.0;
  EXPECT_FALSE(warned(RunBacktest(prices, &some, config)));
  config.strategy.position_weight = 0;
  for (std::size_t i = 0; i < 4; ++i) some.score.at(0, i) = 0.5;
  EXPECT_FALSE(warned(RunBacktest(prices, &some, config)));
}

TEST(BacktestOutputs, WritesTheFourFilesWithTheDocumentedContents) {
  auto prices = finml::testing::MakePanel(finml::testing::RandomWalks(4, 400, 17));
  SignalPanel signals;
  signals.score = Panel(400, 4);
  for (std::size_t t = 1; t < 400; ++t)
    for (std::size_t i = 0; i < 4; ++i)
      signals.score.at(t, i) = prices.close.at(t, i) / prices.close.at(t - 1, i) - 1;
  BacktestConfig config;
  config.strategy.name = "topk";
  config.strategy.top_k = 2;
  auto result = RunBacktest(prices, &signals, config);
  const std::string dir = finml::testing::TempDir("backtest_outputs");
  BacktestInputs inputs;
  inputs.provenance.command = "test";
  WriteBacktestOutputs(dir, result, prices, inputs);

  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names,
            (std::vector<std::string>{"equity.csv", "metrics.json", report::ChartLibraryName(),
                                      "tearsheet.html", "trades.csv"}));

  auto m = nlohmann::json::parse(ReadFile(dir + "/metrics.json"));
  for (const char* key : {"total_return", "annual_return", "annual_volatility", "sharpe", "sortino",
                          "calmar", "max_drawdown", "max_drawdown_duration_bars", "win_rate",
                          "profit_factor", "turnover_annual", "exposure_gross_mean",
                          "time_in_market", "alpha", "beta", "information_ratio", "trades", "fees"})
    EXPECT_TRUE(m["performance"].contains(key)) << key;
  for (const char* key : {"ic", "rank_ic", "rank_ic_mean_per_date", "next_bar_rank_ic"})
    EXPECT_TRUE(m["signal"].contains(key)) << key;
  EXPECT_EQ(m["benchmark"]["name"], "equal-weight buy-and-hold");
  EXPECT_EQ(m["strategy"]["strategy"], "topk");
  EXPECT_TRUE(m["provenance"]["finml"].contains("commit"));
  EXPECT_EQ(m["provenance"]["command"], "test");

  const std::string equity = ReadFile(dir + "/equity.csv");
  EXPECT_EQ(static_cast<std::size_t>(std::count(equity.begin(), equity.end(), '\n')),
            result.engine.equity.size() + 1);
  const std::string trades = ReadFile(dir + "/trades.csv");
  EXPECT_EQ(static_cast<std::size_t>(std::count(trades.begin(), trades.end(), '\n')),
            result.engine.trades.size() + 1);

  const std::string html = ReadFile(dir + "/tearsheet.html");
  for (const char* section :
       {"Monthly returns", "Rolling Sharpe", "Rolling beta", "Worst drawdowns", "Underwater",
        "Holdings of", "Turnover per month", "Returns per day"})
    EXPECT_NE(html.find(section), std::string::npos) << section;
  // Offline: the chart library from the file beside the page, nothing from the network.
  EXPECT_NE(html.find("<script src=\"" + report::ChartLibraryName() + "\">"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace finml::backtest
