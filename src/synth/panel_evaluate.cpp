// `finml synth evaluate` on multivariate paths: metrics.json and a report.
#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <optional>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/models/deep.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"
#include "finml/synth/table_metrics.hpp"
#include "finml/synth/workflow.hpp"

namespace finml::synth {
namespace {

struct PanelColumnFit {
  std::string name;
  double value_ks = 0, change_ks = 0;
  double real_mean = 0, real_std = 0, synthetic_mean = 0, synthetic_std = 0;
};

struct PanelFit {
  std::string name;
  const Panel* panel = nullptr;
  std::vector<PanelColumnFit> columns;
  double correlation_difference = 0;
  std::optional<WindowScores> scores;
  std::size_t windows = 0;  // synthetic windows the scores were computed from
  nlohmann::json history = nlohmann::json::array();
};

std::vector<double> ColumnValues(const Panel& p, std::size_t j) {
  const std::size_t f = p.columns.size();
  std::vector<double> v;
  for (const auto& path : p.paths)
    for (std::size_t i = j; i < path.size(); i += f) v.push_back(path[i]);
  return v;
}

// One-step changes within each path (never across two paths).
std::vector<double> ColumnChanges(const Panel& p, std::size_t j) {
  const std::size_t f = p.columns.size();
  std::vector<double> v;
  for (const auto& path : p.paths)
    for (std::size_t i = j + f; i < path.size(); i += f) v.push_back(path[i] - path[i - f]);
  return v;
}

std::pair<double, double> MeanStd(const std::vector<double>& v) {
  double m = 0;
  for (const double x : v) m += x;
  m /= static_cast<double>(v.size());
  double ss = 0;
  for (const double x : v) ss += (x - m) * (x - m);
  return {m, std::sqrt(ss / static_cast<double>(v.size()))};
}

Eigen::MatrixXd Correlation(const Panel& p) {
  const auto f = static_cast<Eigen::Index>(p.columns.size());
  std::size_t rows = 0;
  for (const auto& path : p.paths) rows += path.size() / p.columns.size();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(rows), f);
  Eigen::Index r = 0;
  for (const auto& path : p.paths)
    for (std::size_t i = 0; i < path.size(); i += p.columns.size(), ++r)
      for (Eigen::Index j = 0; j < f; ++j) x(r, j) = path[i + static_cast<std::size_t>(j)];
  const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd cov = centred.transpose() * centred;
  const Eigen::VectorXd sd = cov.diagonal().cwiseSqrt().cwiseMax(1e-300);
  return cov.cwiseQuotient(sd * sd.transpose());
}

// The first two principal axes of the real windows, as TimeGAN's PCA pictures draw them.
struct Projection {
  Eigen::RowVectorXd mean;
  Eigen::MatrixXd axes;  // (length * features) x 2
};
Eigen::MatrixXd AsMatrix(const Windows& w) {
  const auto width = static_cast<Eigen::Index>(w.length * w.features);
  Eigen::MatrixXd m(static_cast<Eigen::Index>(w.count()), width);
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < width; ++c)
      m(r, c) = w.values[static_cast<std::size_t>(r * width + c)];
  return m;
}
Projection FitProjection(const Windows& real) {
  const Eigen::MatrixXd x = AsMatrix(real);
  Projection p{x.colwise().mean(), {}};
  const Eigen::MatrixXd centred = x.rowwise() - p.mean;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(centred.transpose() * centred);
  // Eigenvalues ascend: the last two columns are the leading axes.
  p.axes = eig.eigenvectors().rightCols(2).rowwise().reverse();
  return p;
}

