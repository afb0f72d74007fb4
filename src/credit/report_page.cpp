// The credit report page, section by section; each section is one function over the run.
#include "report_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "finml/credit/curves.hpp"
#include "finml/credit/effects.hpp"
#include "finml/report/format.hpp"
#include "report_helpers.hpp"

namespace finml::credit {
namespace {

using namespace page;

using json = nlohmann::json;
using report::Axis;
using report::Figure;
using report::HtmlPage;
using report::TraceStyle;
using report::Unit;

// The predictions every metric of the run uses: out-of-fold, or the hold-out's.
struct Scored {
  std::vector<int> y;
  std::vector<double> p;
  std::vector<double> score;  // scorecard points of p
  double bad_rate = 0;        // share of y = 1
};

Scored ScoredRows(const CreditRun& run) {
  Scored s;
  for (std::size_t i = 0; i < run.oof.size(); ++i) {
    if (std::isnan(run.oof[i])) continue;
    s.y.push_back(run.target.y[i]);
    s.p.push_back(run.oof[i]);
    // Rounded to a tenth of a point: plenty for a histogram, and a third of the bytes.
    s.score.push_back(Rounded(run.config.scale.Score(run.oof[i]), 1));
  }
  if (!s.y.empty())
    s.bad_rate = static_cast<double>(std::count(s.y.begin(), s.y.end(), 1)) /
                 static_cast<double>(s.y.size());
  return s;
}

// Indices of about `max` points of n, evenly spread, the first and last kept.
std::vector<std::size_t> Thinned(std::size_t n, std::size_t max = kCurvePoints) {
  std::vector<std::size_t> keep;
  if (n <= max) {
    for (std::size_t i = 0; i < n; ++i) keep.push_back(i);
    return keep;
  }
  for (std::size_t k = 0; k < max; ++k) keep.push_back(k * (n - 1) / (max - 1));
  return keep;
}

// The headline: the ranking metrics, then whether the probabilities can be read as PDs.
std::string VerdictText(const CreditRun& run, const CalibrationCheck& check) {
  const auto& c = run.config;
  std::string text = fmt::format("{} with {} on {}: ROC AUC {}", c.model, EncodingName(c),
                                 DataName(c), Fixed(run.auc_mean, 3));
  if (c.holdout > 0)
    text += fmt::format(" on a {:.0f}% hold-out of {} rows", 100 * c.holdout,
                        report::Count(static_cast<double>(run.pooled.n)));
  else
    text += fmt::format(" ± {} over {} folds", Fixed(run.auc_std, 3), run.fold_metrics.size());
  text += fmt::format(", Gini {}, KS {}; ", Fixed(run.gini_mean, 3), Fixed(run.ks_mean, 3));
  if (check.Calibrated())
    text += fmt::format(
        "well calibrated (Brier {}): observed default rates match the predicted within noise in "
        "{} of {} bins.",
        Fixed(run.brier_mean, 3), check.bins - check.bins_off, check.bins);
  else
    text += fmt::format(
        "probabilities off (Brier {}): the observed default rate is beyond noise from the "
        "predicted in {} of {} bins, by {} points on average; recalibrate before reading them as "
        "probabilities of default.",
        Fixed(run.brier_mean, 2), check.bins_off, check.bins, Fixed(100 * check.mean_gap, 1));
  return text;
}

void RunFacts(HtmlPage& page, const CreditRun& run) {
  const auto& c = run.config;
  const double rows = static_cast<double>(run.target.y.size());
  const double bads = static_cast<double>(std::count(run.target.y.begin(), run.target.y.end(), 1));
  page.KeyValues({
      {"model", fmt::format("{} ({} encoding)", c.model, EncodingName(c))},
      {"data", fmt::format("{}: {} rows, {} features", DataName(c), report::Count(rows),
                           run.features.size())},
      {"target",
       fmt::format("'{}' = '{}' is the event predicted (a bad): {} rows ({})", c.target,
                   run.target.positive, report::Count(bads), report::Percent(bads / rows, 1))},
      {"validation",
       c.holdout > 0
           ? fmt::format("one stratified {:.0f}% hold-out ({} rows scored)", 100 * c.holdout,
                         report::Count(static_cast<double>(run.pooled.n)))
           : fmt::format("{}-fold stratified cross-validation (every row scored out of fold)",
                         c.folds)},
      {"decision threshold",
       fmt::format("flag as bad when the probability of default is at least {} ({} points)",
                   report::Number(c.threshold), Fixed(c.scale.Score(c.threshold), 0))},
      {"score scale", fmt::format("{} points at odds {}:1 (good:bad), {} points double the odds",
                                  report::Number(c.scale.base_score),
                                  report::Number(c.scale.base_odds), report::Number(c.scale.pdo))},
      {"seed", std::to_string(c.seed)},
      {"time", fmt::format("{} s", Fixed(run.seconds, 1))},
  });
}

void FoldTable(HtmlPage& page, const CreditRun& run) {
  std::vector<std::vector<std::string>> rows;
  auto row = [](const std::string& label, const BinaryMetrics& m) {
    return std::vector<std::string>{label,
                                    report::Count(static_cast<double>(m.n)),
                                    Fixed(m.auc, 3),
                                    Fixed(m.gini, 3),
                                    Fixed(m.ks, 3),
                                    Fixed(m.brier, 3),
                                    Fixed(m.log_loss, 3),
                                    report::Percent(m.accuracy, 1),
                                    report::Percent(m.precision, 1),
                                    report::Percent(m.recall, 1),
                                    Fixed(m.f1, 3)};
  };
  const bool holdout = run.config.holdout > 0;
  for (std::size_t k = 0; k < run.fold_metrics.size(); ++k)
    rows.push_back(row(holdout ? "hold-out" : std::to_string(k + 1), run.fold_metrics[k]));
  if (!holdout) rows.push_back(row("all folds pooled", run.pooled));
  page.Table({holdout ? "rows" : "fold", "n", "ROC AUC", "Gini", "KS", "Brier", "log loss",
              "accuracy", "precision", "recall", "F1"},
             rows, holdout ? -1 : static_cast<int>(rows.size()) - 1);
  if (!holdout)
    page.Paragraph(fmt::format(
        "Mean over folds: ROC AUC {} ± {} (standard deviation), Gini {}, KS {}, Brier {}, log "
        "loss {}. Accuracy, precision, recall and F1 flag a bad at probability {} or more.",
        Fixed(run.auc_mean, 3), Fixed(run.auc_std, 3), Fixed(run.gini_mean, 3),
        Fixed(run.ks_mean, 3), Fixed(run.brier_mean, 3), Fixed(run.log_loss_mean, 3),
        report::Number(run.config.threshold)));
}

// Score histograms of goods and bads, and their cumulative shares with the KS gap marked.
void ScoreDistributions(HtmlPage& page, const CreditRun& run, const Scored& s) {
  const ScorecardScale& scale = run.config.scale;
  const KsPoint ks = KsPointOf(s.y, s.p);
  const double ks_score = scale.Score(ks.threshold);
  const std::string ks_label =
      fmt::format("{} {} at {} points (PD {})", run.config.holdout > 0 ? "KS" : "pooled KS",
                  Fixed(ks.ks, 3), Fixed(ks_score, 0), report::Percent(ks.threshold, 1));
  std::vector<double> good, bad;
  for (std::size_t i = 0; i < s.y.size(); ++i) (s.y[i] ? bad : good).push_back(s.score[i]);
  Figure hist(fmt::format("Score distributions of goods and bads ({})", Source(run)),
              {"score (points; higher = safer)", Unit::kNumber}, {"density", Unit::kNumber});
  hist.Histogram("good", good, 40).Histogram("bad", bad, 40);
  if (ks.ks > 0) hist.VerticalLine(Rounded(ks_score, 1), ks_label);
  page.Chart(hist);

  // Share of each class at or below a score, as steps (each distinct score adds its rows): the KS
  // is the widest vertical gap.
  std::vector<double> x, bad_share, good_share;
  const auto roc = run.roc.empty() ? RocCurve(s.y, s.p) : run.roc;
  double bad_before = 0, good_before = 0;
  for (std::size_t i : Thinned(roc.size())) {
    if (!std::isfinite(roc[i].threshold)) continue;
    const double score = Rounded(scale.Score(roc[i].threshold), 2);
    x.insert(x.end(), {score, score});
    bad_share.insert(bad_share.end(), {bad_before, Rounded(roc[i].tpr, 5)});
    good_share.insert(good_share.end(), {good_before, Rounded(roc[i].fpr, 5)});
    bad_before = bad_share.back();
    good_before = good_share.back();
  }
  Figure cdf("Share of goods and bads at or below each score (the KS is the widest gap)",
             {"score (points; higher = safer)", Unit::kNumber},
             {"share at or below the score", Unit::kPercent});
  cdf.Line("bad", x, bad_share).Line("good", x, good_share);
  if (ks.ks > 0) cdf.VerticalLine(Rounded(ks_score, 1), ks_label);
  cdf.Layout({{"yaxis", {{"range", {0, 1.02}}}}});
  page.Chart(cdf);
}

void RocAndPrecisionRecall(HtmlPage& page, const CreditRun& run, const Scored& s) {
  const std::string& model = run.config.model;
  const auto roc = run.roc.empty() ? RocCurve(s.y, s.p) : run.roc;
  std::vector<double> fpr, tpr;
  for (std::size_t i : Thinned(roc.size())) {
    fpr.push_back(Rounded(roc[i].fpr, 5));
    tpr.push_back(Rounded(roc[i].tpr, 5));
  }
  const double auc = RocAuc(s.y, s.p);
  Figure r(fmt::format("ROC curve ({}): AUC {}", Source(run), Fixed(auc, 3)),
           {"false positive rate (share of goods flagged)", Unit::kPercent},
           {"true positive rate (share of bads caught)", Unit::kPercent});
  r.Line(fmt::format("{} (AUC {})", model, Fixed(auc, 3)), fpr, tpr, ColouredAs(model))
      .Line("chance", json{0, 1}, {0, 1}, Reference())
      .Layout({{"xaxis", {{"range", {0, 1}}}}, {"yaxis", {{"range", {0, 1.02}}}}})
      .Height(440);
  page.Chart(r);

  const auto pr = PrecisionRecallCurve(s.y, s.p);
  std::vector<double> recall, precision;
  for (std::size_t i : Thinned(pr.size())) {
    recall.push_back(Rounded(pr[i].recall, 5));
    precision.push_back(Rounded(pr[i].precision, 5));
  }
  const double base = s.bad_rate;
  const double ap = AveragePrecision(s.y, s.p);
  Figure f(fmt::format("Precision-recall ({}): average precision {}", Source(run), Fixed(ap, 3)),
           {"recall (share of bads caught)", Unit::kPercent},
           {"precision (share of flagged rows that are bad)", Unit::kPercent});
  f.Line(fmt::format("{} (average precision {})", model, Fixed(ap, 3)), recall, precision,
         ColouredAs(model))
      .Line(fmt::format("chance (base rate {})", report::Percent(base, 1)), json{0, 1},
            {base, base}, Reference("chance"))
      .Layout({{"xaxis", {{"range", {0, 1}}}}, {"yaxis", {{"range", {0, 1.02}}}}})
      .Height(440);
  page.Chart(f);
}

void GainsAndLift(HtmlPage& page, const CreditRun& run, const Scored& s) {
  const std::string& model = run.config.model;
  const auto gains = CumulativeGains(s.y, s.p);
  std::vector<double> population, captured;
  for (std::size_t i : Thinned(gains.size())) {
    population.push_back(Rounded(gains[i].population, 5));
    captured.push_back(Rounded(gains[i].captured, 5));
  }
  const double base = s.bad_rate;
  Figure g(
      fmt::format("Cumulative gains: bads caught by flagging the riskiest share ({})", Source(run)),
      {"share of applicants flagged, riskiest first", Unit::kPercent},
      {"share of all bads caught", Unit::kPercent});
  g.Line(model, population, captured)
      .Line("perfect", json{0, base, 1}, {0, 1, 1}, Reference())
      .Line("chance", json{0, 1}, {0, 1}, Reference())
      .Layout({{"xaxis", {{"range", {0, 1}}}}, {"yaxis", {{"range", {0, 1.02}}}}});
  page.Chart(g);

  const auto bands = LiftTable(s.y, s.p, 10);
  std::vector<std::string> names;
  std::vector<double> lift;
  std::vector<std::vector<std::string>> rows;
  const ScorecardScale& scale = run.config.scale;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    const auto& band = bands[b];
    names.push_back(b == 0 ? "1 (riskiest)" : std::to_string(b + 1));
    lift.push_back(band.lift);
    rows.push_back(
        {names.back(),
         fmt::format("{} – {}", report::Percent(band.lower, 1), report::Percent(band.upper, 1)),
         fmt::format("{} – {}", Fixed(scale.Score(band.upper), 0),
                     Fixed(scale.Score(band.lower), 0)),
         report::Count(static_cast<double>(band.n)), report::Count(static_cast<double>(band.bads)),
         report::Percent(band.bad_rate, 1), Fixed(band.lift, 2),
         report::Percent(band.population, 0), report::Percent(band.captured, 1),
         Fixed(band.cumulative_lift, 2)});
  }
  Figure l(
      fmt::format("Lift by {}: each band's bad rate over the average bad rate, {} ({})",
                  bands.size() == 10 ? "decile" : "band", report::Percent(base, 1), Source(run)),
      {"band of applicants, riskiest first", Unit::kCategory},
      {"lift (× the average bad rate)", Unit::kNumber});
  l.Bars(model, names, lift).HorizontalLine(1, "no lift");
  page.Chart(l);
  page.Table({"band", "probability of default", "score", "rows", "bads", "bad rate", "lift",
              "cumulative rows", "cumulative bads caught", "cumulative lift"},
             rows);
}

void Calibration(HtmlPage& page, const CreditRun& run, const Scored& s,
                 const std::vector<CalibrationBin>& bins, const CalibrationCheck& check) {
  std::vector<double> predicted, observed;
  std::vector<std::string> text;
  std::vector<std::vector<std::string>> rows;
  double top = 0;
  for (std::size_t b = 0; b < bins.size(); ++b) {
    const auto& bin = bins[b];
    const double n = static_cast<double>(bin.count);
    const double bads = std::round(bin.observed_rate * n);
    const bool within = check.within[b];
    predicted.push_back(bin.mean_predicted);
    observed.push_back(bin.observed_rate);
    top = std::max({top, bin.mean_predicted, bin.observed_rate});
    text.push_back(fmt::format("bin {}: {} rows, {} bads<br>predicted {}, observed {}", b + 1,
                               report::Count(n), report::Count(bads),
                               report::Percent(bin.mean_predicted, 1),
                               report::Percent(bin.observed_rate, 1)));
    rows.push_back(
        {std::to_string(b + 1),
         fmt::format("{} – {}", report::Percent(bin.lower, 1), report::Percent(bin.upper, 1)),
         report::Count(n), report::Count(bads), report::Percent(bin.mean_predicted, 1),
         report::Percent(bin.observed_rate, 1),
         fmt::format("{:+.1f} pts", 100 * (bin.observed_rate - bin.mean_predicted)),
         within ? "yes" : "no"});
  }
  const double range = std::min(1.0, std::ceil((top + 0.02) * 20) / 20);
  Figure f("Calibration: observed default rate against the predicted, 10 bins of equal size",
           {"mean predicted probability of default", Unit::kPercent},
           {"observed default rate", Unit::kPercent});
  f.Line("perfect", json{0, range}, {0, range}, Reference())
      .Markers(run.config.model, predicted, observed, text, HoverText())
      .SquareAxes()
      // Equal scales shrink the plot to a square instead of widening the x range.
      .Layout({{"xaxis", {{"range", {0, range}}, {"constrain", "domain"}}},
               {"yaxis", {{"range", {0, range}}}}})
      .Height(480);
  page.Chart(f);
  page.Paragraph(fmt::format(
      "Brier score {} (mean over folds; predicting the base rate for everyone scores {}), log "
      "loss {}. Bins hold about equal numbers of rows; a bin is off when its observed rate lies "
      "more than two binomial standard errors from the predicted (about 1 bin in 20 by chance). "
      "{} of {} bins are off; the mean gap is {} points.",
      Fixed(run.brier_mean, 3), Fixed(s.bad_rate * (1 - s.bad_rate), 3),
      Fixed(run.log_loss_mean, 3), check.bins_off, check.bins, Fixed(100 * check.mean_gap, 1)));
  page.Table({"bin", "predicted range", "rows", "bads", "mean predicted", "observed",
              "observed - predicted", "within noise"},
             rows);
}

void Decisions(HtmlPage& page, const CreditRun& run) {
  const auto& m = run.pooled;
  auto count = [](std::size_t v) { return report::Count(static_cast<double>(v)); };
  page.Paragraph(fmt::format(
      "Flagging every applicant whose {} probability of default is {} or more ({} points "
      "or fewer) flags {} of {} applicants: {} of the {} bads are caught (recall {}), and {} of "
      "the flagged are bad (precision {}).",
      Source(run), report::Number(m.threshold), Fixed(run.config.scale.Score(m.threshold), 0),
      count(m.tp + m.fp), count(m.n), count(m.tp), count(m.positives), report::Percent(m.recall, 1),
      count(m.tp), report::Percent(m.precision, 1)));
  page.Table({"", "flagged (declined)", "not flagged (approved)", "total"},
             {{"bad", count(m.tp), count(m.fn), count(m.tp + m.fn)},
              {"good", count(m.fp), count(m.tn), count(m.fp + m.tn)},
              {"total", count(m.tp + m.fp), count(m.fn + m.tn), count(m.n)}});
  if (m.best_threshold)
    page.Paragraph(fmt::format(
        "With the profit matrix given, the most valuable threshold on these predictions is {} "
        "({} points), worth {} in total.",
        report::Number(*m.best_threshold), Fixed(run.config.scale.Score(*m.best_threshold), 0),
        report::Money(*m.best_profit)));
}

}  // namespace

