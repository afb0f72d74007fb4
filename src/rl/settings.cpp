#include "finml/rl/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "finml/core/error.hpp"

namespace finml::rl {

const options::Schema<EnvSettings>& EnvSettings::Schema() {
  static const auto schema = [] {
    using E = EnvSettings;
    options::Schema<E> s;
    s.Add("env", &E::env, "portfolio (target weights of every asset) or trading (one asset)");
    s.Add("asset", &E::asset, "trading: the asset traded (default: the data's first)");
    s.Add("window", &E::window, "log returns of each asset in the state").Min(1).Max(1000);
    s.Add("features", &E::features,
          "finml indicator specs per asset in the state (e.g. rsi_14, macd)")
        .Flag("--feature");
    s.Add("covariance", &E::covariance, "the trailing covariance of returns in the state");
    s.Add("covariance_window", &E::covariance_window, "bars of that covariance").Min(2).Max(10000);
    s.Add("turbulence", &E::turbulence,
          "FinRL's turbulence index in the state, with its risk-off rule (hold cash above the "
          "training quantile)");
    s.Add("turbulence_quantile", &E::turbulence_quantile, "risk-off above this training quantile")
        .Above(0)
        .Max(1);
    s.Add("turbulence_window", &E::turbulence_window, "bars of the turbulence's history")
        .Min(2)
        .Max(10000);
    s.Add("actions", &E::actions,
          "trading: short_flat_long, flat_long, or steps (sell / hold / buy by position_step)");
    s.Add("position_step", &E::position_step, "trading, steps: position change per buy or sell")
        .Above(0)
        .Max(1);
    s.Add("weights", &E::weights,
          "portfolio: softmax or simplex (long-only, with cash) or long_short");
    s.Add("reward", &E::reward, "log_return (net of costs) or differential_sharpe");
    s.Add("dsr_eta", &E::dsr_eta, "differential Sharpe: adaptation rate").Above(0).Below(1);
    s.Add("reward_scale", &E::reward_scale, "rewards are multiplied by this").Above(0);
    s.Add("episode_length", &E::episode_length,
          "bars per training episode from a random start; 0: the whole training period")
        .Max(1e7);
    s.Add("copies", &E::copies, "environments stepped together in training").Min(1).Max(1024);
    s.Embed(&E::execution, backtest::ExecutionConfig::Schema());
    return s;
  }();
  return schema;
}

const options::Schema<AgentSettings>& AgentSettings::Schema() {
  static const auto schema = [] {
    using A = AgentSettings;
    options::Schema<A> s;
    s.Add("hidden", &A::hidden, "units per hidden layer").Min(1).Max(4096);
    s.Add("layers", &A::layers, "hidden layers").Min(1).Max(8);
    s.Add("lr", &A::lr, "learning rate (Adam)")
        .Above(0)
        .Max(1)
        .DefaultText("3e-4 ppo, 7e-4 a2c, 1e-3 reinforce, 1e-3 dqn, 3e-4 sac");
    s.Add("gamma", &A::gamma, "discount factor").Min(0).Max(1);
    s.Add("max_grad_norm", &A::max_grad_norm, "gradient clipping norm; 0: none")
        .Min(0)
        .DefaultText("0.5; 10 dqn; none sac");
    s.Add("n_steps", &A::n_steps, "ppo, a2c: rollout steps per copy")
        .Min(1)
        .Max(1e6)
        .DefaultText("128 ppo, 5 a2c");
    s.Add("gae_lambda", &A::gae_lambda, "ppo, a2c: GAE lambda")
        .Min(0)
        .Max(1)
        .DefaultText("0.95 ppo, 1 a2c");
    s.Add("update_epochs", &A::update_epochs, "ppo: passes over each rollout")
        .Min(1)
        .Max(1000)
        .DefaultText("10 ppo, 1 a2c");
    s.Add("minibatches", &A::minibatches, "ppo: minibatches per pass")
        .Min(1)
        .Max(1e6)
        .DefaultText("4 ppo, 1 a2c");
    s.Add("clip_range", &A::clip_range, "ppo: clipping of the probability ratio").Above(0).Max(1);
    s.Add("ent_coef", &A::ent_coef, "ppo, a2c, reinforce: entropy bonus")
        .Min(0)
        .DefaultText("0 ppo, 0.01 a2c and reinforce");
    s.Add("vf_coef", &A::vf_coef, "ppo, a2c: weight of the value loss").Min(0);
    s.Add("log_std_init", &A::log_std_init, "Gaussian policies: initial log standard deviation")
        .Min(-10)
        .Max(2);
    s.Add("buffer", &A::buffer, "dqn, sac: replay buffer transitions").Min(1).Max(1e8);
    s.Add("batch", &A::batch, "dqn, sac: transitions per gradient step").Min(1).Max(1e6);
    s.Add("learning_starts", &A::learning_starts, "dqn, sac: transitions before learning").Max(1e9);
    s.Add("train_freq", &A::train_freq, "dqn, sac: steps of all copies together per gradient step")
        .Min(1)
        .Max(1e6);
    s.Add("target_update", &A::target_update, "dqn: gradient steps between target copies")
        .Min(1)
        .Max(1e9);
    s.Add("epsilon_start", &A::epsilon_start, "dqn: initial exploration rate").Min(0).Max(1);
    s.Add("epsilon_end", &A::epsilon_end, "dqn: final exploration rate").Min(0).Max(1);
    s.Add("epsilon_fraction", &A::epsilon_fraction, "dqn: share of training spent decaying it")
        .Above(0)
        .Max(1);
    s.Add("double_q", &A::double_q, "dqn: double Q-learning targets");
    s.Add("dueling", &A::dueling, "dqn: dueling value and advantage heads");
    s.Add("tau", &A::tau, "sac: soft target-update rate").Above(0).Max(1);
    s.Add("alpha", &A::alpha, "sac: entropy weight").Min(0).DefaultText("tuned");
    s.Rule(
        "buffer", [](const A& a) { return a.buffer >= a.batch && a.buffer >= a.learning_starts; },
        "must hold at least --batch and --learning-starts transitions, or learning never starts");
    return s;
  }();
  return schema;
}

AgentSettings AgentDefaults(AgentKind agent, const AgentSettings& given) {
  AgentSettings a = given;
  const bool ppo = agent == AgentKind::kPpo;
  if (!a.lr) {
    switch (agent) {
      case AgentKind::kPpo:
        a.lr = 3e-4;
        break;
      case AgentKind::kA2c:
        a.lr = 7e-4;
        break;
      case AgentKind::kReinforce:
        a.lr = 1e-3;
        break;
      case AgentKind::kDqn:
        a.lr = 1e-3;
        break;
      case AgentKind::kSac:
        a.lr = 3e-4;
        break;
    }
  }
  if (!a.max_grad_norm)
    a.max_grad_norm = agent == AgentKind::kDqn ? 10.0 : agent == AgentKind::kSac ? 0.0 : 0.5;
  if (!a.n_steps) a.n_steps = ppo ? 128 : 5;
  if (!a.gae_lambda) a.gae_lambda = ppo ? 0.95 : 1.0;
  if (!a.update_epochs) a.update_epochs = ppo ? 10 : 1;
  if (!a.minibatches) a.minibatches = ppo ? 4 : 1;
  if (!a.ent_coef) a.ent_coef = ppo ? 0.0 : 0.01;
  return a;
}

std::vector<AgentKind> AllAgents() {
  std::vector<AgentKind> all;
  for (const auto& v : EnumNames<AgentKind>::values) all.push_back(v.value);
  return all;
}

std::size_t RetrainBars(const std::string& word, const std::string& path) {
  if (word == "none" || word.empty()) return 0;
  if (word == "monthly") return 21;
  if (word == "quarterly") return 63;
  if (word == "yearly") return 252;
  std::size_t bars = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), bars);
  if (ec != std::errc() || end != word.data() + word.size() || bars < 2) {
    throw ConfigError(fmt::format(
        "'{}' is '{}': give none, monthly, quarterly, yearly or a number of bars (at least 2)",
        path, word));
  }
  return bars;
}

