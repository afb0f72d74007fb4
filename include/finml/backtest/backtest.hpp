// A whole backtest: strategy -> engine -> benchmark -> performance and signal quality, and the
// files it leaves (metrics.json, equity.csv, trades.csv, tearsheet.html). `finml backtest` and
// the `backtest:` section of `finml run` both come through here.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "finml/backtest/analytics.hpp"
#include "finml/backtest/config.hpp"
#include "finml/backtest/engine.hpp"
#include "finml/backtest/performance.hpp"
#include "finml/backtest/signals.hpp"
#include "finml/backtest/strategy.hpp"
#include "finml/core/provenance.hpp"
#include "finml/report/html_page.hpp"

namespace finml::backtest {

// How well the score ranks what it could trade: the return from the fill after the decision to
// the next fill (IC), and, as a look-ahead alarm, the return no decision can trade: close t to
// the next fill (the next open, or the next close). A score that predicts that far better than any
// real forecast does (|rank IC| > 0.3 and three standard errors) was most likely computed with
// data from after its date.
struct SignalQuality {
  std::size_t observations = 0;
  double ic = 0, rank_ic = 0;                              // pooled over (date, asset)
  double next_bar_ic = 0, next_bar_rank_ic = 0;            // the untradeable bar
  std::optional<double> ic_mean, rank_ic_mean, rank_icir;  // per date, panels of >= 3 assets
  bool lookahead_suspected = false;
};

struct BacktestResult {
  BacktestConfig config;
  double periods_per_year = 252;
  Annualisation annualisation;
  RollingWindow rolling;  // config.rolling_window, parsed
  std::size_t decisions = 0, clipped_weights = 0, scaled_decisions = 0;
  std::size_t unexecuted_signals = 0;  // dated after the last price bar
  EngineResult engine;
  std::string benchmark_name;     // empty: no benchmark
  std::string benchmark_file;     // the benchmark's price file, when it came from one
  std::vector<double> benchmark;  // equity, aligned with engine.equity
  Performance performance;
  std::optional<Performance> benchmark_performance;
  SignalQuality signal;
  double total_fees = 0, total_slippage = 0, mean_turnover = 0, mean_gross_exposure = 0,
         mean_net_exposure = 0, time_in_market = 0;
  std::vector<std::string> warnings;  // shown on stderr, in metrics.json and the tearsheet
};

// `not_before_row`: decisions before this bar are dropped, so strategies compared side by side
// can start on one date.
[[nodiscard]] BacktestResult RunBacktest(const PricePanel& prices, const SignalPanel* signals,
                                         const BacktestConfig& config, bool record_trades = true,
                                         std::size_t not_before_row = 0);
// Several strategies on the same prices over one period: each starts at the latest first
// decision among them (the longest warm-up), with one benchmark from that date.
[[nodiscard]] std::vector<BacktestResult> RunSideBySide(const PricePanel& prices,
                                                        const SignalPanel* signals,
                                                        const std::vector<BacktestConfig>& configs);

// What the outputs record about where the inputs came from.
struct BacktestInputs {
  Provenance provenance;  // the prices file (and the signals file) among its inputs
  // Where the signals came from when not from a file ("test predictions of model 'ar'"); empty:
  // the signals file in the provenance, or none for a rule strategy.
  std::string signals;
  std::string title = "Backtest";
  // How the traded prices were made when they are not the data's own ("indices compounded from
  // the returns in R.csv, from 100"); empty: the data's.
  std::string prices_note;
  std::string name;  // the strategy's name on the tearsheet; empty: the strategy rule's
  // Where the tearsheet finds the chart library (a run shares one for all its pages); empty: in
  // the output directory.
  std::string chart_library_dir;
};

[[nodiscard]] nlohmann::json BacktestMetricsJson(const BacktestResult& result,
                                                 const PricePanel& prices,
                                                 const BacktestInputs& inputs);
[[nodiscard]] std::string EquityCsv(const BacktestResult& result, const PricePanel& prices);
[[nodiscard]] std::string TradesCsv(const BacktestResult& result, const PricePanel& prices);
// Monthly returns (years x 12, NaN where the backtest has no data); empty without a calendar.
struct MonthlyReturns {
  std::vector<int> years;
  std::vector<double> returns;  // years.size() * 12
  std::vector<double> annual;   // per year
};
[[nodiscard]] MonthlyReturns ComputeMonthlyReturns(const std::vector<double>& equity,
                                                   const std::vector<data::Timestamp>& time);
// One strategy of a tearsheet: its name on every chart and table, and its backtest.
struct TearsheetEntry {
  std::string name;
  const BacktestResult* result = nullptr;
};
// The tearsheet of one or several strategies on the same prices, side by side, against the
// benchmark of the first.
[[nodiscard]] report::HtmlPage TearsheetPage(const std::vector<TearsheetEntry>& strategies,
                                             const PricePanel& prices,
                                             const BacktestInputs& inputs);
// Writes the four files into `dir` (created if needed), each atomically.
void WriteBacktestOutputs(const std::string& dir, const BacktestResult& result,
                          const PricePanel& prices, const BacktestInputs& inputs);

}  // namespace finml::backtest
