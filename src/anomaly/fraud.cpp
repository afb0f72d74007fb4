#include "finml/anomaly/fraud.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>

#include "anomaly/fraud_model.hpp"
#include "finml/anomaly/benchmark.hpp"
#include "finml/anomaly/detector.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/sha256.hpp"
#include "finml/credit/classifier.hpp"
#include "finml/credit/curves.hpp"
#include "finml/credit/metrics.hpp"
#include "finml/report/figure.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"

namespace finml::anomaly {
namespace {

struct Judged {
  double roc_auc = 0, pr_auc = 0, precision_at_k = 0, recall_at_fpr = 0;
  double cost = 0, cost_flag_none = 0, precision = 0, recall = 0;
  std::size_t flagged = 0, frauds = 0, k = 0;
  std::map<std::string, std::pair<std::size_t, std::size_t>> pattern_caught;  // caught, all
};

double MissCost(const FraudSettings& s, const std::vector<double>& amount, std::size_t row) {
  return s.fn_cost + (amount.empty() ? 0.0 : amount[row]);
}

// The threshold that minimises cost on these rows (flag score >= threshold); +inf flags nothing.
double CheapestThreshold(const FraudSettings& s, const std::vector<int>& y,
                         const std::vector<double>& score, const std::vector<double>& amount,
                         std::size_t offset) {
  std::vector<double> miss(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) miss[i] = MissCost(s, amount, offset + i);
  return CheapestLevel(y, score, s.fp_cost, miss);
}

Judged Judge(const FraudSettings& s, const std::vector<int>& y, const std::vector<double>& score,
             double threshold, const std::vector<double>& amount, std::size_t offset,
             const std::vector<std::string>& patterns) {
  Judged j;
  j.roc_auc = credit::RocAuc(y, score);
  j.pr_auc = credit::AveragePrecision(y, score);
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return score[a] > score[b]; });
  j.k = std::min<std::size_t>(static_cast<std::size_t>(s.top_k), y.size());
  double hits = 0;
  for (std::size_t i = 0; i < j.k; ++i) hits += y[order[i]];
  j.precision_at_k = j.k ? hits / static_cast<double>(j.k) : 0;
  const double negatives = static_cast<double>(std::count(y.begin(), y.end(), 0));
  j.frauds = static_cast<std::size_t>(std::count(y.begin(), y.end(), 1));
  // Recall at the strictest threshold whose false-positive rate stays within max_fpr.
  double fp = 0, tp = 0;
  for (std::size_t i = 0; i < order.size();) {
    const double level = score[order[i]];
    double level_fp = 0, level_tp = 0;
    for (; i < order.size() && score[order[i]] == level; ++i)
      (y[order[i]] == 1 ? level_tp : level_fp) += 1;
    if ((fp + level_fp) / negatives > s.max_fpr) break;
    fp += level_fp;
    tp += level_tp;
  }
  j.recall_at_fpr = tp / static_cast<double>(j.frauds);
  double caught = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const bool flag = score[i] >= threshold;
    if (y[i] == 1) {
      j.cost_flag_none += MissCost(s, amount, offset + i);
      if (!flag) j.cost += MissCost(s, amount, offset + i);
      caught += flag;
      if (!patterns.empty()) {
        auto& p =
            j.pattern_caught[patterns[offset + i].empty() ? "(unnamed)" : patterns[offset + i]];
        p.first += flag;
        p.second += 1;
      }
    } else if (flag) {
      j.cost += s.fp_cost;
    }
    j.flagged += flag;
  }
  j.precision = j.flagged ? caught / static_cast<double>(j.flagged) : 0;
  j.recall = caught / static_cast<double>(j.frauds);
  return j;
}

nlohmann::json ToJson(const Judged& j) {
  nlohmann::json out = {{"roc_auc", j.roc_auc},
                        {"pr_auc", j.pr_auc},
                        {"precision_at_k", j.precision_at_k},
                        {"k", j.k},
                        {"recall_at_fpr", j.recall_at_fpr},
                        {"cost", j.cost},
                        {"cost_flag_none", j.cost_flag_none},
                        {"precision", j.precision},
                        {"recall", j.recall},
                        {"flagged", j.flagged},
                        {"frauds", j.frauds}};
  for (const auto& [name, c] : j.pattern_caught)
    out["recall_by_pattern"][name] = static_cast<double>(c.first) / static_cast<double>(c.second);
  return out;
}

