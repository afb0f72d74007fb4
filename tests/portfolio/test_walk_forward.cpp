#include <gtest/gtest.h>

#include <cmath>

#include "../backtest/panel_util.hpp"
#include "finml/core/files.hpp"
#include "finml/portfolio/job.hpp"
#include "finml/portfolio/walk_forward.hpp"
#include "test_util.hpp"

namespace finml::portfolio {
namespace {

ReturnsData FromPanel(const backtest::PricePanel& p) {
  ReturnsData d;
  d.source = "test";
  d.assets = p.symbols;
  d.time = p.time;
  d.time_label = p.time_label;
  d.panel = p;
  const auto rows = static_cast<Eigen::Index>(p.rows()), n = static_cast<Eigen::Index>(p.assets());
  d.prices.resize(rows, n);
  d.returns = Matrix::Constant(rows, n, NAN);
  for (Eigen::Index t = 0; t < rows; ++t)
    for (Eigen::Index j = 0; j < n; ++j) {
      d.prices(t, j) = p.close.at(static_cast<std::size_t>(t), static_cast<std::size_t>(j));
      if (t > 0) d.returns(t, j) = d.prices(t, j) / d.prices(t - 1, j) - 1;
    }
  return d;
}

PortfolioSettings Settings() {
  PortfolioSettings s;
  s.window = 60;
  s.rebalance = "20";
  s.frequency = "daily";
  s.objectives = {Objective::kMinVariance, Objective::kMaxSharpe, Objective::kHrp,
                  Objective::kMinCvar, Objective::kRiskParity};
  s.returns_model = ReturnsChoice::kMean;
  return s;
}

// No look-ahead: replacing every price after a date changes no weight decided on or before it
// (and does change later ones, so the test could fail).
TEST(WalkForward, ScramblingTheFutureChangesNoEarlierDecision) {
  auto closes = testing::RandomWalks(6, 400, 7);
  // An asset listed later: its early bars have no price.
  for (std::size_t t = 0; t < 90; ++t) closes[5][t] = NAN;
  const ReturnsData real = FromPanel(testing::MakePanel(closes));
  const std::size_t cut = 250;
  auto scrambled_closes = closes;
  const auto noise = testing::RandomWalks(6, 400, 99, 0.05);
  for (auto& path : scrambled_closes)
    for (std::size_t t = cut + 1; t < path.size(); ++t)
      path[t] = noise[&path - &scrambled_closes[0]][t];
  const ReturnsData scrambled = FromPanel(testing::MakePanel(scrambled_closes));
  const WalkForward a = WalkForwardWeights(real, Settings());
  const WalkForward b = WalkForwardWeights(scrambled, Settings());
  ASSERT_EQ(a.rows, b.rows);
  std::size_t before = 0, later_differences = 0;
  for (std::size_t k = 0; k < a.tracks.size(); ++k)
    for (std::size_t t : a.rows)
      for (std::size_t j = 0; j < 6; ++j) {
        const double x = a.tracks[k].weights.at(t, j), y = b.tracks[k].weights.at(t, j);
        if (t <= cut) {
          ++before;
          EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y)))
              << a.tracks[k].name << " row " << t << " asset " << j;
        } else if (!(x == y)) {
          ++later_differences;
        }
      }
  EXPECT_GT(before, 100u);
  EXPECT_GT(later_differences, 0u);
}

TEST(WalkForward, AnAssetWithoutEnoughHistoryIsNotHeld) {
  auto closes = testing::RandomWalks(4, 200, 3);
  for (std::size_t t = 0; t < 120; ++t) closes[3][t] = NAN;
  const WalkForward w = WalkForwardWeights(FromPanel(testing::MakePanel(closes)), Settings());
  for (const auto& track : w.tracks)
    for (std::size_t t : w.rows) {
      if (std::isnan(track.weights.at(t, 0))) continue;
      // 60 bars of returns on 90% of them: from bar 121 + 54.
      if (t < 121 + 53) EXPECT_EQ(track.weights.at(t, 3), 0) << track.name << " row " << t;
      double sum = 0;
      for (std::size_t j = 0; j < 4; ++j) sum += track.weights.at(t, j);
      EXPECT_NEAR(sum, 1, 1e-8) << track.name;
    }
}

