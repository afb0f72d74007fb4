#include <cstdio>

#include "commands.hpp"
#include "finml/backtest/backtest.hpp"
#include "finml/core/error.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/sha256.hpp"
#include "finml/data/loader.hpp"

namespace finml::cli {
namespace {

// A price file is traded with its gaps by default: a halted or not-yet-listed asset has no fill
// that bar.
data::LoadOptions BacktestLoadDefaults() {
  data::LoadOptions load;
  load.missing = data::MissingPolicy::kKeep;
  return load;
}

}  // namespace

void SetupBacktest(CLI::App& app, BacktestCommandOptions& o) {
  app.add_option("--prices", o.prices, "prices CSV (OHLCV, close-only, wide or long panel)")
      ->required();
  app.add_option("--signals", o.signals,
                 "signals CSV: date,symbol,score (date,score for one asset); a score dated t is "
                 "known at the close of t and trades at t+1");
  app.add_option("--out", o.out,
                 "directory for metrics.json, equity.csv, trades.csv, "
                 "tearsheet.html")
      ->required();
  AddOverwriteFlag(app, o.overwrite);
  app.add_option("--price", o.price, "close or adj_close")->capture_default_str();
  o.settings.Add(app, backtest::BacktestConfig::Schema());
  o.settings.AddSet(app, "any setting as key=value, e.g. --set max_weight=0.1 --set fast=10");
  o.load.Add(app, data::LoadOptions::Schema(), BacktestLoadDefaults());
}

int RunBacktest(const BacktestCommandOptions& o, const CLI::App& app,
                const std::string& command_line) {
  OutputDirectory out(o.out, o.overwrite);
  const backtest::BacktestConfig config =
      backtest::ParseBacktestConfig(o.settings.Collect(ConfigNode::Map("finml backtest")));
  const data::LoadOptions load =
      data::LoadOptions::Schema().Parse(o.load.Collect(), "", BacktestLoadDefaults());
  data::MarketData market = data::LoadMarketData(o.prices, load);
  for (const auto& r : market.repairs)
    std::fprintf(stderr, "finml: data repair: %s: %zu\n", r.what.c_str(), r.count);
  const data::Field price = ParseEnum<data::Field>(o.price);
  FINML_REQUIRE(price == data::Field::kClose || price == data::Field::kAdjClose,
                "--price must be close or adj_close");
  const auto prices = backtest::MakePricePanel(market, price);

  std::optional<backtest::SignalPanel> signals;
  if (!o.signals.empty()) {
    signals = backtest::LoadSignals(o.signals, prices);
  } else {
    FINML_REQUIRE(!backtest::NeedsSignals(config.strategy.name),
                  "strategy '{}' trades on signals: pass --signals FILE (date,symbol,score), or "
                  "use a rule strategy (sma_cross, rsi_reversion)",
                  config.strategy.name);
  }
  const auto result = backtest::RunBacktest(prices, signals ? &*signals : nullptr, config);
  for (const auto& w : result.warnings) std::fprintf(stderr, "finml: warning: %s\n", w.c_str());

  backtest::BacktestInputs inputs;
  inputs.provenance.command = command_line;
  inputs.provenance.Input(o.prices);
  if (!o.signals.empty()) inputs.provenance.Input(o.signals);
  inputs.title = fmt::format(
      "Backtest: {} on {}",
      config.strategy.name == "weights" ? "target weights" : config.strategy.name, o.prices);
  backtest::WriteBacktestOutputs(out.staging(), result, prices, inputs);
  out.Commit();
  const auto& p = result.performance;
  std::printf(
      "%s %s .. %s: total return %.2f%%, annual %.2f%%, Sharpe %.3f, max drawdown %.2f%%, "
      "%zu trades\n",
      config.strategy.name.c_str(), prices.time_label[result.engine.first_row].c_str(),
      prices.time_label.back().c_str(), 100 * p.total_return, 100 * p.annual_return, p.sharpe,
      100 * p.drawdown.depth, result.engine.orders - result.engine.small_orders_skipped);
  if (result.benchmark_performance) {
    const auto& b = *result.benchmark_performance;
    std::printf("%s: total return %.2f%%, annual %.2f%%, Sharpe %.3f, max drawdown %.2f%%\n",
                result.benchmark_name.c_str(), 100 * b.total_return, 100 * b.annual_return,
                b.sharpe, 100 * b.drawdown.depth);
  }
  std::printf("wrote %s/{metrics.json,equity.csv,trades.csv,tearsheet.html}\n", o.out.c_str());
  return 0;
}

}  // namespace finml::cli
