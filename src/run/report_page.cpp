// The run's report.html: summary, verdict against the random walk, metric tables and charts.
#include <cmath>

#include "finml/report/html_page.hpp"
#include "finml/report/svg_chart.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {
namespace {

std::string Num(double v) {
  if (std::isnan(v)) return "n/a";
  return fmt::format("{:.6g}", v);
}

std::string SegmentText(const SegmentInfo& s) {
  if (s.samples == 0) return "none";
  return fmt::format("{} samples, decisions {} .. {}", s.samples, s.first_date, s.last_date);
}

void MetricsTable(report::HtmlPage& page, const RunRecord& r, bool test) {
  const bool panel = r.market.assets.size() > 1;
  std::vector<std::string> header = {"model", "n",         "RMSE",    "MAE",     "MAPE",
                                     "R²",    "dir. acc.", "Theil U", "DM stat", "DM p"};
  if (panel) header.insert(header.end(), {"IC", "rank IC", "ICIR"});
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
                                    Num(m.mape),
                                    Num(m.r2),
                                    Num(m.directional_accuracy),
                                    Num(m.theil_u),
                                    Num(m.dm.statistic),
                                    Num(m.dm.p_value)};
    if (panel && seg.ic) {
      row.insert(row.end(), {Num(seg.ic->ic_mean), Num(seg.ic->rank_ic_mean), Num(seg.ic->icir)});
    } else if (panel) {
      row.insert(row.end(), {"n/a", "n/a", "n/a"});
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

// The price a model's forecast implies at the target date, for plotting against the real one.
double ImpliedPrice(train::TargetKind kind, double price_now, double prediction) {
  switch (kind) {
    case train::TargetKind::kLogReturn:
      return price_now * std::exp(prediction);
    case train::TargetKind::kSimpleReturn:
      return price_now * (1 + prediction);
    case train::TargetKind::kClose:
      return prediction;
    case train::TargetKind::kDirection:
      return NAN;
  }
  return NAN;
}

void Charts(report::HtmlPage& page, const RunRecord& r) {
  const auto& cfg = r.config;
  const auto& asset = r.market.assets.front();
  const auto& price = asset.Get(cfg.data.price);
  const bool calendar = r.market.calendar;
  auto x_of = [&](std::size_t row) {
    return calendar ? static_cast<double>(r.market.time[row]) : static_cast<double>(row);
  };

  // Whole history, coloured by the segment whose decisions fall there.
  {
    report::LineSeries whole{asset.symbol + " price", {}, {}};
    report::LineSeries val{"validation", {}, {}}, test{"test", {}, {}};
    for (std::size_t i = 0; i < price.size(); ++i) {
      whole.x.push_back(x_of(i));
      whole.y.push_back(price[i]);
    }
    for (std::size_t i = 0; i < r.validation.size(); ++i) {
      if (r.validation.asset[i] != 0) continue;
      val.x.push_back(x_of(r.validation.decision_row[i]));
      val.y.push_back(price[r.validation.decision_row[i]]);
    }
    for (std::size_t i = 0; i < r.test.size(); ++i) {
      if (r.test.asset[i] != 0) continue;
      test.x.push_back(x_of(r.test.decision_row[i]));
      test.y.push_back(price[r.test.decision_row[i]]);
    }
    report::ChartOptions o;
    o.title = fmt::format("{} {}: whole history with the validation and test periods", asset.symbol,
                          EnumName(cfg.data.price));
    o.x_is_time = calendar;
    page.Raw(report::LineChart({whole, val, test}, o));
  }

  // Last stretch of the test period: real price against each model's implied price.
  if (cfg.target.kind != train::TargetKind::kDirection) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < r.test.size(); ++i)
      if (r.test.asset[i] == 0) idx.push_back(i);
    const std::size_t keep = std::min<std::size_t>(idx.size(), 120);
    idx.erase(idx.begin(), idx.end() - static_cast<std::ptrdiff_t>(keep));
    std::vector<report::LineSeries> lines;
    report::LineSeries actual{"actual", {}, {}};
    for (std::size_t i : idx) {
      actual.x.push_back(x_of(r.test.target_row[i]));
      actual.y.push_back(price[r.test.target_row[i]]);
    }
    lines.push_back(actual);
    for (const auto& m : r.models) {
      if (m.type == "random_walk") continue;
      report::LineSeries s{m.name, {}, {}};
      for (std::size_t i : idx) {
        s.x.push_back(x_of(r.test.target_row[i]));
        s.y.push_back(
            ImpliedPrice(cfg.target.kind, price[r.test.decision_row[i]], m.test.prediction[i]));
      }
      lines.push_back(std::move(s));
    }
    report::ChartOptions o;
    o.title = fmt::format("{}: price and predictions (last {} test dates)", asset.symbol, keep);
    o.x_is_time = calendar;
    page.Raw(report::LineChart(lines, o));
  }

