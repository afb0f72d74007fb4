#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "commands.hpp"
#include "finml/backtest/backtest.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/sha256.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/runner.hpp"

namespace finml::cli {
namespace {

// A price file is traded with its gaps by default: a halted or not-yet-listed asset has no fill
// that bar.
data::LoadOptions BacktestLoadDefaults() {
  data::LoadOptions load;
  load.missing = data::MissingPolicy::kKeep;
  return load;
}

// What `--signals RUN_DIR` brings without --prices: the run's data file, read the way the run read
// it (its column choices, time zone, resampling), so the decision dates land on its bars.
struct RunData {
  std::string path;
  ConfigNode load = ConfigNode::Map("");
  std::string price;
  // The run's own backtest settings (strategy, costs...), under which the flags given apply.
  ConfigNode backtest = ConfigNode::Map("finml backtest");
};

// `need_data`: no --prices was given, so the run's data file is required.
std::optional<RunData> ReadRunData(const std::string& run_dir, bool need_data) {
  const std::string file = run_dir + "/run.json";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (!need_data) return std::nullopt;
    throw InvalidInput(fmt::format(
        "{}: no run.json, so not a run directory (fix: --prices FILE with its predictions.csv)",
        run_dir));
  }
  const nlohmann::json document = JsonReader::Parse(ReadFile(file), file);
  const JsonReader run(document, file);
  RunData out;
  if (need_data) {
    const auto inputs = run["inputs"];
    if (!inputs.raw().is_array() || inputs.raw().empty())
      inputs.Fail("must list the run's data file (fix: pass --prices FILE)");
    out.path = run::ResolveDataPath(inputs.At(0)["path"].String(4096), run["source"].String(4096));
    const auto section = run["config"]["data"];
    if (!section.raw().is_object()) section.Fail("must be an object");
    nlohmann::json data = section.raw();
    out.price = section.Has("price") ? section["price"].String() : "close";
    data.erase("path");
    data.erase("price");
    out.load = ConfigNode::FromJson(data, file + ": config.data");
  }
  const auto config = run["config"];
  if (config.Has("backtest") && config["backtest"].raw().is_object())
    out.backtest = ConfigNode::FromJson(config["backtest"].raw(), file + ": config.backtest");
  return out;
}

// "AAPL, MSFT of " for a few chosen symbols, "30 symbols of " for a panel, "" for one asset named
// after its file.
std::string SymbolsText(const std::vector<std::string>& symbols) {
  if (symbols.size() == 1) return symbols.front().empty() ? "" : symbols.front() + " of ";
  if (symbols.size() <= 5) return JoinStrings(symbols, ", ") + " of ";
  return fmt::format("{} symbols of ", symbols.size());
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

}  // namespace

void SetupBacktest(CLI::App& app, BacktestCommandOptions& o) {
  app.add_option("--prices", o.prices,
                 "prices CSV (OHLCV, close-only, wide or long panel); default with --signals "
                 "RUN_DIR: the run's data, read as the run read it");
  app.add_option("--signals", o.signals,
                 "signals CSV: date,symbol,score (date,score for one asset); a score dated t is "
                 "known at the close of t and trades at t+1. Or a run directory (or its "
                 "predictions.csv): a model's forecast moves, traded at their decision dates");
  app.add_option("--model", o.model, "with a run's predictions: the model to trade");
  app.add_option("--split", o.split, "with a run's predictions: test, val or all")
      ->capture_default_str();
  app.add_option("--out", o.out,
                 "directory for metrics.json, equity.csv, trades.csv, "
                 "tearsheet.html")
      ->required();
  AddOverwriteFlag(app, o.overwrite);
  app.add_option("--price", o.price, "close or adj_close (default: close, or the run's)");
  o.settings.Add(app, backtest::BacktestConfig::Schema());
  o.settings.AddSet(app, "any setting as key=value, e.g. --set max_weight=0.1 --set fast=10");
  o.load.Add(app, data::LoadOptions::Schema(), BacktestLoadDefaults());
}

namespace {

// A flat equity curve has no Sharpe ratio: n/a, as the tearsheet says, not nan.
std::string SharpeText(double sharpe) {
  return std::isfinite(sharpe) ? fmt::format("{:.3f}", sharpe) : std::string("n/a");
}

void KeepFirstRows(backtest::Panel& panel, std::size_t rows) {
  if (panel.rows <= rows) return;
  panel.rows = rows;
  panel.values.resize(rows * panel.cols);
}

void KeepFirstRows(backtest::PricePanel& prices, backtest::Panel& scores, std::size_t rows) {
  prices.time.resize(rows);
  prices.time_label.resize(rows);
  KeepFirstRows(prices.close, rows);
  KeepFirstRows(prices.open, rows);
  KeepFirstRows(scores, rows);
}

}  // namespace

int RunBacktest(const BacktestCommandOptions& o, const CLI::App& app,
                const std::string& command_line) {
  OutputDirectory out(o.out, o.overwrite);
  std::error_code ec;
  const bool run_dir = !o.signals.empty() && std::filesystem::is_directory(o.signals, ec);
  FINML_REQUIRE(!o.prices.empty() || run_dir,
                "--prices is required (fix: --prices FILE, or --signals RUN_DIR to trade a run's "
                "predictions on its own data)");
  std::optional<RunData> run;
  if (run_dir) run = ReadRunData(o.signals, o.prices.empty());
  // `--strategy a,b` backtests each under the same settings, side by side on one tearsheet.
  const ConfigNode settings =
      o.settings.Collect(run ? run->backtest : ConfigNode::Map("finml backtest"));
  std::vector<backtest::BacktestConfig> configs;
  const ConfigNode* strategy = settings.Find("strategy");
  if (strategy && strategy->IsScalar() && strategy->text().find(',') != std::string::npos) {
    const auto names = SplitList(strategy->text());
    for (std::size_t i = 0; i < names.size(); ++i)
      if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
          names.begin() + static_cast<std::ptrdiff_t>(i))
        throw ConfigError(fmt::format(
            "{}: strategy '{}' is listed twice (fix: name each strategy once; to compare "
            "settings of one strategy, run the backtests separately)",
            strategy->where(), names[i]));
    for (const std::string& name : names) {
      ConfigNode one = settings;
      one.Set("strategy", ConfigNode::Scalar(name, strategy->where()));
      configs.push_back(backtest::ParseBacktestConfig(one));
    }
  } else {
    configs.push_back(backtest::ParseBacktestConfig(settings));
  }
  const backtest::BacktestConfig& config = configs.front();
  std::string prices_path = o.prices;
  ConfigNode load_base = ConfigNode::Map("");
  std::string price_name = o.price.empty() ? "close" : o.price;
  if (prices_path.empty()) {
    prices_path = run->path;
    load_base = run->load;
    if (o.price.empty()) price_name = run->price;
  }
  const data::LoadOptions load =
      data::LoadOptions::Schema().Parse(o.load.Collect(load_base), "", BacktestLoadDefaults());
  data::MarketData market = data::LoadMarketData(prices_path, load);
  const data::Field price = ParseEnum<data::Field>(price_name);
  FINML_REQUIRE(price == data::Field::kClose || price == data::Field::kAdjClose,
                "--price must be close or adj_close");
  auto prices = backtest::MakePricePanel(market, price);