void WritePanelReport(const Panel& real, const std::vector<PanelFit>& fits,
                      const std::optional<double>& predictive_real, const Windows& real_windows,
                      const std::vector<Windows>& synthetic_windows, const EvaluateSettings& s,
                      const Provenance& provenance, const std::string& dir) {
  const auto cell = [](double v, int digits = 4) {
    return std::isfinite(v) ? report::Number(v, digits) : "–";
  };
  report::HtmlPage page("Synthetic multivariate paths against " + real.source);
  std::string verdict;
  if (!fits.empty() && fits.front().scores) {
    const auto best =
        std::min_element(fits.begin(), fits.end(), [](const PanelFit& a, const PanelFit& b) {
          return a.scores->discriminative < b.scores->discriminative;
        });
    verdict = fmt::format(
        "{}: a GRU tells its windows from real ones with accuracy {:.1f}% (discriminative score "
        "{:.3f}; 0 is indistinguishable); a GRU trained on them predicts real windows with mean "
        "absolute error {:.4f}{}.",
        best->name, 100 * (0.5 + best->scores->discriminative), best->scores->discriminative,
        best->scores->predictive,
        predictive_real
            ? fmt::format(" against {:.4f} when trained on real windows", *predictive_real)
            : std::string());
  } else {
    verdict = "Window scores were not computed (scores: false); the column distances follow.";
  }
  for (const auto& g : fits)
    for (const auto& c : g.columns)
      if (c.synthetic_std < 0.5 * c.real_std)
        page.Warning(fmt::format(
            "{}: mode collapse — its '{}' values spread {:.2f}× as much as the real ones (under "
            "0.5 flags it).",
            g.name, c.name, c.real_std > 0 ? c.synthetic_std / c.real_std : 0.0));
  page.Verdict(verdict);
  page.KeyValues({{"real series", fmt::format("{}: {} steps of {}", real.source, real.Steps(0),
                                              fmt::join(real.columns, ", "))},
                  {"windows", fmt::format("{} steps, every column min-max scaled by the real range",
                                          s.scores.window)}});
  page.Heading("Scores");
  page.Paragraph(
      "Discriminative: |accuracy − 0.5| of a post-hoc GRU classifier of real against synthetic "
      "windows, tested on 20% held out from it. Predictive: a GRU trained on synthetic windows "
      "predicts the last column one step ahead from the others; its mean absolute error on the "
      "real windows (TimeGAN's \"train on synthetic, test on real\"). Correlation: mean absolute "
      "difference of the cross-column correlation matrices. Lower is better everywhere.");
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : fits) {
    double value_ks = 0, change_ks = 0;
    for (const auto& c : g.columns) {
      value_ks += c.value_ks / static_cast<double>(g.columns.size());
      change_ks += c.change_ks / static_cast<double>(g.columns.size());
    }
    rows.push_back({g.name, g.scores ? cell(g.scores->discriminative, 3) : "–",
                    g.scores ? cell(g.scores->predictive) : "–", cell(value_ks, 3),
                    cell(change_ks, 3), cell(g.correlation_difference, 3)});
  }
  if (predictive_real) rows.push_back({"real (floor)", "–", cell(*predictive_real), "", "", ""});
  page.Table({"generator", "discriminative", "predictive", "KS of values (mean)",
              "KS of changes (mean)", "correlation diff."},
             rows);
  page.Heading("Columns");
  for (const auto& g : fits) {
    std::vector<std::vector<std::string>> col_rows;
    for (const auto& c : g.columns)
      col_rows.push_back({c.name, cell(c.value_ks, 3), cell(c.change_ks, 3), cell(c.real_mean),
                          cell(c.synthetic_mean), cell(c.real_std), cell(c.synthetic_std)});
    page.Heading(g.name, 3);
    page.Table({"column", "KS of values", "KS of one-step changes", "real mean", "synthetic mean",
                "real std", "synthetic std"},
               col_rows);
  }

  page.Heading("Windows in the real data's principal components");
  page.Paragraph(
      "Each point is a window (all steps and columns, min-max scaled), projected on the first two "
      "principal axes of the real windows. Synthetic points that cover the real cloud, and only "
      "it, are what a good generator gives.");
  const Projection projection = FitProjection(real_windows);
  report::Figure pca("PCA of windows", {"first component"}, {"second component"});
  const auto scatter = [&](const std::string& name, const Windows& w) {
    const Eigen::MatrixXd z =
        (AsMatrix(w).rowwise() - projection.mean) * projection.axes;  // count x 2
    const Eigen::Index keep = std::min<Eigen::Index>(z.rows(), 1000);
    std::vector<double> x, y;
    for (Eigen::Index i = 0; i < keep; ++i) {
      x.push_back(z(i * z.rows() / keep, 0));
      y.push_back(z(i * z.rows() / keep, 1));
    }
    pca.Markers(name, x, y);
  };
  scatter("real", real_windows);
  for (std::size_t g = 0; g < fits.size(); ++g) scatter(fits[g].name, synthetic_windows[g]);
  page.Chart(pca);

  if (s.plotted_paths > 0) {
    page.Heading("Sample windows");
    page.Paragraph("Evenly spaced real windows and the first synthetic ones, min-max scaled.");
    const std::size_t f = real.columns.size(), length = s.scores.window;
    for (std::size_t j = 0; j < f; ++j) {
      report::Figure chart(real.columns[j], {"step", report::Unit::kCount}, {"scaled value"});
      const auto draw = [&](const std::string& name, const Windows& w, bool spread) {
        const std::size_t shown = std::min(s.plotted_paths, w.count());
        for (std::size_t k = 0; k < shown; ++k) {
          const std::size_t at = spread ? k * w.count() / shown : k;
          std::vector<double> x, y;
          for (std::size_t t = 0; t < length; ++t) {
            x.push_back(static_cast<double>(t));
            y.push_back(w.values[(at * length + t) * f + j]);
          }
          chart.Line(name, x, y, {.show_legend = k == 0, .width = name == "real" ? 2.0 : 1.0});
        }
      };
      draw("real", real_windows, true);
      for (std::size_t g = 0; g < fits.size(); ++g) draw(fits[g].name, synthetic_windows[g], false);
      page.Chart(chart);
    }
  }
  bool trained = false;
  for (const auto& g : fits) trained = trained || !g.history.empty();
  if (trained) {
    page.Heading("Training");
    page.Paragraph(
        "Losses per epoch of the joint phase: the generator's (adversarial, supervised and "
        "moment terms) and the discriminator's (its updates are skipped while it is below 0.15).");
    for (const auto& g : fits) {
      report::Figure chart(g.name + ": joint training", {"epoch", report::Unit::kCount}, {"loss"});
      std::vector<double> epoch, generator, discriminator;
      for (const auto& h : g.history)
        if (h.value("phase", "") == "joint") {
          epoch.push_back(h.value("epoch", 0.0));
          generator.push_back(h.value("generator_loss", 0.0));
          discriminator.push_back(h.value("discriminator_loss", 0.0));
        }
      if (epoch.empty()) continue;
      chart.Line("generator", epoch, generator);
      chart.Line("discriminator", epoch, discriminator);
      chart.LogToggle();
      page.Chart(chart);
    }
  }
  page.Provenance(provenance);
  report::WriteReport(dir + "/report.html", page);
}

}  // namespace

