// The train / validate / trade cycle's bars, the ensemble's hand-over between agents of
// different kinds, and the bootstrap test of a Sharpe difference.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "finml/core/error.hpp"
#include "finml/eval/sharpe_test.hpp"
#include "finml/rl/rollout.hpp"
#include "finml/rl/workflow.hpp"
#include "rl/market_util.hpp"

namespace finml::rl {
namespace {

TEST(RlCycle, SplitsAndWindowsFollowTheDates) {
  EnvSettings env;
  env.window = 5;
  const auto in = PrepareMarket(testing::MakeMarket(testing::RandomWalks(2, 400, 3)), env);
  RlSettings s;
  const Split by_share = ResolveSplit(in, s);
  EXPECT_EQ(by_share.last, 399u);
  EXPECT_EQ(by_share.train_last, 239u);  // 60% and 80% of the bars
  EXPECT_EQ(by_share.validation_last, 319u);
  s.train_end = in.prices.time_label[200];
  s.validation_end = in.prices.time_label[300];
  const Split dated = ResolveSplit(in, s);
  EXPECT_EQ(dated.train_last, 200u);
  EXPECT_EQ(dated.validation_last, 300u);
  // Rolling: windows of 30 bars from the validation's end; each learns through the bars before
  // its own validation stretch, which is as long as the first one (100 bars).
  const auto windows = CycleWindows(dated, 30);
  ASSERT_EQ(windows.size(), 4u);
  EXPECT_EQ(windows[0].train_last, 200u);
  EXPECT_EQ(windows[0].start, 300u);
  EXPECT_EQ(windows[1].train_last, 230u);
  EXPECT_EQ(windows[1].start, 330u);
  EXPECT_EQ(windows[3].end, 399u);
  EXPECT_EQ(CycleWindows(dated, 0).size(), 1u);
  s.train_end = in.prices.time_label[10];  // before the state has history
  EXPECT_THROW((void)ResolveSplit(in, s), Error);
  s.train_end = in.prices.time_label[398];  // nothing left to validate and trade
  s.validation_end.clear();
  EXPECT_THROW((void)ResolveSplit(in, s), Error);
}

// A policy that always gives one action, of either kind.
class Constant final : public Agent {
 public:
  Constant(ActionSpace space, float value) : value_(value) {
    spec_.actions = space;
    spec_.observation_size = 1;
  }
  std::vector<LearningPoint> Learn(Environment&) override { return {}; }
  void Act(const float*, std::size_t count, float* actions) const override {
    std::fill(actions, actions + count * (spec_.actions.discrete ? 1 : spec_.actions.size), value_);
  }
  void Save(const std::string&) const override {}
  void Load(const std::string&) override {}
  const AgentSpec& Spec() const override { return spec_; }

 private:
  AgentSpec spec_;
  float value_;
};

TEST(RlCycle, AnEnsembleReadsEachAgentsActionsInItsOwnKind) {
  EnvSettings env;
  env.env = EnvKind::kTrading;
  env.window = 3;
  const auto in = std::make_shared<const MarketInputs>(
      PrepareMarket(testing::MakeMarket(testing::RandomWalks(1, 120, 4)), env));
  const StateScaler scaler = StateScaler::Fit(*in, 0, 60);
  const Constant discrete_long({true, 3}, 2.0f);     // short, flat, long: long
  const Constant continuous_half({false, 1}, 0.5f);  // the position itself
  const std::vector<Policy> policies = {{&discrete_long, scaler, 1e300},
                                        {&continuous_half, scaler, 1e300},
                                        {&discrete_long, scaler, 1e300}};
  const auto r = Rollout(in, env, {60, 119}, policies, [](std::size_t row) {
    return row < 80 ? 0 : row < 100 ? 1 : 2;
  });
  EXPECT_EQ(r.targets.at(70, 0), 1.0);
  EXPECT_EQ(r.targets.at(90, 0), 0.5);
  EXPECT_EQ(r.targets.at(110, 0), 1.0);
  EXPECT_EQ(r.next_targets[0], 1.0);
}

TEST(RlCycle, SharpeDifferencesAreTestedByABlockBootstrap) {
  std::mt19937 rng(8);
  std::normal_distribution<double> z(0.0, 0.01);
  std::vector<double> a(750), noise(750), better(750);
  for (std::size_t k = 0; k < a.size(); ++k) {
    a[k] = 0.0002 + z(rng);
    noise[k] = a[k] + 0.001 * z(rng);
    better[k] = a[k] + 0.002 + 0.001 * z(rng);
  }
  const auto same = eval::SharpeDifferenceTest(a, a, 252, 500, 10, 1);
  EXPECT_EQ(same.difference, 0.0);
  EXPECT_EQ(same.p_value, 1.0);
  // Nearly the same series: no evidence either way.
  const auto close = eval::SharpeDifferenceTest(noise, a, 252, 1000, 10, 1);
  EXPECT_GT(close.p_value, 0.1);
  EXPECT_LT(close.low, close.difference);
  EXPECT_GT(close.high, close.difference);
  // 20 bps a day more on the same risk: a difference the test finds.
  const auto far = eval::SharpeDifferenceTest(better, a, 252, 1000, 10, 1);
  EXPECT_GT(far.difference, 2.0);
  EXPECT_LT(far.p_value, 0.01);
  EXPECT_GT(far.low, 0.0);
  // The same seed draws the same samples.
  EXPECT_EQ(eval::SharpeDifferenceTest(noise, a, 252, 300, 10, 5).p_value,
            eval::SharpeDifferenceTest(noise, a, 252, 300, 10, 5).p_value);
}

}  // namespace
}  // namespace finml::rl
