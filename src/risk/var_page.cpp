// The `risk var` report: tomorrow's VaR and ES by method, then one backtest per level: a table of
// the coverage tests and one chart overlaying every method's -VaR on the returns.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finml/report/format.hpp"
#include "report_pages.hpp"

namespace finml::risk {
namespace {

using report::Figure;
using report::Unit;

const VarRun* FindRun(const VarResult& r, const std::string& method, double level) {
  for (const auto& run : r.runs)
    if (run.method == method && run.level == level) return &run;
  return nullptr;
}

const VarNextDay* FindNextDay(const VarResult& r, const std::string& method, double level) {
  for (const auto& d : r.next_day)
    if (d.method == method && d.level == level) return &d;
  return nullptr;
}

bool Passes(const VarBacktest& b) {
  return b.kupiec.p_value >= 0.05 && b.independence.p_value >= 0.05;
}

// A loss (a ratio) in percent of the position, and in money when the position is known.
std::string Loss(double ratio, const std::optional<double>& position) {
  std::string text = report::Percent(ratio) + " of the position";
  if (position)
    text +=
        fmt::format(" ({} on {})", report::Money(ratio * *position), report::Money(*position, 0));
  return text;
}

std::string Verdict(const VarResult& r, const VarSettings& settings, const std::string& bar) {
  const double level = settings.levels.front();
  const std::string& method = settings.methods.front();
  const double unit = r.series.unit;
  const VarRun* run = FindRun(r, method, level);
  const VarNextDay* next = FindNextDay(r, method, level);
  if (!run || !next) return "";
  const std::string horizon =
      settings.horizon == 1 ? "next " + bar : fmt::format("next {} {}s", settings.horizon, bar);
  const auto& b = run->backtest;
  std::string text = fmt::format(
      "{} {} VaR for the {} is {}, ES {}; over {} out-of-sample {}s it had {} "
      "exceptions against {} expected: Kupiec {}, independence {} ({} zone).",
      pages::Level(level), method, horizon, Loss(next->estimate.var * unit, settings.position),
      report::Percent(next->estimate.es * unit), report::Count(static_cast<double>(b.n)), bar,
      b.exceptions, report::Number(b.expected, 3), pages::PIs(b.kupiec.p_value),
      pages::PIs(b.independence.p_value), b.zone);
  if (settings.methods.size() > 1) {
    std::vector<std::string> passing;
    for (const auto& m : settings.methods)
      if (const VarRun* x = FindRun(r, m, level); x && Passes(x->backtest)) passing.push_back(m);
    std::string list;
    for (const auto& m : passing) list += (list.empty() ? "" : ", ") + m;
    text += passing.empty()
                ? fmt::format(" None of the {} methods passes both tests at 5% at {}.",
                              settings.methods.size(), pages::Level(level))
                : fmt::format(" At {}, {} of {} methods {} both tests at 5%: {}.",
                              pages::Level(level), passing.size(), settings.methods.size(),
                              passing.size() == 1 ? "passes" : "pass", list);
  }
  return text;
}

void NextDaySection(report::HtmlPage& page, const VarResult& r, const VarSettings& settings,
                    const std::string& bar) {
  const double unit = r.series.unit;
  const auto& pos = settings.position;
  page.Heading(settings.horizon == 1
                   ? "VaR for the next " + bar
                   : fmt::format("VaR for the next {} {}s", settings.horizon, bar));
  page.Paragraph(fmt::format(
      "From the last {} returns ({} .. {}). VaR is the loss not exceeded with the given "
      "probability, ES the mean loss beyond it; both as a share of the position{}.{}",
      settings.window, r.series.label[r.series.label.size() - settings.window],
      r.series.label.back(),
      pos ? fmt::format(" and in money on a position of {}", report::Money(*pos)) : "",
      settings.horizon > 1
          ? " Over several days: the 1-day figure times sqrt(h), except monte_carlo and fhs, "
            "which simulate the path."
          : ""));
  std::vector<std::string> header = {"method", "level", "VaR", "ES"};
  if (pos) header.insert(header.end(), {"VaR (money)", "ES (money)"});
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : r.next_day) {
    std::vector<std::string> row = {d.method, pages::Level(d.level),
                                    report::Percent(d.estimate.var * unit),
                                    report::Percent(d.estimate.es * unit)};
    if (pos) {
      row.push_back(report::Money(d.estimate.var * unit * *pos));
      row.push_back(report::Money(d.estimate.es * unit * *pos));
    }
    rows.push_back(std::move(row));
  }
  page.Table(header, rows);
}

void LevelSection(report::HtmlPage& page, const VarResult& r, const VarSettings& settings,
                  double level, const std::string& bar) {
  const ReturnSeries& s = r.series;
  const auto& pos = settings.position;
  page.Heading("Backtest at " + pages::Level(level));
  std::vector<std::string> header = {"method",         "exceptions",   "expected", "Kupiec p",
                                     "independence p", "cond. cov. p", "zone",     "mean VaR",
                                     "mean ES",        "ES ratio"};
  if (pos) header.push_back("mean VaR (money)");
  std::vector<std::vector<std::string>> rows;
  const VarRun* any = nullptr;
  for (const auto& run : r.runs) {
    if (run.level != level) continue;
    any = &run;
    const auto& b = run.backtest;
    std::vector<std::string> row = {run.method,
                                    std::to_string(b.exceptions),
                                    report::Number(b.expected, 3),
                                    pages::PValue(b.kupiec.p_value),
                                    pages::PValue(b.independence.p_value),
                                    pages::PValue(b.conditional_coverage.p_value),
                                    b.zone,
                                    report::Percent(b.mean_var * s.unit),
                                    report::Percent(b.mean_es * s.unit),
                                    b.es_ratio ? report::Number(*b.es_ratio, 3) : "n/a"};
    if (pos) row.push_back(report::Money(b.mean_var * s.unit * *pos));
    rows.push_back(std::move(row));
  }
  if (!any) return;
  page.Table(header, rows);
  page.Paragraph(fmt::format(
      "{} out-of-sample {}s ({} .. {}). An exception is a return below -VaR; expected: n x {}. "
      "Kupiec tests the exception rate, independence (Christoffersen) whether exceptions cluster, "
      "conditional coverage both; p below 0.05 rejects the method. ES ratio: the mean loss on "
      "exception days over the mean ES forecast there (1 is right, above 1 too small an ES).",
      report::Count(static_cast<double>(any->series.row.size())), bar,
      s.label[any->series.row.front()], s.label.back(), report::Percent(1 - level, 1)));

  // Decades of days draw as a band: the chart opens on the last two years (the slider reaches
  // the rest), with the y range of what is shown.
  const auto& rows_used = any->series.row;
  std::size_t from = 0;
  const bool zoom = s.calendar && s.time[rows_used.back()] - s.time[rows_used.front()] >
                                      3 * 365 * data::kSecondsPerDay;
  if (zoom)
    while (s.time[rows_used.back()] - s.time[rows_used[from]] > 2 * 365 * data::kSecondsPerDay)
      ++from;
  if (zoom)
    page.Paragraph(
        "The chart opens on the last two years; drag the slider below it for the rest, and "
        "double-click the plot to rescale.");
  Figure f(fmt::format("{} VaR: returns, each method's -VaR, its exceptions as dots",
                       pages::Level(level)),
           pages::RowsAxis(s), {"return per " + bar, Unit::kPercent});
  const auto x = pages::RowsAxisValues(s, any->series.row);
  std::vector<double> ret;
  for (double v : any->series.realized) ret.push_back(v * s.unit);
  f.Line("return", x, ret, pages::Style(1));
  for (const auto& run : r.runs) {
    if (run.level != level) continue;
    std::vector<double> var;
    std::vector<std::size_t> hit_rows;
    std::vector<double> hits;
    for (std::size_t i = 0; i < run.series.row.size(); ++i) {
      var.push_back(-run.series.var[i] * s.unit);
      if (run.series.exception[i]) {
        hit_rows.push_back(run.series.row[i]);
        hits.push_back(run.series.realized[i] * s.unit);
      }
    }
    f.Line(run.method, x, var, pages::Style(1.5));
    if (!hits.empty())
      f.Markers(run.method + " exceptions", pages::RowsAxisValues(s, hit_rows), hits,
                std::vector<std::string>(hits.size(), run.method),
                pages::Style(2, false, run.method));
  }
  if (s.calendar) f.RangeSlider();
  if (zoom) {
    double lo = 0, hi = 0;
    for (const auto& run : r.runs) {
      if (run.level != level) continue;
      for (std::size_t i = from; i < run.series.row.size(); ++i) {
        lo = std::min({lo, -run.series.var[i] * s.unit, run.series.realized[i] * s.unit});
        hi = std::max(hi, run.series.realized[i] * s.unit);
      }
    }
    const double pad = 0.08 * (hi - lo);
    f.Layout(
        {{"xaxis", {{"range", {s.time[rows_used[from]] * 1000, s.time[rows_used.back()] * 1000}}}},
         {"yaxis", {{"range", {lo - pad, hi + pad}}}}});
  }
  page.Chart(f);
}

}  // namespace

