// The run's report.html: summary, verdict against the random walk, metric tables and charts.
#include <cmath>

#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {
namespace {

std::string Num(double v) { return report::Number(v, 4); }

std::string SegmentText(const SegmentInfo& s) {
  if (s.samples == 0) return "none";
  return fmt::format("{} samples, decisions {} .. {}", s.samples, s.first_date, s.last_date);
}

void MetricsTable(report::HtmlPage& page, const RunRecord& r, bool test) {
  const bool panel = r.market.assets.size() > 1;
  std::vector<std::string> header = {"model", "n",         "RMSE",    "MAE",     "MAPE",
                                     "R²",    "dir. acc.", "Theil U", "DM stat", "DM p"};
  // A panel's first question is the ranking: its columns come right after the count.
  if (panel) header.insert(header.begin() + 2, {"IC", "rank IC", "ICIR"});
  std::vector<std::vector<std::string>> rows;
  int best = -1;
  double best_rmse = INFINITY;
  for (std::size_t i = 0; i < r.models.size(); ++i) {
    const auto& seg = test ? r.models[i].test : r.models[i].validation;
    const auto& m = seg.metrics;
    std::vector<std::string> row = {r.models[i].name,
                                    std::to_string(m.n),
                                    Num(m.rmse),
                                    Num(m.mae),
                                    report::Percent(m.mape, 1),
                                    Num(m.r2),
                                    report::Percent(m.directional_accuracy, 1),
                                    Num(m.theil_u),
                                    Num(m.dm.statistic),
                                    Num(m.dm.p_value)};
    if (panel && seg.ic) {
      row.insert(row.begin() + 2,
                 {Num(seg.ic->ic_mean), Num(seg.ic->rank_ic_mean), Num(seg.ic->icir)});
    } else if (panel) {
      row.insert(row.begin() + 2, {"n/a", "n/a", "n/a"});
    }
    if (m.rmse < best_rmse) {
      best_rmse = m.rmse;
      best = static_cast<int>(i);
    }
    rows.push_back(std::move(row));
  }
  page.Table(header, rows, best);
}

std::string Verdict(const RunRecord& r) {
  std::vector<std::string> winners, lower_loss;
  for (const auto& m : r.models) {
    if (m.type == "random_walk") continue;
    const auto& dm = m.test.metrics.dm;
    if (dm.statistic < 0 && dm.p_value < 0.05) {
      winners.push_back(
          fmt::format("{} (DM {:.3g}, p = {:.3g})", m.name, dm.statistic, dm.p_value));
    } else if (m.test.metrics.theil_u < 1) {
      lower_loss.push_back(fmt::format("{} (Theil U {:.4f}, DM p = {:.3g})", m.name,
                                       m.test.metrics.theil_u, dm.p_value));
    }
  }
  if (!winners.empty()) {
    std::string s =
        "Beats the random walk on the test set at the 5% level (Diebold-Mariano, "
        "squared error): ";
    for (std::size_t i = 0; i < winners.size(); ++i) s += (i ? "; " : "") + winners[i];
    return s + ".";
  }
  std::string s =
      "No model beats the random walk on the test set at the 5% level "
      "(Diebold-Mariano test on squared errors).";
  if (!lower_loss.empty()) {
    s += " Lower squared error than the random walk, but not significantly: ";
    for (std::size_t i = 0; i < lower_loss.size(); ++i) s += (i ? "; " : "") + lower_loss[i];
    s += ".";
  }
  return s;
}

using report::Axis;
using report::Figure;
using report::Unit;
using json = nlohmann::json;

// The unit of the target, for axes: returns in percent, prices as numbers, directions as
// probabilities.
Unit TargetUnit(train::TargetKind kind) {
  return kind == train::TargetKind::kClose ? Unit::kNumber : Unit::kPercent;
}

json XOf(const RunRecord& r, const std::vector<std::size_t>& rows) {
  json x = json::array();
  for (std::size_t row : rows)
    x.push_back(r.market.calendar ? json(r.market.time[row] * 1000) : json(row));
  return x;
}

Axis TimeAxis(const RunRecord& r) {
  return r.market.calendar ? Axis{"date", Unit::kTime} : Axis{"row", Unit::kCount};
}

void HistoryChart(report::HtmlPage& page, const RunRecord& r) {
  const auto& cfg = r.config;
  const auto& asset = r.market.assets.front();
  const auto& price = asset.Get(cfg.data.price);
  std::vector<std::size_t> rows(price.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  Figure f(fmt::format("{} {}: the whole history, with where validation and test decisions begin",
                       asset.symbol, EnumName(cfg.data.price)),
           TimeAxis(r), {EnumName(cfg.data.price), Unit::kNumber});
  f.Line(asset.symbol, XOf(r, rows), price);
  auto first_row = [&](const train::SampleSet& s) -> std::optional<std::size_t> {
    if (s.size() == 0) return std::nullopt;
    return *std::min_element(s.decision_row.begin(), s.decision_row.end());
  };
  if (auto v = first_row(r.validation)) f.VerticalLine(XOf(r, {*v})[0], "validation");
  if (auto t = first_row(r.test)) f.VerticalLine(XOf(r, {*t})[0], "test");
  page.Chart(f.LogToggle().RangeSlider());
}

// What each model forecast against what happened, as a scatter: a good forecaster's points lie
// along the diagonal, a useless one's form a horizontal smear.
void ForecastCharts(report::HtmlPage& page, const RunRecord& r) {
  const auto& cfg = r.config;
  const Unit unit = TargetUnit(cfg.target.kind);
  const std::string target = EnumName(cfg.target.kind);
  Figure scatter(fmt::format("Test: forecast against realised {} (the dotted line is a perfect "
                             "forecast){}",
                             target,
                             r.test.size() > 4000 ? ", every " +
                                                        std::to_string(std::max<std::size_t>(
                                                            1, r.test.size() / 4000)) +
                                                        "th sample"
                                                  : ""),
                 {"forecast", unit}, {"realised", unit});
  // The diagonal over the forecasts' range only: forecasts of returns are far narrower than the
  // returns, and a diagonal over the returns' range would squash them into a vertical line.
  double lo = INFINITY, hi = -INFINITY;
  // At most ~4,000 points a model, evenly spaced: a panel's test set has tens of thousands, which
  // would make the page megabytes without changing the picture.
  const std::size_t stride = std::max<std::size_t>(1, r.test.size() / 4000);
  std::vector<double> realised;
  for (std::size_t i = 0; i < r.test.size(); i += stride) realised.push_back(r.test.y[i]);
  for (const auto& m : r.models) {
    if (m.type == "random_walk") continue;
    std::vector<double> forecast;
    for (std::size_t i = 0; i < r.test.size(); i += stride)
      forecast.push_back(m.test.prediction[i]);
    scatter.Markers(m.name, forecast, realised);
    for (double p : forecast) {
      if (!std::isfinite(p)) continue;
      lo = std::min(lo, p);
      hi = std::max(hi, p);
    }
  }
  if (std::isfinite(lo) && hi > lo)
    scatter.Line("perfect forecast", json{lo, hi}, {lo, hi},
                 {.dashed = true, .show_legend = false, .width = 1});
  page.Chart(scatter);

  // The last stretch of the first asset's test period: each forecast move next to the move.
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < r.test.size(); ++i)
    if (r.test.asset[i] == 0) idx.push_back(i);
  const std::size_t keep = std::min<std::size_t>(idx.size(), 60);
  idx.erase(idx.begin(), idx.end() - static_cast<std::ptrdiff_t>(keep));
  if (idx.empty()) return;
  std::vector<std::size_t> rows;
  std::vector<double> moved;
  for (std::size_t i : idx) {
    rows.push_back(r.test.target_row[i]);
    moved.push_back(r.test.y[i]);
  }
  const auto x = XOf(r, rows);
  Figure moves(fmt::format("{}: the last {} test forecasts and what happened ({} at the target "
                           "date)",
                           r.market.assets.front().symbol, keep, target),
               TimeAxis(r), {target, unit});
  moves.Markers("realised", x, moved);
  for (const auto& m : r.models) {
    if (m.type == "random_walk") continue;
    std::vector<double> forecast;
    for (std::size_t i : idx) forecast.push_back(m.test.prediction[i]);
    moves.Line(m.name, x, forecast, {.width = 1.5});
  }
  page.Chart(moves.HorizontalLine(0));
}

// Train and validation loss per epoch for every model that trains by epochs, the best (kept)
// epoch marked.
void LearningCurves(report::HtmlPage& page, const RunRecord& r) {
  bool heading = false;
  for (const auto& m : r.models) {
    const auto& d = m.description;
    if (!d.is_object() || !d.contains("loss_history") || !d["loss_history"].is_array()) continue;
    std::vector<double> epoch, train, validation;
    for (const auto& e : d["loss_history"]) {
      if (!e.is_array() || e.size() < 2) continue;
      epoch.push_back(static_cast<double>(epoch.size() + 1));
      train.push_back(e[0].is_number() ? e[0].get<double>() : NAN);
      validation.push_back(e[1].is_number() ? e[1].get<double>() : NAN);
    }
    if (epoch.empty()) continue;
    if (!heading) page.Heading("Training");
    heading = true;
    Figure f(fmt::format("{}: learning curve ({})", m.name,
                         d.value("note", std::string("loss per epoch"))),
             {"epoch", Unit::kCount}, {"loss", Unit::kNumber});
    f.Line(m.name + " train", epoch, train, {.colour_of = m.name});
    f.Line(m.name + " validation", epoch, validation, {.dashed = true, .colour_of = m.name});
    if (d.contains("best_epoch") && d["best_epoch"].is_number())
      f.VerticalLine(d["best_epoch"].get<double>(), "best epoch (kept)");
    // Whole epochs only.
    f.Layout({{"xaxis", {{"dtick", std::max<std::size_t>(1, epoch.size() / 10)}}}});
    page.Chart(f.Height(320));
  }
}

// IC and rank IC per date (a 20-date mean) and their running sums, for panels: a signal that
// works climbs steadily. Rank IC solid, IC (Pearson) dashed, in the model's colour.
void IcCharts(report::HtmlPage& page, const RunRecord& r) {
  Figure per_date("Test: rank IC (solid) and IC (dashed) per date, mean of the last 20 dates",
                  TimeAxis(r), {"IC", Unit::kNumber});
  Figure cumulative(
      "Test: cumulative rank IC (solid) and IC (dashed); rising = the ranking keeps "
      "working",
      TimeAxis(r), {"cumulative IC", Unit::kNumber});
  auto roll = [](const std::vector<double>& v) {
    std::vector<double> rolling(v.size(), NAN), total(v.size());
    double sum = 0, window = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      sum += v[i];
      window += v[i];
      if (i >= 20) window -= v[i - 20];
      if (i + 1 >= 20) rolling[i] = window / 20;
      total[i] = sum;
    }
    return std::make_pair(rolling, total);
  };
  bool any = false;
  for (const auto& m : r.models) {
    if (!m.test.ic || m.test.ic->rank_ic.empty()) continue;
    any = true;
    const auto& ic = *m.test.ic;
    const auto x = XOf(r, ic.date);
    const auto [rank_rolling, rank_total] = roll(ic.rank_ic);
    const auto [ic_rolling, ic_total] = roll(ic.ic);
    report::TraceStyle pearson{.dashed = true, .colour_of = m.name};
    per_date.Line(m.name, x, rank_rolling);
    per_date.Line(m.name + " IC", x, ic_rolling, pearson);
    cumulative.Line(m.name, x, rank_total);
    cumulative.Line(m.name + " IC", x, ic_total, pearson);
  }
  if (!any) return;
  page.Chart(per_date.HorizontalLine(0));
  page.Chart(cumulative.HorizontalLine(0));
}

