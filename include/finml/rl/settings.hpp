// Every setting of `finml rl train|evaluate` and of an experiment's `rl:` section, declared once
// (core/options.hpp): the environment (what the agent sees, how its actions trade, what it is
// rewarded for), the agents' hyperparameters, and the train / validate / trade cycle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "finml/backtest/config.hpp"
#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/data/loader.hpp"

namespace finml::rl {

enum class EnvKind { kTrading, kPortfolio };
// trading: the position each discrete action asks for (or, for a continuous agent, the action
// clipped to [-1, 1], or [0, 1] with flat_long).
enum class TradingActions { kShortFlatLong, kFlatLong, kSteps };
// portfolio: how an action vector becomes target weights. softmax and simplex have a cash slot
// and are long-only; long_short clips each weight to [-1, 1] and scales the book to gross 1.
enum class WeightMap { kSoftmax, kSimplex, kLongShort };
enum class RewardKind { kLogReturn, kDifferentialSharpe };
enum class AgentKind { kPpo, kA2c, kReinforce, kDqn, kSac };

struct EnvSettings {
  EnvKind env = EnvKind::kPortfolio;
  std::string asset;        // trading: the asset traded; empty: the data's only (or first) one
  std::size_t window = 20;  // log returns of each asset in the state
  std::vector<std::string> features;  // finml indicator specs per asset (features/feature_set.hpp)
  bool covariance = false;            // the trailing covariance of the assets' returns in the state
  std::size_t covariance_window = 60;
  // FinRL's turbulence index (Mahalanobis distance of today's returns from the trailing year's)
  // in the state, and its risk-off rule: above the training data's quantile, hold cash only.
  bool turbulence = false;
  double turbulence_quantile = 0.99;
  std::size_t turbulence_window = 252;
  TradingActions actions = TradingActions::kShortFlatLong;
  double position_step = 0.25;  // trading, steps: how far one buy or sell moves the position
  WeightMap weights = WeightMap::kSoftmax;
  RewardKind reward = RewardKind::kLogReturn;
  double dsr_eta = 0.01;             // differential Sharpe ratio: adaptation rate of its moments
  double reward_scale = 100;         // rewards are multiplied by this (log returns in percent)
  std::size_t episode_length = 252;  // bars per training episode from a random start; 0: all
  std::size_t copies = 8;            // environments stepped together in training
  backtest::ExecutionConfig execution = [] {
    backtest::ExecutionConfig e;
    e.rebalance = backtest::Rebalance::kAlways;
    return e;
  }();
  static const options::Schema<EnvSettings>& Schema();
};

// Hyperparameters of every agent; unset ones take the agent's own default (AgentDefaults).
struct AgentSettings {
  std::size_t hidden = 64;
  std::size_t layers = 2;
  std::optional<double> lr;
  double gamma = 0.99;
  std::optional<double> max_grad_norm;  // gradient clipping; 0: none
  // ppo, a2c
  std::optional<std::size_t> n_steps;  // rollout length per copy
  std::optional<double> gae_lambda;
  std::optional<std::size_t> update_epochs;
  std::optional<std::size_t> minibatches;
  double clip_range = 0.2;  // ppo
  std::optional<double> ent_coef;
  double vf_coef = 0.5;
  double log_std_init = -0.5;  // Gaussian policies: initial log standard deviation
  // dqn, sac
  std::size_t buffer = 50000;
  std::size_t batch = 128;
  std::size_t learning_starts = 1000;
  std::size_t train_freq = 1;       // environment steps (of all copies) between gradient steps
  std::size_t target_update = 500;  // dqn: gradient steps between target-network copies
  double epsilon_start = 1.0, epsilon_end = 0.05, epsilon_fraction = 0.3;  // dqn exploration
  bool double_q = true, dueling = true;                                    // dqn
  double tau = 0.005;           // sac: soft target update
  std::optional<double> alpha;  // sac: entropy weight; unset: tuned to a target entropy
  static const options::Schema<AgentSettings>& Schema();
};

// The agent-specific defaults filled into the unset settings.
[[nodiscard]] AgentSettings AgentDefaults(AgentKind agent, const AgentSettings& given);

struct RlSettings {
  std::string prices;
  data::LoadOptions load = [] {
    data::LoadOptions o;
    o.missing = data::MissingPolicy::kKeep;
    return o;
  }();
  EnvSettings env;
  std::vector<AgentKind> agents = {AgentKind::kPpo};  // more than one: FinRL's ensemble
  AgentSettings agent;
  std::size_t timesteps = 20000;  // environment steps (all copies) per training
  std::uint64_t seed = 42;
  std::size_t seeds = 5;       // runs with seeds seed, seed+1, ...
  std::string train_end;       // last training date; empty: 60% of the bars
  std::string validation_end;  // last validation date; empty: 80% of the bars
  // Re-train every so many bars of the trading period (FinRL's rolling cycle): none, monthly,
  // quarterly or a number of bars. Each re-training learns from every bar before the window's
  // validation bars, which are the window's own length before it.
  std::string retrain = "none";
  std::size_t top_k = 5;                       // the forecaster + top-k baseline
  std::size_t baseline_window = 252;           // minimum variance: trailing bars of its covariance
  std::string baseline_rebalance = "monthly";  // equal weight and minimum variance
  std::size_t bootstrap_samples = 2000;        // Sharpe differences' block bootstrap
  std::size_t bootstrap_block = 20;
  int threads = 1;  // LibTorch threads: small networks run fastest on one
  static const options::Schema<RlSettings>& Schema();
};

[[nodiscard]] std::vector<AgentKind> AllAgents();
// Bars between re-trainings from a retrain word; 0 for none.
[[nodiscard]] std::size_t RetrainBars(const std::string& word, const std::string& path);
// Bars between re-balancings from a baseline_rebalance word (daily 1, weekly 5, monthly 21,
// quarterly 63, or a number); 0 when the word is none of these.
[[nodiscard]] std::size_t RebalanceBars(const std::string& word);
// The same for data with `periods_per_year` bars a year: a month of monthly data is one bar.
[[nodiscard]] std::size_t RebalanceBars(const std::string& word, double periods_per_year);

}  // namespace finml::rl

