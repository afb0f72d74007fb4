// Every indicator against R's TTR 0.24.3 (fixtures made by tests/fixtures/make_ttr_fixtures.R).
#include <gtest/gtest.h>

#include <cmath>

#include "finml/data/loader.hpp"
#include "finml/features/feature_set.hpp"
#include "test_util.hpp"

namespace finml::features {
namespace {

struct Case {
  std::string name;
  std::string prices;
  std::string fixture;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class TtrAgreement : public ::testing::TestWithParam<Case> {};

TEST_P(TtrAgreement, EveryIndicatorWithin1e8) {
  const Case& c = GetParam();
  data::MarketData md = data::LoadMarketData(testing::RepoPath(c.prices));
  testing::Fixture ref = testing::ReadFixture(testing::RepoPath(c.fixture));
  ASSERT_EQ(ref.first_column.size(), md.rows());
  FeatureTable table = ComputeFeatures(md.assets[0], ExpandFeatureSet("all", md.assets[0]));
  std::size_t compared_columns = 0;
  for (const auto& [name, expected] : ref.columns) {
    SCOPED_TRACE(name);
    const Series& got = table.Column(name);
    ASSERT_EQ(got.size(), expected.size());
    std::size_t values = 0;
    for (std::size_t t = 0; t < got.size(); ++t) {
      if (std::isnan(expected[t])) {
        EXPECT_TRUE(std::isnan(got[t])) << name << " row " << t << " should be NaN, got " << got[t];
        continue;
      }
      ASSERT_FALSE(std::isnan(got[t])) << name << " row " << t;
      // Absolute 1e-8, relative for OBV-sized magnitudes.
      double tolerance = 1e-8 * std::max(1.0, std::abs(expected[t]) / 1e4);
      EXPECT_NEAR(got[t], expected[t], tolerance) << name << " row " << t;
      ++values;
    }
    EXPECT_GT(values, 0u);
    ++compared_columns;
  }
  EXPECT_EQ(compared_columns, 21u);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, TtrAgreement,
    ::testing::Values(Case{"ttrc", "tests/fixtures/ttrc_ohlcv.csv", "tests/fixtures/ttr_ttrc.csv"},
                      Case{"msft", "data/msft_ohlcv.csv", "tests/fixtures/ttr_msft.csv"}),
    [](const auto& info) { return info.param.name; });

}  // namespace

TEST(Indicators, HandComputedSmallCases) {
  Series x = {1, 2, 3, 4, 5};
  Series sma = Sma(x, 3);
  EXPECT_TRUE(std::isnan(sma[1]));
  EXPECT_DOUBLE_EQ(sma[2], 2);
  EXPECT_DOUBLE_EQ(sma[4], 4);
  Series ema = Ema(x, 3);
  EXPECT_DOUBLE_EQ(ema[2], 2);  // seeded with the SMA
  EXPECT_DOUBLE_EQ(ema[3], 0.5 * 4 + 0.5 * 2);
  Series wma = Wma(x, 3);
  EXPECT_DOUBLE_EQ(wma[2], (1 * 1 + 2 * 2 + 3 * 3) / 6.0);
  Series mx = RollingMax({3, 1, 2, 5, 4}, 2);
  EXPECT_DOUBLE_EQ(mx[1], 3);
  EXPECT_DOUBLE_EQ(mx[2], 2);
  EXPECT_DOUBLE_EQ(mx[4], 5);
  Series lag = Lag(x, 2);
  EXPECT_DOUBLE_EQ(lag[2], 1);
}

TEST(Indicators, OnlyPastValuesMatter) {
  // Changing the last value must not change any earlier output of any indicator.
  data::MarketData md = data::LoadMarketData(testing::RepoPath("data/msft_ohlcv.csv"));
  data::Bars changed = md.assets[0];
  changed.close.back() *= 1.5;
  changed.high.back() *= 1.5;
  changed.volume.back() *= 3;
  auto specs = ExpandFeatureSet("all", md.assets[0]);
  FeatureTable a = ComputeFeatures(md.assets[0], specs);
  FeatureTable b = ComputeFeatures(changed, specs);
  for (std::size_t j = 0; j < a.names.size(); ++j) {
    for (std::size_t t = 0; t + 1 < a.rows(); ++t) {
      double u = a.columns[j][t], v = b.columns[j][t];
      EXPECT_TRUE((std::isnan(u) && std::isnan(v)) || u == v) << a.names[j] << " row " << t;
    }
  }
}

TEST(FeatureSet, UnknownNamesSuggestTheClosest) {
  data::MarketData md = data::LoadMarketData(testing::RepoPath("data/msft_ohlcv.csv"));
  try {
    (void)ComputeFeatures(md.assets[0], {"rsj_14"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'rsi'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)ExpandFeatureSet("stationery", md.assets[0]), ConfigError);
  EXPECT_THROW((void)ComputeFeatures(md.assets[0], {"macd_5"}), ConfigError);
}

TEST(FeatureSet, CloseOnlyDataRejectsHighLowIndicators) {
  data::MarketData md = data::LoadMarketData(testing::RepoPath("data/aer_djia8012.csv"));
  auto specs = ExpandFeatureSet("all", md.assets[0]);
  EXPECT_EQ(std::count(specs.begin(), specs.end(), "atr_14"), 0);
  EXPECT_THROW((void)ComputeFeatures(md.assets[0], {"atr_14"}), ConfigError);
  FeatureTable t = ComputeFeatures(md.assets[0], {"sma_50", "lag_ret_0", "close_sma_ratio_20"});
  EXPECT_EQ(t.names, (std::vector<std::string>{"sma_50", "lag_ret_0", "close_sma_ratio_20"}));
  const auto& close = md.assets[0].close;
  EXPECT_DOUBLE_EQ(t.Column("lag_ret_0")[5], std::log(close[5] / close[4]));
}

}  // namespace finml::features

namespace finml::features {
namespace {

// The mean of x[t-n+1..t] added exactly enough to judge a running sum against.
double WindowMean(const Series& x, std::size_t t, std::size_t n) {
  long double s = 0;
  for (std::size_t k = t + 1 - n; k <= t; ++k) s += x[k];
  return static_cast<double>(s / static_cast<long double>(n));
}

TEST(Indicators, SmaStaysExactAfterHugeValuesLeaveTheWindow) {
  Series x;
  for (int i = 0; i < 600; ++i) x.push_back(834.27 + 10 * std::sin(i * 0.1));
  x[50] = 1e308;  // passes validation: a finite positive price
  x[51] = 1e308;  // and two of them overflow the sum
  x[200] = 1e20;
  const std::size_t n = 20;
  const auto sma = Sma(x, n);
  for (std::size_t t = n - 1; t < x.size(); ++t) {
    const bool inside = (t >= 50 && t < 51 + n) || (t >= 200 && t < 200 + n);
    if (inside) continue;  // the mean of a window with a spike is the spike's business
    EXPECT_NEAR(sma[t], WindowMean(x, t, n), 1e-9 * std::abs(WindowMean(x, t, n))) << "row " << t;
  }
  EXPECT_NEAR(sma[599], WindowMean(x, 599, n), 1e-9);
}

}  // namespace
}  // namespace finml::features
