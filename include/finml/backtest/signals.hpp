// Scores from a model or a person, placed on the price data's grid: score(t, i) is what was known
// about asset i at the close of bar t. The CSV is `date,symbol,score`, or `date,score` when the
// prices hold one asset; every row must land on a price date and a known symbol, or the error
// names its line and the fix.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "finml/backtest/engine.hpp"

namespace finml::backtest {

struct SignalPanel {
  std::string source;
  Panel score;            // NaN: no score for that asset on that bar
  std::size_t count = 0;  // scores placed
  // Rows dated after the last price bar: they cannot be traded yet, and are reported.
  std::size_t after_last_bar = 0;
  std::string first_after;  // the first such date, for the message
  // One split of a run's predictions (test or val): the last bar that belongs to it, one bar after
  // its last outcome (a decision fills at the next bar, then earns until its target date). The
  // bars after it are another split's, so the backtest stops there. None for every other file.
  std::optional<std::size_t> split_last_row;
  // Runs of that split's decision bars separated by other bars (walk-forward folds): over the
  // bars between them the positions are held on no signal of the split.
  std::size_t split_blocks = 0;
};

// A run's predictions.csv (date,model,...,split,decision_date[,symbol],score) is read as signals
// too: the rows of one model and split, each dated at its decision date.
struct PredictionChoice {
  std::string model;           // required when the file holds several models
  std::string split = "test";  // test, val or all
};

[[nodiscard]] SignalPanel ParseSignals(std::string_view text, const std::string& file_label,
                                       const PricePanel& prices,
                                       const PredictionChoice& choice = {});
// `path` may be a run directory: its predictions.csv is read.
[[nodiscard]] SignalPanel LoadSignals(const std::string& path, const PricePanel& prices,
                                      const PredictionChoice& choice = {});
// predictions.csv inside a run directory; any other path as it is.
[[nodiscard]] std::string SignalsFile(const std::string& path);

}  // namespace finml::backtest
