// `finml rl train|evaluate` and an experiment's `rl:` section: FinRL's train / validate / trade
// cycle done without look-ahead. The data is split in time; each agent learns on the training
// bars only (its state scaled by statistics of those bars), is judged on the validation bars, and
// trades the bars after them; with `retrain`, the cycle rolls forward window by window and an
// ensemble of agents trades each window with the one of best validation Sharpe. Every strategy,
// the agents' and the baselines' (buy-and-hold, equal weight, minimum variance, a forecaster's
// top-k), is filled by the same backtester with the same costs, over the same bars.
#pragma once

#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/data/market_data.hpp"
#include "finml/rl/environment.hpp"
#include "finml/rl/settings.hpp"

namespace finml::rl {

// Bars of the cycle: training decisions end at train_last, validation at validation_last, and
// trading runs from validation_last to `last`.
struct Split {
  std::size_t train_last = 0, validation_last = 0, last = 0;
};
[[nodiscard]] Split ResolveSplit(const MarketInputs& inputs, const RlSettings& settings);

// One step of the rolling cycle: learn through train_last, validate through start, trade
// decisions in [start, end).
struct CycleWindow {
  std::size_t train_last = 0, start = 0, end = 0;
};
[[nodiscard]] std::vector<CycleWindow> CycleWindows(const Split& split, std::size_t retrain_bars);

// Trains, evaluates and writes metrics.json, equity.csv, weights.csv (the agent's targets in
// `finml backtest --signals` form), learning_curve.csv, model/ and report.html into `dir`.
// Returns the lines to print.
[[nodiscard]] std::vector<std::string> RunRlTrain(const RlSettings& settings,
                                                  const data::MarketData& market,
                                                  const std::string& dir,
                                                  const Provenance& provenance, bool progress);

struct EvaluateSettings {
  std::string model;  // a model directory written by RunRlTrain
  std::string prices;
  std::string start;        // first decision date; empty: the bar after the model's validation
  std::uint64_t seed = 42;  // the bootstrap's
  std::size_t bootstrap_samples = 2000, bootstrap_block = 20;
};
[[nodiscard]] std::vector<std::string> RunRlEvaluate(const EvaluateSettings& settings,
                                                     const std::string& dir,
                                                     const Provenance& provenance);

}  // namespace finml::rl