void Charts(report::HtmlPage& page, const RunRecord& r) {
  const auto& cfg = r.config;
  HistoryChart(page, r);
  if (cfg.target.kind != train::TargetKind::kDirection) ForecastCharts(page, r);
  if (r.market.assets.size() > 1) IcCharts(page, r);

  // Errors by model, relative to the random walk: absolute RMSEs of return forecasts differ in
  // the fourth digit and would all look the same.
  {
    std::vector<std::string> labels;
    std::vector<double> excess;
    for (const auto& m : r.models) {
      labels.push_back(m.name);
      excess.push_back(m.test.metrics.theil_u - 1.0);
    }
    Figure f("Test RMSE relative to the random walk (below 0 = better)", {"model", Unit::kCategory},
             {"RMSE vs random walk", Unit::kPercent});
    for (std::size_t i = 0; i < labels.size(); ++i) f.Bars(labels[i], {labels[i]}, {excess[i]});
    page.Chart(f.Layout({{"showlegend", false}}));
  }

  // Where the loss difference to the random walk builds up over the test period.
  if (r.market.assets.size() == 1) {
    Figure f("Cumulative squared-error advantage over the random walk (test; rising = better)",
             TimeAxis(r), {"sum of squared-error differences", Unit::kNumber});
    for (const auto& m : r.models) {
      if (m.type == "random_walk") continue;
      std::vector<double> y;
      double total = 0;
      for (std::size_t i = 0; i < r.test.size(); ++i) {
        const double e = r.test.y[i] - m.test.prediction[i];
        const double b = r.test.y[i] - r.test.no_change[i];
        total += b * b - e * e;
        y.push_back(total);
      }
      f.Line(m.name, XOf(r, r.test.target_row), y);
    }
    page.Chart(f.HorizontalLine(0));
  }

  Figure residuals("Test residuals (realised - forecast): density",
                   {"residual", TargetUnit(cfg.target.kind)}, {"density", Unit::kNumber});
  for (const auto& m : r.models) {
    std::vector<double> e;
    for (std::size_t i = 0; i < r.test.size(); ++i) e.push_back(r.test.y[i] - m.test.prediction[i]);
    residuals.Histogram(m.name, e, 60);
  }
  page.Chart(residuals);
}

