#include "finml/anomaly/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "finml/anomaly/benchmark.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/curves.hpp"
#include "finml/credit/metrics.hpp"
#include "finml/credit/table.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"
#include "finml/risk/var.hpp"

namespace finml::anomaly {
namespace {

constexpr const char* kFormat = "finml-anomaly/1";

}  // namespace

const options::Schema<FitSettings>& FitSettings::Schema() {
  static const auto schema = [] {
    using S = FitSettings;
    options::Schema<S> s;
    s.Add("data", &S::data, "CSV of records, rows in time order").Required();
    s.Add("label", &S::label, "optional 0/1 column (1 = anomaly): validation metrics");
    s.Add("features", &S::features, "feature columns (default: every numeric one but the label)");
    s.Add("detectors", &S::detectors, "detectors to fit");
    s.Add("contamination", &S::contamination, "share of the training records each threshold flags")
        .Above(0)
        .Below(0.5);
    s.Add("validation", &S::validation, "share of the last rows kept out of every fit")
        .Min(0)
        .Below(0.9);
    s.Embed(&S::detector, DetectorSettings::Schema());
    return s;
  }();
  return schema;
}

std::vector<std::string> RunAnomalyFit(const FitSettings& s, const std::string& dir,
                                       const Provenance& provenance) {
  FINML_REQUIRE(!s.detectors.empty(), "--detectors: name at least one");
  const credit::Table table = credit::LoadTable(s.data);
  std::vector<std::string> features = s.features;
  if (features.empty())
    for (const auto& c : table.columns)
      if (c.name != s.label && c.kind == credit::ColumnKind::kNumeric) features.push_back(c.name);
  FINML_REQUIRE(!features.empty(), "{}: no numeric feature column", s.data);
  const Matrix x = TableFeatures(table, features);
  std::vector<int> y;
  if (!s.label.empty()) y = TableLabels(table, s.label);
  const auto n = x.rows();
  const auto train_n =
      static_cast<Eigen::Index>(std::round((1 - s.validation) * static_cast<double>(n)));
  FINML_REQUIRE(train_n >= 10,
                "{}: {} training records are too few (fix: more records, or a "
                "smaller --validation)",
                s.data, train_n);
  const Standardizer scaler = Standardizer::Fit(x.topRows(train_n));
  const Matrix train = scaler.Apply(x.topRows(train_n));
  const Matrix held = scaler.Apply(x.bottomRows(n - train_n));
  const std::vector<int> held_y(y.begin() + std::min<std::ptrdiff_t>(train_n, y.size()), y.end());
  const bool judged = !held_y.empty() && std::count(held_y.begin(), held_y.end(), 1) > 0 &&
                      std::count(held_y.begin(), held_y.end(), 0) > 0;

  nlohmann::json model = {
      {"format", kFormat},
      {"features", features},
      {"mean", std::vector<double>(scaler.mean.data(), scaler.mean.data() + scaler.mean.size())},
      {"scale",
       std::vector<double>(scaler.scale.data(), scaler.scale.data() + scaler.scale.size())},
      {"settings", FitSettings::Schema().ToJson(s)},
      {"training", {{"path", s.data}, {"sha256", Sha256File(s.data)}, {"rows", train_n}}},
      {"detectors", nlohmann::json::array()}};
  nlohmann::json metrics = {{"data",
                             {{"path", s.data},
                              {"rows", n},
                              {"training_rows", train_n},
                              {"validation_rows", n - train_n}}},
                            {"settings", FitSettings::Schema().ToJson(s)},
                            {"provenance", provenance.ToJson()}};
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{:<10} {:>10} {:>8} {:>8} {:>9} {:>9} {:>7}", "detector",
                              "threshold", "ROC AUC", "PR AUC", "precision", "recall", "prec@k"));
  std::vector<std::vector<std::string>> rows;
  for (const auto kind : s.detectors) {
    auto detector = MakeDetector(kind, s.detector);
    detector->Fit(train);
    const Eigen::VectorXd& fitted = detector->TrainingScores();
    const std::vector<double> training(fitted.data(), fitted.data() + fitted.size());
    const double threshold = risk::Quantile(training, 1 - s.contamination);
    const std::string name(EnumName(kind));
    model["detectors"].push_back({{"name", name},
                                  {"state", detector->State()},
                                  {"threshold", threshold},
                                  {"training_scores", training}});
    nlohmann::json m = {{"threshold", threshold}};
    std::string roc = "–", pr = "–", precision = "–", recall = "–", at_k = "–";
    if (judged) {
      const Eigen::VectorXd score = detector->Score(held);
      const std::vector<double> v(score.data(), score.data() + score.size());
      double tp = 0, fp = 0, positives = 0;
      for (std::size_t i = 0; i < v.size(); ++i) {
        positives += held_y[i];
        if (v[i] > threshold) (held_y[i] == 1 ? tp : fp) += 1;
      }
      m["roc_auc"] = credit::RocAuc(held_y, v);
      m["pr_auc"] = credit::AveragePrecision(held_y, v);
      m["precision_at_k"] = PrecisionAtN(held_y, v);
      m["precision"] = tp + fp > 0 ? tp / (tp + fp) : 0.0;
      m["recall"] = tp / positives;
      m["flagged"] = tp + fp;
      roc = fmt::format("{:.4f}", m["roc_auc"].get<double>());
      pr = fmt::format("{:.4f}", m["pr_auc"].get<double>());
      precision = fmt::format("{:.4f}", m["precision"].get<double>());
      recall = fmt::format("{:.4f}", m["recall"].get<double>());
      at_k = fmt::format("{:.4f}", m["precision_at_k"].get<double>());
    }
    metrics["detectors"][name] = m;
    lines.push_back(fmt::format("{:<10} {:>10.4g} {:>8} {:>8} {:>9} {:>9} {:>7}", name, threshold,
                                roc, pr, precision, recall, at_k));
    rows.push_back({name, report::Number(threshold, 4), roc, pr, precision, recall, at_k});
  }
  report::HtmlPage page("Anomaly detectors fitted on " + s.data);
  page.Verdict(judged
                   ? fmt::format("Fitted on the first {} rows, judged on the last {} (never seen "
                                 "by any fit). Each threshold flags {:.1f}% of the training "
                                 "records.",
                                 train_n, n - train_n, 100 * s.contamination)
                   : fmt::format("Fitted on the first {} rows; no labelled validation rows with "
                                 "both classes, so no accuracy is measured.",
                                 train_n));
  page.Table({"detector", "threshold", "ROC AUC", "PR AUC", "precision", "recall", "precision @ k"},
             rows);
  page.Provenance(provenance);
  EnsureDirectory(dir);
  WriteFileAtomic(dir + "/model.json", model.dump() + "\n");
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  report::WriteReport(dir + "/report.html", page);
  return lines;
}

