#include "finml/synth/workflow.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"
#include "finml/models/deep.hpp"
#include "finml/risk/series.hpp"
#include "synth/report_page.hpp"

namespace finml::synth {

const options::Schema<SampleSettings>& SampleSettings::Schema() {
  static const auto schema = [] {
    using S = SampleSettings;
    options::Schema<S> s;
    s.Add("model", &S::model, "a directory from finml synth train").Required();
    s.Add("n", &S::n,
          "paths (default 10; timegan: as many as the training windows) or table rows (default: "
          "as many as the training rows)")
        .Min(0)
        .Max(10000000);
    s.Add("length", &S::length,
          "steps per path (0: as many as the training series had; timegan: its window)")
        .Min(0)
        .Max(10000000);
    s.Add("seed", &S::seed, "seed of the draws: the same seed gives the same paths");
    s.Add("threads", &S::threads, "torch threads").Min(1).Max(256);
    return s;
  }();
  return schema;
}

const options::Schema<FactSettings>& FactSettings::Schema() {
  static const auto schema = [] {
    options::Schema<FactSettings> f;
    f.Add("emd_lags", &FactSettings::emd_lags, "horizons (days) of the EMD of aggregated returns");
    f.Add("max_lag", &FactSettings::max_lag, "last lag of the ACF and leverage curves")
        .Min(1)
        .Max(10000);
    f.Add("tail_share", &FactSettings::tail_share, "share of the returns in each Hill tail")
        .Above(0)
        .Below(0.5);
    f.Add("theta", &FactSettings::theta, "gain/loss asymmetry: the log-return move waited for")
        .Above(0);
    f.Add("max_horizon", &FactSettings::max_horizon, "gain/loss asymmetry: longest wait (days)")
        .Min(1)
        .Max(100000);
    f.Add("diversity_window", &FactSettings::diversity_window,
          "mode-collapse check: days per window of realised volatility")
        .Min(2)
        .Max(10000);
    return f;
  }();
  return schema;
}

const options::Schema<EvaluateSettings>& EvaluateSettings::Schema() {
  static const auto schema = [] {
    using E = EvaluateSettings;
    options::Schema<E> s;
    s.Embed(&E::facts, FactSettings::Schema());
    s.Embed(&E::scores, ScoreSettings::Schema());
    s.Add("plotted_paths", &E::plotted_paths, "sample paths drawn per generator").Min(0).Max(100);
    s.Add("threads", &E::threads,
          "torch threads of the networks the scores train (the discriminator and predictor)")
        .Min(1)
        .Max(256);
    return s;
  }();
  return schema;
}

RealSeries LoadRealSeries(const std::string& path, const std::string& column, risk::SeriesKind kind,
                          const data::LoadOptions& load) {
  const risk::ReturnSeries s =
      risk::LoadReturnSeries(path, column, kind, /*log_returns=*/true, load);
  RealSeries r{path, s.column, s.values};
  if (kind == risk::SeriesKind::kReturns) {
    const double unit = risk::RatioPerUnit(s.values, risk::ReturnUnits::kAuto);
    for (double& v : r.returns) v *= unit;
  }
  FINML_REQUIRE(r.returns.size() >= 100,
                "{}: {} returns are too few to learn or judge a series from (fix: at least 100)",
                path, r.returns.size());
  return r;
}

credit::Table LoadRealTable(const std::string& path, const std::vector<std::string>& categorical,
                            const std::vector<std::string>& columns) {
  credit::Table t = credit::LoadTable(path, categorical);
  for (const auto& name : categorical)
    (void)t.Get(name);  // an unknown name is an error with the closest
  if (!columns.empty()) {
    credit::Table kept;
    kept.source = t.source;
    kept.rows = t.rows;
    for (const auto& name : columns) kept.columns.push_back(t.Get(name));
    t = std::move(kept);
  }
  FINML_REQUIRE(!t.columns.empty() && t.rows >= 20,
                "{}: {} rows and {} columns are too few to learn a table from", path, t.rows,
                t.columns.size());
  return t;
}

namespace {

std::vector<std::string> TrainPanel(const SynthSettings& s, const std::string& dir, bool progress) {
  const Panel real = LoadRealPanel(s.data, s.columns);
  models::SetTorchThreads(s.threads);
  std::unique_ptr<PanelGenerator> generator = MakePanelGenerator(s);
  std::mt19937_64 rng(s.seed);
  generator->Fit(real, rng, progress);
  const nlohmann::json training = {{"path", s.data},
                                   {"sha256", Sha256File(s.data)},
                                   {"steps", real.Steps(0)},
                                   {"columns", real.columns}};
  SaveGenerator(*generator, s, training, dir);
  return {fmt::format("{}: fitted to windows of {} steps of the {} rows of {} ({})",
                      EnumName(s.model), generator->Window(), real.Steps(0), s.data,
                      fmt::join(real.columns, ", "))};
}

std::vector<std::string> TrainTable(const SynthSettings& s, const std::string& dir, bool progress) {
  const credit::Table real = LoadRealTable(s.data, s.categorical, s.columns);
  auto [train, holdout] = SplitTable(real, s.split);
  std::unique_ptr<TableGenerator> generator = MakeTableGenerator(s);
  std::mt19937_64 rng(s.seed);
  generator->Fit(train, rng, progress);
  const nlohmann::json training = {{"path", s.data},
                                   {"sha256", Sha256File(s.data)},
                                   {"rows", train.rows},
                                   {"holdout_rows", holdout.rows},
                                   {"columns", train.Names()}};
  SaveGenerator(*generator, s, training, dir);
  return {fmt::format(
      "{}: fitted to {} of the {} rows of {} ({} columns; {} held out for evaluation)",
      EnumName(s.model), train.rows, real.rows, s.data, train.columns.size(), holdout.rows)};
}

}  // namespace

std::vector<std::string> RunSynthTrain(const SynthSettings& s, const std::string& dir,
                                       bool progress) {
  FINML_REQUIRE(!s.data.empty(), "--data: give the CSV to learn from");
  // The price loader's settings (--drop, --missing, --date-column...) shape series only; a table
  // or multivariate model silently ignoring them would learn columns the user meant to drop.
  if (IsTableModel(s.model) || IsPanelModel(s.model)) {
    const auto given = data::LoadOptions::Schema().ToJson(s.load);
    const auto defaults = data::LoadOptions::Schema().ToJson(data::LoadOptions{});
    for (const auto& [key, value] : given.items())
      FINML_REQUIRE(defaults.contains(key) && defaults[key] == value,
                    "'{}' reads price series; {} learns {} (fix: pick the columns with --columns "
                    "and prepare missing values before)",
                    key, EnumName(s.model), IsTableModel(s.model) ? "a table" : "numeric columns");
  }
  if (IsTableModel(s.model)) return TrainTable(s, dir, progress);
  if (IsPanelModel(s.model)) return TrainPanel(s, dir, progress);
  const RealSeries real = LoadRealSeries(s.data, s.column, s.kind, s.load);
  if (s.model == SynthModelKind::kQuantGan) models::SetTorchThreads(s.threads);
  std::unique_ptr<SeriesGenerator> generator = MakeSeriesGenerator(s);
  std::mt19937_64 rng(s.seed);
  generator->Fit(real.returns, rng, progress);
  const nlohmann::json training = {{"path", s.data},
                                   {"sha256", Sha256File(s.data)},
                                   {"column", real.column},
                                   {"returns", real.returns.size()}};
  SaveGenerator(*generator, s, training, dir);
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{}: fitted to {} log returns of {} ({})", EnumName(s.model),
                              real.returns.size(), s.data, real.column));
  const nlohmann::json history = generator->History();
  if (!history.empty())
    lines.push_back(fmt::format(
        "last epoch: generator loss {:.4f}, critic's Wasserstein estimate {:.4f}",
        history.back().value("generator_loss", 0.0), history.back().value("wasserstein", 0.0)));
  return lines;
}

