#include "finml/credit/outputs.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <numeric>

#include "finml/core/build_info.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/sha256.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/eval/drift.hpp"
#include "finml/report/html_page.hpp"
#include "report_page.hpp"

namespace finml::credit {
namespace {

std::string Csv(const std::string& s) { return CsvField(s); }

// What a batch or a server judges drift against: every model input and the out-of-fold
// probabilities, as decile bins (PSI) and quantiles (KS).
nlohmann::json StabilityReference(const Table& t, const std::vector<std::string>& features,
                                  const std::vector<double>& scores) {
  nlohmann::json ref = nlohmann::json::object();
  ref["score"] = eval::NumericReference(scores);
  nlohmann::json fs = nlohmann::json::object();
  for (const auto& name : features) {
    const Column& c = t.Get(name);
    fs[name] = c.kind == ColumnKind::kNumeric ? eval::NumericReference(c.numbers)
                                              : eval::CategoricalReference(c.labels);
  }
  ref["features"] = fs;
  return ref;
}

std::vector<std::string> CategoricalColumns(const nlohmann::json& manifest) {
  return manifest.at("settings").value("categorical", std::vector<std::string>{});
}

}  // namespace

nlohmann::json CreditMetricsJson(const CreditRun& run, const CreditInputs& inputs) {
  nlohmann::json folds = nlohmann::json::array();
  for (const auto& m : run.fold_metrics) folds.push_back(m.ToJson());
  nlohmann::json calibration = nlohmann::json::array();
  for (const auto& b : run.calibration)
    calibration.push_back({{"lower", b.lower},
                           {"upper", b.upper},
                           {"count", b.count},
                           {"mean_predicted", b.mean_predicted},
                           {"observed_rate", b.observed_rate}});
  nlohmann::json importance = nlohmann::json::object();
  for (const auto& [name, v] : run.permutation_importance) importance[name] = v;
  nlohmann::json iv = nlohmann::json::object();
  for (const auto& [name, v] : run.information_value) iv[name] = v;
  nlohmann::json j = {
      {"model", run.config.model},
      {"target", {{"column", run.target.column}, {"positive", run.target.positive}}},
      {"rows", run.target.y.size()},
      {"features", run.features.size()},
      {"cv",
       {{"mode", run.config.holdout > 0 ? "holdout" : "stratified_kfold"},
        {"folds", run.fold_metrics.size()},
        {"auc_mean", run.auc_mean},
        {"auc_std", run.auc_std},
        {"ks_mean", run.ks_mean},
        {"gini_mean", run.gini_mean},
        {"brier_mean", run.brier_mean},
        {"log_loss_mean", run.log_loss_mean},
        {"per_fold", folds},
        {"pooled_out_of_fold", run.pooled.ToJson()}}},
      {"calibration", calibration},
      {"permutation_importance", importance},
      {"information_value", iv},
      {"warnings", run.warnings},
      {"unseen_categories_in_validation", run.unseen_categories},
      {"settings", run.config.ToJson()},
      {"provenance", inputs.provenance.ToJson()}};
  if (run.fairness) {
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : run.fairness->groups)
      groups.push_back({{"group", g.group},
                        {"n", g.n},
                        {"approval_rate", g.approval_rate},
                        {"tpr", g.tpr},
                        {"fpr", g.fpr},
                        {"good_approval", g.good_approval},
                        {"auc", g.auc ? nlohmann::json(*g.auc) : nlohmann::json()}});
    j["fairness"] = {{"column", run.fairness->column},
                     {"groups", groups},
                     {"disparate_impact", run.fairness->disparate_impact},
                     {"equal_opportunity_difference", run.fairness->equal_opportunity_difference}};
  }
  return j;
}

