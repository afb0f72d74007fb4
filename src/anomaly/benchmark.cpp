#include "finml/anomaly/benchmark.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <random>

#include "finml/anomaly/ensemble.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/progress.hpp"
#include "finml/credit/curves.hpp"
#include "finml/credit/metrics.hpp"
#include "finml/credit/table.hpp"
#include "finml/report/figure.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"

namespace finml::anomaly {

const options::Schema<BenchmarkSettings>& BenchmarkSettings::Schema() {
  static const auto schema = [] {
    using S = BenchmarkSettings;
    options::Schema<S> s;
    s.Add("data", &S::data, "labelled CSV: numeric features and a 0/1 label column").Required();
    s.Add("label", &S::label, "the label column (1 = anomaly)");
    s.Add("detectors", &S::detectors, "detectors to compare (default: all but the autoencoder)");
    s.Add("splits", &S::splits, "random train/test splits").Min(1).Max(1000);
    s.Add("train", &S::train, "share of the records each detector learns from").Above(0).Below(1);
    s.Add("split_seed", &S::split_seed, "seed of the splits");
    s.Add("ensembles", &S::ensembles,
          "add the ensembles of the detectors (avg_rank, max_z, max_robust_z, select), each "
          "decided on the training part's scores alone");
    s.Add("reference", &S::reference,
          "PyOD's benchmark table (ROC AUC per data set and detector) to compare with");
    s.Add("reference_name", &S::reference_name,
          "the reference's row (default: the data file's name without odds_)");
    s.Embed(&S::detector, DetectorSettings::Schema());
    return s;
  }();
  return schema;
}

Matrix TableFeatures(const credit::Table& t, const std::vector<std::string>& names) {
  Matrix x(static_cast<Eigen::Index>(t.rows), static_cast<Eigen::Index>(names.size()));
  for (std::size_t j = 0; j < names.size(); ++j) {
    const credit::Column& c = t.Get(names[j]);
    FINML_REQUIRE(c.kind == credit::ColumnKind::kNumeric,
                  "{}: column '{}' is not numeric (fix: encode it, or leave it out)", t.source,
                  c.name);
    for (std::size_t r = 0; r < t.rows; ++r) {
      if (c.Missing(r))
        throw DataError(SourceLocation{t.source, r + 2, t.Index(c.name) + 1},
                        fmt::format("column '{}' is missing a value", c.name),
                        "fill or drop the record first");
      x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = c.numbers[r];
    }
  }
  return x;
}

std::vector<int> TableLabels(const credit::Table& t, const std::string& label) {
  const credit::Column& target = t.Get(label);
  FINML_REQUIRE(target.kind == credit::ColumnKind::kNumeric,
                "{}: label column '{}' must hold 0 (normal) and 1 (anomaly)", t.source, label);
  std::vector<int> y;
  for (std::size_t r = 0; r < t.rows; ++r) {
    const double v = target.numbers[r];
    if (target.Missing(r))
      throw DataError(SourceLocation{t.source, r + 2, t.Index(label) + 1}, "the label is missing",
                      "1 for an anomaly, else 0, on every record");
    if (!(v == 0 || v == 1))
      throw DataError(SourceLocation{t.source, r + 2, t.Index(label) + 1},
                      fmt::format("label {} is neither 0 nor 1", v), "1 for an anomaly, else 0");
    y.push_back(static_cast<int>(v));
  }
  return y;
}

std::vector<std::string> IdLikeColumns(const credit::Table& t,
                                       const std::vector<std::string>& names) {
  std::vector<std::string> found;
  if (t.rows < 20) return found;
  for (const auto& name : names) {
    const credit::Column& c = t.Get(name);
    if (c.kind != credit::ColumnKind::kNumeric) continue;
    bool rising = true;
    for (std::size_t r = 1; r < t.rows && rising; ++r)
      rising = c.numbers[r] > c.numbers[r - 1];  // false at NaN too
    if (rising) found.push_back(name);
  }
  return found;
}

LabelledData LoadLabelled(const std::string& path, const std::string& label) {
  const credit::Table t = credit::LoadTable(path);
  LabelledData d;
  d.source = path;
  d.y = TableLabels(t, label);
  for (const auto& c : t.columns)
    if (c.name != label) d.features.push_back(c.name);
  FINML_REQUIRE(!d.features.empty(), "{}: no feature columns besides '{}'", path, label);
  d.x = TableFeatures(t, d.features);
  const auto anomalies = std::count(d.y.begin(), d.y.end(), 1);
  FINML_REQUIRE(anomalies > 0 && anomalies < static_cast<long>(d.y.size()),
                "{}: the label '{}' needs both anomalies (1) and normal records (0)", path, label);
  return d;
}

namespace {

struct Result {
  std::string name;
  std::vector<double> roc, pr, at_n;
  double reference = std::nan("");
  [[nodiscard]] static double Mean(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  }
  [[nodiscard]] static double Sd(const std::vector<double>& v) {
    const double m = Mean(v);
    double ss = 0;
    for (const double x : v) ss += (x - m) * (x - m);
    return v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
  }
};

std::map<std::string, double> ReferenceRow(const std::string& path, const std::string& name) {
  static const std::map<std::string, std::string> kColumns = {
      {"HBOS", "hbos"}, {"IForest", "iforest"}, {"KNN", "knn"},
      {"LOF", "lof"},   {"MCD", "mcd"},         {"PCA", "pca"}};
  const credit::Table t = credit::LoadTable(path);
  const credit::Column& data = t.Get("Data");
  std::map<std::string, double> row;
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (data.labels[r] != name) continue;
    for (const auto& [column, detector] : kColumns)
      if (t.Has(column)) row[detector] = t.Get(column).numbers[r];
    return row;
  }
  throw InvalidInput(
      fmt::format("{}: no row '{}' in its Data column (fix: --reference-name)", path, name));
}

}  // namespace

