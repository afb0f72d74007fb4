// metrics.json, equity.csv and trades.csv of a backtest, and the series the tearsheet draws.
#include <filesystem>

#include "finml/backtest/backtest.hpp"
#include "finml/core/build_info.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/report/html_page.hpp"

namespace finml::backtest {
namespace {

nlohmann::json OrNull(const std::optional<double>& x) {
  return x && std::isfinite(*x) ? nlohmann::json(*x) : nlohmann::json();
}

std::vector<std::string> Labels(const BacktestResult& r, const PricePanel& prices) {
  return {prices.time_label.begin() + static_cast<std::ptrdiff_t>(r.engine.first_row),
          prices.time_label.end()};
}

}  // namespace

nlohmann::json BacktestMetricsJson(const BacktestResult& r, const PricePanel& prices,
                                   const BacktestInputs& inputs) {
  const auto labels = Labels(r, prices);
  const EngineResult& e = r.engine;
  nlohmann::json perf = PerformanceJson(r.performance, labels);
  perf["turnover_mean"] = r.mean_turnover;
  perf["turnover_annual"] = r.mean_turnover * r.periods_per_year;
  perf["exposure_gross_mean"] = r.mean_gross_exposure;
  perf["exposure_net_mean"] = r.mean_net_exposure;
  perf["time_in_market"] = r.time_in_market;
  perf["trades"] = e.orders - e.small_orders_skipped;
  perf["fees"] = r.total_fees;
  perf["slippage_cost"] = r.total_slippage;
  perf["final_equity"] = e.equity.back();
  const SignalQuality& q = r.signal;
  nlohmann::json j = {
      {"strategy", r.config.ToJson()},
      {"period",
       {{"first_decision", labels.front()},
        {"last_bar", labels.back()},
        {"bars", labels.size()},
        {"periods_per_year", r.periods_per_year},
        {"annualisation",
         {{"periods_per_year", r.annualisation.periods_per_year},
          {"bars_per_day", r.annualisation.bars_per_day},
          {"trading_days_per_year", r.annualisation.days_per_year},
          {"intraday", r.annualisation.intraday},
          {"inferred", r.annualisation.inferred},
          {"rolling_window", r.rolling.text}}}}},
      {"performance", perf},
      {"benchmark",
       r.benchmark_performance
           ? nlohmann::json{{"name", r.benchmark_name},
                            {"performance", PerformanceJson(*r.benchmark_performance, labels)}}
           : nlohmann::json()},
      {"signal",
       {{"observations", q.observations},
        {"ic", q.ic},
        {"rank_ic", q.rank_ic},
        {"ic_mean_per_date", OrNull(q.ic_mean)},
        {"rank_ic_mean_per_date", OrNull(q.rank_ic_mean)},
        {"rank_icir", OrNull(q.rank_icir)},
        {"next_bar_ic", q.next_bar_ic},
        {"next_bar_rank_ic", q.next_bar_rank_ic},
        {"lookahead_suspected", q.lookahead_suspected}}},
      {"execution",
       {{"decisions", r.decisions},
        {"orders", e.orders},
        {"orders_below_min_trade_value", e.small_orders_skipped},
        {"halted_orders", e.halted_orders},
        {"weights_clipped", r.clipped_weights},
        {"decisions_scaled", r.scaled_decisions},
        {"signals_after_last_bar", r.unexecuted_signals}}},
      {"warnings", r.warnings},
      {"signals", inputs.signals.empty() ? nlohmann::json() : nlohmann::json(inputs.signals)},
      {"provenance", inputs.provenance.ToJson()},
      {"notes",
       {{"execution", "a decision at the close of bar t fills at bar t+1 (fill: open or close)"},
        {"returns", "simple returns of the equity per bar; annual figures use periods_per_year"},
        {"turnover", "traded value / equity at the fill, per bar (buying a full book = 1)"},
        {"win_rate", "share of bars with a gain among bars whose equity changed"},
        {"ic", "score vs the return from the next fill to the one after (what it could trade)"},
        {"next_bar_ic",
         "score vs close t -> close t+1, which no decision can trade: a look-ahead "
         "alarm"}}}};
  return j;
}

std::string EquityCsv(const BacktestResult& r, const PricePanel& prices) {
  const EngineResult& e = r.engine;
  const bool with_bench = !r.benchmark.empty();
  std::string out = with_bench ? "date,equity,return,drawdown,cash,gross_exposure,net_exposure,"
                                 "turnover,fees,slippage,benchmark,benchmark_return\n"
                               : "date,equity,return,drawdown,cash,gross_exposure,net_exposure,"
                                 "turnover,fees,slippage\n";
  double peak = e.equity[0];
  for (std::size_t k = 0; k < e.equity.size(); ++k) {
    peak = std::max(peak, e.equity[k]);
    const double ret = k ? e.equity[k] / e.equity[k - 1] - 1.0 : 0.0;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}", prices.time_label[e.first_row + k],
                       e.equity[k], ret, e.equity[k] / peak - 1.0, e.cash[k], e.gross_exposure[k],
                       e.net_exposure[k], e.turnover[k], e.fees[k], e.slippage[k]);
    if (with_bench) {
      const double b = r.benchmark[k];
      out += fmt::format(",{},{}", b, k ? b / r.benchmark[k - 1] - 1.0 : 0.0);
    }
    out += '\n';
  }
  return out;
}

