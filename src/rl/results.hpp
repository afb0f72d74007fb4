// What the RL workflow hands its report and metrics writers (private to src/rl).
#pragma once

#include <string>
#include <vector>

#include "finml/backtest/engine.hpp"
#include "finml/backtest/performance.hpp"
#include "finml/core/provenance.hpp"
#include "finml/eval/sharpe_test.hpp"
#include "finml/rl/agent.hpp"
#include "finml/rl/environment.hpp"

namespace finml::rl {

// One strategy traded over the trading bars: an agent for one seed, or a baseline.
struct StrategyRun {
  std::string name;
  std::uint64_t seed = 0;  // agents only
  backtest::EngineResult engine;
  backtest::Performance performance;
  double annual_turnover = 0;
  std::vector<double> returns;            // per bar, simple
  std::vector<std::string> chosen;        // per cycle window: the agent that traded it (ensemble)
  std::vector<double> validation_sharpe;  // per cycle window
  std::size_t risk_off_bars = 0;
};

struct CurveRun {
  std::string agent;
  std::uint64_t seed = 0;
  std::size_t window = 0;
  std::vector<LearningPoint> points;
};

struct Comparison {
  std::string strategy, baseline;
  std::vector<eval::SharpeDifference> per_seed;
  eval::SharpeDifference pooled;  // the seeds' average strategy (equal capital in each)
};

struct RlResults {
  std::string title;
  std::string source;
  std::vector<std::string> strategies;  // agent strategies' names, main one first
  std::vector<StrategyRun> agent_runs;  // every agent strategy x seed
  std::vector<StrategyRun> baselines;
  std::vector<std::string> baseline_descriptions;
  std::vector<CurveRun> curves;
  std::vector<Comparison> comparisons;  // the main strategy against each baseline
  std::vector<std::string> window_starts;
  std::vector<std::string> time_label;  // of the trading bars' equity, first decision first
  std::vector<data::Timestamp> time;
  bool calendar = true;
  double periods_per_year = 252;
  std::vector<std::pair<std::string, std::string>> facts;
  std::vector<std::string> notes;
  // False when the traded bars may overlap what the agent learned from (evaluate with --start).
  bool out_of_sample = true;
  Provenance provenance;
};

// The strategy's runs, in seed order.
[[nodiscard]] std::vector<const StrategyRun*> RunsOf(const RlResults& r, const std::string& name);

[[nodiscard]] nlohmann::json RlMetricsJson(const RlResults& results);
void WriteRlReport(const std::string& path, const RlResults& results);
void WriteEquityCsv(const std::string& path, const RlResults& results);

}  // namespace finml::rl