TEST(WalkForward, MonthlyRebalancesOnEachMonthsLastBar) {
  const auto panel = testing::MakePanel(testing::RandomWalks(2, 120, 1));  // from 2020-01-01
  const auto rows = RebalanceRows(panel.time, true, "monthly", 20);
  ASSERT_GE(rows.size(), 2u);
  // 2020-01-31 is day 30, 2020-02-29 day 59, 2020-03-31 day 90.
  EXPECT_EQ(rows[0], 30u);
  EXPECT_EQ(rows[1], 59u);
  EXPECT_EQ(rows[2], 90u);
  EXPECT_EQ(RebalanceRows(panel.time, true, "10", 20).front(), 20u);
  EXPECT_THROW((void)RebalanceRows(panel.time, true, "fortnightly", 20), Error);
}

TEST(WalkForward, TracksAreTradedOverOnePeriodWithCosts) {
  const ReturnsData data = FromPanel(testing::MakePanel(testing::RandomWalks(5, 300, 11)));
  PortfolioSettings s = Settings();
  s.objectives = {Objective::kMinVariance, Objective::kEqualWeight};
  const WalkForward w = WalkForwardWeights(data, s);
  const auto results = BacktestTracks(data, s, w);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].engine.first_row, results[1].engine.first_row);
  EXPECT_GT(results[0].total_fees, 0);
  EXPECT_EQ(results[0].engine.equity.size(), results[1].engine.equity.size());
}

// Returns alone (no prices) are traded as indices compounded from them: every bar's change is
// the asset's return, and a backtest on them earns what one on the prices earns.
TEST(WalkForward, ReturnsAreTradedAsIndicesCompoundedFromThem) {
  ReturnsData prices = FromPanel(testing::MakePanel(testing::RandomWalks(4, 300, 5)));
  prices.returns(7, 2) = NAN;  // a bar without a return keeps the level, with no price there
  ReturnsData returns = prices;
  returns.prices.resize(0, 0);
  returns.panel = CompoundedPricePanel(returns);
  ASSERT_EQ(returns.panel.rows(), prices.panel.rows());
  for (std::size_t j = 0; j < 4; ++j) {
    EXPECT_TRUE(std::isnan(returns.panel.close.at(0, j))) << "no return into the first bar";
    EXPECT_DOUBLE_EQ(returns.panel.close.at(1, j),
                     kIndexBase * (1 + returns.returns(1, static_cast<Eigen::Index>(j))));
    for (std::size_t t = 2; t < 300; ++t) {
      if (j == 2 && t == 7) {
        EXPECT_TRUE(std::isnan(returns.panel.close.at(t, j)));
        continue;
      }
      const std::size_t before = j == 2 && t == 8 ? 6 : t - 1;
      EXPECT_NEAR(returns.panel.close.at(t, j) / returns.panel.close.at(before, j),
                  1 + returns.returns(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(j)),
                  1e-12);
    }
  }
  prices.returns(7, 2) = returns.returns(7, 2) =
      prices.panel.close.at(7, 2) / prices.panel.close.at(6, 2) - 1;
  returns.panel = CompoundedPricePanel(returns);
  PortfolioSettings s = Settings();
  s.objectives = {Objective::kMinVariance, Objective::kEqualWeight};
  const auto on_prices = BacktestTracks(prices, s, WalkForwardWeights(prices, s));
  const WalkForward walk = WalkForwardWeights(returns, s);
  const auto on_returns = BacktestTracks(returns, s, walk);
  // The tearsheet says its prices are made, not the data's.
  const std::string dir = finml::testing::TempDir("walk_forward_returns");
  (void)WriteWalkForward(dir, returns, s, walk, on_returns, Provenance{"test", {}, {}},
                         {"Portfolio backtest", "", ""});
  EXPECT_NE(ReadFile(dir + "/tearsheet.html").find("indices compounded from the returns in test"),
            std::string::npos);
  ASSERT_EQ(on_prices.size(), on_returns.size());
  for (std::size_t k = 0; k < on_prices.size(); ++k) {
    const auto& a = on_prices[k].engine.equity;
    const auto& b = on_returns[k].engine.equity;
    ASSERT_EQ(a.size(), b.size());
    EXPECT_NEAR(b.back() / b.front(), a.back() / a.front(), 1e-9) << k;
  }
}

}  // namespace
}  // namespace finml::portfolio
