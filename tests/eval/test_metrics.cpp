#include <gtest/gtest.h>

#include <cmath>

#include "finml/eval/metrics.hpp"

namespace finml::eval {

TEST(Metrics, HandComputedPointMetrics) {
  std::vector<double> y = {1, -2, 3, 0};
  std::vector<double> p = {2, -1, 1, 1};
  std::vector<double> base = {0, 0, 0, 0};
  PointMetrics m = ComputePointMetrics(y, p, base, {});
  EXPECT_EQ(m.n, 4u);
  EXPECT_DOUBLE_EQ(m.mse, (1 + 1 + 4 + 1) / 4.0);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(7 / 4.0));
  EXPECT_DOUBLE_EQ(m.mae, 5 / 4.0);
  EXPECT_DOUBLE_EQ(m.mape, (1.0 + 0.5 + 2.0 / 3.0) / 3.0);  // zero actual skipped
  // mean 0.5, SST = 0.25 + 6.25 + 6.25 + 0.25 = 13
  EXPECT_DOUBLE_EQ(m.r2, 1 - 7 / 13.0);
  EXPECT_DOUBLE_EQ(m.directional_accuracy, 1.0);  // 3 of 3 non-zero moves, signs right
  EXPECT_DOUBLE_EQ(m.theil_u, std::sqrt(7 / 14.0));
}

TEST(Metrics, NoChangeForecastCountsHalfAndHasNoDmAgainstItself) {
  std::vector<double> y = {1, -1, 2};
  std::vector<double> zero = {0, 0, 0};
  PointMetrics m = ComputePointMetrics(y, zero, zero, {});
  EXPECT_DOUBLE_EQ(m.directional_accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.theil_u, 1.0);
  EXPECT_TRUE(std::isnan(m.dm.statistic));
}

TEST(DieboldMariano, HandComputed) {
  std::vector<double> d = {1, -1, 2, 0};
  TestResult one = DieboldMariano(d, 1);
  EXPECT_NEAR(one.statistic, 0.5 / std::sqrt(1.25 / 4), 1e-12);
  EXPECT_NEAR(one.p_value, 2 * (1 - NormalCdf(0.5 / std::sqrt(1.25 / 4))), 1e-12);
  EXPECT_NEAR(one.p_value, 0.371093, 1e-6);
  // h = 2 adds the lag-1 autocovariance (-0.9375) with Bartlett weight 1/2.
  TestResult two = DieboldMariano(d, 2);
  EXPECT_NEAR(two.statistic, 0.5 / std::sqrt(0.3125 / 4), 1e-12);
}

TEST(Metrics, PanelDmAveragesLossPerDate) {
  // Two assets on two dates: per-date mean differentials are 1 and 3.
  std::vector<double> y = {0, 0, 0, 0};
  std::vector<double> p = {1, 1, 1, std::sqrt(5.0)};
  std::vector<double> base = {0, 0, 0, 0};
  PointMetrics m = ComputePointMetrics(y, p, base, {7, 7, 8, 8});
  TestResult expected = DieboldMariano({1, 3}, 1);
  EXPECT_DOUBLE_EQ(m.dm.statistic, expected.statistic);
}

TEST(Metrics, RanksAverageTies) {
  EXPECT_EQ(Ranks({3, 1, 3, 2}), (std::vector<double>{3.5, 1, 3.5, 2}));
}

TEST(Metrics, InformationCoefficientPerDate) {
  // Date 0: perfectly ordered; date 1: reversed; date 2 has too few assets.
  std::vector<double> y = {1, 2, 3, 1, 2, 3, 5};
  std::vector<double> p = {10, 20, 40, 3, 2, 1, 1};
  std::vector<std::size_t> date = {0, 0, 0, 1, 1, 1, 2};
  IcSummary s = InformationCoefficients(y, p, date, 3);
  ASSERT_EQ(s.dates, 2u);
  EXPECT_NEAR(s.rank_ic[0], 1.0, 1e-12);
  EXPECT_NEAR(s.rank_ic[1], -1.0, 1e-12);
  EXPECT_NEAR(s.ic[0], Pearson({10, 20, 40}, {1, 2, 3}), 1e-12);
  EXPECT_NEAR(s.rank_ic_mean, 0.0, 1e-12);
}

}  // namespace finml::eval