std::size_t RunSynthSample(const SampleSettings& s, const std::string& out) {
  SavedGenerator saved = SavedGenerator::Load(s.model);
  if (saved.table) {
    FINML_REQUIRE(s.length == 0,
                  "--length: a table model draws rows, not paths (fix: --n rows only)");
    const std::size_t rows =
        s.n > 0 ? s.n : saved.manifest["training"].value("rows", std::size_t{0});
    FINML_REQUIRE(rows > 0, "{}: the training size is unknown (fix: --n)", s.model);
    WriteTable(saved.table->Sample(rows, s.seed), out);
    return rows;
  }
  if (saved.panel) {
    models::SetTorchThreads(s.threads);
    // By default as many paths as the real series had windows, as TimeGAN draws.
    const std::size_t steps = saved.manifest["training"].value("steps", std::size_t{0});
    const std::size_t window = saved.panel->Window();
    const std::size_t n = s.n > 0 ? s.n : (steps >= window ? steps - window + 1 : 10);
    const Panel panel = saved.panel->Sample(n, s.length > 0 ? s.length : window, s.seed);
    WritePanel(panel, out);
    return panel.paths.size();
  }
  if (saved.settings.model == SynthModelKind::kQuantGan) models::SetTorchThreads(s.threads);
  std::size_t length = s.length;
  if (length == 0) length = saved.manifest["training"].value("returns", std::size_t{0});
  FINML_REQUIRE(length > 0, "{}: the training length is unknown (fix: --length)", s.model);
  const Paths paths = saved.generator->Sample(s.n > 0 ? s.n : 10, length, s.seed);
  WritePaths(paths, "log_return", out);
  return paths.size();
}

