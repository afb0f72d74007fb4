#include "synth/report_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"
#include "finml/synth/table_metrics.hpp"

namespace finml::synth {
namespace {

std::vector<double> Lags(std::size_t n) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<double>(i + 1);
  return x;
}

// risk::Quantile (R's type 7) at many levels, sorting once.
std::vector<double> Quantiles(std::vector<double> values, const std::vector<double>& levels) {
  std::sort(values.begin(), values.end());
  std::vector<double> q;
  for (const double p : levels) {
    const double at = p * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(at));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    q.push_back(values[lo] + (at - static_cast<double>(lo)) * (values[hi] - values[lo]));
  }
  return q;
}

std::string Cell(double v, int digits = 4) {
  return std::isfinite(v) ? report::Number(v, digits) : "–";
}

}  // namespace

void WriteEvaluationReport(const RealSeries& real, const Evaluation& e, const EvaluateSettings& s,
                           const Provenance& provenance, const std::string& dir) {
  report::HtmlPage page("Synthetic returns against " + real.column);
  // The verdict: which generator is closest on each headline distance.
  struct Headline {
    std::string label;
    std::function<double(const Evaluated&)> value;
  };
  std::vector<Headline> headlines;
  for (std::size_t i = 0; i < s.facts.emd_lags.size(); ++i)
    headlines.push_back({fmt::format("EMD({})", s.facts.emd_lags[i]),
                         [i](const Evaluated& g) { return g.distances.emd[i]; }});
  headlines.push_back({"ACF(r)", [](const Evaluated& g) { return g.distances.acf_returns; }});
  headlines.push_back({"ACF(|r|)", [](const Evaluated& g) { return g.distances.acf_abs; }});
  headlines.push_back({"ACF(r²)", [](const Evaluated& g) { return g.distances.acf_squared; }});
  headlines.push_back({"leverage", [](const Evaluated& g) { return g.distances.leverage; }});
  headlines.push_back({"gain/loss", [](const Evaluated& g) { return g.distances.gain_loss; }});
  if (!e.generators.empty() && e.generators.front().scores) {
    headlines.push_back(
        {"discriminative", [](const Evaluated& g) { return g.scores->discriminative; }});
    headlines.push_back({"predictive", [](const Evaluated& g) { return g.scores->predictive; }});
  }
  std::map<std::string, int> wins;
  std::vector<std::string> best_of(headlines.size());
  for (std::size_t h = 0; h < headlines.size(); ++h) {
    double best = INFINITY;
    for (const auto& g : e.generators) {
      const double v = headlines[h].value(g);
      if (std::isfinite(v) && v < best) {
        best = v;
        best_of[h] = g.name;
      }
    }
    if (!best_of[h].empty()) ++wins[best_of[h]];
  }
  std::string verdict;
  if (e.generators.size() == 1) {
    verdict = fmt::format(
        "One generator, {}: the distances below have no rival to be read against; "
        "evaluate a baseline (garch, bootstrap) beside it.",
        e.generators.front().name);
  } else {
    const auto top = std::max_element(
        wins.begin(), wins.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    verdict = fmt::format("{} is closest to the real series on {} of {} distances.", top->first,
                          top->second, headlines.size());
    if (top->first == "bootstrap")
      verdict +=
          " The bootstrap resamples the real days themselves: it matches their distribution by "
          "construction and is a ceiling for the others, not a source of new returns.";
  }
  for (const auto& g : e.generators)
    if (g.distances.collapsed)
      page.Warning(
          fmt::format("{}: mode collapse — its window volatilities spread {:.2f}× as much as "
                      "the real ones (under 0.5 flags it).",
                      g.name, g.distances.volatility_spread_ratio));
  page.Verdict(verdict);
  page.KeyValues(
      {{"real series", fmt::format("{} ({}), {} daily log returns", real.source, real.column,
                                   report::Count(static_cast<double>(real.returns.size())))}});

  page.Heading("Distances to the real series");
  page.Paragraph(
      "Lower is better. EMD(k): Wasserstein-1 distance between the distributions of overlapping "
      "k-day log returns. ACF and leverage: Euclidean norm of the difference between the real "
      "curve and the mean synthetic curve over lags 1 to " +
      std::to_string(s.facts.max_lag) +
      ". Gain/loss: difference in the asymmetry of the waiting times for a ±" +
      report::Percent(s.facts.theta, 1) +
      " move, in days. Discriminative: |accuracy − 0.5| of a GRU telling real windows from "
      "synthetic ones (TimeGAN's score). Predictive: mean absolute error on real windows of a GRU "
      "trained on synthetic ones to predict the next step (min-max scaled returns" +
      (e.predictive_real ? "; trained on real windows it scores " + Cell(*e.predictive_real)
                         : std::string()) +
      "). Volatility spread: the spread of realised volatility across windows over "
      "the real one (near 1 is good; under 0.5 is mode collapse). ★: the best on a metric.");
  std::vector<std::string> header = {"generator"};
  for (const auto& h : headlines) header.push_back(h.label);
  header.push_back("vol. spread");
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : e.generators) {
    std::vector<std::string> row = {g.name};
    for (std::size_t h = 0; h < headlines.size(); ++h)
      row.push_back((best_of[h] == g.name && e.generators.size() > 1 ? "★ " : "") +
                    Cell(headlines[h].value(g)));
    row.push_back(Cell(g.distances.volatility_spread_ratio, 3));
    rows.push_back(row);
  }
  page.Table(header, rows);

  page.Heading("Stylised facts");
  std::vector<std::vector<std::string>> facts;
  const auto fact_row = [&](const std::string& name, const SeriesFacts& f, std::size_t paths) {
    facts.push_back({name, std::to_string(paths), Cell(f.std * std::sqrt(252.0), 3),
                     Cell(f.skew, 3), Cell(f.kurtosis, 3), Cell(f.hill_left, 3),
                     Cell(f.hill_right, 3), Cell(f.gain_loss.median_gain, 3),
                     Cell(f.gain_loss.median_loss, 3),
                     f.acf_abs.empty() ? "–" : Cell(f.acf_abs[0], 3),
                     f.leverage.empty() ? "–" : Cell(f.leverage[0], 3)});
  };
  fact_row("real", e.real, 1);
  for (const auto& g : e.generators) fact_row(g.name, g.facts, g.paths->size());
  page.Table({"series", "paths", "ann. volatility", "skewness", "excess kurtosis", "Hill (losses)",
              "Hill (gains)", "days to gain", "days to lose", "ACF(|r|) lag 1", "leverage lag 1"},
             facts, 0);

  const auto curve_chart = [&](const std::string& title, const std::string& y, auto member) {
    report::Figure f(title, {"lag (days)", report::Unit::kCount}, {y});
    const auto& real_curve = e.real.*member;
    f.Line("real", Lags(real_curve.size()), real_curve);
    for (const auto& g : e.generators)
      f.Line(g.name, Lags((g.facts.*member).size()), g.facts.*member);
    f.HorizontalLine(0);
    page.Chart(f);
  };
  page.Heading("Volatility clustering and the leverage effect");
  curve_chart("Autocorrelation of |returns|", "ACF", &SeriesFacts::acf_abs);
  curve_chart("Autocorrelation of squared returns", "ACF", &SeriesFacts::acf_squared);
  curve_chart("Autocorrelation of returns", "ACF", &SeriesFacts::acf_returns);
  curve_chart("Leverage effect: corr(r(t), r(t+k)²)", "correlation", &SeriesFacts::leverage);

  page.Heading("Distribution");
  std::vector<double> levels;
  for (const double p : {0.001, 0.002, 0.005}) levels.push_back(p);
  for (int p = 1; p <= 99; ++p) levels.push_back(p / 100.0);
  for (const double p : {0.995, 0.998, 0.999}) levels.push_back(p);
  const std::vector<double> real_q = Quantiles(real.returns, levels);
  report::Figure qq("QQ plot against the real daily returns", {"real quantile (log return)"},
                    {"synthetic quantile (log return)"});
  qq.Line("y = x", real_q, real_q, {.dashed = true, .show_legend = false, .width = 1});
  for (const auto& g : e.generators) {
    std::vector<std::string> text;
    for (const double p : levels)
      text.push_back(fmt::format("{}: {:.1f}th percentile", g.name, p * 100));
    qq.Markers(g.name, real_q, Quantiles(PooledReturns(*g.paths), levels), text);
  }
  qq.SquareAxes();
  page.Chart(qq);
  report::Figure density("Density of daily log returns", {"log return"}, {"density"});
  density.Histogram("real", real.returns);
  for (const auto& g : e.generators) density.Histogram(g.name, PooledReturns(*g.paths));
  page.Chart(density);

  if (s.plotted_paths > 0) {
    page.Heading("Sample paths");
    page.Paragraph(
        "Cumulative log returns: the real series and the first paths of each generator.");
    report::Figure paths("Cumulative log return", {"day", report::Unit::kCount},
                         {"cumulative log return"});
    const auto cumulative = [](const std::vector<double>& r) {
      std::vector<double> c(r.size());
      double level = 0;
      for (std::size_t t = 0; t < r.size(); ++t) c[t] = level += r[t];
      return c;
    };
    paths.Line("real", Lags(real.returns.size()), cumulative(real.returns), {.width = 2.5});
    for (const auto& g : e.generators)
      for (std::size_t p = 0; p < std::min(s.plotted_paths, g.paths->size()); ++p)
        paths.Line(g.name, Lags((*g.paths)[p].size()), cumulative((*g.paths)[p]),
                   {.show_legend = p == 0, .width = 1});
    page.Chart(paths);
  }

  bool trained = false;
  for (const auto& g : e.generators)
    trained = trained || (g.history.is_array() && !g.history.empty());
  if (trained) {
    page.Heading("Training");
    report::Figure w("Critic's Wasserstein estimate per epoch", {"epoch", report::Unit::kCount},
                     {"E[critic(real)] − E[critic(fake)]"});
    for (const auto& g : e.generators) {
      if (!g.history.is_array() || g.history.empty()) continue;
      std::vector<double> x, y;
      for (const auto& h : g.history) {
        x.push_back(h.value("epoch", 0.0));
        y.push_back(h.value("wasserstein", 0.0));
      }
      w.Line(g.name, x, y);
    }
    page.Chart(w);
  }
  page.Provenance(provenance);
  report::WriteReport(dir + "/report.html", page);
}

