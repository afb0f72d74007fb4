#include "finml/nlp/workflow.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/modules.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/models/deep.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/nlp/metrics.hpp"
#include "nlp/report_page.hpp"

namespace finml::nlp {
namespace {

// Rows of one evaluation: out-of-fold (cross-validation) or the hold-out's.
struct Evaluated {
  std::vector<std::size_t> rows;
  std::vector<int> fold;
  TextPredictions predictions;
};

void Append(Evaluated& into, const std::vector<std::size_t>& rows, int fold,
            const TextPredictions& p) {
  into.predictions.classes = p.classes;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    into.rows.push_back(rows[i]);
    into.fold.push_back(fold);
    into.predictions.truncated.push_back(p.truncated[i]);
    for (std::size_t c = 0; c < p.classes; ++c)
      into.predictions.probabilities.push_back(p.Probability(i, c));
  }
}

// The most confident mistakes among `rows`, with the words that drove each, from `model`.
void CollectMistakes(const TextClassifier& model, const std::vector<std::string>& texts,
                     const std::vector<int>& y, const std::vector<std::size_t>& rows,
                     const TextPredictions& p, std::size_t keep, std::vector<Mistake>& out) {
  std::vector<std::size_t> wrong;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (p.Label(i) != y[rows[i]]) wrong.push_back(i);
  std::stable_sort(wrong.begin(), wrong.end(), [&](auto a, auto b) {
    return p.Probability(a, static_cast<std::size_t>(p.Label(a))) >
           p.Probability(b, static_cast<std::size_t>(p.Label(b)));
  });
  if (wrong.size() > keep) wrong.resize(keep);
  for (const auto i : wrong) {
    const int predicted = p.Label(i);
    out.push_back({rows[i], y[rows[i]], predicted,
                   p.Probability(i, static_cast<std::size_t>(predicted)),
                   Attributions(model, texts[rows[i]], predicted)});
  }
}

std::string ProbabilityHeader(const std::vector<std::string>& classes) {
  std::string h;
  for (const auto& c : classes) h += "," + CsvField("p_" + c);
  return h;
}

}  // namespace

