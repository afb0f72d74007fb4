#include "finml/anomaly/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include "anomaly/fraud_features.hpp"
#include "finml/anomaly/benchmark.hpp"
#include "finml/anomaly/ensemble.hpp"
#include "finml/anomaly/fraud.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/sha256.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/curves.hpp"
#include "finml/credit/metrics.hpp"
#include "finml/credit/table.hpp"
#include "finml/report/figure.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"
#include "finml/risk/var.hpp"

namespace finml::anomaly {
namespace {

constexpr const char* kFormat = "finml-anomaly/1";

// The threshold that minimises fp_cost x false alarms + fn_cost x misses (flag score > t);
// +inf flags nothing.
double CheapestThreshold(const std::vector<int>& y, const std::vector<double>& score,
                         double fp_cost, double fn_cost) {
  const double level = CheapestLevel(y, score, fp_cost, std::vector<double>(y.size(), fn_cost));
  // Just below the level, so that "score > threshold" flags it.
  return std::isinf(level) ? level
                           : std::nextafter(level, -std::numeric_limits<double>::infinity());
}

// Per period (time / period, rounded down) the k highest scores; ties by row order.
std::vector<int> TopKFlags(const Eigen::VectorXd& score, const std::vector<std::int64_t>& time,
                           std::int64_t period, std::int64_t k) {
  std::map<std::int64_t, std::vector<Eigen::Index>> periods;
  for (Eigen::Index r = 0; r < score.size(); ++r) {
    const std::int64_t t = time[static_cast<std::size_t>(r)];
    periods[t >= 0 ? t / period : -((-t + period - 1) / period)].push_back(r);
  }
  std::vector<int> flag(static_cast<std::size_t>(score.size()), 0);
  for (auto& [p, rows] : periods) {
    std::stable_sort(rows.begin(), rows.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return score[a] > score[b]; });
    for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(k); ++i)
      flag[static_cast<std::size_t>(rows[i])] = 1;
  }
  return flag;
}

}  // namespace

struct AnomalyModel::State {
  nlohmann::json document;  // as loaded: settings, training provenance
  std::vector<std::string> features;
  Standardizer scaler;
  struct Member {
    std::string name;
    std::unique_ptr<Detector> detector;
    double threshold = 0;
    Eigen::VectorXd training;  // scores the threshold and the ranks calibrate on
  };
  std::vector<Member> members;
  // Decided at the fit from the members' training scores; kept as decided through updates.
  std::vector<Ensemble> ensembles;
  DecisionRule rule = DecisionRule::kContamination;
  double contamination = 0.05;
  std::string time;
  std::int64_t period = 86400, top_k = 10;
};

