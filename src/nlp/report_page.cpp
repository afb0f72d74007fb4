#include "nlp/report_page.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "finml/report/figure.hpp"
#include "finml/report/format.hpp"
#include "finml/report/html_page.hpp"

namespace finml::nlp {
namespace {

std::string Ci(const Interval& i) {
  return i.high > 0 ? fmt::format("[{:.3f}, {:.3f}]", i.low, i.high) : "";
}

// `section` holds a training's `history` and, where early stopping chose it, its `best_epoch`:
// the weights kept, marked on the curve.
void LossChart(report::HtmlPage& page, const nlohmann::json& section, const std::string& title) {
  if (!section.is_object() || !section.contains("history")) return;
  const nlohmann::json& history = section["history"];
  if (!history.is_array() || history.empty()) return;
  std::vector<double> epoch, train, validation;
  for (std::size_t e = 0; e < history.size(); ++e) {
    epoch.push_back(static_cast<double>(e + 1));
    train.push_back(history[e].value("train", NAN));
    validation.push_back(
        history[e]["validation"].is_number() ? history[e]["validation"].get<double>() : NAN);
  }
  report::Figure f(title, {"epoch"}, {"loss (cross-entropy)"});
  f.Line("training", epoch, train);
  if (std::any_of(validation.begin(), validation.end(), [](double v) { return std::isfinite(v); }))
    f.Line("validation", epoch, validation);
  if (section.contains("best_epoch") && section["best_epoch"].is_number())
    f.VerticalLine(section["best_epoch"].get<double>(), "best epoch (kept)");
  // Whole epochs only.
  f.Layout({{"xaxis", {{"dtick", std::max<std::size_t>(1, epoch.size() / 10)}}}});
  page.Chart(f);
}

}  // namespace

std::string HighlightedText(const std::vector<WordAttribution>& words) {
  double top = 1e-9;
  for (const auto& w : words) top = std::max(top, std::abs(w.effect));
  std::string html;
  for (const auto& w : words) {
    const double a = std::min(1.0, std::abs(w.effect) / top) * 0.6;
    const char* rgb = w.effect >= 0 ? "46,160,67" : "214,39,40";
    html += fmt::format("<span title=\"{:+.3f}\" style=\"background:rgba({},{:.2f})\">{}</span> ",
                        w.effect, rgb, a, report::EscapeHtml(w.word));
  }
  return html;
}

void WriteTrainReport(const std::string& path, const std::string& model,
                      const nlohmann::json& metrics, const std::vector<std::string>& classes,
                      const ClassificationMetrics& pooled, const ClassificationMetrics& baseline,
                      const std::vector<ClassificationMetrics>& per_fold,
                      const std::vector<Mistake>& mistakes, const std::vector<std::string>& texts,
                      const Provenance& provenance) {
  report::HtmlPage page("Text classification: " + model);
  const bool beats = pooled.accuracy > baseline.accuracy && pooled.macro_f1 > baseline.macro_f1;
  page.Verdict(fmt::format(
      "{} classifies {} of {} texts correctly (accuracy {:.3f}, 95% interval {}; macro-F1 {:.3f}) "
      "by {}. Always answering the majority class gives accuracy {:.3f} and macro-F1 {:.3f}{}",
      model, static_cast<std::size_t>(std::lround(pooled.accuracy * static_cast<double>(pooled.n))),
      pooled.n, pooled.accuracy, Ci(pooled.accuracy_ci), pooled.macro_f1,
      metrics.at("evaluation").get<std::string>(), baseline.accuracy, baseline.macro_f1,
      beats ? "." : ": this model does not beat it."));
  if (metrics.value("truncated_texts", 0) > 0)
    page.Warning(fmt::format("{} longer than the model's max_length and truncated.",
                             TextsWere(metrics.at("truncated_texts").get<long long>())));

  page.Heading("Metrics");
  page.Table({"metric", "value", "95% interval (bootstrap)"},
             {{"accuracy", fmt::format("{:.4f}", pooled.accuracy), Ci(pooled.accuracy_ci)},
              {"macro-F1", fmt::format("{:.4f}", pooled.macro_f1), Ci(pooled.macro_f1_ci)},
              {"majority-class accuracy", fmt::format("{:.4f}", baseline.accuracy), ""}});
  std::vector<std::vector<std::string>> rows;
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const auto& s = pooled.per_class[c];
    rows.push_back({classes[c], fmt::format("{:.3f}", s.precision), fmt::format("{:.3f}", s.recall),
                    fmt::format("{:.3f}", s.f1), report::Count(static_cast<double>(s.support))});
  }
  page.Table({"class", "precision", "recall", "F1", "texts"}, rows);