std::string TradesCsv(const BacktestResult& r, const PricePanel& prices) {
  std::string out = "date,symbol,side,quantity,price,value,fee,slippage\n";
  for (const Trade& t : r.engine.trades) {
    out += fmt::format("{},{},{},{},{},{},{},{}\n", prices.time_label[t.row],
                       CsvField(prices.symbols[t.asset]), t.quantity > 0 ? "buy" : "sell",
                       t.quantity, t.price, t.value, t.fee, t.slippage);
  }
  return out;
}

MonthlyReturns ComputeMonthlyReturns(const std::vector<double>& equity,
                                     const std::vector<data::Timestamp>& time) {
  MonthlyReturns m;
  if (time.empty() || equity.size() != time.size()) return m;
  const int first_year = data::DateOf(time.front()).year;
  const int last_year = data::DateOf(time.back()).year;
  for (int y = first_year; y <= last_year; ++y) m.years.push_back(y);
  m.returns.assign(m.years.size() * 12, std::nan(""));
  m.annual.assign(m.years.size(), std::nan(""));
  // Each month's return runs from the last equity before it to its own last equity.
  double month_start = equity[0], year_start = equity[0];
  for (std::size_t k = 1; k < equity.size(); ++k) {
    const auto d = data::DateOf(time[k]);
    const bool month_ends = k + 1 == equity.size() || data::DateOf(time[k + 1]).month != d.month ||
                            data::DateOf(time[k + 1]).year != d.year;
    if (!month_ends) continue;
    const auto y = static_cast<std::size_t>(d.year - first_year);
    m.returns[y * 12 + d.month - 1] = equity[k] / month_start - 1.0;
    month_start = equity[k];
    if (k + 1 == equity.size() || data::DateOf(time[k + 1]).year != d.year) {
      m.annual[y] = equity[k] / year_start - 1.0;
      year_start = equity[k];
    }
  }
  return m;
}

void WriteBacktestOutputs(const std::string& dir, const BacktestResult& result,
                          const PricePanel& prices, const BacktestInputs& inputs) {
  EnsureDirectory(dir);
  const std::filesystem::path d(dir);
  WriteFileAtomic((d / "metrics.json").string(),
                  BacktestMetricsJson(result, prices, inputs).dump(2) + "\n");
  WriteFileAtomic((d / "equity.csv").string(), EquityCsv(result, prices));
  WriteFileAtomic((d / "trades.csv").string(), TradesCsv(result, prices));
  report::WriteReport(
      (d / "tearsheet.html").string(),
      TearsheetPage({{inputs.name.empty() ? result.config.strategy.name : inputs.name, &result}},
                    prices, inputs),
      inputs.chart_library_dir);
}

}  // namespace finml::backtest