std::size_t RebalanceBars(const std::string& word) {
  if (word == "daily") return 1;
  if (word == "weekly") return 5;
  if (word == "monthly") return 21;
  if (word == "quarterly") return 63;
  std::size_t bars = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), bars);
  return ec == std::errc() && end == word.data() + word.size() ? bars : 0;
}

std::size_t RebalanceBars(const std::string& word, double periods_per_year) {
  double per_year = 0;
  if (word == "daily") per_year = 252;
  if (word == "weekly") per_year = 52;
  if (word == "monthly") per_year = 12;
  if (word == "quarterly") per_year = 4;
  if (per_year == 0) return RebalanceBars(word);
  return std::max<std::size_t>(1,
                               static_cast<std::size_t>(std::lround(periods_per_year / per_year)));
}

const options::Schema<RlSettings>& RlSettings::Schema() {
  static const auto schema = [] {
    using R = RlSettings;
    options::Schema<R> s;
    s.Add("prices", &R::prices, "CSV of prices (wide or long panel, or one asset's bars)");
    s.Embed(&R::load, data::LoadOptions::Schema());
    s.Embed(&R::env, EnvSettings::Schema());
    s.Add("agents", &R::agents,
          "ppo, a2c, reinforce, dqn (trading only), sac; several: FinRL's ensemble picks the best "
          "validation Sharpe for each trading window")
        .Flag("--agent");
    s.Embed(&R::agent, AgentSettings::Schema());
    s.Add("timesteps", &R::timesteps, "environment steps (all copies) per training")
        .Min(1)
        .Max(1e9);
    s.Add("seed", &R::seed, "the first run's seed");
    s.Add("seeds", &R::seeds, "runs with seeds seed, seed+1, ...: the report's mean and spread")
        .Min(1)
        .Max(100);
    s.Add("train_end", &R::train_end, "last training date (default: 60% of the bars)");
    s.Add("validation_end", &R::validation_end,
          "last validation date; trading starts after it (default: 80% of the bars)");
    s.Add("retrain", &R::retrain,
          "re-train every so many bars of the trading period: none, monthly, quarterly, yearly, N");
    s.Add("top_k", &R::top_k, "forecaster + top-k baseline: assets held").Min(1);
    s.Add("baseline_window", &R::baseline_window, "minimum variance: trailing bars")
        .Min(2)
        .Max(1e6);
    s.Add("baseline_rebalance", &R::baseline_rebalance,
          "equal weight and minimum variance: daily, weekly, monthly, quarterly or N bars");
    s.Add("bootstrap_samples", &R::bootstrap_samples, "Sharpe differences: bootstrap draws")
        .Min(100)
        .Max(1e6);
    s.Add("bootstrap_block", &R::bootstrap_block, "Sharpe differences: mean block length in bars")
        .Min(1)
        .Max(10000);
    s.Add("threads", &R::threads, "LibTorch threads").Min(1).Max(256);
    s.Rule(
        "agents", [](const R& r) { return !r.agents.empty(); }, "name at least one agent");
    s.Rule(
        "baseline_rebalance", [](const R& r) { return RebalanceBars(r.baseline_rebalance) > 0; },
        "give daily, weekly, monthly, quarterly or a number of bars");
    s.Rule(
        "retrain",
        [](const R& r) {
          (void)RetrainBars(r.retrain, "retrain");
          return true;
        },
        "");
    return s;
  }();
  return schema;
}

}  // namespace finml::rl