std::vector<std::string> WriteCreditRun(const CreditRun& run, const Table& t,
                                        const std::string& dir, const CreditInputs& inputs) {
  EnsureDirectory(dir);
  std::vector<std::string> files;
  auto write = [&](const std::string& name, const std::string& text) {
    WriteFileAtomic(dir + "/" + name, text);
    files.push_back(name);
  };
  write("metrics.json", CreditMetricsJson(run, inputs).dump(2) + "\n");
  std::string oof = "row,fold,y,probability,score\n";
  for (std::size_t i = 0; i < run.oof.size(); ++i) {
    if (std::isnan(run.oof[i])) continue;
    oof += fmt::format("{},{},{},{},{:.2f}\n", i + 1, run.fold[i], run.target.y[i], run.oof[i],
                       run.config.scale.Score(run.oof[i]));
  }
  write("oof_predictions.csv", oof);
  const auto card = run.final_model.Scorecard(run.config.scale);
  if (!card.empty()) {
    std::string csv = "feature,bin,woe,points\n";
    for (const auto& row : card)
      csv += fmt::format("{},{},{},{}\n", Csv(row[0]), Csv(row[1]), row[2], row[3]);
    write("scorecard.csv", csv);
  }
  report::WriteReport(dir + "/report.html", CreditReportPage(run, t, inputs));
  files.insert(files.end(), {"report.html", report::ChartLibraryName()});
  const std::string model_dir = dir + "/model";
  run.final_model.Save(model_dir);
  nlohmann::json manifest = {
      {"format", "finml-credit/1"},
      {"model", run.config.model},
      {"settings", run.config.ToJson()},
      {"target", {{"column", run.target.column}, {"positive", run.target.positive}}},
      {"features", run.features},
      {"training",
       {{"data", inputs.data().path},
        {"sha256", inputs.data().sha256},
        {"rows", t.rows},
        {"seed", run.config.seed}}},
      {"cv",
       {{"auc_mean", run.auc_mean},
        {"auc_std", run.auc_std},
        {"ks_mean", run.ks_mean},
        {"gini_mean", run.gini_mean},
        {"brier_mean", run.brier_mean}}},
      {"describe", run.final_model.Describe()},
      {"stability_reference", StabilityReference(t, run.features,
                                                 [&] {
                                                   // Out-of-fold scores: in-sample ones of flexible
                                                   // models crowd near 0 and 1, and a new batch
                                                   // would look shifted with no drift at all.
                                                   std::vector<double> oof;
                                                   for (double p : run.oof)
                                                     if (!std::isnan(p)) oof.push_back(p);
                                                   return oof;
                                                 }())},
      {"provenance", inputs.provenance.ToJson()}};
  WriteFileAtomic(model_dir + "/model.json", manifest.dump(2) + "\n");
  files.push_back("model/");
  return files;
}

CreditManifest ReadCreditManifest(const std::string& model_dir) {
  CreditManifest m;
  m.dir = model_dir;
  if (!std::filesystem::exists(m.dir + "/model.json") &&
      std::filesystem::exists(m.dir + "/model/model.json"))
    m.dir += "/model";
  const std::string path = m.dir + "/model.json";
  FINML_REQUIRE(std::filesystem::exists(path),
                "{}: no model.json here (fix: pass the directory `finml credit train` wrote)",
                model_dir);
  m.json = JsonReader::Parse(ReadFile(path), path);
  const JsonReader manifest(m.json, path);
  if (manifest["format"].String() != "finml-credit/1")
    manifest["format"].Fail("is not finml-credit/1: this is not a finml credit model");
  if (!manifest["settings"].raw().is_object()) manifest["settings"].Fail("must be an object");
  m.settings = ParseCreditConfig(ConfigNode::FromJson(m.json["settings"], path + ": settings"));
  (void)manifest["features"].Strings(100000);
  (void)manifest["model"].String();
  for (const char* key : {"target", "training", "cv"})
    if (!manifest[key].raw().is_object()) manifest[key].Fail("must be an object");
  const auto reference = manifest["stability_reference"];
  eval::CheckReference(reference["score"]);
  if (!reference["features"].raw().is_object())
    reference["features"].Fail("must map features to references");
  for (const auto& [name, spec] : reference["features"].raw().items())
    eval::CheckReference(reference["features"][name]);
  return m;
}

namespace {

// The cells of `columns` exactly as written ("00042" stays "00042", a 20-digit number keeps its
// digits), whatever the table made of them: ids are copied, never interpreted.
std::vector<std::vector<std::string>> RawCells(
    const std::string& text, const std::string& file, const std::vector<std::string>& columns,
    const std::vector<std::pair<std::string, std::string>>& rename) {
  data::CsvReader reader(file, text);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> out(columns.size());
  if (!reader.Next(fields)) return out;
  std::vector<std::size_t> index(columns.size(), fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string name = Trim(fields[i]);
    if (i == 0 && name.rfind("\xef\xbb\xbf", 0) == 0) name.erase(0, 3);
    for (const auto& [from, to] : rename) {
      if (name == from) {
        name = to;
        break;
      }
    }
    for (std::size_t k = 0; k < columns.size(); ++k)
      if (columns[k] == name) index[k] = i;
  }
  while (reader.Next(fields))
    for (std::size_t k = 0; k < columns.size(); ++k)
      out[k].emplace_back(index[k] < fields.size() ? Trim(fields[index[k]]) : std::string());
  return out;
}

}  // namespace