std::size_t RunAnomalyScore(const std::string& model_dir, const std::string& input,
                            const std::string& out) {
  const std::string path = model_dir + "/model.json";
  FINML_REQUIRE(std::filesystem::is_regular_file(path),
                "{}: no model.json there (fix: a directory from finml anomaly fit)", model_dir);
  nlohmann::json model;
  try {
    model = nlohmann::json::parse(ReadFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("{}: not JSON ({})", path, e.what()));
  }
  FINML_REQUIRE(model.is_object() && model.value("format", "") == kFormat,
                "{}: not a finml anomaly model (format {} expected)", path, kFormat);
  std::vector<std::string> features;
  Standardizer scaler;
  struct Fitted {
    std::string name;
    std::unique_ptr<Detector> detector;
    double threshold = 0;
    Eigen::VectorXd training;
  };
  std::vector<Fitted> fitted;
  try {
    features = model.at("features").get<std::vector<std::string>>();
    const auto mean = model.at("mean").get<std::vector<double>>();
    const auto scale = model.at("scale").get<std::vector<double>>();
    FINML_REQUIRE(mean.size() == features.size() && scale.size() == features.size(),
                  "{}: the scaler does not match the features", path);
    scaler.mean =
        Eigen::Map<const Eigen::RowVectorXd>(mean.data(), static_cast<Eigen::Index>(mean.size()));
    scaler.scale =
        Eigen::Map<const Eigen::RowVectorXd>(scale.data(), static_cast<Eigen::Index>(scale.size()));
    const DetectorSettings settings;
    for (const auto& d : model.at("detectors")) {
      Fitted f;
      f.name = d.at("name").get<std::string>();
      f.detector = MakeDetector(ParseEnum<DetectorKind>(f.name), settings);
      f.detector->Load(d.at("state"));
      f.threshold = d.at("threshold").get<double>();
      const auto training = d.at("training_scores").get<std::vector<double>>();
      f.training = Eigen::Map<const Eigen::VectorXd>(training.data(),
                                                     static_cast<Eigen::Index>(training.size()));
      FINML_REQUIRE(f.training.size() > 0, "{}: {} has no training scores", path, f.name);
      fitted.push_back(std::move(f));
    }
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("{}: incomplete ({}; fix: fit it again)", path, e.what()));
  }
  FINML_REQUIRE(!fitted.empty(), "{}: no detectors", path);
  const credit::Table table = credit::LoadTable(input);
  const Matrix x = scaler.Apply(TableFeatures(table, features));
  std::vector<Eigen::VectorXd> scores;
  std::string csv = "row";
  for (const auto& f : fitted) csv += fmt::format(",{0}_score,{0}_anomaly", f.name);
  if (fitted.size() > 1) csv += ",avg_rank";
  csv += "\n";
  Eigen::VectorXd rank_sum = Eigen::VectorXd::Zero(x.rows());
  for (const auto& f : fitted) {
    scores.push_back(f.detector->Score(x));
    rank_sum += RankAmong(f.training, scores.back());
  }
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    csv += std::to_string(r + 1);
    for (std::size_t k = 0; k < fitted.size(); ++k)
      csv += fmt::format(",{:.10g},{}", scores[k][r], scores[k][r] > fitted[k].threshold ? 1 : 0);
    if (fitted.size() > 1)
      csv += fmt::format(",{:.6f}", rank_sum[r] / static_cast<double>(fitted.size()));
    csv += "\n";
  }
  WriteFileAtomic(out, csv);
  return static_cast<std::size_t>(x.rows());
}

}  // namespace finml::anomaly