// A model's fitted description as rows: scalars as they are, lists of numbers one row per entry,
// maps of numbers (named coefficients) one row per name; lists of records as their own tables.
void FittedTables(report::HtmlPage& page, const std::string& name, const json& d) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::pair<std::string, const json*>> record_lists;
  std::vector<std::string> notes;
  auto text = [](const json& v) {
    if (v.is_number_float()) return report::Number(v.get<double>(), 6);
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
  };
  const json* errors = d.contains("std_errors") ? &d["std_errors"] : nullptr;
  for (const auto& [key, value] : d.items()) {
    if (key == "loss_history" || key == "std_errors" || key == "type") continue;
    if (value.is_array() && !value.empty() && value[0].is_object()) {
      record_lists.emplace_back(key, &value);
    } else if (value.is_array() && value.size() <= 200 &&
               std::all_of(value.begin(), value.end(),
                           [](const json& v) { return v.is_number(); })) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        std::string se =
            errors && key == "coefficients" && i < errors->size() ? text((*errors)[i]) : "";
        rows.push_back({fmt::format("{}[{}]", key, i), text(value[i]), se});
      }
    } else if (value.is_object() && value.size() <= 500) {
      for (const auto& [k, v] : value.items()) rows.push_back({key + "." + k, text(v), ""});
    } else if (value.is_string() && value.get<std::string>().size() > 60) {
      notes.push_back(key + ": " + value.get<std::string>());  // a row would widen the table
    } else if (!value.is_array() && !value.is_object()) {
      rows.push_back({key, text(value), ""});
    } else {
      rows.push_back({key, fmt::format("({} entries: see run.json)", value.size()), ""});
    }
  }
  page.Heading(name, 3);
  for (const auto& note : notes) page.Paragraph(note);
  if (errors)
    page.Table({"parameter", "value", "standard error"}, rows);
  else {
    for (auto& row : rows) row.pop_back();
    page.Table({"parameter", "value"}, rows);
  }
  for (const auto& [key, list] : record_lists) {
    std::vector<std::string> header;
    for (const auto& [k, v] : (*list)[0].items()) header.push_back(k);
    std::vector<std::vector<std::string>> table;
    for (const auto& record : *list) {
      std::vector<std::string> row;
      for (const auto& h : header) row.push_back(record.contains(h) ? text(record[h]) : "");
      table.push_back(std::move(row));
    }
    page.Paragraph(key + ":");
    page.Table(header, table);
  }
}