  std::optional<backtest::SignalPanel> signals;
  if (!o.signals.empty()) signals = backtest::LoadSignals(o.signals, prices, {o.model, o.split});
  if (signals && signals->split_last_row && *signals->split_last_row + 1 < prices.rows()) {
    // The bars after the split's last outcome are another split's (the test period after
    // validation): a validation backtest that ran on through them was judged on them too.
    const std::size_t rows = *signals->split_last_row + 1;
    std::fprintf(stderr,
                 "finml: note: --split %s: the backtest ends on %s, one bar after the split's "
                 "last outcome; the %zu later bars belong to another split\n",
                 o.split.c_str(), prices.time_label[rows - 1].c_str(), prices.rows() - rows);
    KeepFirstRows(prices, signals->score, rows);
  }
  if (signals && signals->split_blocks > 1)
    std::fprintf(stderr,
                 "finml: warning: --split %s: its decisions come in %zu blocks with other splits' "
                 "bars between them (walk-forward folds); positions are held through those bars "
                 "on no signal of the split\n",
                 o.split.c_str(), signals->split_blocks);
  for (const auto& c : configs) {
    if (signals) continue;
    FINML_REQUIRE(!backtest::NeedsSignals(c.strategy.name),
                  "strategy '{}' trades on signals: pass --signals FILE (date,symbol,score), or "
                  "use a rule strategy (sma_cross, rsi_reversion)",
                  c.strategy.name);
  }
  const backtest::SignalPanel* signal_panel = signals ? &*signals : nullptr;
  const std::vector<backtest::BacktestResult> results =
      configs.size() == 1 ? std::vector<backtest::BacktestResult>{backtest::RunBacktest(
                                prices, signal_panel, config)}
                          : backtest::RunSideBySide(prices, signal_panel, configs);
  for (std::size_t i = 0; i < results.size(); ++i)
    for (const auto& w : results[i].warnings)
      std::fprintf(stderr, "finml: warning: %s%s\n",
                   configs.size() > 1 ? (configs[i].strategy.name + ": ").c_str() : "", w.c_str());