std::vector<std::string> RunNlpTrain(const NlpSettings& s, const Texts& data,
                                     const std::string& dir, const Provenance& provenance,
                                     bool progress) {
  FINML_REQUIRE(data.labels.size() == data.texts.size(), "{}: no labels", data.source);
  const std::set<std::string> distinct(data.labels.begin(), data.labels.end());
  const std::vector<std::string> classes(distinct.begin(), distinct.end());
  FINML_REQUIRE(classes.size() >= 2,
                "{}: column '{}' holds one class ('{}'); a classifier needs two", data.source,
                s.label, classes.front());
  std::vector<int> y;
  for (const auto& l : data.labels)
    y.push_back(
        static_cast<int>(std::lower_bound(classes.begin(), classes.end(), l) - classes.begin()));
  {
    std::vector<std::size_t> count(classes.size(), 0);
    for (const int v : y) ++count[static_cast<std::size_t>(v)];
    // Every fold, or both sides of the hold-out, must see every class.
    const std::size_t need =
        s.folds > 0 ? static_cast<std::size_t>(s.folds)
                    : static_cast<std::size_t>(std::ceil(1 / std::min(s.test, 1 - s.test)));
    for (std::size_t c = 0; c < classes.size(); ++c)
      FINML_REQUIRE(count[c] >= need,
                    "{}: class '{}' has {} texts, fewer than the {} {} need (fix: fewer folds, "
                    "a larger --test, or more texts of that class)",
                    data.source, classes[c], count[c], need,
                    s.folds > 0 ? "folds" : "hold-out splits");
  }
  ClassifierSpec spec{s, classes.size(), progress, TextModelName(s.model)};
  const std::size_t n = data.texts.size();
  const auto pick = [&](const std::vector<std::size_t>& rows) {
    std::vector<std::string> t;
    std::vector<int> l;
    for (const auto r : rows) {
      t.push_back(data.texts[r]);
      l.push_back(y[r]);
    }
    return std::pair{t, l};
  };

  Evaluated evaluated;
  std::vector<Mistake> mistakes;
  std::vector<ClassificationMetrics> per_fold;
  nlohmann::json fold_summaries = nlohmann::json::array();
  std::unique_ptr<TextClassifier> kept;
  const std::size_t folds = static_cast<std::size_t>(s.folds);
  // Without folds: one stratified hold-out of --test of the texts (fold 0), its model the one
  // saved.
  std::vector<std::size_t> fold_of(n, 1);
  if (folds > 0) {
    fold_of = credit::StratifiedFolds(y, folds, s.seed);
  } else {
    std::mt19937_64 rng(s.seed);
    for (const auto r : credit::StratifiedHoldOut(y, s.test, rng).second) fold_of[r] = 0;
  }
  const std::size_t rounds = folds > 0 ? folds : 1;
  for (std::size_t f = 0; f < rounds; ++f) {
    std::vector<std::size_t> train_rows, test_rows;
    for (std::size_t i = 0; i < n; ++i) (fold_of[i] == f ? test_rows : train_rows).push_back(i);
    FINML_REQUIRE(!train_rows.empty() && !test_rows.empty(), "{}: too few texts for {} folds",
                  data.source, rounds);
    auto [train_texts, train_labels] = pick(train_rows);
    ClassifierSpec fold_spec = spec;
    fold_spec.label =
        folds > 0 ? fmt::format("{} fold {}/{}", spec.label, f + 1, folds) : spec.label;
    auto model = MakeTextClassifier(fold_spec);
    model->Fit(train_texts, train_labels);
    auto [test_texts, test_labels] = pick(test_rows);
    const TextPredictions p = model->Predict(test_texts);
    std::vector<int> predicted;
    for (std::size_t i = 0; i < p.size(); ++i) predicted.push_back(p.Label(i));
    per_fold.push_back(Classify(test_labels, predicted, classes.size()));
    fold_summaries.push_back(model->Summary());
    Append(evaluated, test_rows, static_cast<int>(f), p);
    CollectMistakes(*model, data.texts, y, test_rows, p, static_cast<std::size_t>(s.examples),
                    mistakes);
    if (folds == 0) kept = std::move(model);
  }
  std::stable_sort(mistakes.begin(), mistakes.end(),
                   [](const auto& a, const auto& b) { return a.confidence > b.confidence; });
  if (mistakes.size() > static_cast<std::size_t>(s.examples))
    mistakes.resize(static_cast<std::size_t>(s.examples));

  std::vector<int> truth, predicted;
  for (std::size_t i = 0; i < evaluated.rows.size(); ++i) {
    truth.push_back(y[evaluated.rows[i]]);
    predicted.push_back(evaluated.predictions.Label(i));
  }
  const ClassificationMetrics pooled =
      Classify(truth, predicted, classes.size(), static_cast<std::size_t>(s.bootstrap), s.seed);
  // The majority class of the training texts, as every honest classifier's floor.
  std::vector<std::size_t> counts(classes.size(), 0);
  for (const int v : y) ++counts[static_cast<std::size_t>(v)];
  const int majority =
      static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  const ClassificationMetrics baseline =
      Classify(truth, std::vector<int>(truth.size(), majority), classes.size());

  nlohmann::json metrics = {{"model", TextModelName(s.model)}, {"classes", classes}};
  metrics["evaluation"] = folds > 0 ? fmt::format(
                                          "{}-fold stratified cross-validation, "
                                          "out-of-fold predictions of every text",
                                          folds)
                                    : fmt::format("stratified hold-out of {} texts", truth.size());
  metrics.update(pooled.ToJson(classes));
  metrics["majority_class"] = {{"class", classes[static_cast<std::size_t>(majority)]},
                               {"accuracy", baseline.accuracy},
                               {"macro_f1", baseline.macro_f1}};
  std::size_t truncated = 0;
  for (const auto t : evaluated.predictions.truncated) truncated += t;
  metrics["truncated_texts"] = truncated;
  if (folds > 0) {
    std::vector<double> acc, f1;
    nlohmann::json each = nlohmann::json::array();
    for (const auto& m : per_fold) {
      acc.push_back(m.accuracy);
      f1.push_back(m.macro_f1);
      each.push_back({{"n", m.n}, {"accuracy", m.accuracy}, {"macro_f1", m.macro_f1}});
    }
    const auto mean_sd = [](const std::vector<double>& v) {
      double mean = 0, ss = 0;
      for (const double x : v) mean += x / static_cast<double>(v.size());
      for (const double x : v) ss += (x - mean) * (x - mean);
      return std::pair{mean,
                       v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0};
    };
    const auto [am, as] = mean_sd(acc);
    const auto [fm, fs] = mean_sd(f1);
    metrics["cv"] = {{"folds", folds},
                     {"accuracy_mean", am},
                     {"accuracy_sd", as},
                     {"macro_f1_mean", fm},
                     {"macro_f1_sd", fs},
                     {"per_fold", each},
                     {"fold_summaries", fold_summaries}};
  }
  if (folds > 0 && s.final_fit) {
    kept = MakeTextClassifier(spec);
    kept->Fit(data.texts, y);
  }
  if (kept) {
    SaveTextModel(*kept, spec, classes, provenance, dir + "/model");
    metrics["summary"] = kept->Summary();
  }
  metrics["settings"] = NlpSettings::Schema().ToJson(s);
  metrics["provenance"] = provenance.ToJson();
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");

  std::string csv = "row,fold,label,predicted" + ProbabilityHeader(classes) + ",truncated\n";
  for (std::size_t i = 0; i < evaluated.rows.size(); ++i) {
    csv += fmt::format("{},{},{},{}", evaluated.rows[i] + 1, evaluated.fold[i],
                       CsvField(classes[static_cast<std::size_t>(truth[i])]),
                       CsvField(classes[static_cast<std::size_t>(predicted[i])]));
    for (std::size_t c = 0; c < classes.size(); ++c)
      csv += fmt::format(",{:.6f}", evaluated.predictions.Probability(i, c));
    csv += fmt::format(",{}\n", evaluated.predictions.truncated[i] ? "true" : "false");
  }
  WriteFileAtomic(dir + "/predictions.csv", csv);
  WriteTrainReport(dir + "/report.html", TextModelTitle(s), metrics, classes, pooled, baseline,
                   per_fold, mistakes, data.texts, provenance);

  std::vector<std::string> lines;
  lines.push_back(fmt::format(
      "{}: accuracy {:.4f} [{:.4f}, {:.4f}], macro-F1 {:.4f} [{:.4f}, "
      "{:.4f}] ({}; majority class {:.4f} / {:.4f})",
      TextModelTitle(s), pooled.accuracy, pooled.accuracy_ci.low, pooled.accuracy_ci.high,
      pooled.macro_f1, pooled.macro_f1_ci.low, pooled.macro_f1_ci.high,
      metrics["evaluation"].get<std::string>(), baseline.accuracy, baseline.macro_f1));
  if (truncated > 0)
    lines.push_back(fmt::format("{} longer than the model's max_length tokens and truncated",
                                TextsWere(static_cast<long long>(truncated))));
  return lines;
}

