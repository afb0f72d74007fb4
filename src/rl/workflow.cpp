#include "finml/rl/workflow.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "finml/backtest/performance.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"
#include "finml/models/deep.hpp"
#include "finml/rl/baselines.hpp"
#include "finml/rl/saved_agent.hpp"
#include "rl/results.hpp"

namespace finml::rl {
namespace {

// The last bar on or before `date`, or nullopt when the date is not one.
std::optional<std::size_t> LastOnOrBefore(const MarketInputs& in, const std::string& date,
                                          const std::string& field) {
  const auto when = data::ParseTimestamp(date);
  if (!when)
    throw ConfigError(fmt::format("'{}' is '{}': not a date (fix: YYYY-MM-DD)", field, date));
  const auto day = data::DayNumber(*when);
  std::optional<std::size_t> row;
  for (std::size_t t = 0; t < in.rows(); ++t)
    if (data::DayNumber(in.prices.time[t]) <= day) row = t;
  return row;
}

}  // namespace

Split ResolveSplit(const MarketInputs& in, const RlSettings& s) {
  Split split;
  split.last = in.rows() - 1;
  const auto at = [&](double share) {
    return static_cast<std::size_t>(share * static_cast<double>(split.last));
  };
  split.train_last = at(0.6);
  split.validation_last = at(0.8);
  if (!s.train_end.empty()) {
    const auto row = LastOnOrBefore(in, s.train_end, "train_end");
    FINML_REQUIRE(row.has_value(), "train_end {} is before the data's first bar ({})", s.train_end,
                  in.prices.time_label.front());
    split.train_last = *row;
    if (s.validation_end.empty())
      split.validation_last = split.train_last + (split.last - split.train_last) / 2;
  }
  if (!s.validation_end.empty()) {
    const auto row = LastOnOrBefore(in, s.validation_end, "validation_end");
    FINML_REQUIRE(row.has_value(), "validation_end {} is before the data's first bar ({})",
                  s.validation_end, in.prices.time_label.front());
    split.validation_last = *row;
  }
  const auto label = [&](std::size_t t) { return in.prices.time_label[t]; };
  FINML_REQUIRE(split.train_last + 4 <= split.last,
                "{}: training would take the bars up to {} and the data ends on {}: nothing is "
                "left to validate and trade (fix: an earlier --train-end)",
                in.source, label(split.train_last), label(split.last));
  FINML_REQUIRE(split.train_last >= in.first_row + 20,
                "{}: training would end on {} with {} bars of complete state; the state needs "
                "{} bars of history first (fix: a later --train-end, or a shorter --window)",
                in.source, label(split.train_last),
                split.train_last >= in.first_row ? split.train_last - in.first_row : 0,
                in.first_row);
  FINML_REQUIRE(split.validation_last > split.train_last + 1,
                "{}: validation would end on {}, not after training ends on {} (fix: a "
                "--validation-end after {})",
                in.source, label(split.validation_last), label(split.train_last),
                label(split.train_last));
  FINML_REQUIRE(split.validation_last + 2 <= split.last,
                "{}: nothing left to trade after validation ends on {} (the data ends on {}; "
                "fix: an earlier --validation-end)",
                in.source, label(split.validation_last), label(split.last));
  return split;
}

std::vector<CycleWindow> CycleWindows(const Split& split, std::size_t retrain_bars) {
  const std::size_t validation = split.validation_last - split.train_last;
  std::vector<CycleWindow> out;
  if (retrain_bars == 0) {
    out.push_back({split.train_last, split.validation_last, split.last});
    return out;
  }
  for (std::size_t start = split.validation_last; start < split.last; start += retrain_bars)
    out.push_back({start - validation, start, std::min(split.last, start + retrain_bars)});
  return out;
}

namespace {

StrategyRun Trade(const std::string& name, const MarketInputs& in, const backtest::Panel& targets,
                  const EnvSettings& env, double ppy, const std::vector<double>* env_equity) {
  StrategyRun run;
  run.name = name;
  run.engine =
      backtest::Simulate(in.prices, targets, env.execution,
                         env.execution.rebalance.value_or(backtest::Rebalance::kAlways), false);
  if (env_equity) {
    // The environment and the backtester share backtest::Book; anything else is a bug.
    const auto& a = run.engine.equity;
    bool same = a.size() == env_equity->size();
    for (std::size_t k = 0; same && k < a.size(); ++k)
      same = std::abs(a[k] - (*env_equity)[k]) <= 1e-9 * std::abs(a[k]);
    if (!same)
      throw InternalError(
          fmt::format("{}: the environment's equity and the backtest's differ", name));
  }
  std::vector<data::Timestamp> time(
      in.prices.time.begin() + static_cast<std::ptrdiff_t>(run.engine.first_row),
      in.prices.time.end());
  run.performance = backtest::ComputePerformance(run.engine.equity, nullptr, time, ppy, 0.0);
  double turnover = 0;
  for (double v : run.engine.turnover) turnover += v;
  run.annual_turnover = run.engine.turnover.size() > 1
                            ? turnover / static_cast<double>(run.engine.turnover.size() - 1) * ppy
                            : 0.0;
  run.returns = backtest::SimpleReturns(run.engine.equity);
  return run;
}

double ValidationSharpe(const RolloutResult& r, const MarketInputs& in, double ppy) {
  if (r.equity.size() < 3) return std::nan("");
  std::vector<data::Timestamp> time(
      in.prices.time.begin() + static_cast<std::ptrdiff_t>(r.first),
      in.prices.time.begin() + static_cast<std::ptrdiff_t>(r.first + r.equity.size()));
  return backtest::ComputePerformance(r.equity, nullptr, time, ppy, 0.0).sharpe;
}

double ActionScale(const EnvSettings& env, AgentKind kind) {
  // SAC's tanh bounds its actions to [-1, 1]: as softmax logits that caps one asset's weight
  // near e^2 times another's, so they are widened.
  return kind == AgentKind::kSac && env.env == EnvKind::kPortfolio &&
                 env.weights == WeightMap::kSoftmax
             ? 5.0
             : 1.0;
}

struct Trained {
  std::shared_ptr<Agent> agent;
  Policy policy;
  double validation_sharpe = 0;
};

}  // namespace

std::vector<std::string> RunRlTrain(const RlSettings& s, const data::MarketData& market,
                                    const std::string& dir, const Provenance& provenance,
                                    bool progress) {
  models::SetTorchThreads(s.threads);
  // Settings of the other environment do nothing here: say so rather than ignore them quietly.
  const EnvSettings defaults;
  if (s.env.env == EnvKind::kPortfolio &&
      (s.env.actions != defaults.actions || s.env.position_step != defaults.position_step ||
       !s.env.asset.empty()))
    std::fprintf(stderr,
                 "finml: note: actions, position_step and asset are settings of the "
                 "trading environment; the portfolio environment ignores them\n");
  if (s.env.env == EnvKind::kTrading && s.env.weights != defaults.weights)
    std::fprintf(stderr,
                 "finml: note: weights is a setting of the portfolio environment; the "
                 "trading environment ignores it\n");
  auto inputs = std::make_shared<const MarketInputs>(PrepareMarket(market, s.env));
  const MarketInputs& in = *inputs;
  const Split split = ResolveSplit(in, s);
  const auto windows = CycleWindows(split, RetrainBars(s.retrain, "retrain"));
  const double ppy = backtest::InferPeriodsPerYear(in.prices.time, in.prices.calendar);
  const auto window_of = [&](std::size_t row) {
    std::size_t w = 0;
    while (w + 1 < windows.size() && row >= windows[w + 1].start) ++w;
    return w;
  };

  RlResults results;
  results.source = in.source;
  results.provenance = provenance;
  results.periods_per_year = ppy;
  results.calendar = in.prices.calendar;
  for (const auto& w : windows) results.window_starts.push_back(in.prices.time_label[w.start]);

  const std::size_t agents = s.agents.size();
  for (AgentKind a : s.agents) {
    if (a != AgentKind::kDqn && a != AgentKind::kSac) continue;
    const AgentSettings given = AgentDefaults(a, s.agent);
    FINML_REQUIRE(given.learning_starts < s.timesteps,
                  "{} learns only after --learning-starts {} transitions, and --timesteps is {}: "
                  "it would never learn (fix: more timesteps or a smaller --learning-starts)",
                  EnumName(a), given.learning_starts, s.timesteps);
  }
  for (AgentKind a : s.agents) results.strategies.push_back(EnumName(a));
  if (agents > 1) results.strategies.insert(results.strategies.begin(), "ensemble");
  const std::string main_name = results.strategies.front();

  // The baselines first: a setting they cannot work with fails before any training.
  std::vector<BaselineWindow> baseline_windows;
  for (const auto& w : windows) baseline_windows.push_back({w.train_last, w.start, w.end});
  for (auto& b : BaselineTargets(market, in, s.env, s, baseline_windows)) {
    results.baselines.push_back(Trade(b.name, in, b.targets, s.env, ppy, nullptr));
    results.baseline_descriptions.push_back(b.description);
  }
  std::vector<std::string> lines;
  std::optional<Trained> saved;  // the main strategy's last policy of the first seed
  // Each window's state scaling and risk-off threshold, from its training bars: the same for
  // every seed.
  std::vector<StateScaler> scalers;
  std::vector<double> thresholds;
  for (const CycleWindow& cw : windows) {
    scalers.push_back(StateScaler::Fit(in, in.first_row, cw.train_last));
    thresholds.push_back(TurbulenceThreshold(in, s.env, in.first_row, cw.train_last));
  }
  for (std::size_t run = 0; run < s.seeds; ++run) {
    const std::uint64_t seed = s.seed + run;
    // trained[w][a]
    std::vector<std::vector<Trained>> trained(windows.size());
    for (std::size_t w = 0; w < windows.size(); ++w) {
      const CycleWindow& cw = windows[w];
      const StateScaler& scaler = scalers[w];
      const double threshold = thresholds[w];
      for (std::size_t a = 0; a < agents; ++a) {
        const AgentKind kind = s.agents[a];
        const bool continuous = ActsContinuously(kind, s.env.env);
        AgentSpec spec;
        spec.kind = kind;
        spec.settings = AgentDefaults(kind, s.agent);
        spec.actions = MarketActions(s.env, in.assets(), continuous);
        spec.observation_size = in.state_size + in.assets() + 1;
        spec.action_scale = ActionScale(s.env, kind);
        spec.timesteps = s.timesteps;
        spec.seed = seed * 1000003ULL + w * 1009ULL + a;
        spec.threads = s.threads;
        spec.progress = progress;
        spec.label =
            fmt::format("{} seed {}{}", EnumName(kind), seed,
                        windows.size() > 1 ? fmt::format(" window {}/{}", w + 1, windows.size())
                                           : std::string());
        MarketEnv train_env(inputs, s.env, scaler, threshold, {in.first_row, cw.train_last},
                            s.env.copies, continuous, false);
        Trained t;
        t.agent = MakeAgent(spec);
        results.curves.push_back({EnumName(kind), seed, w, t.agent->Learn(train_env)});
        t.policy = {t.agent.get(), scaler, threshold};
        const RolloutResult v = Rollout(inputs, s.env, {cw.train_last, cw.start}, {t.policy},
                                        [](std::size_t) { return 0; });
        t.validation_sharpe = ValidationSharpe(v, in, ppy);
        trained[w].push_back(std::move(t));
      }
    }
    const auto best_of = [&](std::size_t w) {
      std::size_t best = 0;
      for (std::size_t a = 1; a < agents; ++a)
        if (trained[w][a].validation_sharpe > trained[w][best].validation_sharpe ||
            std::isnan(trained[w][best].validation_sharpe))
          best = a;
      return best;
    };
    for (const std::string& name : results.strategies) {
      const bool ensemble = name == "ensemble";
      std::vector<Policy> policies;
      StrategyRun meta;
      for (std::size_t w = 0; w < windows.size(); ++w) {
        const std::size_t a =
            ensemble ? best_of(w)
                     : static_cast<std::size_t>(
                           std::find(s.agents.begin(), s.agents.end(), ParseEnum<AgentKind>(name)) -
                           s.agents.begin());
        policies.push_back(trained[w][a].policy);
        meta.chosen.push_back(EnumName(s.agents[a]));
        meta.validation_sharpe.push_back(trained[w][a].validation_sharpe);
        if (run == 0 && name == main_name && w + 1 == windows.size()) saved = trained[w][a];
      }
      const RolloutResult r =
          Rollout(inputs, s.env, {split.validation_last, split.last}, policies, window_of);
      StrategyRun traded = Trade(name, in, r.targets, s.env, ppy, &r.equity);
      traded.seed = seed;
      traded.chosen = std::move(meta.chosen);
      traded.validation_sharpe = std::move(meta.validation_sharpe);
      traded.risk_off_bars = r.risk_off_bars;
      if (run == 0 && name == main_name) {
        std::string csv = "date,symbol,score\n";
        for (std::size_t t = 0; t < in.rows(); ++t)
          for (std::size_t i = 0; i < in.assets(); ++i)
            if (!std::isnan(r.targets.at(t, i)))  // NaN: no instruction (no price that bar)
              csv += fmt::format("{},{},{:.17g}\n", in.prices.time_label[t],
                                 CsvField(in.prices.symbols[i]), r.targets.at(t, i));
        WriteFileAtomic(dir + "/weights.csv", csv);
      }
      results.agent_runs.push_back(std::move(traded));
    }
  }

  // Every strategy over the same bars: the agents' first decision is the baselines' too.
  const std::size_t first = results.agent_runs.front().engine.first_row;
  for (const auto& b : results.baselines)
    if (b.engine.first_row != first ||
        b.engine.equity.size() != results.agent_runs.front().engine.equity.size())
      throw InternalError(fmt::format("baseline {} trades other bars than the agents", b.name));
  results.time_label.assign(in.prices.time_label.begin() + static_cast<std::ptrdiff_t>(first),
                            in.prices.time_label.end());
  results.time.assign(in.prices.time.begin() + static_cast<std::ptrdiff_t>(first),
                      in.prices.time.end());

  for (const auto& b : results.baselines) {
    Comparison c{main_name, b.name, {}, {}};
    const auto runs = RunsOf(results, main_name);
    std::vector<double> pooled(b.returns.size(), 0.0);
    for (const StrategyRun* r : runs) {
      c.per_seed.push_back(
          eval::SharpeDifferenceTest(r->returns, b.returns, ppy, s.bootstrap_samples,
                                     static_cast<double>(s.bootstrap_block), s.seed));
      for (std::size_t k = 0; k < pooled.size(); ++k)
        pooled[k] += r->returns[k] / static_cast<double>(runs.size());
    }
    c.pooled = eval::SharpeDifferenceTest(pooled, b.returns, ppy, s.bootstrap_samples,
                                          static_cast<double>(s.bootstrap_block), s.seed);
    results.comparisons.push_back(std::move(c));
  }

  const std::string what = s.env.env == EnvKind::kPortfolio
                               ? fmt::format("{} assets", in.assets())
                               : fmt::format("{}", in.prices.symbols.front());
  results.title =
      fmt::format("Reinforcement learning: {} on {} ({}, {})", main_name,
                  std::filesystem::path(in.source).filename().string(), EnumName(s.env.env), what);
  const std::string first_window = windows.size() > 1 ? " (first window)" : "";
  results.facts = {
      {"training" + first_window, fmt::format("{} to {}", in.prices.time_label[in.first_row],
                                              in.prices.time_label[split.train_last])},
      {"validation" + first_window, fmt::format("{} to {}", in.prices.time_label[split.train_last],
                                                in.prices.time_label[split.validation_last])},
      {"trading (out of sample)",
       fmt::format("{} to {} ({} bars)", in.prices.time_label[split.validation_last],
                   in.prices.time_label[split.last], split.last - split.validation_last)},
      {"re-training", windows.size() > 1
                          ? fmt::format("every {} bars ({} windows)",
                                        RetrainBars(s.retrain, "retrain"), windows.size())
                          : std::string("none")},
      {"seeds", fmt::format("{} ({} to {})", s.seeds, s.seed, s.seed + s.seeds - 1)},
      {"timesteps per training", fmt::format("{}", s.timesteps)},
      {"costs", fmt::format("{} bps per side, fill at the next bar's {}", s.env.execution.cost_bps,
                            EnumName(s.env.execution.fill))},
      {"state", fmt::format("{} numbers: {} log returns per asset{}{}{}, and the current weights",
                            in.state_size + in.assets() + 1, s.env.window,
                            s.env.features.empty() ? std::string()
                                                   : ", " + JoinStrings(s.env.features, ", "),
                            s.env.covariance ? ", the trailing covariance" : "",
                            s.env.turbulence ? ", turbulence" : "")},
      {"reward", fmt::format("{} x {}", s.env.reward_scale, EnumName(s.env.reward))},
      {"saved agent (model/, weights.csv)",
       fmt::format("seed {}'s{}", s.seed, windows.size() > 1 ? ", the last window's" : "")}};

  if (saved) {
    const std::string model_dir = dir + "/model";
    EnsureDirectory(model_dir);
    nlohmann::json facts = {{"trained_through", in.prices.time_label[windows.back().train_last]},
                            {"validated_through", in.prices.time_label[windows.back().start]},
                            {"validation_sharpe", std::isfinite(saved->validation_sharpe)
                                                      ? nlohmann::json(saved->validation_sharpe)
                                                      : nlohmann::json(nullptr)},
                            {"seed", s.seed},
                            {"timesteps", s.timesteps}};
    EnvSettings env = s.env;
    if (env.env == EnvKind::kTrading) env.asset = in.prices.symbols.front();
    SaveAgent(model_dir, saved->policy, env, in.prices.symbols, facts, provenance,
              data::LoadOptions::Schema().ToJson(s.load));
  }

  nlohmann::json metrics = RlMetricsJson(results);
  metrics["settings"] = RlSettings::Schema().ToJson(s);
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  WriteEquityCsv(dir + "/equity.csv", results);
  std::string curve = "agent,seed,window,timestep,episode_return,episodes\n";
  for (const auto& c : results.curves)
    for (const auto& p : c.points)
      curve += fmt::format("{},{},{},{},{:.10g},{}\n", c.agent, c.seed, c.window + 1, p.timestep,
                           p.episode_return, p.episodes);
  WriteFileAtomic(dir + "/learning_curve.csv", curve);
  WriteRlReport(dir + "/report.html", results);

  const auto line = [&](const std::string& name, const std::vector<const StrategyRun*>& runs) {
    double sharpe = 0, ret = 0, dd = 0, turnover = 0;
    for (const auto* r : runs) {
      sharpe += r->performance.sharpe;
      ret += r->performance.total_return;
      dd += r->performance.drawdown.depth;
      turnover += r->annual_turnover;
    }
    const double k = static_cast<double>(runs.size());
    return fmt::format(
        "{:<16} Sharpe {:6.3f}  total return {:7.2f}%  max drawdown {:7.2f}%  "
        "turnover {:6.2f}x a year{}",
        name, sharpe / k, 100 * ret / k, 100 * dd / k, turnover / k,
        runs.size() > 1 ? fmt::format("  (mean of {} seeds)", runs.size()) : "");
  };
  for (const auto& name : results.strategies) lines.push_back(line(name, RunsOf(results, name)));
  for (const auto& b : results.baselines) lines.push_back(line(b.name, {&b}));
  return lines;
}

}  // namespace finml::rl

