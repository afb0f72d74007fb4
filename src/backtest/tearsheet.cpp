// The tearsheet: one page per backtest (or several strategies side by side) with what QuantStats'
// full report shows: cumulative returns against the benchmark, drawdowns, monthly and yearly
// returns, the distribution of returns, rolling statistics, exposure, holdings and turnover.
#include <cmath>
#include <numeric>

#include "finml/backtest/backtest.hpp"
#include "finml/core/strings.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"

namespace finml::backtest {
namespace {

using report::Axis;
using report::Figure;
using report::Unit;
using json = nlohmann::json;

std::string Ratio(double x) { return report::Number(x, 3); }
std::string Opt(const std::optional<double>& x, bool percent = false) {
  if (!x) return "n/a";
  return percent ? report::Percent(*x) : Ratio(*x);
}

// One strategy, or the benchmark, with what every chart needs.
struct Curve {
  std::string name;
  const BacktestResult* result = nullptr;  // null for the benchmark
  const std::vector<double>* equity = nullptr;
  std::size_t first_row = 0;
  std::vector<data::Timestamp> time;  // empty without a calendar
  json x;
  bool benchmark = false;
};

Curve MakeCurve(std::string name, const BacktestResult* r, const std::vector<double>& equity,
                std::size_t first_row, const PricePanel& prices, bool benchmark) {
  Curve c{std::move(name), r, &equity, first_row, {}, json::array(), benchmark};
  for (std::size_t k = 0; k < equity.size(); ++k) {
    const std::size_t t = first_row + k;
    if (prices.calendar) {
      c.time.push_back(prices.time[t]);
    } else {
      c.x.push_back(t);
    }
  }
  if (prices.calendar) c.x = report::TimeAxisValues(c.time);
  return c;
}

report::TraceStyle StyleOf(const Curve& c) {
  report::TraceStyle s;
  s.dashed = c.benchmark;
  s.width = c.benchmark ? 1.5 : 2;
  return s;
}

Axis TimeAxis(const PricePanel& prices) {
  return prices.calendar ? Axis{"date", Unit::kTime} : Axis{"bar", Unit::kCount};
}

std::string Length(const Curve& c, std::size_t from, std::size_t to) {
  if (c.time.empty()) return report::Counted(static_cast<long long>(to - from), "bar");
  return report::Counted(data::DayNumber(c.time[to]) - data::DayNumber(c.time[from]), "day");
}

void MetricsTable(report::HtmlPage& page, const std::vector<Curve>& curves,
                  const PricePanel& prices) {
  std::vector<std::string> header = {"Metric"};
  std::vector<const Performance*> perf;
  for (const auto& c : curves) {
    header.push_back(c.name);
    perf.push_back(c.benchmark ? &*curves.front().result->benchmark_performance
                               : &c.result->performance);
  }
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const std::string& name, auto&& cell) {
    std::vector<std::string> cells = {name};
    for (std::size_t i = 0; i < curves.size(); ++i) cells.push_back(cell(curves[i], *perf[i]));
    rows.push_back(std::move(cells));
  };
  auto strategy_only = [](auto&& f) {
    return [f](const Curve& c, const Performance& p) -> std::string {
      return c.benchmark ? "" : f(*c.result, p);
    };
  };
  row("Start (first decision)",
      [&](const Curve& c, const Performance&) { return prices.time_label[c.first_row]; });
  row("End", [&](const Curve&, const Performance&) { return prices.time_label.back(); });
  row("Total return",
      [](const Curve&, const Performance& p) { return report::Percent(p.total_return); });
  row("Annual return (CAGR)",
      [](const Curve&, const Performance& p) { return report::Percent(p.annual_return); });
  row("Annual volatility",
      [](const Curve&, const Performance& p) { return report::Percent(p.annual_volatility); });
  row("Sharpe", [](const Curve&, const Performance& p) { return Ratio(p.sharpe); });
  row("Sortino", [](const Curve&, const Performance& p) { return Ratio(p.sortino); });
  row("Calmar", [](const Curve&, const Performance& p) { return Ratio(p.calmar); });
  row("Max drawdown",
      [](const Curve&, const Performance& p) { return report::Percent(p.drawdown.depth); });
  row("Longest drawdown", [&](const Curve&, const Performance& p) {
    return prices.calendar
               ? report::Counted(std::llround(p.longest_drawdown_days), "day")
               : report::Counted(static_cast<long long>(p.drawdown.longest_bars), "bar");
  });
  row("Win rate (bars)",
      [](const Curve&, const Performance& p) { return report::Percent(p.win_rate); });
  row("Profit factor", [](const Curve&, const Performance& p) { return Ratio(p.profit_factor); });
  row("Best bar", [](const Curve&, const Performance& p) { return report::Percent(p.best_bar); });
  row("Worst bar", [](const Curve&, const Performance& p) { return report::Percent(p.worst_bar); });
  row("Alpha (annual)", strategy_only([](const BacktestResult&, const Performance& p) {
        return Opt(p.alpha, true);
      }));
  row("Beta",
      strategy_only([](const BacktestResult&, const Performance& p) { return Opt(p.beta); }));
  row("Information ratio", strategy_only([](const BacktestResult&, const Performance& p) {
        return Opt(p.information_ratio);
      }));
  row("Tracking error", strategy_only([](const BacktestResult&, const Performance& p) {
        return Opt(p.tracking_error, true);
      }));
  row("Turnover (annual, x equity)", strategy_only([](const BacktestResult& r, const Performance&) {
        return Ratio(r.mean_turnover * r.periods_per_year);
      }));
  row("Gross / net exposure (mean)", strategy_only([](const BacktestResult& r, const Performance&) {
        return report::Percent(r.mean_gross_exposure, 1) + " / " +
               report::Percent(r.mean_net_exposure, 1);
      }));
  row("Time in market", strategy_only([](const BacktestResult& r, const Performance&) {
        return report::Percent(r.time_in_market, 1);
      }));
  row("Trades", strategy_only([](const BacktestResult& r, const Performance&) {
        return report::Count(static_cast<double>(r.engine.orders - r.engine.small_orders_skipped));
      }));
  row("Fees + slippage", strategy_only([](const BacktestResult& r, const Performance&) {
        return report::Money(r.total_fees + r.total_slippage);
      }));
  row("Final equity",
      [](const Curve& c, const Performance&) { return report::Money(c.equity->back()); });
  page.Table(header, rows);
}

void CumulativeSection(report::HtmlPage& page, const std::vector<Curve>& curves,
                       const PricePanel& prices, double capital) {
  page.Heading("Cumulative returns");
  // Log scale when the value moved by more than a factor of 4: a linear axis would flatten the
  // early years. The buttons switch.
  double low = INFINITY, high = 0;
  for (const auto& c : curves)
    for (double v : *c.equity)
      if (v > 0) low = std::min(low, v), high = std::max(high, v);
  const bool log = high > 4 * low;
  Figure value(fmt::format("Value of {} invested", report::Money(capital, 0)), TimeAxis(prices),
               {"equity", Unit::kMoney, log});
  for (const auto& c : curves) value.Line(c.name, c.x, *c.equity, StyleOf(c));
  page.Chart(value.LogToggle().RangeSlider());
}

void DrawdownSection(report::HtmlPage& page, const std::vector<Curve>& curves,
                     const PricePanel& prices) {
  page.Heading("Drawdowns");
  Figure under("Underwater: below the previous peak", TimeAxis(prices),
               {"drawdown", Unit::kPercent});
  // Filled areas of several strategies would hide each other: one fills, the others are lines.
  for (const auto& c : curves) {
    if (&c == &curves.front())
      under.Area(c.name, c.x, Underwater(*c.equity), StyleOf(c));
    else
      under.Line(c.name, c.x, Underwater(*c.equity), StyleOf(c));
  }
  page.Chart(under);
  for (const auto& c : curves) {
    page.Heading(fmt::format("Worst drawdowns: {}", c.name), 3);
    std::vector<std::vector<std::string>> rows;
    const auto episodes = TopDrawdowns(*c.equity, 5);
    for (std::size_t i = 0; i < episodes.size(); ++i) {
      const auto& e = episodes[i];
      const std::size_t end = e.recovery.value_or(c.equity->size() - 1);
      rows.push_back({std::to_string(i + 1), prices.time_label[c.first_row + e.start],
                      prices.time_label[c.first_row + e.trough],
                      e.recovery ? prices.time_label[c.first_row + *e.recovery] : "not recovered",
                      report::Percent(e.depth), Length(c, e.start, e.trough),
                      Length(c, e.start, end) + (e.recovery ? "" : " so far")});
    }
    if (rows.empty()) {
      page.Paragraph("Never below a previous peak.");
      continue;
    }
    page.Table({"#", "peak", "trough", "recovered", "depth", "peak to trough", "length"}, rows);
  }
}

void CalendarSection(report::HtmlPage& page, const std::vector<Curve>& curves) {
  if (curves.front().time.empty()) return;
  page.Heading("Returns by month and year");
  std::vector<std::string> years;
  std::map<int, std::size_t> year_index;
  std::vector<MonthlyReturns> monthly;
  for (const auto& c : curves) {
    monthly.push_back(ComputeMonthlyReturns(*c.equity, c.time));
    for (int y : monthly.back().years) year_index.emplace(y, 0);
  }
  for (auto& [y, i] : year_index) {
    i = years.size();
    years.push_back(std::to_string(y));
  }
  Figure yearly("Return of each calendar year (first and last years are partial)",
                {"year", Unit::kCategory}, {"return", Unit::kPercent});
  for (std::size_t s = 0; s < curves.size(); ++s) {
    std::vector<double> values(years.size(), NAN);
    for (std::size_t y = 0; y < monthly[s].years.size(); ++y)
      values[year_index[monthly[s].years[y]]] = monthly[s].annual[y];
    yearly.Bars(curves[s].name, years, values);
  }
  page.Chart(yearly);
  static const std::vector<std::string> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                                   "Aug", "Sep", "Oct", "Nov", "Dec", "Year"};
  for (std::size_t s = 0; s < curves.size(); ++s) {
    if (curves[s].benchmark) continue;
    const MonthlyReturns& m = monthly[s];
    std::vector<std::string> rows;
    std::vector<double> cells;
    for (std::size_t y = 0; y < m.years.size(); ++y) {
      rows.push_back(std::to_string(m.years[y]));
      cells.insert(cells.end(), m.returns.begin() + static_cast<std::ptrdiff_t>(12 * y),
                   m.returns.begin() + static_cast<std::ptrdiff_t>(12 * y + 12));
      cells.push_back(m.annual[y]);
    }
    page.Chart(Figure(fmt::format("Monthly returns: {}", curves[s].name),
                      {"month", Unit::kCategory}, {"year", Unit::kCategory})
                   .Heatmap(rows, kMonths, cells, Unit::kPercent));
  }
}