const options::Schema<FitSettings>& FitSettings::Schema() {
  static const auto schema = [] {
    using S = FitSettings;
    options::Schema<S> s;
    s.Add("data", &S::data, "CSV of records, rows in time order").Required();
    s.Add("label", &S::label, "optional 0/1 column (1 = anomaly): validation metrics");
    s.Add("features", &S::features,
          "feature columns (default: every numeric one but the label and time)");
    s.Add("detectors", &S::detectors, "detectors to fit");
    s.Add("ensembles", &S::ensembles,
          "ensembles of the detectors (with 2 or more), each decided on the training scores "
          "alone: avg_rank, max_z, max_robust_z, select");
    s.Add("rule", &S::rule, "how scores become decisions: contamination, cost or top_k");
    s.Add("contamination", &S::contamination,
          "contamination rule: share of the training records each threshold flags")
        .Above(0)
        .Below(0.5);
    s.Add("fp_cost", &S::fp_cost, "cost rule: cost of a false alarm").Min(0);
    s.Add("fn_cost", &S::fn_cost, "cost rule: cost of a missed anomaly").Min(0);
    s.Add("top_k", &S::top_k, "top_k rule: records flagged per period").Min(1);
    s.Add("time", &S::time, "top_k rule: the time column (ISO 8601 or seconds since 1970)");
    s.Add("period", &S::period, "top_k rule: the period (1h, 1d, 7d)");
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
  FINML_REQUIRE(s.rule != DecisionRule::kCost || !s.label.empty(),
                "--rule cost chooses the threshold on labelled validation rows (fix: --label "
                "COLUMN, or another --rule)");
  FINML_REQUIRE(s.rule != DecisionRule::kTopK || !s.time.empty(),
                "--rule top_k flags the highest scores of each period (fix: --time COLUMN)");
  const std::int64_t period = ParseWindow(s.period, "--period");
  const credit::Table table = credit::LoadTable(s.data);
  std::vector<std::string> features = s.features;
  if (features.empty())
    for (const auto& c : table.columns)
      if (c.name != s.label && c.name != s.time && c.kind == credit::ColumnKind::kNumeric)
        features.push_back(c.name);
  FINML_REQUIRE(!features.empty(), "{}: no numeric feature column", s.data);
  const Matrix x = TableFeatures(table, features);
  std::vector<std::string> warnings;
  for (const auto& column : IdLikeColumns(table, features))
    warnings.push_back(fmt::format(
        "column '{}' rises with every row, like an id or a time; it is a feature, so every later "
        "record lies outside the training range (fix: --features without it, or --time {} for "
        "a time)",
        column, column));
  std::vector<int> y;
  if (!s.label.empty()) y = TableLabels(table, s.label);
  std::vector<std::int64_t> time;
  if (!s.time.empty()) time = ReadTimes(table, s.time);
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
  const std::vector<std::int64_t> held_time(
      time.begin() + std::min<std::ptrdiff_t>(train_n, time.size()), time.end());
  const bool judged = !held_y.empty() && std::count(held_y.begin(), held_y.end(), 1) > 0 &&
                      std::count(held_y.begin(), held_y.end(), 0) > 0;
  FINML_REQUIRE(s.rule != DecisionRule::kCost || judged,
                "{}: the validation rows need both classes for --rule cost (fix: a larger "
                "--validation, or another --rule)",
                s.data);

  nlohmann::json model = {
      {"format", kFormat},
      {"provenance", provenance.ToJson()},
      {"features", features},
      {"mean", ToVector(scaler.mean.transpose())},
      {"scale", ToVector(scaler.scale.transpose())},
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
  if (!warnings.empty()) metrics["warnings"] = warnings;
  std::vector<std::string> lines;
  for (const auto& w : warnings) lines.push_back("warning: " + w);
  std::vector<std::vector<std::string>> rows;
  // One chart per detector: their scores live on scales orders of magnitude apart.
  std::vector<report::Figure> distributions;
  Matrix fitted_scores(train_n, static_cast<Eigen::Index>(s.detectors.size())),
      held_scores(held.rows(), static_cast<Eigen::Index>(s.detectors.size()));
  std::vector<Eigen::VectorXd> training_scores;
  // Each row of the table and the terminal: ROC AUC, PR AUC and precision@k on the held rows.
  const auto judge_held = [&](const std::vector<double>& v, nlohmann::json& m) {
    m["roc_auc"] = credit::RocAuc(held_y, v);
    m["pr_auc"] = credit::AveragePrecision(held_y, v);
    m["precision_at_k"] = PrecisionAtN(held_y, v);
  };
  for (const auto kind : s.detectors) {
    ThrowIfCancelled();  // from Python: Ctrl-C stops the fit between detectors
    auto detector = MakeDetector(kind, s.detector);
    detector->Fit(train);
    const Eigen::VectorXd& fitted = detector->TrainingScores();
    const std::vector<double> training = ToVector(fitted);
    const Eigen::VectorXd score = held.rows() > 0 ? detector->Score(held) : Eigen::VectorXd();
    const std::vector<double> v = ToVector(score);
    const auto column = static_cast<Eigen::Index>(training_scores.size());
    fitted_scores.col(column) = fitted;
    if (held.rows() > 0) held_scores.col(column) = score;
    training_scores.push_back(fitted);
    double threshold = risk::Quantile(training, 1 - s.contamination);
    if (s.rule == DecisionRule::kCost)
      threshold = CheapestThreshold(held_y, v, s.fp_cost, s.fn_cost);
    const std::string name(EnumName(kind));
    model["detectors"].push_back(
        {{"name", name},
         {"state", detector->State()},
         {"threshold", std::isinf(threshold) ? nlohmann::json(nullptr) : nlohmann::json(threshold)},
         {"training_scores", training}});
    nlohmann::json m = {
        {"threshold", std::isinf(threshold) ? nlohmann::json(nullptr) : nlohmann::json(threshold)}};
    std::vector<int> flag(v.size());
    if (s.rule == DecisionRule::kTopK)
      flag = TopKFlags(score, held_time, period, s.top_k);
    else
      for (std::size_t i = 0; i < v.size(); ++i) flag[i] = v[i] > threshold ? 1 : 0;
    const auto flagged = std::count(flag.begin(), flag.end(), 1);
    m["flagged"] = flagged;
    std::string roc = "–", pr = "–", precision = "–", recall = "–", at_k = "–", cost = "–";
    if (judged) {
      double tp = 0, fp = 0, positives = 0;
      for (std::size_t i = 0; i < v.size(); ++i) {
        positives += held_y[i];
        if (flag[i] == 1) (held_y[i] == 1 ? tp : fp) += 1;
      }
      judge_held(v, m);
      // The precision of no alarms is undefined, not 0: a reader must not take it for a detector
      // whose every alarm was false.
      m["precision"] = tp + fp > 0 ? nlohmann::json(tp / (tp + fp)) : nlohmann::json(nullptr);
      if (flagged == 0) {
        warnings.push_back(fmt::format(
            "{} flags none of the {} validation rows: its threshold lies above all their scores, "
            "so its precision is undefined (the fit takes the first rows: is the file sorted by "
            "label rather than by time?)",
            name, v.size()));
        lines.push_back("warning: " + warnings.back());
        metrics["warnings"] = warnings;
      }
      m["recall"] = tp / positives;
      m["cost"] = s.fp_cost * fp + s.fn_cost * (positives - tp);
      roc = fmt::format("{:.4f}", m["roc_auc"].get<double>());
      pr = fmt::format("{:.4f}", m["pr_auc"].get<double>());
      if (!m["precision"].is_null())
        precision = fmt::format("{:.4f}", m["precision"].get<double>());
      recall = fmt::format("{:.4f}", m["recall"].get<double>());
      at_k = fmt::format("{:.4f}", m["precision_at_k"].get<double>());
      cost = fmt::format("{:g}", m["cost"].get<double>());
    }
    metrics["detectors"][name] = m;
    const std::string shown =
        s.rule == DecisionRule::kTopK
            ? "top " + std::to_string(s.top_k)
            : (std::isinf(threshold) ? "none" : fmt::format("{:.4g}", threshold));
    rows.push_back({name, shown, roc, pr, precision, recall, at_k, std::to_string(flagged)});
    // The costs mean something only where they chose the threshold.
    if (s.rule == DecisionRule::kCost) rows.back().push_back(cost);
    if (!v.empty()) {
      report::Figure chart(name + ": scores of the validation records", {"score"}, {"density"});
      if (judged) {
        std::vector<double> normal, anomalous;
        for (std::size_t i = 0; i < v.size(); ++i)
          (held_y[i] == 1 ? anomalous : normal).push_back(v[i]);
        chart.Histogram("normal", normal).Histogram("anomalies", anomalous);
      } else {
        chart.Histogram("all", v);
      }
      if (s.rule != DecisionRule::kTopK && std::isfinite(threshold))
        chart.VerticalLine(threshold, "threshold");
      distributions.push_back(std::move(chart));
    }
  }
  // The ensembles decide on the training scores alone: the held rows and labels choose nothing.
  if (s.detectors.size() > 1) {
    model["ensembles"] = nlohmann::json::array();
    for (const auto kind : s.ensembles) {
      const Ensemble ensemble = Ensemble::Fit(kind, fitted_scores);
      const std::string name(EnumName(kind));
      std::vector<std::string> members;
      for (const Eigen::Index d : ensemble.Members())
        members.emplace_back(EnumName(s.detectors[static_cast<std::size_t>(d)]));
      model["ensembles"].push_back(
          {{"name", name}, {"members", members}, {"state", ensemble.State()}});
      nlohmann::json m = {{"members", members}};
      std::string roc = "–", pr = "–", at_k = "–";
      if (judged) {
        judge_held(ToVector(ensemble.Score(training_scores, held_scores)), m);
        roc = fmt::format("{:.4f}", m["roc_auc"].get<double>());
        pr = fmt::format("{:.4f}", m["pr_auc"].get<double>());
        at_k = fmt::format("{:.4f}", m["precision_at_k"].get<double>());
      }
      metrics["ensembles"][name] = m;
      const std::string shown = members.size() == s.detectors.size()
                                    ? name + " (all)"
                                    : name + " (" + JoinStrings(members, "+") + ")";
      rows.push_back({shown, "–", roc, pr, "–", "–", at_k, "–"});
      if (s.rule == DecisionRule::kCost) rows.back().push_back("–");
    }
  }
  // The terminal shows the report's table; its first column is as wide as its longest name (an
  // ensemble's members can make it long).
  std::size_t name_width = std::string_view("detector").size();
  for (const auto& row : rows) name_width = std::max(name_width, row[0].size());
  const auto terminal_row = [&](const std::vector<std::string>& r) {
    return fmt::format("{:<{}} {:>10} {:>8} {:>8} {:>9} {:>9} {:>7} {:>8}", r[0], name_width, r[1],
                       r[2], r[3], r[4], r[5], r[6], r[7]);
  };
  lines.push_back(terminal_row(
      {"detector", "threshold", "ROC AUC", "PR AUC", "precision", "recall", "prec@k", "flagged"}));
  for (const auto& row : rows) lines.push_back(terminal_row(row));
  const std::string rule_text =
      s.rule == DecisionRule::kContamination
          ? fmt::format(
                "each threshold is the {:.1f}% quantile of the training records' "
                "scores, so it flags at most {:.1f}% of them (fewer where many share a "
                "score, as in a histogram's bins)",
                100 * (1 - s.contamination), 100 * s.contamination)
      : s.rule == DecisionRule::kCost
          ? fmt::format(
                "each threshold minimises the cost on the validation rows (a false "
                "alarm costs {:g}, a miss {:g}), so its precision and recall there "
                "are optimistic",
                s.fp_cost, s.fn_cost)
          : fmt::format("the {} highest score{} of each {} period {} flagged", s.top_k,
                        s.top_k == 1 ? "" : "s", s.period, s.top_k == 1 ? "is" : "are");
  report::HtmlPage page("Anomaly detectors fitted on " + s.data);
  page.Verdict(judged ? fmt::format("Fitted on the first {} rows, judged on the last {} (never "
                                    "seen by any fit); {}.",
                                    train_n, n - train_n, rule_text)
                      : fmt::format("Fitted on the first {} rows; {}. No labelled validation rows "
                                    "with both classes, so no accuracy is measured.",
                                    train_n, rule_text));
  for (const auto& w : warnings) page.Warning(w);
  std::vector<std::string> header = {"detector",  "threshold", "ROC AUC",       "PR AUC",
                                     "precision", "recall",    "precision @ k", "flagged"};
  if (s.rule == DecisionRule::kCost)
    header.push_back(fmt::format("cost ({:g} a false alarm, {:g} a miss)", s.fp_cost, s.fn_cost));
  page.Table(header, rows);
  for (const auto& chart : distributions) page.Chart(chart);
  page.Provenance(provenance);
  EnsureDirectory(dir);
  WriteFileAtomic(dir + "/model.json", model.dump() + "\n");
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  report::WriteReport(dir + "/report.html", page);
  return lines;
}

AnomalyModel::AnomalyModel() : state_(std::make_unique<State>()) {}
AnomalyModel::~AnomalyModel() = default;
AnomalyModel::AnomalyModel(AnomalyModel&&) noexcept = default;
AnomalyModel& AnomalyModel::operator=(AnomalyModel&&) noexcept = default;

AnomalyModel AnomalyModel::Load(const std::string& dir) {
  const std::string path = dir + "/model.json";
  FINML_REQUIRE(std::filesystem::is_regular_file(path),
                "{}: no model.json there (fix: a directory from finml anomaly fit)", dir);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(ReadFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("{}: not JSON ({})", path, e.what()));
  }
  FINML_REQUIRE(doc.is_object() && doc.value("format", "") == kFormat,
                "{}: not a finml anomaly model (format {} expected)", path, kFormat);
  AnomalyModel model;
  State& st = *model.state_;
  try {
    st.features = doc.at("features").get<std::vector<std::string>>();
    const auto mean = doc.at("mean").get<std::vector<double>>();
    const auto scale = doc.at("scale").get<std::vector<double>>();
    FINML_REQUIRE(mean.size() == st.features.size() && scale.size() == st.features.size(),
                  "{}: the scaler does not match the features", path);
    st.scaler.mean =
        Eigen::Map<const Eigen::RowVectorXd>(mean.data(), static_cast<Eigen::Index>(mean.size()));
    st.scaler.scale =
        Eigen::Map<const Eigen::RowVectorXd>(scale.data(), static_cast<Eigen::Index>(scale.size()));
    const auto& settings = doc.at("settings");
    st.rule = ParseEnum<DecisionRule>(settings.value("rule", std::string("contamination")));
    st.contamination = settings.value("contamination", 0.05);
    st.time = settings.value("time", std::string());
    st.top_k = settings.value("top_k", std::int64_t{10});
    st.period = ParseWindow(settings.value("period", std::string("1d")), path + " period");
    FINML_REQUIRE(st.contamination > 0 && st.contamination < 0.5 && st.top_k >= 1,
                  "{}: contamination or top_k out of range", path);
    const DetectorSettings defaults;
    for (const auto& d : doc.at("detectors")) {
      State::Member m;
      m.name = d.at("name").get<std::string>();
      m.detector = MakeDetector(ParseEnum<DetectorKind>(m.name), defaults);
      m.detector->Load(d.at("state"));
      m.threshold = d.at("threshold").is_null() ? std::numeric_limits<double>::infinity()
                                                : d.at("threshold").get<double>();
      const auto training = d.at("training_scores").get<std::vector<double>>();
      m.training = Eigen::Map<const Eigen::VectorXd>(training.data(),
                                                     static_cast<Eigen::Index>(training.size()));
      FINML_REQUIRE(m.training.size() > 0, "{}: {} has no training scores", path, m.name);
      st.members.push_back(std::move(m));
    }
    const auto detectors = static_cast<Eigen::Index>(st.members.size());
    if (doc.contains("ensembles")) {
      for (const auto& e : doc.at("ensembles"))
        st.ensembles.push_back(Ensemble::Load(
            ParseEnum<EnsembleKind>(e.at("name").get<std::string>()), e.at("state"), detectors));
    } else if (detectors > 1) {
      // Models from before ensembles were saved: the rank ensemble they scored with.
      Ensemble rank;
      rank.weight = Eigen::VectorXd::Constant(detectors, 1.0 / static_cast<double>(detectors));
      rank.centre = Eigen::VectorXd::Zero(detectors);
      rank.scale = Eigen::VectorXd::Ones(detectors);
      st.ensembles.push_back(rank);
    }
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("{}: incomplete ({}; fix: fit it again)", path, e.what()));
  }
  FINML_REQUIRE(!st.members.empty(), "{}: no detectors", path);
  st.document = std::move(doc);
  return model;
}