namespace finml::rl {

std::vector<std::string> RunRlEvaluate(const EvaluateSettings& e, const std::string& dir,
                                       const Provenance& provenance) {
  const SavedAgent agent = SavedAgent::Load(e.model);
  const data::MarketData picked = agent.Pick(data::LoadMarketData(e.prices, agent.PriceLoading()));
  const auto inputs = agent.Inputs(picked);
  const MarketInputs& in = *inputs;
  const std::size_t last = in.rows() - 1;
  const double ppy = backtest::InferPeriodsPerYear(in.prices.time, in.prices.calendar);

  std::vector<std::string> notes;
  std::size_t start = 0;
  const JsonReader manifest(agent.Manifest(), agent.Directory() + "/model.json");
  const std::string validated = manifest["facts"]["validated_through"].String(64);
  const auto validated_row = LastOnOrBefore(in, validated, "validated_through");
  if (!e.start.empty()) {
    const auto when = data::ParseTimestamp(e.start);
    if (!when)
      throw ConfigError(fmt::format("--start '{}' is not a date (fix: YYYY-MM-DD)", e.start));
    while (start < in.rows() && data::DayNumber(in.prices.time[start]) < data::DayNumber(*when))
      ++start;
    FINML_REQUIRE(start + 2 <= last, "--start {} is not before the data's last bars ({} to {})",
                  e.start, in.prices.time_label.front(), in.prices.time_label[last]);
  } else {
    const auto& row = validated_row;
    if (row && *row + 2 < in.rows() && *row > in.first_row + 40) {
      start = *row;
      notes.push_back(
          fmt::format("Trading starts where the agent's validation ended ({}): "
                      "every bar here is out of sample.",
                      validated));
    } else {
      start = in.first_row + (in.rows() - in.first_row) / 3;
      notes.push_back(fmt::format(
          "These prices do not reach past the agent's validation ({}): trading starts on {}, "
          "and the bars before it serve the baselines' estimates only.",
          validated, in.prices.time_label[start]));
    }
  }
  FINML_REQUIRE(start > in.first_row + 40 && start + 2 <= last,
                "{}: trading from {} leaves {} bars before it for the baselines' estimates and "
                "{} after it (fix: a --start with at least 40 bars of complete state before it "
                "and 2 bars after)",
                in.source, in.prices.time_label[std::min(start, last)],
                start > in.first_row ? start - in.first_row : 0, last > start ? last - start : 0);

  const EnvSettings env = agent.ActingEnv();
  const RolloutResult r = agent.Run(inputs, start);
  RlResults results;
  results.source = in.source;
  results.provenance = provenance;
  results.periods_per_year = ppy;
  results.calendar = in.prices.calendar;
  // Bars after the agent's validation are out of sample; others may be what it learned from,
  // when these prices are the ones it trained on.
  results.out_of_sample = !validated_row || start >= *validated_row;
  if (!results.out_of_sample)
    notes.push_back(fmt::format(
        "Trading starts on {}, before the end of the agent's validation ({}): if these are the "
        "prices it learned from, the results are in sample.",
        in.prices.time_label[start], validated));
  const std::string name = agent.Manifest().value("agent", "agent");
  results.strategies = {name};
  results.window_starts = {in.prices.time_label[start]};
  StrategyRun run = Trade(name, in, r.targets, env, ppy, &r.equity);
  if (manifest["facts"].Has("seed"))
    run.seed = static_cast<std::uint64_t>(
        manifest["facts"]["seed"].Integer(0, std::numeric_limits<std::int64_t>::max()));
  run.chosen = {name};
  run.validation_sharpe = {std::nan("")};
  run.risk_off_bars = r.risk_off_bars;
  results.agent_runs.push_back(std::move(run));

  RlSettings s;
  s.env = env;
  s.seed = e.seed;
  const std::size_t train_last = start - (start - in.first_row) / 4;
  for (auto& b : BaselineTargets(picked, in, env, s, {{train_last, start, last}})) {
    results.baselines.push_back(Trade(b.name, in, b.targets, env, ppy, nullptr));
    results.baseline_descriptions.push_back(b.description);
  }
  results.time_label.assign(in.prices.time_label.begin() + static_cast<std::ptrdiff_t>(start),
                            in.prices.time_label.end());
  results.time.assign(in.prices.time.begin() + static_cast<std::ptrdiff_t>(start),
                      in.prices.time.end());
  for (const auto& b : results.baselines) {
    Comparison c{name, b.name, {}, {}};
    c.per_seed.push_back(eval::SharpeDifferenceTest(
        results.agent_runs.front().returns, b.returns, ppy, e.bootstrap_samples,
        static_cast<double>(e.bootstrap_block), e.seed));
    c.pooled = c.per_seed.front();
    results.comparisons.push_back(std::move(c));
  }
  results.title = fmt::format("Reinforcement learning: the saved {} agent on {}", name,
                              std::filesystem::path(in.source).filename().string());
  results.notes = notes;
  results.facts = {{"model", agent.Directory()},
                   {"trading", fmt::format("{} to {} ({} bars)", in.prices.time_label[start],
                                           in.prices.time_label[last], last - start)},
                   {"costs", fmt::format("{} bps per side", env.execution.cost_bps)}};
  nlohmann::json metrics = RlMetricsJson(results);
  metrics["notes"] = notes;
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  WriteEquityCsv(dir + "/equity.csv", results);
  WriteRlReport(dir + "/report.html", results);
  std::vector<std::string> lines = notes;
  const auto& a = results.agent_runs.front();
  lines.push_back(fmt::format("{:<16} Sharpe {:6.3f}  total return {:7.2f}%  max drawdown {:7.2f}%",
                              name, a.performance.sharpe, 100 * a.performance.total_return,
                              100 * a.performance.drawdown.depth));
  for (const auto& b : results.baselines)
    lines.push_back(
        fmt::format("{:<16} Sharpe {:6.3f}  total return {:7.2f}%  max drawdown {:7.2f}%", b.name,
                    b.performance.sharpe, 100 * b.performance.total_return,
                    100 * b.performance.drawdown.depth));
  return lines;
}

}  // namespace finml::rl