std::vector<std::string> RunNlpPretrain(const PretrainSettings& s,
                                        const std::vector<std::string>& corpus,
                                        const std::string& dir, const Provenance& provenance,
                                        bool progress) {
  nlohmann::json summary;
  FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_pretrain_encoder)
  (s, corpus, dir, progress, summary);
  nlohmann::json out = {{"summary", summary},
                        {"settings", PretrainSettings::Schema().ToJson(s)},
                        {"provenance", provenance.ToJson()}};
  WriteFileAtomic(dir + "/pretrain.json", out.dump(2) + "\n");
  const auto& history = summary.at("history");
  std::vector<std::string> lines;
  lines.push_back(fmt::format(
      "pretrained on {} texts ({} held out), vocabulary {}: masked-token loss {:.3f} in epoch 1, "
      "best validation {} (epoch {} of {})",
      summary.at("texts").get<std::size_t>(), summary.at("validation_texts").get<std::size_t>(),
      summary.at("vocab_size").get<int>(),
      history.empty() ? NAN : history.front().value("train", NAN),
      summary.contains("best_validation")
          ? fmt::format("{:.3f}", summary["best_validation"].get<double>())
          : std::string("none"),
      summary.at("best_epoch").get<int>(), history.size()));
  if (summary.at("truncated_texts").get<std::size_t>() > 0)
    lines.push_back(fmt::format("{} longer than --max-length and truncated",
                                TextsWere(summary.at("truncated_texts").get<long long>())));
  return lines;
}

PredictCounts PredictTextsToCsv(const std::string& model_dir, const std::string& input,
                                const std::string& text_column, const std::string& out,
                                const std::string& label_column, int threads) {
  models::SetTorchThreads(threads);
  const SavedTextModel saved = SavedTextModel::Load(model_dir);
  TextCsv csv(input);
  const std::vector<std::string>& header = csv.header();
  const std::size_t text_at = csv.Column(text_column, "--text");
  const std::size_t label_at = label_column.empty() ? 0 : csv.Column(label_column, "--label");
  std::vector<int> truth;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> texts;
  std::vector<std::string_view> fields;
  while (csv.Next(fields)) {
    CheckText(fields[text_at], csv.Where(text_at));
    if (!label_column.empty()) {
      const auto c = std::find(saved.classes.begin(), saved.classes.end(), fields[label_at]);
      if (c == saved.classes.end())
        throw InvalidInput(fmt::format(
            "{}: label '{}' was not seen in training (the model's classes: {}; fix: map it to "
            "one of them, or drop the row)",
            csv.Where(label_at), fields[label_at], fmt::join(saved.classes, ", ")));
      truth.push_back(static_cast<int>(c - saved.classes.begin()));
    }
    rows.emplace_back(fields.begin(), fields.end());
    texts.emplace_back(fields[text_at]);
  }
  FINML_REQUIRE(!texts.empty(), "{}: no rows under the header", input);
  const TextPredictions p = saved.model->Predict(texts);
  std::string text;
  for (std::size_t c = 0; c < header.size(); ++c) text += (c ? "," : "") + CsvField(header[c]);
  text += ",predicted" + ProbabilityHeader(saved.classes) + ",truncated\n";
  PredictCounts counts{texts.size(), 0};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) text += (c ? "," : "") + CsvField(rows[r][c]);
    text += "," + CsvField(saved.classes[static_cast<std::size_t>(p.Label(r))]);
    for (std::size_t c = 0; c < saved.classes.size(); ++c)
      text += fmt::format(",{:.6f}", p.Probability(r, c));
    text += p.truncated[r] ? ",true\n" : ",false\n";
    counts.truncated += p.truncated[r];
  }
  if (!truth.empty()) {
    std::vector<int> predicted;
    for (std::size_t r = 0; r < rows.size(); ++r) predicted.push_back(p.Label(r));
    const auto m = Classify(truth, predicted, saved.classes.size());
    counts.accuracy = m.accuracy;
    counts.macro_f1 = m.macro_f1;
  }
  WriteFileAtomic(out, text);
  return counts;
}

}  // namespace finml::nlp