const std::vector<std::string>& AnomalyModel::Features() const { return state_->features; }
std::vector<std::string> AnomalyModel::EnsembleNames() const {
  std::vector<std::string> names;
  for (const auto& e : state_->ensembles) names.push_back(EnumName(e.kind));
  return names;
}
std::vector<std::string> AnomalyModel::DetectorNames() const {
  std::vector<std::string> names;
  for (const auto& m : state_->members) names.push_back(m.name);
  return names;
}
DecisionRule AnomalyModel::Rule() const { return state_->rule; }
const std::string& AnomalyModel::TimeColumn() const { return state_->time; }
std::int64_t AnomalyModel::PeriodSeconds() const { return state_->period; }
std::int64_t AnomalyModel::TopK() const { return state_->top_k; }

AnomalyModel::Scores AnomalyModel::Score(const Matrix& records, bool explain) const {
  FINML_REQUIRE(records.cols() == static_cast<Eigen::Index>(state_->features.size()),
                "{} features where the model has {}", records.cols(), state_->features.size());
  const Matrix x = state_->scaler.Apply(records);
  Scores out;
  const auto detectors = static_cast<Eigen::Index>(state_->members.size());
  out.score.resize(x.rows(), detectors);
  out.flag.resize(x.rows(), detectors);
  out.avg_rank = Eigen::VectorXd::Zero(x.rows());
  for (Eigen::Index d = 0; d < detectors; ++d) {
    const auto& m = state_->members[static_cast<std::size_t>(d)];
    if (explain) {
      out.parts.push_back(m.detector->Contributions(x));
      out.score.col(d) = m.detector->Score(x);
    } else {
      out.score.col(d) = m.detector->Score(x);
    }
    out.flag.col(d) = (out.score.col(d).array() > m.threshold).cast<int>();
    out.avg_rank += RankAmong(m.training, out.score.col(d));
  }
  out.avg_rank /= static_cast<double>(detectors);
  out.ensemble.resize(x.rows(), static_cast<Eigen::Index>(state_->ensembles.size()));
  if (!state_->ensembles.empty()) {
    std::vector<Eigen::VectorXd> training;
    for (const auto& m : state_->members) training.push_back(m.training);
    for (std::size_t e = 0; e < state_->ensembles.size(); ++e)
      out.ensemble.col(static_cast<Eigen::Index>(e)) =
          state_->ensembles[e].Score(training, out.score);
  }
  return out;
}