// What one bar is, in words, for "returns per ...".
std::string BarName(const Annualisation& a, bool calendar) {
  if (!calendar || a.intraday) return "bar";
  if (a.periods_per_year <= 13) return "month";
  if (a.periods_per_year <= 60) return "week";
  return "day";
}

void DistributionSection(report::HtmlPage& page, const std::vector<Curve>& curves,
                         const std::string& bar) {
  page.Heading("Distribution of returns");
  Figure hist(fmt::format("Returns per {}: density (the middle 99.8%)", bar),
              {"return", Unit::kPercent}, {"density", Unit::kNumber});
  for (const auto& c : curves) {
    auto r = SimpleReturns(*c.equity);
    hist.Histogram(c.name, r, 80);
  }
  page.Chart(hist);
}

void RollingSection(report::HtmlPage& page, const std::vector<Curve>& curves,
                    const PricePanel& prices, const BacktestResult& first) {
  const RollingWindow& w = first.rolling;
  page.Heading(fmt::format("Rolling statistics ({} window)", w.Describe()));
  const std::vector<double>* bench = first.benchmark.empty() ? nullptr : &first.benchmark;
  Figure vol(fmt::format("Rolling volatility ({}, annualised)", w.Describe()), TimeAxis(prices),
             {"volatility", Unit::kPercent});
  Figure sharpe(fmt::format("Rolling Sharpe ({}, annualised)", w.Describe()), TimeAxis(prices),
                {"Sharpe", Unit::kNumber});
  Figure beta(fmt::format("Rolling beta to {} ({})", first.benchmark_name, w.Describe()),
              TimeAxis(prices), {"beta", Unit::kNumber});
  bool any_beta = false, any = false;
  for (const auto& c : curves) {
    const auto* against = c.benchmark || c.first_row != first.engine.first_row ? nullptr : bench;
    const auto stats = ComputeRolling(*c.equity, against, c.time, w, first.periods_per_year,
                                      first.config.risk_free);
    any = any || std::any_of(stats.volatility.begin(), stats.volatility.end(),
                             [](double v) { return std::isfinite(v); });
    vol.Line(c.name, c.x, stats.volatility, StyleOf(c));
    sharpe.Line(c.name, c.x, stats.sharpe, StyleOf(c));
    if (against) {
      beta.Line(c.name, c.x, stats.beta, StyleOf(c));
      any_beta = true;
    }
  }
  if (!any) {
    page.Paragraph(
        fmt::format("The window ({}) is longer than the backtest, so there is nothing "
                    "to roll (fix: a shorter rolling_window, e.g. 3M).",
                    w.Describe()));
    return;
  }
  page.Chart(vol);
  page.Chart(sharpe.HorizontalLine(0));
  if (any_beta) page.Chart(beta.HorizontalLine(1, "beta 1"));
}