  // Errors by model, relative to the random walk: absolute RMSEs of return forecasts differ in
  // the fourth digit and would all look the same.
  {
    std::vector<std::string> labels;
    std::vector<double> excess;
    for (const auto& m : r.models) {
      labels.push_back(m.name);
      excess.push_back((m.test.metrics.theil_u - 1.0) * 100.0);
    }
    report::ChartOptions o;
    o.title = "Test RMSE relative to the random walk (%; below 0 = better)";
    o.y_label = "% RMSE vs random walk";
    page.Raw(report::BarChart(labels, excess, o));
  }

  // Where the loss difference to the random walk builds up over the test period.
  {
    std::vector<report::LineSeries> lines;
    for (const auto& m : r.models) {
      if (m.type == "random_walk") continue;
      report::LineSeries s{m.name, {}, {}};
      double total = 0;
      for (std::size_t i = 0; i < r.test.size(); ++i) {
        double e = r.test.y[i] - m.test.prediction[i];
        double b = r.test.y[i] - r.test.no_change[i];
        total += b * b - e * e;
        s.x.push_back(x_of(r.test.target_row[i]));
        s.y.push_back(total);
      }
      lines.push_back(std::move(s));
    }
    report::ChartOptions o;
    o.title = "Cumulative squared-error advantage over the random walk (test; rising = better)";
    o.x_is_time = calendar;
    if (r.market.assets.size() == 1) page.Raw(report::LineChart(lines, o));
  }

  // Residual distributions.
  {
    std::vector<report::LineSeries> samples;
    for (const auto& m : r.models) {
      report::LineSeries s{m.name, {}, {}};
      for (std::size_t i = 0; i < r.test.size(); ++i)
        s.y.push_back(r.test.y[i] - m.test.prediction[i]);
      samples.push_back(std::move(s));
    }
    report::ChartOptions o;
    o.title = "Test residuals (y_true - y_pred): density";
    page.Raw(report::Histogram(samples, 60, o));
  }
}

std::string Percent(double v) { return std::isfinite(v) ? fmt::format("{:.2f}%", 100 * v) : "n/a"; }

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
      "and {} bps slippage; full tearsheets are in backtest/<model>/tearsheet.html. The random "
      "walk predicts no change and has nothing to trade.",
      settings.strategy.name,
      settings.execution.fill == backtest::FillPrice::kNextOpen ? "open" : "close",
      settings.execution.cost_bps, settings.execution.slippage_bps));
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
  std::vector<report::LineSeries> lines;
  std::vector<double> x;
  for (std::size_t k = 0; k < first.engine.equity.size(); ++k) {
    const std::size_t t = first.engine.first_row + k;
    x.push_back(prices.calendar ? static_cast<double>(prices.time[t]) : static_cast<double>(t));
  }
  for (const auto& b : r.backtests) {
    // Every model decides on the same test dates, so the curves share one x axis.
    if (b.result.engine.first_row != first.engine.first_row) continue;
    lines.push_back({b.model, x, b.result.engine.equity});
  }
  if (!first.benchmark.empty()) lines.push_back({first.benchmark_name, x, first.benchmark});
  report::ChartOptions o;
  o.title = "Equity of each model's strategy against " +
            (first.benchmark_name.empty() ? std::string("cash") : first.benchmark_name);
  o.y_label = "equity";
  o.x_is_time = prices.calendar;
  page.Raw(report::LineChart(lines, o));
  for (const auto& b : r.backtests)
    for (const auto& w : b.result.warnings) page.Paragraph(b.model + ": " + w);
}

}  // namespace

std::string ReportHtml(const RunRecord& r) {
  const auto& cfg = r.config;
  report::HtmlPage page(cfg.report.title.empty() ? cfg.name : cfg.report.title);
  page.Paragraph(Verdict(r));
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
  for (const auto& fact : r.provenance.Facts()) facts.push_back(fact);
  page.KeyValues(facts);
  page.Heading("Test metrics");
  page.Paragraph(
      "Theil U below 1 and a negative DM statistic mean lower squared error than the "
      "random walk; the best RMSE is in bold. Directional accuracy counts a "
      "no-change forecast as half right.");
  MetricsTable(page, r, true);
  BacktestSection(page, r);
  page.Heading("Validation metrics");
  MetricsTable(page, r, false);
  page.Heading("Charts");
  Charts(page, r);
  page.Heading("Fitted models");
  for (const auto& m : r.models) {
    page.Heading(m.name, 3);
    page.Raw("<pre>" + report::EscapeXml(m.description.dump(2)) + "</pre>");
  }
  return page.Render();
}

}  // namespace finml::run