  backtest::BacktestInputs inputs;
  inputs.provenance.command = command_line;
  inputs.provenance.Input(prices_path);
  if (!o.signals.empty()) {
    inputs.provenance.Input(backtest::SignalsFile(o.signals));
    inputs.signals = signals->source;
  }
  if (!results.front().benchmark_file.empty())
    inputs.provenance.Input(results.front().benchmark_file);
  std::vector<std::string> names;
  for (const auto& c : configs)
    names.push_back(c.strategy.name == "weights" ? "target weights" : c.strategy.name);
  inputs.title = fmt::format("Backtest: {} on {}{}", JoinStrings(names, " vs "),
                             SymbolsText(prices.symbols), prices_path);
  if (configs.size() == 1) {
    backtest::WriteBacktestOutputs(out.staging(), results.front(), prices, inputs);
  } else {
    // One directory per strategy, and the side-by-side tearsheet on top.
    std::vector<backtest::TearsheetEntry> entries;
    for (std::size_t i = 0; i < configs.size(); ++i) {
      backtest::BacktestInputs each = inputs;
      each.title =
          fmt::format("Backtest: {} on {}{}", names[i], SymbolsText(prices.symbols), prices_path);
      each.chart_library_dir = out.staging();
      backtest::WriteBacktestOutputs(out.staging() + "/" + configs[i].strategy.name, results[i],
                                     prices, each);
      entries.push_back({configs[i].strategy.name, &results[i]});
    }
    report::WriteReport(out.staging() + "/tearsheet.html",
                        backtest::TearsheetPage(entries, prices, inputs));
  }
  out.Commit();
  for (std::size_t i = 0; i < configs.size(); ++i) {
    const auto& result = results[i];
    const auto& p = result.performance;
    std::printf(
        "%s %s .. %s: total return %.2f%%, annual %.2f%%, Sharpe %s, max drawdown %.2f%%, "
        "%zu trades\n",
        configs[i].strategy.name.c_str(), prices.time_label[result.engine.first_row].c_str(),
        prices.time_label.back().c_str(), 100 * p.total_return, 100 * p.annual_return,
        SharpeText(p.sharpe).c_str(), 100 * p.drawdown.depth,
        result.engine.orders - result.engine.small_orders_skipped);
  }
  const auto& first = results.front();
  if (first.benchmark_performance) {
    const auto& b = *first.benchmark_performance;
    std::printf("%s: total return %.2f%%, annual %.2f%%, Sharpe %s, max drawdown %.2f%%\n",
                first.benchmark_name.c_str(), 100 * b.total_return, 100 * b.annual_return,
                SharpeText(b.sharpe).c_str(), 100 * b.drawdown.depth);
  }
  std::printf("annualisation: %s\n", first.annualisation.Describe().c_str());
  if (configs.size() == 1)
    std::printf("wrote %s/{metrics.json,equity.csv,trades.csv,tearsheet.html}\n", o.out.c_str());
  else
    std::printf(
        "wrote %s/tearsheet.html (side by side) and %s/<strategy>/{metrics.json,"
        "equity.csv,trades.csv,tearsheet.html}\n",
        o.out.c_str(), o.out.c_str());
  return 0;
}

}  // namespace finml::cli
