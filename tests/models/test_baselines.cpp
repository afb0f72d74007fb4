#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "finml/core/error.hpp"
#include "finml/train/samples.hpp"
#include "models/baselines.hpp"

namespace finml::models {
namespace {

// Prices whose log returns follow a known AR(2): r_t = c + a1 r_{t-1} + a2 r_{t-2} + e_t.
train::SampleSet Ar2Samples(std::size_t n, double c, double a1, double a2, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.01);
  std::vector<double> price = {100.0, 100.0};
  double r1 = 0, r2 = 0;
  for (std::size_t t = 2; t < n; ++t) {
    double r = c + a1 * r1 + a2 * r2 + noise(rng);
    price.push_back(price.back() * std::exp(r));
    r2 = r1;
    r1 = r;
  }
  std::vector<data::Timestamp> cal(n);
  std::vector<std::string> labels(n);
  for (std::size_t t = 0; t < n; ++t) cal[t] = static_cast<data::Timestamp>(t);
  train::AssetInputs asset;
  asset.symbol = "sim";
  asset.price = price;
  asset.features = features::ComputeFeatures(data::Bars{"sim", {}, {}, {}, price, {}, {}},
                                             {"lag_ret_0", "lag_ret_1", "lag_ret_2"});
  return train::BuildSamples({asset}, cal, labels, {train::TargetKind::kLogReturn, 1}, 1, 2);
}

}  // namespace

TEST(Baselines, ArRecoversKnownCoefficients) {
  train::SampleSet s = Ar2Samples(40000, 0.0005, 0.3, -0.2, 7);
  AutoRegressive ar(2);
  ar.Fit(s, {}, {});
  const auto& c = ar.coefficients();
  EXPECT_NEAR(c(0), 0.0005, 1e-4);
  EXPECT_NEAR(c(1), 0.3, 0.015);
  EXPECT_NEAR(c(2), -0.2, 0.015);
  auto d = ar.Describe();
  EXPECT_EQ(d["std_errors"].size(), 3u);
  // Standard errors near the asymptotic sqrt((1 - a2^2) / n) for the AR(2) slopes.
  EXPECT_NEAR(d["std_errors"][1].get<double>(), std::sqrt((1 - 0.04) / 40000.0), 1e-3);
  auto pred = ar.Predict(s);
  EXPECT_NEAR(pred[10], c(0) + c(1) * s.own_lags[20] + c(2) * s.own_lags[21], 1e-15);
}

TEST(Baselines, RidgeWithoutPenaltyIsOrdinaryLeastSquares) {
  train::SampleSet s = Ar2Samples(3000, 0.0, 0.3, -0.2, 11);
  Ridge ridge({0.0});
  ridge.Fit(s, {}, {});
  Eigen::MatrixXd x(s.size(), 4);
  Eigen::VectorXd y(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    x(i, 0) = 1;
    for (int j = 0; j < 3; ++j) x(i, j + 1) = s.x[i * 3 + j];
    y(i) = s.y[i];
  }
  Eigen::VectorXd beta = x.colPivHouseholderQr().solve(y);
  auto pred = ridge.Predict(s);
  for (std::size_t i = 0; i < s.size(); i += 97) EXPECT_NEAR(pred[i], x.row(i).dot(beta), 1e-10);
}

TEST(Baselines, RidgePicksPenaltyOnValidation) {
  train::SampleSet tr = Ar2Samples(2000, 0.0, 0.3, -0.2, 1);
  train::SampleSet va = Ar2Samples(1000, 0.0, 0.3, -0.2, 2);
  Ridge ridge({1e-6, 1e3});
  ridge.Fit(tr, va, {});
  // A huge penalty throws the signal away; validation must prefer the small one.
  EXPECT_DOUBLE_EQ(ridge.Describe()["alpha"].get<double>(), 1e-6);
  EXPECT_EQ(ridge.Describe()["alpha_search"].size(), 2u);
  // The smallest of the grid won: the description says the best may lie below it.
  const auto edge = ridge.Describe()["alpha_at_grid_edge"];
  ASSERT_TRUE(edge.is_string());
  EXPECT_NE(edge.get<std::string>().find("smallest of the grid"), std::string::npos);
  // A relation that reverses out of sample: the largest wins, at the other edge. A grid of one
  // value has no edge.
  train::SampleSet reversed = Ar2Samples(1000, 0.0, -0.3, 0.2, 4);
  Ridge shrunk({1e-6, 1e3});
  shrunk.Fit(tr, reversed, {});
  EXPECT_DOUBLE_EQ(shrunk.Describe()["alpha"].get<double>(), 1e3);
  EXPECT_NE(shrunk.Describe()["alpha_at_grid_edge"].get<std::string>().find("largest"),
            std::string::npos);
  Ridge one({1.0});
  one.Fit(tr, va, {});
  EXPECT_EQ(one.Describe()["alpha_at_grid_edge"], false);
}

TEST(Baselines, RandomWalkAndHistoricalMean) {
  train::SampleSet s = Ar2Samples(500, 0.001, 0.0, 0.0, 3);
  RandomWalk rw;
  rw.Fit(s, s, {});
  EXPECT_EQ(rw.Predict(s), s.no_change);
  HistoricalMean hm;
  hm.Fit(s, s, {});
  double mean = 0;
  for (double v : s.y) mean += v;
  mean /= static_cast<double>(s.size());
  EXPECT_NEAR(hm.Predict(s)[0], mean, 1e-15);
}

TEST(Registry, UnknownTypeAndParamsAreErrors) {
  EXPECT_NO_THROW((void)MakeForecaster("ar", {{"p", 3}}));
  try {
    (void)MakeForecaster("ridg", nlohmann::json::object());
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'ridge'"), std::string::npos);
  }
  EXPECT_THROW((void)MakeForecaster("ar", {{"q", 3}}), ConfigError);
  EXPECT_THROW((void)MakeForecaster("ar", {{"p", 0}}), ConfigError);
  EXPECT_THROW((void)MakeForecaster("random_walk", {{"p", 1}}), ConfigError);
}

}  // namespace finml::models