std::vector<std::string> RunAnomalyBenchmark(const BenchmarkSettings& s, const std::string& dir,
                                             const Provenance& provenance) {
  const LabelledData d = LoadLabelled(s.data, s.label);
  std::vector<DetectorKind> kinds = s.detectors;
  if (kinds.empty())
    for (const auto& v : EnumNames<DetectorKind>::values)
      if (v.value != DetectorKind::kAutoencoder) kinds.push_back(v.value);  // named to be run
  std::vector<Result> results;
  for (const auto k : kinds) results.push_back({std::string(EnumName(k)), {}, {}, {}});
  const bool ensembles = s.ensembles && kinds.size() > 1;
  std::vector<EnsembleKind> ensemble_kinds;
  if (ensembles)
    for (const auto& v : EnumNames<EnsembleKind>::values) {
      ensemble_kinds.push_back(v.value);
      results.push_back({std::string(v.name), {}, {}, {}});
    }
  // How often each detector joined each ensemble that chooses its members.
  std::map<std::string, std::map<std::string, std::int64_t>> chosen;
  // For the maxima: how often each detector gave the maximum of a test record among the tenth
  // that the ensemble scores highest (which detectors the ensemble's alarms come from).
  std::map<std::string, std::map<std::string, std::int64_t>> leads;
  std::string reference_name = s.reference_name;
  if (reference_name.empty()) {
    reference_name = std::filesystem::path(s.data).stem().string();
    if (reference_name.rfind("odds_", 0) == 0) reference_name = reference_name.substr(5);
  }
  if (!s.reference.empty()) {
    const auto row = ReferenceRow(s.reference, reference_name);
    for (auto& r : results)
      if (const auto it = row.find(r.name); it != row.end()) r.reference = it->second;
  }
  const auto n = static_cast<std::size_t>(d.x.rows());
  const auto train_n = static_cast<std::size_t>(std::round(s.train * static_cast<double>(n)));
  FINML_REQUIRE(train_n >= 10 && train_n < n, "{}: {} records leave too few for a {} split", s.data,
                n, s.train);
  std::mt19937_64 rng(s.split_seed);
  std::vector<std::size_t> order(n);
  for (std::int64_t split = 0; split < s.splits; ++split) {
    ThrowIfCancelled();  // from Python: Ctrl-C stops the benchmark between splits
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    Matrix train(static_cast<Eigen::Index>(train_n), d.x.cols()),
        test(static_cast<Eigen::Index>(n - train_n), d.x.cols());
    std::vector<int> y;
    for (std::size_t i = 0; i < n; ++i) {
      if (i < train_n) {
        train.row(static_cast<Eigen::Index>(i)) = d.x.row(static_cast<Eigen::Index>(order[i]));
      } else {
        test.row(static_cast<Eigen::Index>(i - train_n)) =
            d.x.row(static_cast<Eigen::Index>(order[i]));
        y.push_back(d.y[order[i]]);
      }
    }
    const auto anomalies = std::count(y.begin(), y.end(), 1);
    FINML_REQUIRE(anomalies > 0 && anomalies < static_cast<long>(y.size()),
                  "{}: split {} leaves {} anomalies among the {} test records, so no ROC AUC can "
                  "be computed (fix: a smaller --train share, or more labelled records)",
                  s.data, split + 1, anomalies, y.size());
    // PyOD's benchmark standardises with the training part's mean and deviation.
    const Standardizer scaler = Standardizer::Fit(train);
    train = scaler.Apply(train);
    test = scaler.Apply(test);
    Matrix fitted_scores(train.rows(), static_cast<Eigen::Index>(kinds.size())),
        test_scores(test.rows(), static_cast<Eigen::Index>(kinds.size()));
    std::vector<Eigen::VectorXd> training_scores;
    const auto judge = [&](Result& r, const Eigen::VectorXd& score) {
      const std::vector<double> v = ToVector(score);
      r.roc.push_back(credit::RocAuc(y, v));
      r.pr.push_back(credit::AveragePrecision(y, v));
      r.at_n.push_back(PrecisionAtN(y, v));
    };
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      DetectorSettings ds = s.detector;
      ds.seed = s.detector.seed + static_cast<std::uint64_t>(split);
      auto detector = MakeDetector(kinds[k], ds);
      detector->Fit(train);
      const Eigen::VectorXd score = detector->Score(test);
      judge(results[k], score);
      training_scores.push_back(detector->TrainingScores());
      fitted_scores.col(static_cast<Eigen::Index>(k)) = training_scores.back();
      test_scores.col(static_cast<Eigen::Index>(k)) = score;
    }
    // Each ensemble decides on the training part's scores; the test part only judges it.
    for (std::size_t e = 0; e < ensemble_kinds.size(); ++e) {
      const Ensemble ensemble = Ensemble::Fit(ensemble_kinds[e], fitted_scores);
      const Eigen::VectorXd score = ensemble.Score(training_scores, test_scores);
      judge(results[kinds.size() + e], score);
      if (ensemble_kinds[e] == EnsembleKind::kMaxZ ||
          ensemble_kinds[e] == EnsembleKind::kMaxRobustZ) {
        std::vector<double> sorted = ToVector(score);
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        const double top_tenth = sorted[(sorted.size() - 1) / 10];
        const Matrix z = ensemble.Standardised(test_scores);
        for (Eigen::Index r = 0; r < score.size(); ++r) {
          if (score[r] < top_tenth) continue;
          Eigen::Index leader = 0;
          z.row(r).maxCoeff(&leader);
          ++leads[results[kinds.size() + e].name]
                 [std::string(EnumName(kinds[static_cast<std::size_t>(leader)]))];
        }
      }
      if (ensemble_kinds[e] == EnsembleKind::kSelect)
        for (const Eigen::Index m : ensemble.Members())
          ++chosen[results[kinds.size() + e].name]
                  [std::string(EnumName(kinds[static_cast<std::size_t>(m)]))];
    }
  }

  nlohmann::json metrics = {{"data",
                             {{"path", s.data},
                              {"records", n},
                              {"features", d.x.cols()},
                              {"anomalies", std::count(d.y.begin(), d.y.end(), 1)}}},
                            {"settings", BenchmarkSettings::Schema().ToJson(s)},
                            {"provenance", provenance.ToJson()}};
  for (const auto& [name, counts] : chosen)
    for (const auto& [member, count] : counts)
      metrics["ensembles"][name]["splits_choosing"][member] = count;
  std::map<std::string, std::map<std::string, double>> lead_shares;
  for (const auto& [name, counts] : leads) {
    std::int64_t total = 0;
    for (const auto& [member, count] : counts) total += count;
    for (const auto& [member, count] : counts) {
      lead_shares[name][member] = static_cast<double>(count) / static_cast<double>(total);
      metrics["ensembles"][name]["top_tenth_from"][member] = lead_shares[name][member];
    }
  }
  std::vector<std::string> lines;
  std::size_t width = 8;  // "detector"
  for (const auto& r : results) width = std::max(width, r.name.size());
  lines.push_back(fmt::format("{:<{}} {:>8} {:>7} {:>8} {:>9} {:>8}", "detector", width, "ROC AUC",
                              "(sd)", "PR AUC", "prec@n", "PyOD"));
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : results) {
    metrics["detectors"][r.name] = {{"roc_auc", Result::Mean(r.roc)},
                                    {"roc_auc_sd", Result::Sd(r.roc)},
                                    {"pr_auc", Result::Mean(r.pr)},
                                    {"precision_at_n", Result::Mean(r.at_n)},
                                    {"roc_auc_splits", r.roc}};
    if (std::isfinite(r.reference)) {
      metrics["detectors"][r.name]["pyod_roc_auc"] = r.reference;
      metrics["detectors"][r.name]["difference"] = Result::Mean(r.roc) - r.reference;
    }
    const std::string ref =
        std::isfinite(r.reference) ? fmt::format("{:.4f}", r.reference) : std::string("–");
    lines.push_back(fmt::format("{:<{}} {:>8.4f} {:>7.4f} {:>8.4f} {:>9.4f} {:>8}", r.name, width,
                                Result::Mean(r.roc), Result::Sd(r.roc), Result::Mean(r.pr),
                                Result::Mean(r.at_n), ref));
    rows.push_back(
        {r.name, report::Number(Result::Mean(r.roc), 4), report::Number(Result::Sd(r.roc), 4),
         report::Number(Result::Mean(r.pr), 4), report::Number(Result::Mean(r.at_n), 4), ref,
         std::isfinite(r.reference) ? fmt::format("{:+.4f}", Result::Mean(r.roc) - r.reference)
                                    : std::string("–")});
  }
  std::vector<std::pair<std::string, std::string>> choices;
  for (const auto& [name, counts] : chosen) {
    std::string text;
    for (const auto& [member, count] : counts)
      text += fmt::format("{}{} {}", text.empty() ? "" : ", ", member, count);
    lines.push_back(fmt::format("{} chose (splits of {}): {}", name, s.splits, text));
    choices.emplace_back(name + " chose (splits of " + std::to_string(s.splits) + ")", text);
  }
  for (const auto& [name, shares] : lead_shares) {
    std::string text;
    for (const auto& [member, share] : shares)
      text += fmt::format("{}{} {:.0f}%", text.empty() ? "" : ", ", member, 100 * share);
    lines.push_back(fmt::format("{}'s top tenth of test scores came from: {}", name, text));
    choices.emplace_back(name + "'s top tenth from", text);
  }
  report::HtmlPage page("Anomaly detectors on " + s.data);
  const auto best = std::max_element(
      results.begin(), results.end(),
      [](const auto& a, const auto& b) { return Result::Mean(a.roc) < Result::Mean(b.roc); });
  page.Verdict(fmt::format("{} ranks anomalies best here: mean ROC AUC {:.4f} over {} splits.",
                           best->name, Result::Mean(best->roc), s.splits));
  page.KeyValues({{"data", fmt::format("{}: {} records, {} features, {} anomalies", s.data, n,
                                       d.x.cols(), std::count(d.y.begin(), d.y.end(), 1))},
                  {"protocol", fmt::format("{} random splits, {:.0f}% to learn from, features "
                                           "standardised on it; split seed {}",
                                           s.splits, 100 * s.train, s.split_seed)}});
  if (!choices.empty()) page.KeyValues(choices);
  page.Table(
      {"detector", "ROC AUC (mean)", "sd", "PR AUC", "precision @ n", "PyOD ROC AUC", "difference"},
      rows);
  // Each detector's ROC AUC split by split, beside PyOD's mean: the spread says how much of a
  // difference is the luck of the splits.
  report::Figure spread("ROC AUC on each split", {"detector", report::Unit::kCategory},
                        {"ROC AUC"});
  std::vector<std::string> split_names, pyod_names;
  std::vector<double> split_roc, pyod;
  for (const auto& r : results) {
    split_names.insert(split_names.end(), r.roc.size(), r.name);
    split_roc.insert(split_roc.end(), r.roc.begin(), r.roc.end());
    if (std::isfinite(r.reference)) {
      pyod_names.push_back(r.name);
      pyod.push_back(r.reference);
    }
  }
  spread.Markers("finml, each split", split_names, split_roc);
  if (!pyod.empty()) spread.Markers("PyOD, mean of its splits", pyod_names, pyod);
  page.Chart(spread);
  page.Provenance(provenance);
  EnsureDirectory(dir);
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  report::WriteReport(dir + "/report.html", page);
  return lines;
}

}  // namespace finml::anomaly