HtmlPage CreditReportPage(const CreditRun& run, const Table& table, const CreditInputs& inputs) {
  const auto& c = run.config;
  HtmlPage page(fmt::format("Credit model: {} on {}", c.model, DataName(c)));
  // Colours by meaning, fixed before any chart claims one: the model blue, chance orange, goods
  // green, bads red, the perfect reference purple.
  for (const std::string& series : {c.model, std::string("chance"), std::string("good"),
                                    std::string("bad"), std::string("perfect")})
    (void)page.ColourOf(series);
  const Scored s = ScoredRows(run);
  const auto bins = QuantileCalibration(s.y, s.p, 10);
  const CalibrationCheck check = CheckCalibration(bins);
  page.Verdict(VerdictText(run, check));
  if (!run.warnings.empty())
    page.Warning(fmt::format("{} doubt{} about the data or the bins: see 'Doubts about the bins'.",
                             run.warnings.size(), run.warnings.size() == 1 ? "" : "s"));
  RunFacts(page, run);

  page.Heading("Ranking: goods against bads");
  FoldTable(page, run);
  ScoreDistributions(page, run, s);
  RocAndPrecisionRecall(page, run, s);
  page.Heading("Gains and lift");
  GainsAndLift(page, run, s);
  page.Heading("Calibration");
  Calibration(page, run, s, bins, check);
  page.Heading("Decisions at the threshold");
  Decisions(page, run);
  const auto card = run.final_model.Scorecard(c.scale);
  if (!card.empty()) Scorecard(page, run, card);
  Drivers(page, run, table);
  if (!run.warnings.empty()) {
    page.Heading("Doubts about the bins");
    std::vector<std::vector<std::string>> rows;
    for (const auto& w : run.warnings) rows.push_back({w});
    page.Table({"warning"}, rows);
  }
  if (run.fairness) FairnessSection(page, run);
  page.Provenance(inputs.provenance, {{"settings", c.ToJson().dump()}});
  return page;
}

}  // namespace finml::credit
