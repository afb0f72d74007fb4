// The market environment trades exactly as the backtester, sees nothing after the bar it decides
// at, and reads its actions as documented.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <memory>
#include <random>

#include "finml/backtest/engine.hpp"
#include "finml/core/error.hpp"
#include "finml/rl/environment.hpp"
#include "rl/market_util.hpp"

namespace finml::rl {
namespace {

std::shared_ptr<const MarketInputs> Inputs(const data::MarketData& m, const EnvSettings& env) {
  return std::make_shared<const MarketInputs>(PrepareMarket(m, env));
}

// Random actions through one copy from the first bar to the last, recorded.
struct Played {
  backtest::Panel targets;
  std::vector<double> equity;
  std::vector<std::vector<float>> observations;
  std::vector<float> rewards;
};

Played Play(std::shared_ptr<const MarketInputs> in, const EnvSettings& env, bool continuous,
            unsigned seed) {
  MarketEnv market(in, env, StateScaler::Fit(*in, 0, in->rows() / 2), 1e300, {0, in->rows() - 1}, 1,
                   continuous, true);
  market.Record(true);
  std::vector<float> obs(market.ObservationSize());
  market.Reset(1, obs.data());
  const ActionSpace space = market.Actions();
  std::mt19937 rng(seed);
  std::normal_distribution<float> z(0.0f, 1.5f);
  std::vector<float> action(space.discrete ? 1 : space.size);
  Played p;
  std::uint8_t done = 0;
  while (!done) {
    p.observations.push_back(obs);
    for (float& a : action) a = space.discrete ? static_cast<float>(rng() % space.size) : z(rng);
    float reward = 0;
    market.Step(action.data(), obs.data(), &reward, &done);
    p.rewards.push_back(reward);
  }
  p.targets = market.RecordedTargets();
  p.equity = market.RecordedEquity();
  return p;
}

TEST(RlEnvironment, EquityEqualsTheBacktestOfTheSameWeights) {
  const auto market = testing::MakeMarket(testing::RandomWalks(4, 300, 7));
  for (WeightMap map : {WeightMap::kSoftmax, WeightMap::kSimplex, WeightMap::kLongShort}) {
    EnvSettings env;
    env.window = 5;
    env.weights = map;
    env.execution.cost_bps = 10;
    env.execution.slippage_bps = 3;
    const auto in = Inputs(market, env);
    const Played p = Play(in, env, true, 3);
    const auto engine = backtest::Simulate(in->prices, p.targets, env.execution,
                                           backtest::Rebalance::kAlways, false);
    ASSERT_EQ(engine.equity.size(), p.equity.size());
    for (std::size_t k = 0; k < p.equity.size(); ++k)
      ASSERT_DOUBLE_EQ(engine.equity[k], p.equity[k]) << EnumName(map) << " bar " << k;
    // The reward is the log growth of that equity, net of costs.
    for (std::size_t k = 0; k + 1 < p.equity.size(); ++k)
      ASSERT_NEAR(p.rewards[k], 100 * std::log(p.equity[k + 1] / p.equity[k]), 1e-3);
  }
}

TEST(RlEnvironment, ScramblingPricesAfterABarChangesNothingDecidedBeforeIt) {
  auto closes = testing::RandomWalks(3, 200, 11);
  const auto original = testing::MakeMarket(closes);
  const std::size_t cut = 120;
  std::mt19937 rng(5);
  for (auto& path : closes)
    for (std::size_t t = cut + 1; t < path.size(); ++t)
      path[t] *= std::exp(std::normal_distribution<double>(0, 0.2)(rng));
  const auto scrambled = testing::MakeMarket(closes);
  EnvSettings env;
  env.window = 10;
  env.features = {"rsi_14", "macd"};
  env.turbulence = true;
  env.turbulence_window = 30;
  env.covariance = true;
  env.covariance_window = 20;
  const auto a = Inputs(original, env), b = Inputs(scrambled, env);
  ASSERT_EQ(a->state_size, b->state_size);
  for (std::size_t t = 0; t <= cut; ++t)
    for (std::size_t k = 0; k < a->state_size; ++k)
      ASSERT_EQ(a->state[t * a->state_size + k], b->state[t * b->state_size + k])
          << "bar " << t << " " << a->state_names[k];
  // The scaler and the risk-off threshold fitted on bars up to the cut are the same too, so a
  // policy trained on them decides identically (tests/rl/test_agents.cpp trains one).
  const auto sa = StateScaler::Fit(*a, 0, cut), sb = StateScaler::Fit(*b, 0, cut);
  EXPECT_EQ(sa.mean, sb.mean);
  EXPECT_EQ(sa.scale, sb.scale);
  EXPECT_EQ(TurbulenceThreshold(*a, env, 0, cut), TurbulenceThreshold(*b, env, 0, cut));
  // What a policy sees at every bar up to the cut is the same (and so is the account).
  const Played pa = Play(a, env, true, 9), pb = Play(b, env, true, 9);
  const std::size_t first = a->first_row;
  ASSERT_GT(cut, first + 10);
  for (std::size_t k = 0; first + k <= cut; ++k) {
    ASSERT_EQ(pa.observations[k], pb.observations[k]) << "bar " << first + k;
    ASSERT_EQ(pa.equity[k], pb.equity[k]) << "bar " << first + k;
  }
  EXPECT_NE(pa.observations[cut + 5 - first], pb.observations[cut + 5 - first]);
}

TEST(RlEnvironment, ActionsBecomeTheDocumentedWeights) {
  const auto market = testing::MakeMarket(testing::RandomWalks(3, 80, 2));
  EnvSettings env;
  env.window = 3;
  const auto in = Inputs(market, env);
  const StateScaler scaler = StateScaler::Fit(*in, 0, 40);
  double w[3];
  {
    MarketEnv e(in, env, scaler, 1e300, {0, 79}, 1, true, true);
    const float logits[4] = {0, 0, 0, 0};
    e.TargetWeights(logits, 0, w);
    for (double x : w) EXPECT_DOUBLE_EQ(x, 0.25);  // the cash slot takes the fourth quarter
  }
  {
    env.weights = WeightMap::kSimplex;
    MarketEnv e(in, env, scaler, 1e300, {0, 79}, 1, true, true);
    const float v[4] = {2.0f, 0.5f, -1.0f, 0.0f};
    e.TargetWeights(v, 0, w);
    EXPECT_NEAR(w[0], 1.0, 1e-12);  // the projection of a dominant coordinate is the vertex
    EXPECT_EQ(w[1], 0.0);
    const float u[4] = {0.4f, 0.3f, 0.2f, 0.1f};
    e.TargetWeights(u, 0, w);
    EXPECT_NEAR(w[0] + w[1] + w[2], 0.9, 1e-6);
  }
  {
    env.weights = WeightMap::kLongShort;
    MarketEnv e(in, env, scaler, 1e300, {0, 79}, 1, true, true);
    const float v[3] = {3.0f, -1.0f, 0.5f};
    e.TargetWeights(v, 0, w);
    EXPECT_NEAR(std::abs(w[0]) + std::abs(w[1]) + std::abs(w[2]), 1.0, 1e-12);
    EXPECT_NEAR(w[0] / w[2], 2.0, 1e-6);  // clipped to 1 first, then scaled to gross 1
    EXPECT_LT(w[1], 0);
  }
  EnvSettings trading;
  trading.env = EnvKind::kTrading;
  trading.window = 3;
  trading.asset = "A1";
  const auto one = Inputs(market, trading);
  ASSERT_EQ(one->assets(), 1u);
  EXPECT_EQ(one->prices.symbols.front(), "A1");
  const StateScaler s1 = StateScaler::Fit(*one, 0, 40);
  {
    MarketEnv e(one, trading, s1, 1e300, {0, 79}, 1, false, true);
    EXPECT_TRUE(e.Actions().discrete);
    EXPECT_EQ(e.Actions().size, 3u);
    for (int k = 0; k < 3; ++k) {
      const float a = static_cast<float>(k);
      e.TargetWeights(&a, 0, w);
      EXPECT_EQ(w[0], k - 1.0);  // short, flat, long
    }
  }
  {
    trading.actions = TradingActions::kSteps;
    trading.position_step = 0.25;
    MarketEnv e(one, trading, s1, 1e300, {0, 79}, 1, false, true);
    const float buy = 2, sell = 0, hold = 1;
    e.TargetWeights(&buy, 0.5, w);
    EXPECT_EQ(w[0], 0.75);
    e.TargetWeights(&sell, 0.0, w);
    EXPECT_EQ(w[0], 0.0);  // long-only steps: no selling below flat
    e.TargetWeights(&hold, 0.5, w);
    EXPECT_EQ(w[0], 0.5);
  }
  {
    trading.actions = TradingActions::kFlatLong;
    MarketEnv e(one, trading, s1, 1e300, {0, 79}, 1, true, true);
    const float a = -0.7f;
    e.TargetWeights(&a, 0, w);
    EXPECT_EQ(w[0], 0.0);  // continuous actions are clipped to the allowed positions
  }
  trading.asset = "B9";
  EXPECT_THROW((void)Inputs(market, trading), InvalidInput);
  EXPECT_THROW((void)MarketActions(env, 3, false), Error);  // a discrete agent on the portfolio
}

TEST(RlEnvironment, TurbulenceIsTheMahalanobisDistanceFromTheTrailingYear) {
  const auto closes = testing::RandomWalks(3, 60, 4);
  EnvSettings env;
  env.window = 2;
  env.turbulence = true;
  env.turbulence_window = 25;
  const auto in = Inputs(testing::MakeMarket(closes), env);
  const std::size_t t = 50;
  Eigen::MatrixXd history(25, 3);
  Eigen::VectorXd today(3);
  for (std::size_t i = 0; i < 3; ++i) {
    today(static_cast<Eigen::Index>(i)) = std::log(closes[i][t] / closes[i][t - 1]);
    for (std::size_t s = 0; s < 25; ++s)
      history(static_cast<Eigen::Index>(s), static_cast<Eigen::Index>(i)) =
          std::log(closes[i][t - 25 + s] / closes[i][t - 25 + s - 1]);
  }
  const Eigen::RowVectorXd mean = history.colwise().mean();
  const Eigen::MatrixXd c = history.rowwise() - mean;
  const Eigen::MatrixXd cov = c.transpose() * c / 24.0;
  const Eigen::VectorXd d = today - mean.transpose();
  EXPECT_NEAR(in->turbulence[t], d.dot(cov.inverse() * d), 1e-8);
  EXPECT_TRUE(std::isnan(in->turbulence[10]));
  // Above the threshold every copy holds cash, whatever it asks for.
  MarketEnv market(in, env, StateScaler::Fit(*in, 0, 40), -1.0, {0, 59}, 1, true, true);
  market.Record(true);
  std::vector<float> obs(market.ObservationSize());
  market.Reset(0, obs.data());
  const float logits[4] = {3, 3, 3, -3};
  float reward;
  std::uint8_t done = 0;
  while (!done) market.Step(logits, obs.data(), &reward, &done);
  EXPECT_EQ(market.RecordedTargets().at(t, 0), 0.0);
  EXPECT_GT(market.RecordedTargets().at(10, 0), 0.3);  // no index yet: no rule
  EXPECT_GT(market.RiskOffBars(), 20u);
}

TEST(RlEnvironment, DifferentialSharpeRewardsFollowMoodyAndSaffell) {
  // Moody and Saffell's differential Sharpe ratio, its moments warm-started from the past.
  std::vector<double> close = {100};
  const double r[] = {0.01, -0.02, 0.015, 0.0, 0.03, -0.01, 0.02, 0.005};
  for (int k = 0; k < 40; ++k) close.push_back(close.back() * (1 + r[k % 8]));
  EnvSettings env;
  env.env = EnvKind::kTrading;
  env.window = 2;
  env.reward = RewardKind::kDifferentialSharpe;
  env.reward_scale = 1;
  env.execution.cost_bps = 0;
  const auto in = Inputs(testing::MakeMarket({close}), env);
  MarketEnv market(in, env, StateScaler::Fit(*in, 0, 20), 1e300, {0, 40}, 1, false, true);
  std::vector<float> obs(market.ObservationSize());
  market.Reset(0, obs.data());
  const float long_action = 2;
  // The moments start from the asset's returns over the 1/eta = 100 bars up to the first
  // decision (here every bar from the second to it).
  double a = 0, b = 0;
  const std::size_t start = market.Row();
  for (std::size_t t = 1; t <= start; ++t) {
    const double r0 = close[t] / close[t - 1] - 1;
    a += r0 / static_cast<double>(start);
    b += r0 * r0 / static_cast<double>(start);
  }
  std::uint8_t done = 0;
  for (std::size_t k = 0; !done; ++k) {
    float reward;
    const std::size_t t = market.Row();
    market.Step(&long_action, obs.data(), &reward, &done);
    // Long all the time: the first decision is filled at the close after it, and from then on
    // the account's return is the asset's.
    const double ret = k == 0 ? 0.0 : close[t + 1] / close[t] - 1;
    const double var = b - a * a;
    const double expected =
        var > 1e-12 ? (b * (ret - a) - 0.5 * a * (ret * ret - b)) / std::pow(var, 1.5) : 0.0;
    ASSERT_NEAR(reward, expected, 1e-3 * std::max(1.0, std::abs(expected))) << k;
    a += 0.01 * (ret - a);
    b += 0.01 * (ret * ret - b);
  }
}

TEST(RlEnvironment, TrainingEpisodesStartAtSeededRandomBarsAndRestart) {
  const auto in = Inputs(testing::MakeMarket(testing::RandomWalks(2, 400, 8)), [] {
    EnvSettings e;
    e.window = 5;
    e.episode_length = 50;
    return e;
  }());
  EnvSettings env;
  env.window = 5;
  env.episode_length = 50;
  const auto run = [&](std::uint64_t seed) {
    MarketEnv market(in, env, StateScaler::Fit(*in, 0, 300), 1e300, {0, 300}, 4, true, false);
    std::vector<float> obs(4 * market.ObservationSize());
    market.Reset(seed, obs.data());
    std::vector<float> actions(4 * 3, 0.0f), rewards(4);
    std::vector<std::uint8_t> dones(4);
    std::size_t ended = 0;
    std::vector<float> trace;
    for (int step = 0; step < 120; ++step) {
      market.Step(actions.data(), obs.data(), rewards.data(), dones.data());
      for (auto d : dones) ended += d;
      trace.insert(trace.end(), rewards.begin(), rewards.end());
    }
    EXPECT_EQ(ended, 8u);  // 4 copies x 2 episodes of 50 bars in 120 steps
    return trace;
  };
  EXPECT_EQ(run(3), run(3));
  EXPECT_NE(run(3), run(4));
}

}  // namespace
}  // namespace finml::rl