void AnomalyModel::FlagTopK(Scores& scores, const std::vector<std::int64_t>& time) const {
  for (Eigen::Index d = 0; d < scores.score.cols(); ++d) {
    const auto flag = TopKFlags(scores.score.col(d), time, state_->period, state_->top_k);
    for (Eigen::Index r = 0; r < scores.flag.rows(); ++r)
      scores.flag(r, d) = flag[static_cast<std::size_t>(r)];
  }
}

void AnomalyModel::Update(const Matrix& records) {
  FINML_REQUIRE(records.cols() == static_cast<Eigen::Index>(state_->features.size()),
                "{} features where the model has {}", records.cols(), state_->features.size());
  for (const auto& m : state_->members)
    FINML_REQUIRE(m.detector->Updatable(),
                  "{} cannot learn from new records incrementally (fix: fit the model again, or "
                  "fit one with only hbos, ecod, copod and autoencoder)",
                  m.name);
  // The scaler stays as fitted: scores before and after an update stay comparable.
  const Matrix x = state_->scaler.Apply(records);
  for (auto& m : state_->members) {
    // Scored before learned, as the records were met.
    const Eigen::VectorXd seen = m.detector->Score(x);
    m.detector->Update(x);
    Eigen::VectorXd training(m.training.size() + seen.size());
    training << m.training, seen;
    m.training = std::move(training);
    if (state_->rule == DecisionRule::kContamination)
      m.threshold = risk::Quantile(ToVector(m.training), 1 - state_->contamination);
  }
}

