#include <cstdio>

#include "finml/backtest/backtest.hpp"
#include "finml/cli/commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/sha256.hpp"
#include "finml/data/loader.hpp"

namespace finml::cli {
namespace {

// --set values: numbers and booleans become JSON numbers and booleans, anything else a string.
nlohmann::json SettingValue(const std::string& text) {
  if (text == "true" || text == "false") return text == "true";
  if (text == "null") return nullptr;
  try {
    std::size_t used = 0;
    long long i = std::stoll(text, &used);
    if (used == text.size()) return i;
  } catch (...) {
  }
  try {
    std::size_t used = 0;
    double d = std::stod(text, &used);
    if (used == text.size()) return d;
  } catch (...) {
  }
  return text;
}

}  // namespace

void SetupBacktest(CLI::App& app, BacktestCommandOptions& o) {
  app.add_option("--prices", o.prices, "prices CSV (OHLCV, close-only, wide or long panel)")
      ->required();
  app.add_option("--signals", o.signals,
                 "signals CSV: date,symbol,score (date,score for one asset); a score dated t is "
                 "known at the close of t and trades at t+1");
  app.add_option("--out", o.out, "directory for metrics.json, equity.csv, trades.csv, "
                                 "tearsheet.html")->required();
  app.add_option("--strategy", o.strategy,
                 "threshold, topk, topk_dropout, long_short, weights, sma_cross or rsi_reversion")
      ->capture_default_str();
  app.add_option("--cost-bps", o.cost_bps, "commission per side, basis points")
      ->capture_default_str();
  app.add_option("--slippage-bps", o.slippage_bps, "slippage per fill, basis points")
      ->capture_default_str();
  app.add_option("--min-fee", o.min_fee, "minimum commission per order")->capture_default_str();
  app.add_option("--fill", o.fill, "fill at the next bar's open or close")->capture_default_str();
  app.add_option("--capital", o.capital, "initial capital")->capture_default_str();
  app.add_option("--top-k", o.top_k, "topk, topk_dropout: names held")->capture_default_str();
  app.add_option("--n-drop", o.n_drop, "topk_dropout: names replaced per date at most")
      ->capture_default_str();
  app.add_option("--long-above", o.long_above, "threshold: long when score > this")
      ->capture_default_str();
  app.add_option("--short-below", o.short_below,
                 "threshold: short when score < this (default: never short)");
  app.add_option("--benchmark", o.benchmark,
                 "symbol to buy and hold, or 'none' (default: the asset, or equal weight)");
  app.add_option("--price", o.price, "close or adj_close")->capture_default_str();
  app.add_option("--missing", o.missing,
                 "missing prices: keep (a halt: no fills that bar), ffill, drop or error")
      ->capture_default_str();
  app.add_option("--set", o.settings,
                 "any other setting as key=value, e.g. --set max_weight=0.1 --set fast=10");
}

int RunBacktest(const BacktestCommandOptions& o, const CLI::App& app,
                const std::string& command_line) {
  nlohmann::json settings = nlohmann::json::object();
  settings["strategy"] = o.strategy;
  settings["cost_bps"] = o.cost_bps;
  settings["slippage_bps"] = o.slippage_bps;
  settings["min_fee"] = o.min_fee;
  settings["fill"] = o.fill;
  settings["initial_capital"] = o.capital;
  settings["top_k"] = o.top_k;
  settings["n_drop"] = o.n_drop;
  settings["long_above"] = o.long_above;
  if (app.count("--short-below")) settings["short_below"] = o.short_below;
  if (app.count("--benchmark")) settings["benchmark"] = o.benchmark;
  for (const auto& kv : o.settings) {
    auto eq = kv.find('=');
    FINML_REQUIRE(eq != std::string::npos && eq > 0,
                  "--set '{}': write key=value, e.g. --set max_weight=0.1", kv);
    settings[kv.substr(0, eq)] = SettingValue(kv.substr(eq + 1));
  }
  backtest::BacktestConfig config = backtest::ParseBacktestConfig(settings, "finml backtest");

  data::LoadOptions load;
  load.missing = data::ParseMissingPolicy(o.missing);
  data::MarketData market = data::LoadMarketData(o.prices, load);
  for (const auto& r : market.repairs)
    std::fprintf(stderr, "finml: data repair: %s: %zu\n", r.what.c_str(), r.count);
  FINML_REQUIRE(o.price == "close" || o.price == "adj_close", "--price must be close or adj_close");
  const auto prices = backtest::MakePricePanel(
      market, o.price == "adj_close" ? data::Field::kAdjClose : data::Field::kClose);

  std::optional<backtest::SignalPanel> signals;
  if (!o.signals.empty()) {
    signals = backtest::LoadSignals(o.signals, prices);
  } else {
    FINML_REQUIRE(!backtest::NeedsSignals(config.strategy.name),
                  "strategy '{}' trades on signals: pass --signals FILE (date,symbol,score), or "
                  "use a rule strategy (sma_cross, rsi_reversion)",
                  o.strategy);
  }
  const auto result = backtest::RunBacktest(prices, signals ? &*signals : nullptr, config);
  for (const auto& w : result.warnings) std::fprintf(stderr, "finml: warning: %s\n", w.c_str());

  backtest::BacktestInputs inputs;
  inputs.prices_path = o.prices;
  inputs.prices_sha256 = Sha256File(o.prices);
  if (!o.signals.empty()) {
    inputs.signals_path = o.signals;
    inputs.signals_sha256 = Sha256File(o.signals);
  }
  inputs.command_line = command_line;
  inputs.title = fmt::format("Backtest: {} on {}", config.strategy.name == "weights"
                                                       ? "target weights"
                                                       : config.strategy.name,
                             o.prices);
  backtest::WriteBacktestOutputs(o.out, result, prices, inputs);
  const auto& p = result.performance;
  std::printf("%s %s .. %s: total return %.2f%%, annual %.2f%%, Sharpe %.3f, max drawdown %.2f%%, "
              "%zu trades\n",
              config.strategy.name.c_str(),
              prices.time_label[result.engine.first_row].c_str(), prices.time_label.back().c_str(),
              100 * p.total_return, 100 * p.annual_return, p.sharpe, 100 * p.drawdown.depth,
              result.engine.orders - result.engine.small_orders_skipped);
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