// A series per bar as one value per calendar month (the sum, or the mean), x at the month's start.
std::pair<json, std::vector<double>> Monthly(const Curve& c, const std::vector<double>& v,
                                             bool mean) {
  json months = json::array();
  std::vector<double> values;
  std::size_t count = 0;
  int current = -1;
  auto close = [&] {
    if (mean && count) values.back() /= static_cast<double>(count);
  };
  for (std::size_t k = 0; k < v.size(); ++k) {
    const data::CivilDate d = data::DateOf(c.time[k]);
    const int key = d.year * 12 + static_cast<int>(d.month);
    if (key != current) {
      close();
      current = key;
      months.push_back(fmt::format("{:04}-{:02}-01", d.year, d.month));
      values.push_back(0);
      count = 0;
    }
    values.back() += v[k];
    ++count;
  }
  close();
  return {months, values};
}

void ExposureSection(report::HtmlPage& page, const std::vector<Curve>& curves,
                     const PricePanel& prices) {
  page.Heading("Exposure, holdings and turnover");
  const bool calendar = !curves.front().time.empty();
  // Per month on a calendar: a strategy in and out every other bar would draw a solid block.
  Figure exposure(calendar ? "Exposure: positions over equity, mean of each month (gross solid, "
                             "net dashed)"
                           : "Exposure: positions over equity (gross solid, net dashed)",
                  calendar ? Axis{"month", Unit::kTime} : TimeAxis(prices),
                  {"exposure", Unit::kPercent});
  for (const auto& c : curves) {
    if (c.benchmark) continue;
    const auto& e = c.result->engine;
    report::TraceStyle gross{.colour_of = c.name}, net{.dashed = true, .colour_of = c.name};
    if (calendar) {
      const auto g = Monthly(c, e.gross_exposure, true), n = Monthly(c, e.net_exposure, true);
      exposure.Line(c.name + " gross", g.first, g.second, gross);
      exposure.Line(c.name + " net", n.first, n.second, net);
    } else {
      exposure.Line(c.name + " gross", c.x, e.gross_exposure, gross);
      exposure.Line(c.name + " net", c.x, e.net_exposure, net);
    }
  }
  page.Chart(exposure);

  for (const auto& c : curves) {
    if (c.benchmark || prices.assets() < 2) continue;
    const Panel& h = c.result->engine.holdings;
    if (h.rows == 0) {
      page.Paragraph(fmt::format("{}: holdings are not charted for {} assets x {} bars.", c.name,
                                 prices.assets(), c.equity->size()));
      continue;
    }
    // The ten largest positions by mean |weight|, the rest summed: a stack of 500 is unreadable.
    std::vector<double> size(h.cols, 0.0);
    for (std::size_t k = 0; k < h.rows; ++k)
      for (std::size_t i = 0; i < h.cols; ++i) size[i] += std::abs(h.at(k, i));
    std::vector<std::size_t> order(h.cols);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return size[a] > size[b]; });
    const std::size_t shown = std::min<std::size_t>(10, h.cols);
    const bool short_any =
        std::any_of(h.values.begin(), h.values.end(), [](double v) { return v < 0; });
    Figure holdings(fmt::format("Holdings of {}: weight of each asset (largest {} of {})", c.name,
                                shown, h.cols),
                    TimeAxis(prices), {"weight", Unit::kPercent});
    for (std::size_t j = 0; j < shown; ++j) {
      std::vector<double> w(h.rows);
      for (std::size_t k = 0; k < h.rows; ++k) w[k] = h.at(k, order[j]);
      if (size[order[j]] == 0) continue;
      // Stacks of long and short weights would net out into nonsense: lines then.
      if (short_any)
        holdings.Line(prices.symbols[order[j]], c.x, w, {.width = 1});
      else
        holdings.StackedArea(prices.symbols[order[j]], c.x, w);
    }
    if (h.cols > shown) {
      std::vector<double> rest(h.rows, 0.0);
      for (std::size_t k = 0; k < h.rows; ++k)
        for (std::size_t j = shown; j < h.cols; ++j) rest[k] += h.at(k, order[j]);
      if (short_any)
        holdings.Line("other assets (net)", c.x, rest, {.width = 1});
      else
        holdings.StackedArea("other assets", c.x, rest);
    }
    page.Chart(holdings);
  }

  Figure turnover(calendar ? "Turnover per month: value traded over equity"
                           : "Turnover per bar: value traded over equity",
                  calendar ? Axis{"month", Unit::kTime} : TimeAxis(prices),
                  {"turnover", Unit::kPercent});
  for (const auto& c : curves) {
    if (c.benchmark) continue;
    const auto& t = c.result->engine.turnover;
    if (!calendar) {
      turnover.Line(c.name, c.x, t, StyleOf(c));
      continue;
    }
    const auto sums = Monthly(c, t, false);
    turnover.Line(c.name, sums.first, sums.second, StyleOf(c));
  }
  page.Chart(turnover);
}