nlohmann::json AnomalyModel::Document() const {
  nlohmann::json doc = state_->document;
  doc["detectors"] = nlohmann::json::array();
  for (const auto& m : state_->members)
    doc["detectors"].push_back(
        {{"name", m.name},
         {"state", m.detector->State()},
         {"threshold",
          std::isinf(m.threshold) ? nlohmann::json(nullptr) : nlohmann::json(m.threshold)},
         {"training_scores", ToVector(m.training)}});
  return doc;  // the ensembles are saved as their fit decided: nothing changes them
}

std::string AnomalyModel::TopFeatures(const Matrix& parts, Eigen::Index row,
                                      std::size_t count) const {
  return FormatParts(parts, row, state_->features, count);
}

std::size_t RunAnomalyScore(const std::string& model_dir, const std::string& input,
                            const std::string& out) {
  const AnomalyModel model = AnomalyModel::Load(model_dir);
  const credit::Table table = credit::LoadTable(input);
  const Matrix x = TableFeatures(table, model.Features());
  AnomalyModel::Scores scores = model.Score(x, true);
  if (model.Rule() == DecisionRule::kTopK)
    model.FlagTopK(scores, ReadTimes(table, model.TimeColumn()));
  const auto names = model.DetectorNames();
  std::string csv = "row";
  for (const auto& name : names)
    csv += fmt::format(",{0}_score,{0}_anomaly,{0}_top_features", name);
  const auto ensembles = model.EnsembleNames();
  for (const auto& name : ensembles) csv += "," + name;
  csv += "\n";
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    csv += std::to_string(r + 1);
    for (std::size_t k = 0; k < names.size(); ++k) {
      const auto d = static_cast<Eigen::Index>(k);
      csv += fmt::format(",{:.10g},{},{}", scores.score(r, d), scores.flag(r, d),
                         model.TopFeatures(scores.parts[k], r, 3));
    }
    for (std::size_t e = 0; e < ensembles.size(); ++e)
      csv += ensembles[e] == "avg_rank"
                 ? fmt::format(",{:.6f}", scores.ensemble(r, static_cast<Eigen::Index>(e)))
                 : fmt::format(",{:.10g}", scores.ensemble(r, static_cast<Eigen::Index>(e)));
    csv += "\n";
  }
  WriteFileAtomic(out, csv);
  return static_cast<std::size_t>(x.rows());
}

std::vector<std::string> RunAnomalyUpdate(const std::string& model_dir, const std::string& input,
                                          const std::string& out_dir) {
  AnomalyModel model = AnomalyModel::Load(model_dir);
  const credit::Table table = credit::LoadTable(input);
  const Matrix x = TableFeatures(table, model.Features());
  model.Update(x);
  nlohmann::json doc = model.Document();
  doc["updates"].push_back({{"path", input}, {"sha256", Sha256File(input)}, {"rows", x.rows()}});
  EnsureDirectory(out_dir);
  WriteFileAtomic(out_dir + "/model.json", doc.dump() + "\n");
  std::vector<std::string> lines = {fmt::format("learned {} records from {}", x.rows(), input)};
  for (const auto& d : doc["detectors"])
    lines.push_back(fmt::format(
        "{:<12} threshold {}", d["name"].get<std::string>(),
        d["threshold"].is_null() ? "none" : fmt::format("{:.6g}", d["threshold"].get<double>())));
  return lines;
}

}  // namespace finml::anomaly