ScoreSummary ScoreFile(const std::string& model_dir, const std::string& input_csv,
                       const std::string& out_csv, const ScoreOptions& options) {
  const CreditManifest saved = ReadCreditManifest(model_dir);
  const auto& manifest = saved.json;
  const auto model = CreditModel::Load(saved.dir, manifest);
  // Columns the model treats as categories are read as text whatever they look like in this batch
  // ("007" must stay "007", not become the number 7).
  std::vector<std::string> categorical = CategoricalColumns(manifest);
  for (const auto& spec : model.Preprocessing().Features())
    if (spec.kind == ColumnKind::kCategorical) categorical.push_back(spec.name);
  // A batch with the training file's names gets the training's rename; one already renamed is
  // read as it is.
  const std::string text = ReadFile(input_csv);
  std::vector<std::pair<std::string, std::string>> rename;
  {
    data::CsvReader header(input_csv, text);
    std::vector<std::string_view> fields;
    if (header.Next(fields)) {
      for (const auto& [from, to] : saved.settings.rename)
        for (auto f : fields)
          if (Trim(f) == from) rename.emplace_back(from, to);
    }
  }
  const Table t = ParseTable(text, input_csv, categorical, rename);
  const ScorecardScale& scale = saved.settings.scale;
  const auto& names = model.FeatureNames();
  for (const auto& name : names) (void)t.Get(name);  // a missing column: clear error
  ScoreSummary s;
  s.rows = t.rows;
  s.threshold = saved.settings.threshold;
  s.id_columns = options.id_columns;
  if (s.id_columns.empty()) {
    for (const auto& c : t.columns)
      if (ToLower(c.name) == "id") s.id_columns.push_back(c.name);
  }
  for (const auto& id : s.id_columns) (void)t.Get(id);  // an unknown one: the closest name
  const auto ids = RawCells(text, input_csv, s.id_columns, rename);
  for (const auto& c : t.columns) {
    const bool input = std::find(names.begin(), names.end(), c.name) != names.end();
    const bool id =
        std::find(s.id_columns.begin(), s.id_columns.end(), c.name) != s.id_columns.end();
    if (input || id) continue;
    s.unused.push_back(c.name);
    if (c.name == saved.settings.protected_column) s.protected_column = c.name;
  }
  std::vector<std::size_t> rows(t.rows);
  std::iota(rows.begin(), rows.end(), 0);
  const auto p = model.Predict(t, rows, &s.unseen_categories);
  const auto contrib = model.Contributions(t, rows);
  const std::size_t f = names.size();
  std::string out = "row";
  for (const auto& id : s.id_columns) out += "," + Csv(id);
  out += ",probability,score,decision";
  for (std::size_t k = 0; k < options.reasons; ++k) out += fmt::format(",reason_{}", k + 1);
  out += '\n';
  for (std::size_t i = 0; i < t.rows; ++i) {
    out += std::to_string(i + 1);
    for (const auto& column : ids) {
      out += ',';
      out += Csv(i < column.size() ? column[i] : std::string());
    }
    // A probability that is not finite must never read as "approve".
    const bool decline = !(p[i] < s.threshold);
    s.declined += decline ? 1 : 0;
    out += fmt::format(",{},{:.2f},{}", p[i], scale.Score(p[i]), decline ? "decline" : "approve");
    const auto top = TopReasons(contrib, i, f, options.reasons);
    for (std::size_t k = 0; k < options.reasons; ++k) {
      out += ',';
      if (k < top.size())
        out += Csv(fmt::format("{} (+{:.3f})", names[top[k].first], top[k].second));
    }
    out += '\n';
  }
  WriteFileAtomic(out_csv, out);
  const auto& ref = manifest.at("stability_reference");
  s.score_drift = eval::NumericDrift(ref.at("score"), p);
  s.score_drift.sampling_level = eval::PsiSamplingLevel(ref.at("score"), s.score_drift.count);
  s.score_psi = s.score_drift.psi;
  for (const auto& [name, spec] : ref.at("features").items()) {
    const Column& c = t.Get(name);
    if (c.kind == ColumnKind::kNumeric) {
      const auto d = eval::NumericDrift(spec, c.numbers);
      if (d.count > 0) s.feature_psi.emplace_back(name, d.psi);
    } else {
      s.feature_psi.emplace_back(name, eval::CategoricalDrift(spec, c.labels).psi);
    }
  }
  std::stable_sort(s.feature_psi.begin(), s.feature_psi.end(),
                   [](const auto& x, const auto& y) { return x.second > y.second; });
  return s;
}

}  // namespace finml::credit
