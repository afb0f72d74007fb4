#include "bench_rl.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "bench_rng.hpp"
#include "finml/data/loader.hpp"
#include "finml/models/deep.hpp"
#include "finml/rl/agent.hpp"
#include "finml/rl/environment.hpp"
#include "finml/rl/workflow.hpp"

namespace finml_bench {
namespace {

using Clock = std::chrono::steady_clock;
using finml::rl::MarketEnv;

constexpr std::uint64_t kActionSeed = 20261217;  // the random logits
constexpr std::uint64_t kEnvSeed = 7;            // MarketEnv::Reset: the episodes' starts
constexpr std::size_t kRing = 64;                // distinct steps of logits, reused in turn
constexpr std::size_t kWarmup = 200;             // untimed steps before each case
constexpr std::size_t kCheckSteps = 700;         // the random-episode trace: about 2.8 episodes

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

template <typename T>
void WriteRaw(const std::filesystem::path& path, const std::vector<T>& values) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(values.data()),
             static_cast<std::streamsize>(values.size() * sizeof(T)));
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

struct Setup {
  std::shared_ptr<const finml::rl::MarketInputs> inputs;
  finml::rl::RlSettings settings;
  finml::rl::StateScaler scaler;
  MarketEnv::Range train;
  double prepare_seconds = 0;  // load + PrepareMarket + split + scaler
};

Setup Prepare(const std::string& csv) {
  Setup s;
  const auto start = Clock::now();
  s.settings.prices = csv;
  const finml::data::MarketData market = finml::data::LoadMarketData(csv, s.settings.load);
  s.inputs = std::make_shared<const finml::rl::MarketInputs>(
      finml::rl::PrepareMarket(market, s.settings.env));
  const finml::rl::Split split = finml::rl::ResolveSplit(*s.inputs, s.settings);
  // As RunRlTrain: the scaler and the training environment over [first_row, train_last].
  s.scaler = finml::rl::StateScaler::Fit(*s.inputs, s.inputs->first_row, split.train_last);
  s.train = {s.inputs->first_row, split.train_last};
  s.prepare_seconds = Seconds(start);
  return s;
}

MarketEnv MakeEnv(const Setup& s, std::size_t copies, bool from_start) {
  return MarketEnv(s.inputs, s.settings.env, s.scaler, std::numeric_limits<double>::infinity(),
                   s.train, copies, true, from_start);
}

std::vector<float> RandomLogits(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> out(count);
  for (float& v : out) v = static_cast<float>(rng.Noise());
  return out;
}

nlohmann::json EnvCase(const Setup& s, std::size_t copies, std::size_t transitions, int reps) {
  MarketEnv env = MakeEnv(s, copies, false);
  const std::size_t obs_size = env.ObservationSize(), act = env.Actions().size;
  const std::vector<float> ring = RandomLogits(kRing * copies * act, kActionSeed + copies);
  std::vector<float> obs(copies * obs_size), rewards(copies);
  std::vector<std::uint8_t> dones(copies);
  env.Reset(kEnvSeed, obs.data());
  std::size_t k = 0, episodes = 0;
  double reward_sum = 0;  // read after the loop, so the steps cannot be optimised away
  const auto step = [&] {
    env.Step(ring.data() + (k++ % kRing) * copies * act, obs.data(), rewards.data(), dones.data());
    for (std::size_t c = 0; c < copies; ++c) {
      reward_sum += rewards[c];
      episodes += dones[c];
    }
  };
  for (std::size_t i = 0; i < kWarmup; ++i) step();
  const std::size_t steps = std::max<std::size_t>(1, transitions / copies);
  nlohmann::json seconds = nlohmann::json::array(), rates = nlohmann::json::array();
  for (int r = 0; r < reps; ++r) {
    const auto start = Clock::now();
    for (std::size_t i = 0; i < steps; ++i) step();
    const double t = Seconds(start);
    seconds.push_back(t);
    rates.push_back(static_cast<double>(steps * copies) / t);
    std::fprintf(stderr, "finml env %zu copies rep %d: %.0f transitions/s\n", copies, r + 1,
                 static_cast<double>(steps * copies) / t);
  }
  return {{"copies", copies},        {"steps", steps}, {"transitions", steps * copies},
          {"seconds", seconds},      {"rates", rates}, {"episodes_ended", episodes},
          {"reward_sum", reward_sum}};
}

nlohmann::json Learn(const Setup& s, std::size_t timesteps) {
  using namespace finml::rl;
  const MarketInputs& in = *s.inputs;
  // The spec RunRlTrain builds for `--agent ppo --seeds 1 --threads 1` (seed 42, window 0,
  // agent 0).
  finml::models::SetTorchThreads(s.settings.threads);
  AgentSpec spec;
  spec.kind = AgentKind::kPpo;
  spec.settings = AgentDefaults(AgentKind::kPpo, s.settings.agent);
  spec.actions = MarketActions(s.settings.env, in.assets(), true);
  spec.observation_size = in.state_size + in.assets() + 1;
  spec.timesteps = timesteps;
  spec.seed = s.settings.seed * 1000003ULL;
  spec.threads = s.settings.threads;
  MarketEnv env(s.inputs, s.settings.env, s.scaler, std::numeric_limits<double>::infinity(),
                s.train, s.settings.env.copies, true, false);
  const auto start = Clock::now();
  const std::unique_ptr<Agent> agent = MakeAgent(spec);
  const std::vector<LearningPoint> curve = agent->Learn(env);
  const double t = Seconds(start);
  // Learn collects whole rollouts of copies x n_steps until it has `timesteps` (the learning
  // curve has a point only where episodes ended, so it cannot tell).
  const std::size_t batch = s.settings.env.copies * *spec.settings.n_steps;
  const std::size_t done = (timesteps + batch - 1) / batch * batch;
  std::fprintf(stderr, "finml PPO Learn: %zu transitions in %.2f s\n", done, t);
  double last_return = std::nan("");
  for (const auto& p : curve)
    if (p.episodes > 0) last_return = p.episode_return;
  return {{"timesteps", done},
          {"seconds", t},
          {"curve_points", curve.size()},
          {"last_episode_return", last_return}};
}

void Check(const Setup& s, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  nlohmann::json meta = {{"train_first", s.train.first},
                         {"train_last", s.train.last},
                         {"episode_length", s.settings.env.episode_length},
                         {"cases", nlohmann::json::array()}};
  const auto trace = [&](const std::string& name, bool from_start, std::size_t max_steps,
                         bool random) {
    MarketEnv env = MakeEnv(s, 1, from_start);
    env.Record(from_start);
    const std::size_t obs_size = env.ObservationSize(), act = env.Actions().size;
    meta["obs_size"] = obs_size;
    meta["action_size"] = act;
    std::vector<float> obs(obs_size), all_obs, actions, rewards;
    std::vector<double> rows, dones;
    float reward = 0;
    std::uint8_t done = 0;
    env.Reset(kEnvSeed, obs.data());
    all_obs.insert(all_obs.end(), obs.begin(), obs.end());
    const std::vector<float> logits =
        random ? RandomLogits(max_steps * act, kActionSeed) : std::vector<float>(max_steps * act);
    for (std::size_t i = 0; i < max_steps; ++i) {
      rows.push_back(static_cast<double>(env.Row()));
      env.Step(logits.data() + i * act, obs.data(), &reward, &done);
      actions.insert(actions.end(), logits.begin() + static_cast<std::ptrdiff_t>(i * act),
                     logits.begin() + static_cast<std::ptrdiff_t>((i + 1) * act));
      all_obs.insert(all_obs.end(), obs.begin(), obs.end());
      rewards.push_back(reward);
      dones.push_back(done);
      if (from_start && done) break;
    }
    WriteRaw(dir / ("check_" + name + "_actions.f32"), actions);
    WriteRaw(dir / ("check_" + name + "_obs.f32"), all_obs);
    WriteRaw(dir / ("check_" + name + "_rewards.f32"), rewards);
    WriteRaw(dir / ("check_" + name + "_rows.f64"), rows);
    WriteRaw(dir / ("check_" + name + "_dones.f64"), dones);
    nlohmann::json c = {{"name", name}, {"steps", rewards.size()}, {"from_start", from_start}};
    if (from_start) {
      WriteRaw(dir / ("check_" + name + "_equity.f64"), env.RecordedEquity());
      c["final_equity"] = env.RecordedEquity().back();
    }
    meta["cases"].push_back(c);
  };
  trace("equal", true, s.train.last - s.train.first + 1, false);
  trace("random", false, kCheckSteps, true);
  std::ofstream(dir / "rl_check.json") << meta.dump(2);
}

}  // namespace

void RunRl(const RlOptions& o) {
  const Setup s = Prepare(o.csv);
  if (!o.check.empty()) Check(s, o.check);
  nlohmann::json result = {
      {"about", "finml::rl::MarketEnv (portfolio, defaults of `finml rl train`)"},
      {"rows", s.inputs->rows()},
      {"assets", s.inputs->assets()},
      {"state_size", s.inputs->state_size},
      {"train_first", s.train.first},
      {"train_last", s.train.last},
      {"prepare_seconds", s.prepare_seconds},
      {"reps", o.reps},
      {"cases", nlohmann::json::object()}};
  for (std::size_t copies : {std::size_t{8}, std::size_t{64}})
    if (o.transitions > 0)
      result["cases"]["env_" + std::to_string(copies)] = EnvCase(s, copies, o.transitions, o.reps);
  if (o.learn > 0) result["learn"] = Learn(s, o.learn);
  const std::string text = result.dump(2);
  if (o.out.empty()) {
    std::printf("%s\n", text.c_str());
  } else {
    std::ofstream file(o.out);
    file << text << "\n";
    if (!file) throw std::runtime_error("cannot write " + o.out);
  }
}

}  // namespace finml_bench