std::vector<std::string> RunPanelEvaluate(const Panel& real,
                                          const std::vector<NamedPanel>& synthetic,
                                          const EvaluateSettings& s, const std::string& dir,
                                          const Provenance& provenance) {
  FINML_REQUIRE(!synthetic.empty(), "nothing to evaluate: give at least one synthetic file");
  models::SetTorchThreads(s.threads);
  const PanelRange range = RangeOf(real);
  const Windows real_windows = PanelWindows(real, s.scores.window, range, s.scores.max_windows);
  const Eigen::MatrixXd real_corr = Correlation(real);
  std::vector<PanelFit> fits;
  std::vector<Windows> synthetic_windows;
  std::optional<double> predictive_real;
  models::SetTorchThreads(1);
  for (const auto& named : synthetic) {
    FINML_REQUIRE(named.panel.columns == real.columns,
                  "{}: columns {} where the real series has {} (fix: sample from a model trained "
                  "on these columns, or --columns)",
                  named.name, fmt::join(named.panel.columns, ","), fmt::join(real.columns, ","));
    PanelFit fit;
    fit.name = named.name;
    fit.panel = &named.panel;
    fit.history = named.history.is_array() ? named.history : nlohmann::json::array();
    for (std::size_t j = 0; j < real.columns.size(); ++j) {
      PanelColumnFit c;
      c.name = real.columns[j];
      const auto real_values = ColumnValues(real, j), values = ColumnValues(named.panel, j);
      c.value_ks = KolmogorovSmirnov(real_values, values);
      c.change_ks = KolmogorovSmirnov(ColumnChanges(real, j), ColumnChanges(named.panel, j));
      std::tie(c.real_mean, c.real_std) = MeanStd(real_values);
      std::tie(c.synthetic_mean, c.synthetic_std) = MeanStd(values);
      fit.columns.push_back(c);
    }
    const Eigen::MatrixXd corr = Correlation(named.panel);
    const auto f = static_cast<Eigen::Index>(real.columns.size());
    double sum = 0;
    for (Eigen::Index a = 0; a < f; ++a)
      for (Eigen::Index b = a + 1; b < f; ++b) sum += std::abs(corr(a, b) - real_corr(a, b));
    fit.correlation_difference = f > 1 ? sum / static_cast<double>(f * (f - 1) / 2) : 0.0;
    synthetic_windows.push_back(
        PanelWindows(named.panel, s.scores.window, range, s.scores.max_windows));
    fit.windows = synthetic_windows.back().count();
    if (s.scores.enabled) {
      fit.scores = ScoreWindows(real_windows, synthetic_windows.back(), s.scores,
                                /*floor=*/!predictive_real);
      if (!predictive_real) predictive_real = fit.scores->predictive_real;
    }
    fits.push_back(std::move(fit));
  }
  nlohmann::json metrics = {{"real_series",
                             {{"path", real.source},
                              {"steps", real.Steps(0)},
                              {"columns", real.columns},
                              {"windows", real_windows.count()}}},
                            {"settings", EvaluateSettings::Schema().ToJson(s)},
                            {"provenance", provenance.ToJson()}};
  if (predictive_real) metrics["real"]["predictive"] = *predictive_real;
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{:<14} {:>8} {:>8} {:>9} {:>9} {:>9}", "generator", "discr.",
                              "pred.", "KS values", "KS changes", "corr diff"));
  for (const auto& g : fits) {
    nlohmann::json columns = nlohmann::json::object();
    double value_ks = 0, change_ks = 0;
    for (const auto& c : g.columns) {
      columns[c.name] = {{"ks_values", c.value_ks},  {"ks_changes", c.change_ks},
                         {"real_mean", c.real_mean}, {"synthetic_mean", c.synthetic_mean},
                         {"real_std", c.real_std},   {"synthetic_std", c.synthetic_std}};
      value_ks += c.value_ks / static_cast<double>(g.columns.size());
      change_ks += c.change_ks / static_cast<double>(g.columns.size());
    }
    // Columns spread under half as much as the real ones: the generator has collapsed on them.
    std::vector<std::string> collapsed;
    for (const auto& c : g.columns)
      if (c.synthetic_std < 0.5 * c.real_std) collapsed.push_back(c.name);
    metrics["generators"][g.name] = {
        {"mode_collapse", collapsed},
        {"scores", g.scores ? nlohmann::json{{"discriminative", g.scores->discriminative},
                                             {"predictive", g.scores->predictive}}
                            : nlohmann::json()},
        {"columns", columns},
        {"mean_ks_values", value_ks},
        {"mean_ks_changes", change_ks},
        {"correlation_difference", g.correlation_difference},
        {"paths", g.panel->paths.size()},
        {"length", g.panel->Steps(0)}};
    lines.push_back(fmt::format("{:<14} {:>8} {:>8} {:>9.3f} {:>9.3f} {:>9.3f}", g.name,
                                g.scores ? fmt::format("{:.3f}", g.scores->discriminative) : "",
                                g.scores ? fmt::format("{:.4f}", g.scores->predictive) : "",
                                value_ks, change_ks, g.correlation_difference));
    if (g.scores && g.windows < 200)
      lines.push_back(fmt::format(
          "  {}: the scores come from {} synthetic windows; under 200 they are noisy (fix: "
          "sample more paths)",
          g.name, g.windows));
    if (!collapsed.empty())
      lines.push_back(fmt::format("  {}: mode collapse on {} (spread under half the real one)",
                                  g.name, fmt::join(collapsed, ", ")));
  }
  lines.push_back(fmt::format("{:<14} {:>8} {:>8}", "real", "",
                              predictive_real ? fmt::format("{:.4f}", *predictive_real) : ""));
  EnsureDirectory(dir);
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  WritePanelReport(real, fits, predictive_real, real_windows, synthetic_windows, s, provenance,
                   dir);
  return lines;
}

}  // namespace finml::synth