// Refuses a feature that predicts the training labels perfectly: an id of the outcome, not a
// cause of it (the generator's pattern column, a chargeback flag).
void RefuseLeaks(const FraudSettings& s, const RawFeatures& raw, const std::vector<int>& y,
                 std::size_t train, const std::vector<std::string>& categorical) {
  const std::vector<int> ty(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(train));
  const auto frauds = std::count(ty.begin(), ty.end(), 1);
  if (frauds < 5) return;
  auto refuse = [&](const std::string& column, double auc) {
    if (auc > 0.9999 || auc < 1e-4)
      throw InvalidInput(fmt::format(
          "{}: column '{}' separates the training frauds perfectly (ROC AUC {:.4f}); it reads "
          "like a record of the outcome, not a cause (fix: --exclude {} or, if it names the fraud "
          "type, --pattern {})",
          s.data, column, auc, column, column));
  };
  for (std::size_t c = 0; c < s.numeric.size(); ++c) {
    std::vector<double> v(train);
    bool complete = true;
    for (std::size_t r = 0; r < train; ++r) {
      v[r] = raw.x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
      complete = complete && !std::isnan(v[r]);
    }
    if (complete) refuse(s.numeric[c], credit::RocAuc(ty, v));
  }
  std::vector<std::size_t> rows(train);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  const TargetEncoder in_sample = TargetEncoder::Fit(raw.categories, y, rows, 0);
  const Eigen::MatrixXd rates = in_sample.Encode(raw.categories, 0, train);
  for (std::size_t c = 0; c < categorical.size(); ++c) {
    std::set<std::string> values(raw.categories[c].begin(),
                                 raw.categories[c].begin() + static_cast<std::ptrdiff_t>(train));
    // A column with a value per row (an id) separates everything in sample and means nothing.
    if (values.size() * 2 > train) continue;
    refuse(categorical[c], credit::RocAuc(ty, ToVector(rates.col(static_cast<Eigen::Index>(c)))));
  }
}

std::string Pct(double v) { return fmt::format("{:.1f}%", 100 * v); }

}  // namespace