report::HtmlPage VarPage(const VarResult& r, const SeriesSource& source,
                         const VarSettings& settings, const Provenance& provenance) {
  const ReturnSeries& s = r.series;
  const std::string bar = BarUnit(s.time, s.calendar);
  report::HtmlPage page(fmt::format("VaR backtest: {} ({})", s.column, source.path));
  page.Verdict(Verdict(r, settings, bar));
  (void)page.ColourOf("return");  // the returns keep the first colour, the methods the next
  for (const auto& m : settings.methods) (void)page.ColourOf(m);
  NextDaySection(page, r, settings, bar);
  std::vector<double> levels;
  for (const auto& run : r.runs)
    if (std::find(levels.begin(), levels.end(), run.level) == levels.end())
      levels.push_back(run.level);
  for (double level : levels) LevelSection(page, r, settings, level, bar);
  std::string methods;
  for (const auto& m : settings.methods) methods += (methods.empty() ? "" : ", ") + m;
  page.Provenance(
      provenance,
      {{"data", source.path},
       {"column", s.column},
       {"returns read as", pages::UnitsFact(s, source)},
       {"methods", methods},
       {"window",
        fmt::format("{} {}s, GARCH refits every {}", settings.window, bar, settings.refit_every)},
       {"EWMA lambda", report::Number(settings.ewma_lambda)},
       {"simulations", report::Count(static_cast<double>(settings.simulations))},
       {"position", settings.position ? report::Money(*settings.position) : "none given"}});
  return page;
}

}  // namespace finml::risk