void WriteTableReport(const credit::Table& real, std::size_t train_rows, std::size_t holdout_rows,
                      const TableSplit& split,
                      const std::vector<std::pair<std::string, TableFidelity>>& results,
                      const Provenance& provenance, const std::string& dir) {
  report::HtmlPage page("Synthetic rows against " + real.source);
  std::string verdict;
  for (const auto& [name, f] : results) {
    std::string efficacy;
    if (std::isfinite(f.auc_synthetic) && std::isfinite(f.auc_real))
      efficacy = fmt::format(
          "a model trained on its rows scores AUC {:.3f} on the real hold-out, against {:.3f} "
          "trained on real rows ({}); ",
          f.auc_synthetic, f.auc_real,
          f.auc_real - f.auc_synthetic <= 0.05 ? "within 0.05" : "more than 0.05 below");
    verdict += fmt::format(
        "{}: {}{}. ", name, efficacy,
        f.Private() ? "its rows are no closer to the training rows than unseen real rows are"
                    : "some of its rows are closer to training rows than unseen real rows are: "
                      "a privacy risk");
  }
  page.Verdict(verdict);
  page.KeyValues(
      {{"real table",
        fmt::format("{}: {} rows, {} columns", real.source,
                    report::Count(static_cast<double>(real.rows)), real.columns.size())},
       {"split", fmt::format("{} rows to learn from, {} held out (seed {}{})", train_rows,
                             holdout_rows, split.split_seed,
                             split.target.empty() ? "" : ", stratified by " + split.target)}});
  page.Heading("Summary");
  page.Paragraph(
      "Column distance: the mean over columns of the Kolmogorov-Smirnov statistic (numbers) or the "
      "total variation distance (categories), synthetic against the training rows; 0 is identical. "
      "Correlation difference: mean absolute difference of the pairwise correlations. AUC: a "
      "logistic "
      "regression trained on the synthetic rows (or on the real training rows), scored on the real "
      "hold-out. DCR: distance to the closest training row, 5th percentile, for synthetic rows and "
      "for "
      "the real hold-out rows (standardised numbers, one-hot categories).");
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, f] : results)
    rows.push_back({name, Cell(f.mean_column_distance), Cell(f.correlation_difference),
                    Cell(f.auc_synthetic, 3), Cell(f.auc_real, 3), Cell(f.dcr_synthetic_p5, 3),
                    Cell(f.dcr_holdout_p5, 3), report::Percent(f.exact_copies, 1),
                    f.Private() ? "yes" : "no"});
  page.Table(
      {"generator", "column distance", "correlation difference", "AUC (trained on synthetic)",
       "AUC (trained on real)", "DCR p5 synthetic", "DCR p5 hold-out", "exact copies", "private"},
      rows);
  page.Heading("Columns");
  report::Figure columns("Distance per column (KS or TVD)", {"column", report::Unit::kCategory},
                         {"distance"});
  for (const auto& [name, f] : results) {
    std::vector<std::string> names;
    std::vector<double> values;
    for (const auto& c : f.columns) {
      names.push_back(c.name);
      values.push_back(c.distance);
    }
    columns.Bars(name, names, values);
  }
  page.Chart(columns);
  page.Provenance(provenance);
  report::WriteReport(dir + "/report.html", page);
}

}  // namespace finml::synth