std::vector<std::string> RunSynthEvaluate(const RealSeries& real,
                                          const std::vector<NamedPaths>& synthetic,
                                          const EvaluateSettings& s, const std::string& dir,
                                          const Provenance& provenance) {
  FINML_REQUIRE(!synthetic.empty(), "nothing to evaluate: give at least one synthetic file");
  models::SetTorchThreads(s.threads);
  const Paths real_paths = {real.returns};
  Evaluation e;
  e.real = ComputeFacts(real_paths, s.facts);
  for (const auto& named : synthetic) {
    FINML_REQUIRE(!named.paths.empty(), "{}: no paths", named.name);
    Evaluated one;
    one.name = named.name;
    one.paths = &named.paths;
    one.history = named.history;
    one.facts = ComputeFacts(named.paths, s.facts);
    one.distances = CompareFacts(real_paths, e.real, named.paths, one.facts, s.facts);
    e.generators.push_back(std::move(one));
  }
  if (s.scores.enabled) {
    models::SetTorchThreads(1);
    const auto [lo, hi] = std::minmax_element(real.returns.begin(), real.returns.end());
    const Windows real_windows =
        SlidingWindows(real_paths, s.scores.window, *lo, *hi, s.scores.max_windows);
    for (auto& g : e.generators) {
      g.scores = ScoreWindows(
          real_windows, SlidingWindows(*g.paths, s.scores.window, *lo, *hi, s.scores.max_windows),
          s.scores, /*floor=*/!e.predictive_real);
      if (!e.predictive_real) e.predictive_real = g.scores->predictive_real;
    }
  }
  nlohmann::json metrics = {
      {"real", FactsJson(e.real)},
      {"real_series",
       {{"path", real.source}, {"column", real.column}, {"returns", real.returns.size()}}},
      {"settings", EvaluateSettings::Schema().ToJson(s)},
      {"provenance", provenance.ToJson()}};
  metrics["real"]["acf_abs"] = e.real.acf_abs;
  if (e.predictive_real) metrics["real"]["predictive"] = *e.predictive_real;
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{:<14} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7} {:>7}", "generator",
                              "EMD(1)", "EMD(100)", "ACF(r)", "ACF(|r|)", "leverage", "kurtosis",
                              "discr.", "pred."));
  for (const auto& g : e.generators) {
    metrics["generators"][g.name] = {
        {"facts", FactsJson(g.facts)},
        {"distances", DistancesJson(g.distances, s.facts)},
        {"scores", g.scores ? nlohmann::json{{"discriminative", g.scores->discriminative},
                                             {"predictive", g.scores->predictive}}
                            : nlohmann::json()},
        {"paths", g.paths->size()},
        {"length", g.paths->front().size()}};
    const auto emd_at = [&](std::size_t lag) {
      for (std::size_t i = 0; i < s.facts.emd_lags.size(); ++i)
        if (s.facts.emd_lags[i] == lag) return g.distances.emd[i];
      return std::nan("");
    };
    lines.push_back(fmt::format(
        "{:<14} {:>9.5f} {:>9.5f} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.2f} {:>7} {:>7}{}", g.name,
        emd_at(1), emd_at(100), g.distances.acf_returns, g.distances.acf_abs, g.distances.leverage,
        g.facts.kurtosis, g.scores ? fmt::format("{:.3f}", g.scores->discriminative) : "",
        g.scores ? fmt::format("{:.4f}", g.scores->predictive) : "",
        g.distances.collapsed ? "  (mode collapse)" : ""));
  }
  lines.push_back(fmt::format("{:<14} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9.2f} {:>7} {:>7}", "real",
                              "", "", "", "", "", e.real.kurtosis, "",
                              e.predictive_real ? fmt::format("{:.4f}", *e.predictive_real) : ""));
  EnsureDirectory(dir);
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  WriteEvaluationReport(real, e, s, provenance, dir);
  return lines;
}

std::vector<std::string> RunTableEvaluate(const credit::Table& real, const TableSplit& split,
                                          const std::vector<NamedTable>& synthetic,
                                          const std::string& dir, const Provenance& provenance) {
  FINML_REQUIRE(!synthetic.empty(), "nothing to evaluate: give at least one synthetic file");
  const auto [train, holdout] = SplitTable(real, split);
  std::vector<std::pair<std::string, TableFidelity>> results;
  nlohmann::json metrics = {{"real_table",
                             {{"path", real.source},
                              {"rows", real.rows},
                              {"train_rows", train.rows},
                              {"holdout_rows", holdout.rows}}},
                            {"split", TableSplit::Schema().ToJson(split)},
                            {"provenance", provenance.ToJson()}};
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{:<12} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9}", "generator",
                              "col dist", "corr diff", "AUC synth", "AUC real", "DCR p5",
                              "hold p5"));
  for (const auto& named : synthetic) {
    TableFidelity f = CompareTables(train, holdout, named.table, split);
    metrics["generators"][named.name] = TableFidelityJson(f);
    metrics["generators"][named.name]["rows"] = named.table.rows;
    const auto auc = [](double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : "–"; };
    lines.push_back(fmt::format("{:<12} {:>10.4f} {:>10.4f} {:>9} {:>9} {:>9.3f} {:>9.3f}{}",
                                named.name, f.mean_column_distance, f.correlation_difference,
                                auc(f.auc_synthetic), auc(f.auc_real), f.dcr_synthetic_p5,
                                f.dcr_holdout_p5, f.Private() ? "" : "  (closer than real rows)"));
    results.emplace_back(named.name, std::move(f));
  }
  EnsureDirectory(dir);
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  WriteTableReport(real, train.rows, holdout.rows, split, results, provenance, dir);
  return lines;
}

}  // namespace finml::synth