std::string Percent(double v) { return report::Percent(v); }

// Each model's test predictions traded, next to buy-and-hold: the question a desk asks first.
void BacktestSection(report::HtmlPage& page, const RunRecord& r) {
  if (r.backtests.empty()) return;
  const auto& settings = *r.config.backtest;
  const auto& first = r.backtests.front().result;
  const auto& prices = *r.backtest_prices;
  page.Heading("Trading the test predictions");
  page.Paragraph(fmt::format(
      "Each model's score (predicted change over the no-change forecast, known at the decision's "
      "close) drives strategy '{}', filled at the next bar's {} with {} bps commission per side "
      "and {} bps slippage; every model side by side in backtest/tearsheet.html, each alone in "
      "backtest/<model>/tearsheet.html. The random walk predicts no change and has nothing to "
      "trade. Annual figures: {}.",
      settings.strategy.name,
      settings.execution.fill == backtest::FillPrice::kNextOpen ? "open" : "close",
      settings.execution.cost_bps, settings.execution.slippage_bps,
      first.annualisation.Describe()));
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const std::string& name, const backtest::Performance& p, double turnover,
                 std::string trades) {
    rows.push_back({name, Percent(p.total_return), Percent(p.annual_return), Num(p.sharpe),
                    Percent(p.drawdown.depth), turnover >= 0 ? Num(turnover) : "",
                    std::move(trades)});
  };
  for (const auto& b : r.backtests) {
    const auto& res = b.result;
    row(b.model, res.performance, res.mean_turnover * res.periods_per_year,
        std::to_string(res.engine.orders - res.engine.small_orders_skipped));
  }
  if (first.benchmark_performance) row(first.benchmark_name, *first.benchmark_performance, -1, "");
  page.Table({"strategy on", "total return", "annual return", "Sharpe", "max drawdown",
              "turnover / year", "trades"},
             rows);
  Figure f("Equity of each model's strategy against " +
               (first.benchmark_name.empty() ? std::string("cash") : first.benchmark_name) +
               " (every model side by side: backtest/tearsheet.html)",
           prices.calendar ? Axis{"date", Unit::kTime} : Axis{"bar", Unit::kCount},
           {"equity", Unit::kMoney});
  auto x_of = [&](const backtest::BacktestResult& b) {
    json x = json::array();
    for (std::size_t k = 0; k < b.engine.equity.size(); ++k) {
      const std::size_t t = b.engine.first_row + k;
      x.push_back(prices.calendar ? json(prices.time[t] * 1000) : json(t));
    }
    return x;
  };
  for (const auto& b : r.backtests) f.Line(b.model, x_of(b.result), b.result.engine.equity);
  const json x = x_of(first);
  if (!first.benchmark.empty()) f.Line(first.benchmark_name, x, first.benchmark, {.dashed = true});
  page.Chart(f.LogToggle());
  for (const auto& b : r.backtests)
    for (const auto& w : b.result.warnings) page.Paragraph(b.model + ": " + w);
}

}  // namespace