std::int64_t ParseWindow(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  long long count = 0;
  try {
    count = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  const std::map<std::string, std::int64_t> seconds = {
      {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}};
  const auto it = seconds.find(unit);
  FINML_REQUIRE(used > 0 && count > 0 && it != seconds.end(),
                "{} '{}': not a window (fix: a positive count and a unit s, m, h, d or w, such "
                "as 15m or 7d)",
                what, text);
  FINML_REQUIRE(count <= 100LL * 366 * 86400 / it->second,
                "{} '{}': longer than 100 years (fix: a shorter window)", what, text);
  return count * it->second;
}

const options::Schema<FraudSettings>& FraudSettings::Schema() {
  static const auto schema = [] {
    using S = FraudSettings;
    options::Schema<S> s;
    s.Add("data", &S::data, "CSV of transactions").Required();
    s.Add("label", &S::label, "0/1 column, 1 = fraud").Required();
    s.Add("time", &S::time, "transaction time (ISO 8601 or seconds since 1970)").Required();
    s.Add("entity", &S::entity, "card or customer column: velocity features per entity");
    s.Add("amount", &S::amount, "amount column: windowed sums, ratios, and a missed fraud's cost");
    s.Add("pattern", &S::pattern, "column naming the fraud type: recall per type, never a feature");
    s.Add("numeric", &S::numeric, "numeric feature columns (default: every numeric column left)");
    s.Add("categorical", &S::categorical,
          "categorical columns, target-encoded (default: every other column left)");
    s.Add("exclude", &S::exclude, "columns that are never features (ids, leaks)");
    s.Add("windows", &S::windows, "trailing windows of the velocity features (15m, 1h, 7d)");
    s.Add("models", &S::models, "models to compare");
    s.Add("validation", &S::validation, "share of rows after training: thresholds are chosen here")
        .Above(0)
        .Below(0.5);
    s.Add("test", &S::test, "share of the last rows: the final measurement").Above(0).Below(0.5);
    s.Add("smoothing", &S::smoothing, "target encoding: weight of the overall rate, in rows")
        .Min(0);
    s.Add("encoding_folds", &S::encoding_folds, "target encoding: folds of the training rows")
        .Min(2)
        .Max(100);
    s.Add("fp_cost", &S::fp_cost, "cost of a false alarm (a review)").Min(0);
    s.Add("fn_cost", &S::fn_cost, "cost of a missed fraud, on top of its amount").Min(0);
    s.Add("max_fpr", &S::max_fpr, "false-positive rate of the recall figure").Above(0).Below(1);
    s.Add("top_k", &S::top_k, "alerts a team can review: precision of the top k").Min(1);
    s.Add("rounds", &S::rounds, "gbdt: boosting rounds").Min(1).Max(100000);
    s.Add("max_depth", &S::max_depth, "gbdt: deepest split").Min(1).Max(20);
    s.Add("eta", &S::eta, "gbdt: learning rate").Above(0).Max(1);
    s.Add("seed", &S::seed, "seed of gbdt and iforest");
    return s;
  }();
  return schema;
}

std::vector<std::string> RunFraudTrain(const FraudSettings& settings, const std::string& dir,
                                       const Provenance& provenance) {
  FraudSettings s = settings;
  FINML_REQUIRE(!s.models.empty(), "--models: name at least one");
  FINML_REQUIRE(s.validation + s.test < 0.8,
                "--validation {} and --test {} leave too little to train on", s.validation, s.test);
  const credit::Table table = credit::LoadTable(s.data, s.categorical);
  std::set<std::string> reserved(s.exclude.begin(), s.exclude.end());
  for (const auto* name : {&s.label, &s.time, &s.entity, &s.pattern})
    if (!name->empty()) {
      (void)table.Get(*name);
      reserved.insert(*name);
    }
  const std::set<std::string> named_categorical(s.categorical.begin(), s.categorical.end());
  if (s.numeric.empty())
    for (const auto& c : table.columns)
      if (!reserved.count(c.name) && !named_categorical.count(c.name) &&
          c.kind == credit::ColumnKind::kNumeric)
        s.numeric.push_back(c.name);
  if (s.categorical.empty()) {
    const std::set<std::string> numeric(s.numeric.begin(), s.numeric.end());
    for (const auto& c : table.columns)
      if (!reserved.count(c.name) && !numeric.count(c.name)) s.categorical.push_back(c.name);
  }
  Pipeline pipe;
  pipe.spec = {s.time, s.entity, s.amount, s.numeric, s.categorical, s.windows, {}};
  for (const auto& w : s.windows) {
    const std::int64_t seconds = ParseWindow(w, "--windows");
    const auto same = std::find(pipe.spec.windows.begin(), pipe.spec.windows.end(), seconds);
    FINML_REQUIRE(same == pipe.spec.windows.end(),
                  "--windows: '{}' and '{}' are the same window (fix: list each once)",
                  s.windows[static_cast<std::size_t>(same - pipe.spec.windows.begin())], w);
    pipe.spec.windows.push_back(seconds);
  }
  const RawFeatures raw = BuildRawFeatures(table, pipe.spec);
  const std::vector<int> file_y = TableLabels(table, s.label);
  std::vector<int> y(file_y.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = file_y[raw.order[i]];
  std::vector<std::string> patterns;
  if (!s.pattern.empty()) {
    const credit::Column& p = table.Get(s.pattern);
    for (std::size_t i = 0; i < y.size(); ++i)
      patterns.push_back(p.kind == credit::ColumnKind::kCategorical
                             ? p.labels[raw.order[i]]
                             : fmt::format("{:g}", p.numbers[raw.order[i]]));
  }

  const std::size_t n = y.size();
  const auto test_n = static_cast<std::size_t>(std::llround(s.test * static_cast<double>(n)));
  const auto valid_n =
      static_cast<std::size_t>(std::llround(s.validation * static_cast<double>(n)));
  const std::size_t train_n = n - test_n - valid_n;
  auto frauds = [&](std::size_t begin, std::size_t end) {
    return std::count(y.begin() + static_cast<std::ptrdiff_t>(begin),
                      y.begin() + static_cast<std::ptrdiff_t>(end), 1);
  };
  const struct {
    const char* name;
    std::size_t begin, end;
  } parts[] = {{"training", 0, train_n},
               {"validation", train_n, train_n + valid_n},
               {"test", train_n + valid_n, n}};
  for (const auto& part : parts) {
    const auto f = frauds(part.begin, part.end);
    FINML_REQUIRE(f > 0 && static_cast<std::size_t>(f) < part.end - part.begin,
                  "{}: the {} rows ({} of them, in time order) hold {} frauds; each part needs "
                  "both classes (fix: more data, or other --validation / --test shares)",
                  s.data, part.name, part.end - part.begin, f);
  }
  RefuseLeaks(s, raw, y, train_n, s.categorical);
  std::vector<std::string> warnings;
  for (const auto& column : IdLikeColumns(table, s.numeric))
    warnings.push_back(fmt::format(
        "column '{}' rises with every row, like an id or a time; it is a feature (fix: --exclude "
        "{} if it is an id)",
        column, column));

  Eigen::MatrixXd rates(static_cast<Eigen::Index>(n),
                        static_cast<Eigen::Index>(s.categorical.size()));
  rates.topRows(static_cast<Eigen::Index>(train_n)) = CrossFitEncode(
      raw.categories, y, train_n, static_cast<std::size_t>(s.encoding_folds), s.smoothing);
  std::vector<std::size_t> train_rows(train_n);
  std::iota(train_rows.begin(), train_rows.end(), std::size_t{0});
  pipe.encoder = TargetEncoder::Fit(raw.categories, y, train_rows, s.smoothing);
  rates.bottomRows(static_cast<Eigen::Index>(n - train_n)) =
      pipe.encoder.Encode(raw.categories, train_n, n);
  pipe.names = raw.names;
  for (const auto& c : s.categorical) pipe.names.push_back(c + "_rate");
  pipe.median = Eigen::RowVectorXd::Zero(static_cast<Eigen::Index>(pipe.names.size()));
  {
    Eigen::MatrixXd both(static_cast<Eigen::Index>(train_n), raw.x.cols() + rates.cols());
    both << raw.x.topRows(static_cast<Eigen::Index>(train_n)),
        rates.topRows(static_cast<Eigen::Index>(train_n));
    for (Eigen::Index c = 0; c < both.cols(); ++c) {
      std::vector<double> v;
      for (Eigen::Index r = 0; r < both.rows(); ++r)
        if (!std::isnan(both(r, c))) v.push_back(both(r, c));
      if (v.empty()) continue;
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
      pipe.median[c] = v[v.size() / 2];
    }
  }
  const Eigen::MatrixXd x = pipe.Inputs(raw, rates);
  const auto train_rows_n = static_cast<Eigen::Index>(train_n);
  pipe.scaler = Standardizer::Fit(x.topRows(train_rows_n));
  const Eigen::MatrixXd z = pipe.scaler.Apply(x);
  const Eigen::MatrixXd x_train = x.topRows(train_rows_n), z_train = z.topRows(train_rows_n);
  const std::vector<int> y_train(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(train_n));
  const double positives = static_cast<double>(frauds(0, train_n));
  // Balanced class weights: frauds count as much in total as legitimate rows.
  std::vector<double> weights(train_n);
  for (std::size_t i = 0; i < train_n; ++i)
    weights[i] = y[i] == 1 ? (static_cast<double>(train_n) - positives) / positives : 1.0;
  const nlohmann::json tree_params = {
      {"rounds", s.rounds}, {"max_depth", s.max_depth}, {"eta", s.eta}};

  EnsureDirectory(dir);
  nlohmann::json model = {
      {"format", kFraudFormat},
      {"provenance", provenance.ToJson()},
      {"settings", FraudSettings::Schema().ToJson(s)},
      {"features", pipe.names},
      {"windows", pipe.spec.windows},
      {"prior", pipe.encoder.prior},
      {"rates", pipe.encoder.rates},
      {"median", ToVector(pipe.median.transpose())},
      {"mean", ToVector(pipe.scaler.mean.transpose())},
      {"scale", ToVector(pipe.scaler.scale.transpose())},
      {"training", {{"path", s.data}, {"sha256", Sha256File(s.data)}, {"rows", train_n}}},
      {"models", nlohmann::json::array()}};
  nlohmann::json metrics = {
      {"data",
       {{"path", s.data},
        {"rows", n},
        {"training_rows", train_n},
        {"validation_rows", valid_n},
        {"test_rows", test_n},
        {"frauds",
         {{"training", frauds(0, train_n)},
          {"validation", frauds(train_n, train_n + valid_n)},
          {"test", frauds(train_n + valid_n, n)}}},
        {"training_end", data::FormatTimestamp(raw.time[train_n - 1], true)},
        {"test_start", data::FormatTimestamp(raw.time[train_n + valid_n], true)}}},
      {"features", pipe.names},
      {"settings", FraudSettings::Schema().ToJson(s)},
      {"provenance", provenance.ToJson()}};
  if (!warnings.empty()) metrics["warnings"] = warnings;
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{:<9} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>11}", "model",
                              "ROC AUC", "PR AUC", "prec@k", "rec@fpr", "precision", "recall",
                              "cost"));
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> pattern_names;
  for (const auto& p : patterns)
    if (!p.empty() &&
        std::find(pattern_names.begin(), pattern_names.end(), p) == pattern_names.end())
      pattern_names.push_back(p);
  std::sort(pattern_names.begin(), pattern_names.end());
  std::vector<std::vector<std::string>> pattern_rows;
  report::Figure pr_chart("Precision and recall on the test rows",
                          {"recall", report::Unit::kPercent},
                          {"precision", report::Unit::kPercent});
  nlohmann::json importance;
  const std::vector<int> y_valid(y.begin() + static_cast<std::ptrdiff_t>(train_n),
                                 y.begin() + static_cast<std::ptrdiff_t>(train_n + valid_n));
  const std::vector<int> y_test(y.begin() + static_cast<std::ptrdiff_t>(train_n + valid_n),
                                y.end());
  std::unique_ptr<Detector> forest;
  auto Forest = [&]() -> std::unique_ptr<Detector> {
    DetectorSettings d;
    d.seed = s.seed;
    auto f = MakeDetector(DetectorKind::kIsolationForest, d);
    f->Fit(z_train);
    return f;
  };
  for (const FraudModel kind : s.models) {
    const std::string name(EnumName(kind));
    Fitted f{kind, nullptr, nullptr, 0};
    std::vector<std::string> names = pipe.names;
    switch (kind) {
      case FraudModel::kGbdt:
        f.classifier = credit::MakeClassifier("gbdt", tree_params, s.seed);
        f.classifier->Fit(RowMajor(x_train), train_n, pipe.names.size(), y_train, weights, names);
        break;
      case FraudModel::kLogistic:
        f.classifier = credit::MakeClassifier("logistic", nlohmann::json::object(), s.seed);
        f.classifier->Fit(RowMajor(z_train), train_n, pipe.names.size(), y_train, weights, names);
        break;
      case FraudModel::kIsolationForest:
        f.detector = Forest();
        break;
      case FraudModel::kCombined: {
        f.detector = Forest();
        Eigen::MatrixXd with(x_train.rows(), x_train.cols() + 1);
        with << x_train, f.detector->TrainingScores();
        names.push_back("iforest_score");
        f.classifier = credit::MakeClassifier("gbdt", tree_params, s.seed);
        f.classifier->Fit(RowMajor(with), train_n, names.size(), y_train, weights, names);
        break;
      }
    }
    const auto valid_rows = static_cast<Eigen::Index>(valid_n);
    const std::vector<double> valid_score = ScoreRows(f, x.middleRows(train_rows_n, valid_rows),
                                                      z.middleRows(train_rows_n, valid_rows));
    const std::vector<double> test_score =
        ScoreRows(f, x.bottomRows(static_cast<Eigen::Index>(test_n)),
                  z.bottomRows(static_cast<Eigen::Index>(test_n)));
    f.threshold = CheapestThreshold(s, y_valid, valid_score, raw.amount, train_n);
    const Judged valid = Judge(s, y_valid, valid_score, f.threshold, raw.amount, train_n, patterns);
    const Judged test =
        Judge(s, y_test, test_score, f.threshold, raw.amount, train_n + valid_n, patterns);
    metrics["models"][name] = {
        {"threshold", f.threshold}, {"validation", ToJson(valid)}, {"test", ToJson(test)}};
    if (f.classifier && kind != FraudModel::kLogistic)
      importance[name] = f.classifier->Describe(names);
    // Each model's files in its own folder (two gbdt models would share xgboost.json).
    nlohmann::json entry = {{"name", name},
                            {"threshold", std::isinf(f.threshold) ? nlohmann::json(nullptr)
                                                                  : nlohmann::json(f.threshold)}};
    if (f.classifier) {
      const std::string sub = dir + "/" + name;
      EnsureDirectory(sub);
      entry["classifier"] = f.classifier->Save(sub);
    }
    if (f.detector) {
      entry["detector"] = f.detector->State();
    }
    model["models"].push_back(entry);
    lines.push_back(
        fmt::format("{:<9} {:>8.4f} {:>8.4f} {:>8.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>11.0f}", name,
                    test.roc_auc, test.pr_auc, test.precision_at_k, test.recall_at_fpr,
                    test.precision, test.recall, test.cost));
    rows.push_back({name, report::Number(test.roc_auc, 4), report::Number(test.pr_auc, 4),
                    report::Number(valid.pr_auc, 4), Pct(test.precision_at_k),
                    Pct(test.recall_at_fpr), Pct(test.precision), Pct(test.recall),
                    fmt::format("{:.0f}", test.cost), fmt::format("{:.0f}", test.cost_flag_none)});
    std::vector<std::string> pattern_row = {name};
    for (const auto& p : pattern_names) {
      const auto it = test.pattern_caught.find(p);
      pattern_row.push_back(it == test.pattern_caught.end()
                                ? "–"
                                : fmt::format("{} of {}", it->second.first, it->second.second));
    }
    pattern_rows.push_back(pattern_row);
    std::vector<double> recall, precision;
    for (const auto& point : credit::PrecisionRecallCurve(y_test, test_score)) {
      recall.push_back(point.recall);
      precision.push_back(point.precision);
    }
    pr_chart.Line(name, recall, precision);
  }
  metrics["importance"] = importance;

  const double base_rate =
      static_cast<double>(frauds(train_n + valid_n, n)) / static_cast<double>(test_n);
  report::HtmlPage page("Fraud models trained on " + s.data);
  page.Verdict(fmt::format(
      "Trained on the first {} transactions (to {}), thresholds chosen on the next {}, judged on "
      "the last {} (from {}), which {} fraud rate of {}. Thresholds minimise cost on the "
      "validation rows: a false alarm costs {}, a missed fraud {}{}.",
      train_n, data::FormatTimestamp(raw.time[train_n - 1], true), valid_n, test_n,
      data::FormatTimestamp(raw.time[train_n + valid_n], true), "have a", Pct(base_rate), s.fp_cost,
      s.fn_cost, s.amount.empty() ? "" : " plus its amount"));
  for (const auto& w : warnings) page.Warning(w);
  page.Table(
      {"model", "ROC AUC", "PR AUC", "PR AUC (validation)", fmt::format("precision @ {}", s.top_k),
       fmt::format("recall @ {} FPR", Pct(s.max_fpr)), "precision", "recall", "cost",
       "cost, flag none"},
      rows);
  if (!pattern_names.empty()) {
    page.Heading("Frauds caught on the test rows, by pattern");
    std::vector<std::string> header = {"model"};
    header.insert(header.end(), pattern_names.begin(), pattern_names.end());
    page.Table(header, pattern_rows);
  }
  page.Chart(pr_chart);
  for (const auto& [name, described] : importance.items()) {
    if (!described.contains("gain_importance")) continue;
    std::vector<std::pair<double, std::string>> gain;
    for (const auto& [feature, value] : described["gain_importance"].items())
      gain.emplace_back(value.get<double>(), feature);
    std::sort(gain.rbegin(), gain.rend());
    gain.resize(std::min<std::size_t>(gain.size(), 15));
    std::vector<std::string> labels;
    std::vector<double> values;
    for (const auto& [value, feature] : gain) {
      labels.push_back(feature);
      values.push_back(value);
    }
    page.Chart(report::Figure(name + ": gain importance", {"gain"}, {"", report::Unit::kCategory})
                   .HorizontalBars(name, labels, values));
  }
  page.Paragraph(
      "Velocity features count only transactions strictly before each one's own time; target "
      "encodings come from training rows only, each training row encoded by the other training "
      "folds. Nothing after the training rows reaches any fit; the validation rows choose the "
      "thresholds; the test rows are judged once.");
  page.Provenance(provenance);
  WriteFileAtomic(dir + "/model.json", model.dump() + "\n");
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  report::WriteReport(dir + "/report.html", page);
  lines.insert(lines.begin(),
               fmt::format("test rows: {} transactions, {} frauds ({}); metrics below are on them",
                           test_n, frauds(train_n + valid_n, n), Pct(base_rate)));
  for (const auto& w : warnings) lines.insert(lines.begin(), "warning: " + w);
  return lines;
}

}  // namespace finml::anomaly
