// The tearsheet: one self-contained HTML page (inline SVG, no scripts) a desk can read offline.
#include "finml/backtest/backtest.hpp"
#include "finml/core/build_info.hpp"
#include "finml/report/html_page.hpp"
#include "finml/report/svg_chart.hpp"

namespace finml::backtest {
namespace {

std::string Pct(double x) { return std::isfinite(x) ? fmt::format("{:.2f}%", 100 * x) : "n/a"; }
std::string Num(double x) { return std::isfinite(x) ? fmt::format("{:.3f}", x) : "n/a"; }
std::string Opt(const std::optional<double>& x) { return x ? Num(*x) : "n/a"; }

std::vector<double> XAxis(const BacktestResult& r, const PricePanel& prices) {
  std::vector<double> x;
  for (std::size_t k = 0; k < r.engine.equity.size(); ++k) {
    const std::size_t t = r.engine.first_row + k;
    x.push_back(prices.calendar ? static_cast<double>(prices.time[t]) : static_cast<double>(t));
  }
  return x;
}

std::vector<std::vector<std::string>> MetricRows(const BacktestResult& r) {
  const Performance& p = r.performance;
  const Performance* b = r.benchmark_performance ? &*r.benchmark_performance : nullptr;
  enum Format { kPct, kNum, kCount };
  auto text = [](double v, Format f) {
    if (f == kPct) return Pct(v);
    return f == kNum ? Num(v) : fmt::format("{:.0f}", v);
  };
  auto row = [&](const std::string& name, double mine, double theirs, Format f) {
    std::vector<std::string> cells = {name, text(mine, f)};
    if (b) cells.push_back(text(theirs, f));
    return cells;
  };
  const double nan = std::nan("");
  std::vector<std::vector<std::string>> rows = {
      row("Total return", p.total_return, b ? b->total_return : nan, kPct),
      row("Annual return", p.annual_return, b ? b->annual_return : nan, kPct),
      row("Annual volatility", p.annual_volatility, b ? b->annual_volatility : nan, kPct),
      row("Sharpe", p.sharpe, b ? b->sharpe : nan, kNum),
      row("Sortino", p.sortino, b ? b->sortino : nan, kNum),
      row("Calmar", p.calmar, b ? b->calmar : nan, kNum),
      row("Max drawdown", p.drawdown.depth, b ? b->drawdown.depth : nan, kPct),
      row("Longest drawdown (bars)", static_cast<double>(p.drawdown.longest_bars),
          b ? static_cast<double>(b->drawdown.longest_bars) : nan, kCount),
      row("Win rate (bars)", p.win_rate, b ? b->win_rate : nan, kPct),
      row("Profit factor", p.profit_factor, b ? b->profit_factor : nan, kNum),
      row("Worst bar", p.worst_bar, b ? b->worst_bar : nan, kPct),
  };
  return rows;
}

}  // namespace

std::string TearsheetHtml(const BacktestResult& r, const PricePanel& prices,
                          const BacktestInputs& inputs) {
  using report::LineSeries;
  report::HtmlPage page(inputs.title);
  const auto& e = r.engine;
  const Performance& p = r.performance;
  const std::string first = prices.time_label[e.first_row], last = prices.time_label.back();

  std::string verdict =
      fmt::format("{} from {} to {} ({} bars): total return {}, Sharpe {}, max drawdown {}.",
                  r.config.strategy.name, first, last, e.equity.size(), Pct(p.total_return),
                  Num(p.sharpe), Pct(p.drawdown.depth));
  if (r.benchmark_performance) {
    const Performance& b = *r.benchmark_performance;
    verdict +=
        fmt::format(" {}: total return {}, Sharpe {}. Information ratio {}.", r.benchmark_name,
                    Pct(b.total_return), Num(b.sharpe), Opt(p.information_ratio));
  }
  page.Paragraph(verdict);
  for (const auto& w : r.warnings) page.Paragraph("Warning: " + w);

  std::vector<std::string> header = {"Metric", "Strategy"};
  if (r.benchmark_performance) header.push_back(r.benchmark_name);
  page.Table(header, MetricRows(r));

  page.KeyValues({
      {"Alpha (annual) / beta", fmt::format("{} / {}", Opt(p.alpha), Opt(p.beta))},
      {"Tracking error / information ratio",
       fmt::format("{} / {}", Opt(p.tracking_error), Opt(p.information_ratio))},
      {"Turnover (mean per bar / annual)",
       fmt::format("{} / {}", Pct(r.mean_turnover), Num(r.mean_turnover * r.periods_per_year))},
      {"Exposure (gross / net, mean)",
       fmt::format("{} / {}", Pct(r.mean_gross_exposure), Pct(r.mean_net_exposure))},
      {"Time in market", Pct(r.time_in_market)},
      {"Orders filled / halted",
       fmt::format("{} / {}", e.orders - e.small_orders_skipped, e.halted_orders)},
      {"Fees / slippage", fmt::format("{:.2f} / {:.2f}", r.total_fees, r.total_slippage)},
      {"Signal IC / rank IC (next fill to the one after)",
       fmt::format("{} / {} over {} observations", Num(r.signal.ic), Num(r.signal.rank_ic),
                   r.signal.observations)},
      {"Signal rank IC per date (mean, ICIR)",
       fmt::format("{} / {}", Opt(r.signal.rank_ic_mean), Opt(r.signal.rank_icir))},
      {"Look-ahead alarm: rank IC with the untradeable next bar",
       fmt::format("{}{}", Num(r.signal.next_bar_rank_ic),
                   r.signal.lookahead_suspected ? " (suspect)" : " (fine)")},
  });

  const auto x = XAxis(r, prices);
  report::ChartOptions chart;
  chart.x_is_time = prices.calendar;
  chart.title = "Equity";
  chart.y_label = "equity";
  std::vector<LineSeries> equity = {{"strategy", x, e.equity}};
  if (!r.benchmark.empty()) equity.push_back({r.benchmark_name, x, r.benchmark});
  page.Raw(report::LineChart(equity, chart));

  chart.title = "Drawdown";
  chart.y_label = "below peak";
  std::vector<LineSeries> drawdowns;
  auto underwater = [](const std::vector<double>& v) {
    std::vector<double> d(v.size());
    double peak = v.empty() ? 0 : v[0];
    for (std::size_t k = 0; k < v.size(); ++k) {
      peak = std::max(peak, v[k]);
      d[k] = v[k] / peak - 1.0;
    }
    return d;
  };
  drawdowns.push_back({"strategy", x, underwater(e.equity)});
  if (!r.benchmark.empty()) drawdowns.push_back({r.benchmark_name, x, underwater(r.benchmark)});
  page.Raw(report::LineChart(drawdowns, chart));

  chart.title = r.annualisation.intraday ? fmt::format("Rolling Sharpe ({} trading days, {} bars)",
                                                       r.config.rolling_window, r.rolling_bars)
                                         : fmt::format("Rolling Sharpe ({} bars)", r.rolling_bars);
  chart.y_label = "Sharpe";
  std::vector<LineSeries> sharpe = {
      {"strategy", x, RollingSharpe(e.equity, r.rolling_bars, r.periods_per_year)}};
  if (!r.benchmark.empty())
    sharpe.push_back(
        {r.benchmark_name, x, RollingSharpe(r.benchmark, r.rolling_bars, r.periods_per_year)});
  page.Raw(report::LineChart(sharpe, chart));

  if (prices.calendar) {
    std::vector<data::Timestamp> time(
        prices.time.begin() + static_cast<std::ptrdiff_t>(e.first_row), prices.time.end());
    const MonthlyReturns m = ComputeMonthlyReturns(e.equity, time);
    std::vector<std::string> rows, columns = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                              "Aug", "Sep", "Oct", "Nov", "Dec", "Year"};
    std::vector<double> cells;
    for (std::size_t y = 0; y < m.years.size(); ++y) {
      rows.push_back(std::to_string(m.years[y]));
      cells.insert(cells.end(), m.returns.begin() + static_cast<std::ptrdiff_t>(12 * y),
                   m.returns.begin() + static_cast<std::ptrdiff_t>(12 * y + 12));
      cells.push_back(m.annual[y]);
    }
    chart.title = "Monthly returns (%)";
    page.Raw(report::Heatmap(rows, columns, cells, chart));
  }

  page.Heading("How this was run");
  std::vector<std::pair<std::string, std::string>> facts = {
      {"Signals", !inputs.signals.empty() ? inputs.signals
                  : NeedsSignals(r.config.strategy.name)
                      ? std::string("the signals file below")
                      : std::string("none: the rule computes its own")},
      {"Settings", r.config.ToJson().dump()},
      {"Execution",
       "a decision at the close of bar t fills at bar t+1; commission and slippage "
       "paid in cash; positions in (fractional) shares, marked at every close"},
      {"Annualisation", r.annualisation.Describe()},
  };
  for (const auto& fact : inputs.provenance.Facts()) facts.push_back(fact);
  page.KeyValues(facts);
  return page.Render();
}

}  // namespace finml::backtest
