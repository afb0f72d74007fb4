// Each agent solves small problems whose best policy is known; the same seed gives the same
// agent; a saved agent acts as it did. The agents run in the torch module, loaded like the CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/rl/agent.hpp"
#include "finml/rl/rollout.hpp"
#include "rl/market_util.hpp"

namespace finml::rl {
namespace {

// One-step episodes with a constant observation: action k pays kMeans[k] plus noise.
class Bandit final : public Environment {
 public:
  static constexpr double kMeans[3] = {0.0, 1.0, 0.5};
  Bandit(std::size_t copies, bool continuous) : copies_(copies), continuous_(continuous) {}
  std::size_t Copies() const override { return copies_; }
  std::size_t ObservationSize() const override { return 1; }
  ActionSpace Actions() const override { return {!continuous_, continuous_ ? 1u : 3u}; }
  void Reset(std::uint64_t seed, float* obs) override {
    rng_.seed(seed);
    std::fill(obs, obs + copies_, 1.0f);
  }
  void Step(const float* actions, float* obs, float* rewards, std::uint8_t* dones) override {
    std::normal_distribution<double> noise(0, 0.1);
    for (std::size_t c = 0; c < copies_; ++c) {
      // Continuous: the best action is 0.6, the reward falls off quadratically around it.
      const double mean = continuous_ ? 1.0 - 4.0 * (actions[c] - 0.6) * (actions[c] - 0.6)
                                      : kMeans[static_cast<int>(actions[c])];
      rewards[c] = static_cast<float>(mean + noise(rng_));
      dones[c] = 1;
      obs[c] = 1.0f;
    }
  }