template <>
struct finml::EnumNames<finml::rl::EnvKind> {
  static constexpr std::string_view what = "environment";
  static constexpr finml::NamedValue<finml::rl::EnvKind> values[] = {
      {finml::rl::EnvKind::kPortfolio, "portfolio"}, {finml::rl::EnvKind::kTrading, "trading"}};
};
template <>
struct finml::EnumNames<finml::rl::TradingActions> {
  static constexpr std::string_view what = "trading actions";
  static constexpr finml::NamedValue<finml::rl::TradingActions> values[] = {
      {finml::rl::TradingActions::kShortFlatLong, "short_flat_long"},
      {finml::rl::TradingActions::kFlatLong, "flat_long"},
      {finml::rl::TradingActions::kSteps, "steps"}};
};
template <>
struct finml::EnumNames<finml::rl::WeightMap> {
  static constexpr std::string_view what = "weight map";
  static constexpr finml::NamedValue<finml::rl::WeightMap> values[] = {
      {finml::rl::WeightMap::kSoftmax, "softmax"},
      {finml::rl::WeightMap::kSimplex, "simplex"},
      {finml::rl::WeightMap::kLongShort, "long_short"}};
};
template <>
struct finml::EnumNames<finml::rl::RewardKind> {
  static constexpr std::string_view what = "reward";
  static constexpr finml::NamedValue<finml::rl::RewardKind> values[] = {
      {finml::rl::RewardKind::kLogReturn, "log_return"},
      {finml::rl::RewardKind::kDifferentialSharpe, "differential_sharpe"}};
};
template <>
struct finml::EnumNames<finml::rl::AgentKind> {
  static constexpr std::string_view what = "agent";
  static constexpr finml::NamedValue<finml::rl::AgentKind> values[] = {
      {finml::rl::AgentKind::kPpo, "ppo"},
      {finml::rl::AgentKind::kA2c, "a2c"},
      {finml::rl::AgentKind::kReinforce, "reinforce"},
      {finml::rl::AgentKind::kDqn, "dqn"},
      {finml::rl::AgentKind::kSac, "sac"}};
};