void SignalSection(report::HtmlPage& page, const std::vector<Curve>& curves) {
  page.Heading("Signal quality");
  page.Paragraph(
      "IC: correlation of the score with the return from the fill after the decision to the "
      "next fill. Look-ahead alarm: rank IC with the return no decision can trade (close to the "
      "next fill); far above any real forecast means the score saw the future.");
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : curves) {
    if (c.benchmark) continue;
    const SignalQuality& q = c.result->signal;
    rows.push_back(
        {c.name, report::Count(static_cast<double>(q.observations)), Ratio(q.ic), Ratio(q.rank_ic),
         Opt(q.rank_ic_mean), Opt(q.rank_icir),
         Ratio(q.next_bar_rank_ic) + (q.lookahead_suspected ? " (suspect)" : " (fine)")});
  }
  page.Table(
      {"strategy", "observations", "IC", "rank IC", "rank IC per date", "ICIR", "look-ahead alarm"},
      rows);
}

}  // namespace

report::HtmlPage TearsheetPage(const std::vector<TearsheetEntry>& strategies,
                               const PricePanel& prices, const BacktestInputs& inputs) {
  FINML_REQUIRE(!strategies.empty(), "a tearsheet needs at least one backtest");
  const BacktestResult& first = *strategies.front().result;
  report::HtmlPage page(inputs.title);
  std::vector<Curve> curves;
  for (const auto& s : strategies)
    curves.push_back(MakeCurve(s.name, s.result, s.result->engine.equity,
                               s.result->engine.first_row, prices, false));
  if (!first.benchmark.empty())
    curves.push_back(MakeCurve(first.benchmark_name, nullptr, first.benchmark,
                               first.engine.first_row, prices, true));

  std::string verdict;
  for (const auto& s : strategies) {
    const Performance& p = s.result->performance;
    verdict +=
        fmt::format("{} from {} to {} ({} bars): total return {}, Sharpe {}, max drawdown {}. ",
                    s.name, prices.time_label[s.result->engine.first_row], prices.time_label.back(),
                    s.result->engine.equity.size(), report::Percent(p.total_return),
                    Ratio(p.sharpe), report::Percent(p.drawdown.depth));
  }
  if (first.benchmark_performance) {
    const Performance& b = *first.benchmark_performance;
    verdict += fmt::format("{}: total return {}, Sharpe {}, max drawdown {}.", first.benchmark_name,
                           report::Percent(b.total_return), Ratio(b.sharpe),
                           report::Percent(b.drawdown.depth));
    if (strategies.size() == 1)
      verdict += fmt::format(" Information ratio {}.", Opt(first.performance.information_ratio));
    std::vector<std::string> better;
    for (const auto& s : strategies)
      if (s.result->engine.first_row == first.engine.first_row &&
          s.result->performance.sharpe > b.sharpe)
        better.push_back(s.name);
    verdict += better.empty()
                   ? fmt::format(" No strategy has a higher Sharpe than {}.", first.benchmark_name)
                   : fmt::format(" Higher Sharpe than {}: {}.", first.benchmark_name,
                                 JoinStrings(better, ", "));
  }
  page.Verdict(verdict);
  for (const auto& s : strategies)
    for (const auto& w : s.result->warnings)
      page.Warning(strategies.size() > 1 ? s.name + ": " + w : w);

  page.Heading("Key metrics");
  MetricsTable(page, curves, prices);
  CumulativeSection(page, curves, prices, first.config.execution.initial_capital);
  DrawdownSection(page, curves, prices);
  CalendarSection(page, curves);
  DistributionSection(page, curves, BarName(first.annualisation, prices.calendar));
  RollingSection(page, curves, prices, first);
  ExposureSection(page, curves, prices);
  SignalSection(page, curves);

  std::vector<std::pair<std::string, std::string>> facts = {
      {"Signals", !inputs.signals.empty() ? inputs.signals
                  : NeedsSignals(first.config.strategy.name)
                      ? std::string("the signals file below")
                      : std::string("none: the rule computes its own")},
      {"Execution",
       "a decision at the close of bar t fills at bar t+1; commission and slippage paid in cash; "
       "positions in (fractional) shares, marked at every close"},
      {"Annualisation", first.annualisation.Describe()},
      {"Risk-free rate", fmt::format("{} a year (risk_free), subtracted in Sharpe and Sortino",
                                     report::Percent(first.config.risk_free))},
  };
  if (!inputs.prices_note.empty()) facts.insert(facts.begin(), {"Prices", inputs.prices_note});
  // Settings as key = value; once when every strategy shares them.
  auto settings = [](const BacktestResult& r) {
    std::string text;
    const json settings = r.config.ToJson();
    for (const auto& [key, value] : settings.items())
      text += (text.empty() ? "" : ", ") + key + " = " +
              (value.is_string() ? value.get<std::string>() : value.dump());
    return text;
  };
  const bool shared = std::all_of(strategies.begin(), strategies.end(), [&](const auto& s) {
    return s.result->config.ToJson() == first.config.ToJson();
  });
  if (shared) {
    facts.emplace_back("Settings", settings(first));
  } else {
    for (const auto& s : strategies)
      facts.emplace_back("Settings of " + s.name, settings(*s.result));
  }
  page.Provenance(inputs.provenance, facts);
  return page;
}

}  // namespace finml::backtest