  page.Heading("Confusion matrix");
  page.Paragraph("Rows: the true class; columns: the predicted class.");
  std::vector<std::string> header{"true \\ predicted"};
  header.insert(header.end(), classes.begin(), classes.end());
  rows.clear();
  for (std::size_t t = 0; t < classes.size(); ++t) {
    std::vector<std::string> row{classes[t]};
    for (std::size_t p = 0; p < classes.size(); ++p)
      row.push_back(report::Count(static_cast<double>(pooled.confusion[t][p])));
    rows.push_back(row);
  }
  page.Table(header, rows);

  if (per_fold.size() > 1) {
    page.Heading("Folds");
    rows.clear();
    for (std::size_t f = 0; f < per_fold.size(); ++f)
      rows.push_back({std::to_string(f + 1), report::Count(static_cast<double>(per_fold[f].n)),
                      fmt::format("{:.4f}", per_fold[f].accuracy),
                      fmt::format("{:.4f}", per_fold[f].macro_f1)});
    const auto& cv = metrics.at("cv");
    rows.push_back({"mean ± sd", "",
                    fmt::format("{:.4f} ± {:.4f}", cv.at("accuracy_mean").get<double>(),
                                cv.at("accuracy_sd").get<double>()),
                    fmt::format("{:.4f} ± {:.4f}", cv.at("macro_f1_mean").get<double>(),
                                cv.at("macro_f1_sd").get<double>())});
    page.Table({"fold", "texts", "accuracy", "macro-F1"}, rows, static_cast<int>(rows.size()) - 1);
  }

  const nlohmann::json summary =
      metrics.contains("summary")
          ? metrics["summary"]
          : (metrics.contains("cv") ? metrics["cv"]["fold_summaries"][0] : nlohmann::json());
  if (summary.is_object() && (summary.contains("fine_tune") || summary.contains("pretrain"))) {
    page.Heading("Learning curves");
    const std::string member =
        summary.contains("members")
            ? fmt::format(" (the first of its {} members)", summary["members"].size())
            : "";
    const std::string whose =
        metrics.contains("summary") ? "The saved model's training" : "The first fold's training";
    page.Paragraph(whose + member +
                   (summary.contains("refit") ? ": first the pass that chose the epochs." : "."));
    if (summary.contains("pretrain"))
      LossChart(page, summary["pretrain"],
                "Masked-language-model pretraining (masked-token cross-entropy)");
    if (summary.contains("fine_tune"))
      LossChart(page, summary["fine_tune"], "Classification training");
    if (summary.contains("refit")) {
      const auto& refit = summary["refit"];
      page.Paragraph(fmt::format(
          "Early stopping chose {}; then a fresh network learned from all {} training texts for "
          "as many, without a validation share, and is the one kept.",
          report::Counted(refit.value("epochs", 0LL), "epoch"),
          report::Count(refit.value("texts", 0.0))));
      if (refit.contains("fine_tune"))
        LossChart(page, refit["fine_tune"], "Refit on every training text");
    }
    if (summary.contains("blend"))
      page.Paragraph(fmt::format(
          "The model's probabilities are {:.2f} of the network's and {:.2f} of a tfidf_logistic "
          "fitted on the same training texts; the curves are the network's alone.",
          1 - summary["blend"].value("weight", 0.0), summary["blend"].value("weight", 0.0)));
  }

  page.Heading("Most confident mistakes");
  page.Paragraph(
      "Each word is shaded by how much the predicted class's probability falls when the word is "
      "left out (occlusion): green words pushed the model towards its wrong answer, red ones "
      "against it. Hover a word for the change.");
  std::string table =
      "<table><thead><tr><th>text</th><th>true</th><th>predicted</th><th>p</th><th>top "
      "words</th></tr></thead><tbody>";
  for (const auto& m : mistakes) {
    std::string top;
    for (const auto& w : TopWords(m.words, 3))
      top += (top.empty() ? "" : ", ") + fmt::format("{} ({:+.2f})", w.word, w.effect);
    table += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.2f}</td><td>{}</td></tr>",
                         HighlightedText(m.words),
                         report::EscapeHtml(classes[static_cast<std::size_t>(m.truth)]),
                         report::EscapeHtml(classes[static_cast<std::size_t>(m.predicted)]),
                         m.confidence, report::EscapeHtml(top));
  }
  table += "</tbody></table>";
  if (mistakes.empty())
    page.Paragraph("None.");
  else
    page.Raw(table);
  page.Provenance(provenance, {{"texts", report::Count(static_cast<double>(texts.size()))},
                               {"classes", fmt::format("{}", fmt::join(classes, ", "))}});
  report::WriteReport(path, page);
}

}  // namespace finml::nlp