report::HtmlPage ReportPage(const RunRecord& r) {
  const auto& cfg = r.config;
  report::HtmlPage page(cfg.report.title.empty() ? cfg.name : cfg.report.title);
  page.Verdict(Verdict(r));
  page.Heading("Run");
  std::vector<std::pair<std::string, std::string>> facts = {
      {"experiment", cfg.name + " (" + cfg.source + ")"},
      {"shape", fmt::format("{}, {} rows, {} .. {}, {} asset(s)", EnumName(r.market.shape),
                            r.market.rows(), r.market.time_label.front(),
                            r.market.time_label.back(), r.market.assets.size())},
      {"target", fmt::format("{} over {} step(s) of {}", EnumName(cfg.target.kind),
                             cfg.target.horizon, EnumName(cfg.data.price))},
      {"features", fmt::format("{} columns (set '{}'), window {}, normaliser {} fitted on training "
                               "data only",
                               r.feature_names.size(), cfg.features.set, cfg.window.lookback,
                               EnumName(cfg.features.normalizer))},
      {"train", SegmentText(r.train_info)},
      {"validation", SegmentText(r.validation_info)},
      {"test", SegmentText(r.test_info)},
      {"samples", fmt::format("{} usable, {} skipped for indicator warm-up, {} purged, {} fold(s)",
                              r.total_samples, r.warmup_skipped, r.purged, r.folds)},
  };
  for (const auto& rep : r.market.repairs)
    facts.emplace_back("data repair", fmt::format("{}: {}", rep.what, rep.count));
  page.KeyValues(facts);
  if (r.fold_info.size() > 1) {
    // The lines above are unions over folds, which overlap; each fold's own segments:
    std::vector<std::vector<std::string>> rows;
    for (std::size_t f = 0; f < r.fold_info.size(); ++f) {
      const auto& fold = r.fold_info[f];
      rows.push_back({std::to_string(f + 1), SegmentText(fold.train), SegmentText(fold.validation),
                      SegmentText(fold.test)});
    }
    page.Paragraph(fmt::format(
        "Walk-forward over {} folds: the train, validation and test lines above span all folds; "
        "each fold trains only on what comes before its test block:",
        r.fold_info.size()));
    page.Table({"fold", "train", "validation", "test"}, rows);
  }
  page.Heading("Test metrics");
  page.Paragraph(
      "Theil U below 1 and a negative DM statistic mean lower squared error than the "
      "random walk; the best RMSE is in bold. Directional accuracy counts a "
      "no-change forecast as half right.");
  MetricsTable(page, r, true);
  BacktestSection(page, r);
  page.Heading("Validation metrics");
  MetricsTable(page, r, false);
  page.Heading("Forecasts");
  Charts(page, r);
  LearningCurves(page, r);
  page.Heading("Fitted models");
  page.Paragraph(
      "The parameters of the saved models (the last fold's, for walk-forward); "
      "run.json holds them in full.");
  for (const auto& m : r.models) FittedTables(page, m.name, m.description);
  page.Provenance(r.provenance);
  return page;
}

}  // namespace finml::run