 private:
  std::size_t copies_;
  bool continuous_;
  std::mt19937_64 rng_;
};

AgentSpec Spec(AgentKind kind, std::size_t observations, ActionSpace actions, std::size_t timesteps,
               std::uint64_t seed = 7) {
  AgentSpec spec;
  spec.kind = kind;
  AgentSettings s;
  s.hidden = 32;
  s.learning_starts = 200;
  s.batch = 64;
  s.target_update = 100;
  s.buffer = 20000;
  if (kind == AgentKind::kPpo) s.n_steps = 16;
  spec.settings = AgentDefaults(kind, s);
  spec.observation_size = observations;
  spec.actions = actions;
  spec.timesteps = timesteps;
  spec.seed = seed;
  return spec;
}

float Greedy(const Agent& agent, float obs = 1.0f) {
  float action = 0;
  agent.Act(&obs, 1, &action);
  return action;
}

TEST(RlAgents, EveryDiscreteAgentFindsTheBanditsBestArm) {
  for (AgentKind kind :
       {AgentKind::kPpo, AgentKind::kA2c, AgentKind::kReinforce, AgentKind::kDqn}) {
    Bandit bandit(8, false);
    auto agent = MakeAgent(Spec(kind, 1, {true, 3}, 4000));
    const auto curve = agent->Learn(bandit);
    ASSERT_FALSE(curve.empty()) << EnumName(kind);
    EXPECT_EQ(Greedy(*agent), 1.0f) << EnumName(kind);
    // It learned: late episodes pay more than the first ones (a uniform policy earns 0.5).
    EXPECT_GT(curve.back().episode_return, 0.7) << EnumName(kind);
  }
}

TEST(RlAgents, ContinuousAgentsFindTheBestAction) {
  for (AgentKind kind : {AgentKind::kPpo, AgentKind::kSac}) {
    Bandit bandit(8, true);
    auto agent = MakeAgent(Spec(kind, 1, {false, 1}, kind == AgentKind::kSac ? 6000 : 8000));
    (void)agent->Learn(bandit);
    EXPECT_NEAR(Greedy(*agent), 0.6, 0.1) << EnumName(kind);
  }
}

// A market with a known best policy, traded by `kind` after learning on its first 300 bars;
// returns the share of the best policy's log growth the agent earns on the other bars.
double ShareOfOptimum(AgentKind kind, const std::vector<double>& close, TradingActions actions,
                      const std::function<double(std::size_t)>& best_position,
                      std::size_t timesteps) {
  EnvSettings env;
  env.env = EnvKind::kTrading;
  env.window = 2;
  env.actions = actions;
  env.execution.cost_bps = 0;
  env.episode_length = 50;
  const auto in =
      std::make_shared<const MarketInputs>(PrepareMarket(testing::MakeMarket({close}), env));
  const StateScaler scaler = StateScaler::Fit(*in, 0, 300);
  const bool continuous = ActsContinuously(kind, env.env);
  MarketEnv train(in, env, scaler, 1e300, {0, 300}, 8, continuous, false);
  AgentSpec spec = Spec(kind, train.ObservationSize(), train.Actions(), timesteps);
  auto agent = MakeAgent(spec);
  (void)agent->Learn(train);
  const RolloutResult r = Rollout(in, env, {300, close.size() - 1}, {{agent.get(), scaler, 1e300}},
                                  [](std::size_t) { return 0; });
  double earned = 0, best = 0;
  for (std::size_t t = 300; t + 2 < close.size(); ++t) {
    // A position decided at t is filled at the close of t+1 and earns the bar after it.
    const double move = std::log(close[t + 2] / close[t + 1]);
    earned += r.targets.at(t, 0) * move;
    best += best_position(t) * move;
  }
  return earned / best;
}

std::vector<double> Trending(std::size_t bars) {
  std::vector<double> close = {100};
  std::mt19937 rng(1);
  std::normal_distribution<double> z(0, 0.002);
  while (close.size() < bars) close.push_back(close.back() * std::exp(0.003 + z(rng)));
  return close;
}

// Up 1%, down 1%, up...: the move two bars on repeats the last one.
std::vector<double> Alternating(std::size_t bars) {
  std::vector<double> close = {100};
  while (close.size() < bars) close.push_back(close.back() * (close.size() % 2 ? 1.01 : 1 / 1.01));
  return close;
}

TEST(RlAgents, PpoAndDqnStayLongInATrendingMarket) {
  const auto close = Trending(420);
  for (AgentKind kind : {AgentKind::kPpo, AgentKind::kDqn}) {
    const double share = ShareOfOptimum(
        kind, close, TradingActions::kFlatLong, [](std::size_t) { return 1.0; }, 6000);
    EXPECT_GT(share, 0.95) << EnumName(kind);
  }
}

TEST(RlAgents, PpoAndDqnTradeAMeanRevertingMarket) {
  const auto close = Alternating(420);
  const auto best = [&](std::size_t t) { return close[t] > close[t - 1] ? 1.0 : -1.0; };
  for (AgentKind kind : {AgentKind::kPpo, AgentKind::kDqn}) {
    const double share = ShareOfOptimum(kind, close, TradingActions::kShortFlatLong, best, 12000);
    EXPECT_GT(share, 0.9) << EnumName(kind);
  }
}

TEST(RlAgents, TheSameSeedTrainsTheSameAgent) {
  const std::vector<float> probes = {-2.0f, 0.0f, 0.5f, 3.0f};
  for (AgentKind kind : AllAgents()) {
    const bool continuous = kind == AgentKind::kSac;
    const ActionSpace space{!continuous, continuous ? 1u : 3u};
    const auto train = [&](std::uint64_t seed) {
      Bandit bandit(4, continuous);
      auto agent = MakeAgent(Spec(kind, 1, space, 600, seed));
      const auto curve = agent->Learn(bandit);
      std::vector<float> acts(4);
      agent->Act(probes.data(), 4, acts.data());
      std::vector<double> returns;
      for (const auto& p : curve) returns.push_back(p.episode_return);
      return std::make_pair(acts, returns);
    };
    const auto a = train(5), b = train(5), c = train(6);
    EXPECT_EQ(a.first, b.first) << EnumName(kind);
    EXPECT_EQ(a.second, b.second) << EnumName(kind);
    EXPECT_NE(a.second, c.second) << EnumName(kind);
  }
}

TEST(RlAgents, ASavedAgentLoadsAndActsAsBefore) {
  const auto dir = std::filesystem::temp_directory_path() / "finml_rl_saved_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::vector<float> probes = {-2.0f, 0.0f, 0.5f, 3.0f};
  for (AgentKind kind : AllAgents()) {
    const bool continuous = kind == AgentKind::kSac || kind == AgentKind::kPpo;
    const ActionSpace space{!continuous, continuous ? 1u : 3u};
    Bandit bandit(4, continuous);
    auto trained = MakeAgent(Spec(kind, 1, space, 600));
    (void)trained->Learn(bandit);
    const std::string where = (dir / EnumName(kind)).string();
    std::filesystem::create_directories(where);
    trained->Save(where);
    auto loaded = MakeAgent(Spec(kind, 1, space, 600));
    loaded->Load(where);
    std::vector<float> x(4), y(4);
    trained->Act(probes.data(), 4, x.data());
    loaded->Act(probes.data(), 4, y.data());
    EXPECT_EQ(x, y) << EnumName(kind);
    // Weights of another shape, or not weights at all, are refused with the file's name.
    AgentSpec wider = Spec(kind, 1, space, 600);
    wider.settings.hidden = 48;
    auto other = MakeAgent(wider);
    try {
      other->Load(where);
      ADD_FAILURE() << EnumName(kind) << ": loaded weights of another shape";
    } catch (const InvalidInput& e) {
      EXPECT_NE(std::string(e.what()).find("agent.pt"), std::string::npos) << e.what();
    }
    WriteFileAtomic(where + "/agent.pt", "not a torch archive");
    EXPECT_THROW(loaded->Load(where), InvalidInput) << EnumName(kind);
  }
}

TEST(RlAgents, APolicyTrainedBeforeABarDecidesTheSameWhateverComesAfter) {
  auto closes = testing::RandomWalks(3, 260, 21);
  const std::size_t cut = 200;
  const auto run = [&](const std::vector<std::vector<double>>& c) {
    EnvSettings env;
    env.window = 5;
    env.episode_length = 40;
    const auto in =
        std::make_shared<const MarketInputs>(PrepareMarket(testing::MakeMarket(c), env));
    const StateScaler scaler = StateScaler::Fit(*in, 0, 150);
    MarketEnv train(in, env, scaler, 1e300, {0, 150}, 4, true, false);
    auto agent = MakeAgent(Spec(AgentKind::kPpo, train.ObservationSize(), train.Actions(), 1500));
    (void)agent->Learn(train);
    return Rollout(in, env, {150, c.front().size() - 1}, {{agent.get(), scaler, 1e300}},
                   [](std::size_t) { return 0; })
        .targets;
  };
  const auto before = run(closes);
  std::mt19937 rng(3);
  for (auto& path : closes)
    for (std::size_t t = cut + 1; t < path.size(); ++t)
      path[t] *= std::exp(std::normal_distribution<double>(0, 0.3)(rng));
  const auto after = run(closes);
  bool later_differs = false;
  for (std::size_t t = 150; t < 259; ++t)
    for (std::size_t i = 0; i < 3; ++i) {
      if (t <= cut) {
        ASSERT_EQ(before.at(t, i), after.at(t, i)) << "bar " << t;
      } else if (before.at(t, i) != after.at(t, i)) {
        later_differs = true;
      }
    }
  EXPECT_TRUE(later_differs);  // the scrambling did reach the state after the cut
}

}  // namespace
}  // namespace finml::rl
