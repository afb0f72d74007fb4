// The bridge from forecasts to trading: each model's test predictions become a signal panel on the
// experiment's own prices, traded by the backtester with the experiment's `backtest:` settings.
#include <algorithm>
#include <unordered_map>

#include "finml/core/error.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {
namespace {

backtest::SignalPanel PredictionSignals(const RunRecord& r, const std::vector<double>& prediction,
                                        const backtest::PricePanel& prices) {
  const train::SampleSet& s = r.test;
  backtest::SignalPanel signals;
  signals.source = "test predictions";
  signals.score = backtest::Panel(prices.rows(), prices.assets());
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < prices.symbols.size(); ++i) column[prices.symbols[i]] = i;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const data::Timestamp when = s.calendar[s.decision_row[k]];
    auto it = std::lower_bound(prices.time.begin(), prices.time.end(), when);
    if (it == prices.time.end() || *it != when)
      throw InternalError("TradePredictions: a decision date is not on the price calendar");
    const auto row = static_cast<std::size_t>(it - prices.time.begin());
    signals.score.at(row, column.at(s.symbols[s.asset[k]])) = prediction[k] - s.no_change[k];
    ++signals.count;
  }
  return signals;
}

}  // namespace

void TradePredictions(RunRecord& r) {
  if (!r.config.backtest) return;
  r.backtest_prices = std::make_shared<backtest::PricePanel>(
      backtest::MakePricePanel(r.market, r.config.data.price));
  r.backtests.clear();
  // A benchmark file is found like the data file: beside the experiment, or where finml keeps
  // its shipped data.
  backtest::BacktestConfig settings = *r.config.backtest;
  const auto& symbols = r.backtest_prices->symbols;
  if (std::find(symbols.begin(), symbols.end(), settings.benchmark) == symbols.end() &&
      (settings.benchmark.find('/') != std::string::npos || settings.benchmark.ends_with(".csv")))
    settings.benchmark = ResolveDataPath(settings.benchmark, r.config.source);
  for (const auto& m : r.models) {
    if (m.type == "random_walk") continue;
    auto signals = PredictionSignals(r, m.test.prediction, *r.backtest_prices);
    r.backtests.push_back({m.name, backtest::RunBacktest(*r.backtest_prices, &signals, settings)});
  }
}

void SaveBacktests(const RunRecord& r, const std::string& run_dir) {
  for (const auto& b : r.backtests) {
    backtest::BacktestInputs inputs;
    inputs.provenance = r.provenance;
    if (!b.result.benchmark_file.empty()) inputs.provenance.Input(b.result.benchmark_file);
    inputs.signals = "test predictions of model '" + b.model + "'";
    inputs.title = fmt::format("{}: trading {}'s test predictions", r.config.report.title, b.model);
    inputs.chart_library_dir = run_dir;
    inputs.name = b.model;
    backtest::WriteBacktestOutputs(run_dir + "/backtest/" + b.model, b.result, *r.backtest_prices,
                                   inputs);
  }
  if (r.backtests.size() < 2) return;
  // Every model's strategy on one page, side by side.
  std::vector<backtest::TearsheetEntry> entries;
  for (const auto& b : r.backtests) entries.push_back({b.model, &b.result});
  backtest::BacktestInputs inputs;
  inputs.provenance = r.provenance;
  if (!r.backtests.front().result.benchmark_file.empty())
    inputs.provenance.Input(r.backtests.front().result.benchmark_file);
  inputs.signals = "test predictions of each model";
  inputs.title = fmt::format("{}: every model's test predictions traded", r.config.report.title);
  report::WriteReport(run_dir + "/backtest/tearsheet.html",
                      backtest::TearsheetPage(entries, *r.backtest_prices, inputs), run_dir);
}

}  // namespace finml::run
