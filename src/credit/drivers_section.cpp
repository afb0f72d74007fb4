// The credit report's sections on what drives the model (scorecard, importance, SHAP or
// occlusion, coefficients, information value) and on fairness across a protected group.
#include <algorithm>
#include <cmath>

#include "finml/credit/effects.hpp"
#include "finml/report/format.hpp"
#include "report_helpers.hpp"

namespace finml::credit::page {
namespace {

using json = nlohmann::json;
using report::Axis;
using report::Figure;
using report::HtmlPage;
using report::Unit;

// Horizontal bars of the largest `values`, labels in full.
Figure TopBars(const std::string& title, const Axis& x, const std::string& series,
               std::vector<std::pair<std::string, double>> values, const std::string& colour_of) {
  if (values.size() > kTopFeatures) values.resize(kTopFeatures);
  std::vector<std::string> names;
  std::vector<double> v;
  for (const auto& [name, value] : values) {
    names.push_back(name);
    v.push_back(value);
  }
  Figure f(title, x, {"", Unit::kCategory});
  f.HorizontalBars(series, names, v, ColouredAs(colour_of));
  return f;
}

// The beeswarm: one row per feature, a point per explained applicant at its contribution,
// coloured by where the applicant's value of the feature sits (low / middle / high).
Figure Swarm(const FeatureEffects& effects, const std::string& what, const std::string& model) {
  const std::size_t k = std::min(kSwarmFeatures, effects.features.size());
  // Low to high runs blue, purple, red, as in SHAP's own summary plot.
  const std::vector<std::pair<std::string, std::string>> levels = {
      {"low value", model},
      {"middle value", "perfect"},
      {"high value", "bad"},
      {"missing or category", "chance"}};
  std::vector<std::string> ticks;
  std::vector<int> positions;
  std::vector<bool> used(levels.size(), false);
  Figure fig(
      fmt::format("{} per applicant (top {} features, {} applicants; colour: the "
                  "applicant's value of the feature)",
                  what, k,
                  report::Count(static_cast<double>(std::min(kSwarmRows, effects.rows.size())))),
      {fmt::format("{} (log-odds of default; > 0 pushes towards bad)", what), Unit::kNumber},
      {"", Unit::kNumber});
  for (std::size_t f = 0; f < k; ++f) {
    const auto& e = effects.features[f];
    ticks.push_back(e.feature);
    positions.push_back(static_cast<int>(f));
    // Up to kSwarmRows points a row: more only blur into one band, and weigh on the page.
    const auto shown = EvenSample(e.contributions.size(), kSwarmRows);
    std::vector<double> values, pushes;
    for (std::size_t i : shown) {
      values.push_back(e.values[i]);
      pushes.push_back(e.contributions[i]);
    }
    const auto level = ValueLevels(values);
    const auto offset = SwarmOffsets(pushes);
    // One trace per feature and level, named after the feature so that the hover names it; the
    // legend shows the levels once, below.
    for (std::size_t l = 0; l < levels.size(); ++l) {
      std::vector<double> x, y;
      std::vector<std::string> text;
      for (std::size_t j = 0; j < shown.size(); ++j) {
        if (static_cast<std::size_t>(level[j]) != l) continue;
        x.push_back(Rounded(pushes[j], 3));
        y.push_back(Rounded(static_cast<double>(f) + offset[j], 2));
        text.push_back(fmt::format("{} → {:+.3f}", e.labels[shown[j]], pushes[j]));
      }
      if (x.empty()) continue;
      used[l] = true;
      TraceStyle style = HoverText(levels[l].second);
      style.show_legend = false;
      fig.Markers(e.feature, x, y, text, style);
    }
  }
  // Legend entries for the colours: one point that is not drawn (Plotly lists no empty trace).
  for (std::size_t l = 0; l < levels.size(); ++l)
    if (used[l])
      fig.Markers(levels[l].first, json{0}, {std::nan("")}, {}, ColouredAs(levels[l].second));
  fig.VerticalLine(0, "")
      .Layout({{"yaxis",
                {{"tickmode", "array"},
                 {"tickvals", positions},
                 {"ticktext", ticks},
                 {"autorange", "reversed"},
                 {"showgrid", false}}}})
      .Height(150 + 34 * static_cast<int>(k));
  return fig;
}

}  // namespace

void Scorecard(HtmlPage& page, const CreditRun& run,
               const std::vector<std::vector<std::string>>& card) {
  const auto& scale = run.config.scale;
  page.Heading("Scorecard");
  page.Paragraph(fmt::format(
      "The final model (fitted on every row) as points: an applicant's score is the sum of the "
      "points of their bin in each feature; {} points mean odds of {}:1 (good:bad) and every {} "
      "points double the odds. Rows '(unseen)' score a category the training data never had. "
      "Also in scorecard.csv.",
      report::Number(scale.base_score), report::Number(scale.base_odds),
      report::Number(scale.pdo)));
  // How far apart a feature's best and worst bins are: its weight on the score.
  std::vector<std::pair<std::string, double>> spread;
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : card) {
    const double points = std::stod(row[3]);
    if (spread.empty() || spread.back().first != row[0]) spread.push_back({row[0], 0.0});
    rows.push_back({row[0], row[1], report::Number(std::stod(row[2]), 3), Fixed(points, 1)});
  }
  for (auto& [feature, range] : spread) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& row : card)
      if (row[0] == feature && row[1] != "(unseen)") {
        lo = std::min(lo, std::stod(row[3]));
        hi = std::max(hi, std::stod(row[3]));
      }
    range = hi - lo;
  }
  std::stable_sort(spread.begin(), spread.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (spread.size() > kTopFeatures + 10) spread.resize(kTopFeatures + 10);
  std::vector<std::string> names;
  std::vector<double> values;
  for (const auto& [feature, range] : spread) {
    names.push_back(feature);
    values.push_back(Rounded(range, 2));
  }
  Figure f(
      fmt::format("Points between the best and worst bin of each feature (top {})", names.size()),
      {"points", Unit::kNumber}, {"", Unit::kCategory});
  f.HorizontalBars(run.config.model, names, values);
  page.Chart(f);
  page.Table({"feature", "bin", "WoE", "points"}, rows);
}

void Drivers(HtmlPage& page, const CreditRun& run, const Table& table) {
  const std::string& model = run.config.model;
  page.Heading("What drives the model");
  if (!run.permutation_importance.empty()) {
    page.Chart(TopBars(
        fmt::format("Permutation importance: ROC AUC lost when a feature is shuffled (held-out "
                    "rows, mean over {}; top {})",
                    run.config.holdout > 0 ? "the hold-out" : "folds",
                    std::min(kTopFeatures, run.permutation_importance.size())),
        {"ROC AUC lost", Unit::kNumber}, model, run.permutation_importance, model));
  } else {
    page.Paragraph("Permutation importance was not computed (--no-importance).");
  }
  const auto described = run.final_model.Describe();
  if (IsTreeModel(run) || run.final_model.ModelName() == "mlp") {
    const bool shap = IsTreeModel(run);
    const std::string what = shap ? "SHAP value" : "occlusion effect";
    const auto effects = ExplainRows(run.final_model, table);
    page.Heading(shap ? "SHAP summary" : "Feature effects", 3);
    page.Paragraph(
        shap ? fmt::format("XGBoost's exact TreeSHAP values of the final model (fitted on every "
                           "row) on {} of its training rows: each is one feature's push on the "
                           "log-odds of default for one applicant, relative to the average "
                           "prediction.",
                           report::Count(static_cast<double>(effects.rows.size())))
             : fmt::format("The MLP has no exact decomposition: each value is the change in the "
                           "log-odds of default when a feature is set to its training average, "
                           "for {} of the training rows (final model).",
                           report::Count(static_cast<double>(effects.rows.size()))));
    std::vector<std::pair<std::string, double>> mean_abs;
    for (const auto& e : effects.features) mean_abs.emplace_back(e.feature, e.mean_abs);
    page.Chart(TopBars(fmt::format("Mean |{}| per feature (top {})", what,
                                   std::min(kTopFeatures, mean_abs.size())),
                       {fmt::format("mean |{}| (log-odds of default)", what), Unit::kNumber}, model,
                       mean_abs, model));
    page.Chart(Swarm(effects, what, model));
  }
  if (described.contains("logistic")) {
    const auto& lg = described.at("logistic");
    const auto names = lg.at("names").get<std::vector<std::string>>();
    const auto b = lg.at("coefficients").get<std::vector<double>>();
    const auto se = lg.at("std_errors").get<std::vector<double>>();
    std::vector<std::pair<std::string, double>> by_size;
    for (std::size_t j = 0; j < names.size(); ++j) by_size.emplace_back(names[j], b[j]);
    std::stable_sort(by_size.begin(), by_size.end(), [](const auto& x, const auto& y) {
      return std::abs(x.second) > std::abs(y.second);
    });
    page.Heading("Logistic coefficients", 3);
    const bool woe = run.config.preprocess.encoding == Encoding::kWoe;
    page.Paragraph(fmt::format(
        "The logistic model is read through its coefficients: final fit on every row, on the {} "
        "inputs, standard errors from the penalised Hessian. A positive coefficient means a higher "
        "input pushes towards default.{}",
        EncodingName(run.config),
        woe ? " A higher WoE marks a safer bin, so most coefficients are negative; the scorecard "
              "above turns them into points per bin."
            : ""));
    page.Chart(TopBars(fmt::format("Largest coefficients (top {} of {})",
                                   std::min(kTopFeatures, by_size.size()), by_size.size()),
                       {"coefficient (log-odds of default per unit of input)", Unit::kNumber},
                       model, by_size, model));
    std::vector<std::vector<std::string>> coef = {
        {"(intercept)", report::Number(lg.at("intercept").get<double>()),
         report::Number(lg.at("intercept_se").get<double>()), ""}};
    for (std::size_t j = 0; j < names.size(); ++j)
      coef.push_back(
          {names[j], report::Number(b[j]), report::Number(se[j]),
           se[j] > 0 ? Fixed(std::abs(b[j] / se[j]) < 0.005 ? 0.0 : b[j] / se[j], 2) : "n/a"});
    page.Table({"input", "coefficient", "s.e.", "z"}, coef);
  }
  if (!run.information_value.empty()) {
    Figure iv = TopBars(
        fmt::format("Information value of each feature's WoE bins (final fit; top {})",
                    std::min(kTopFeatures, run.information_value.size())),
        {"information value", Unit::kNumber}, "information value", run.information_value, model);
    iv.VerticalLine(0.1, "0.1 medium").VerticalLine(0.3, "0.3 strong");
    page.Chart(iv);
  }
}

void FairnessSection(HtmlPage& page, const CreditRun& run) {
  const auto& f = *run.fairness;
  page.Heading(fmt::format("Fairness by '{}'", f.column));
  page.Paragraph(fmt::format(
      "Decisions on the {} predictions at threshold {} by group of '{}', which is never a model "
      "input. "
      "Disparate impact (lowest / highest approval rate): {} (the four-fifths rule asks for 0.8 "
      "or more). Equal-opportunity difference (approval among applicants who repaid, highest - "
      "lowest): {} points.",
      Source(run), report::Number(run.config.threshold), f.column, Fixed(f.disparate_impact, 3),
      Fixed(100 * f.equal_opportunity_difference, 1)));
  if (f.disparate_impact < 0.8) page.Warning("disparate impact below 0.8 (the four-fifths rule)");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> groups;
  std::vector<double> approval, good_approval;
  double highest = 0;
  for (const auto& g : f.groups) {
    rows.push_back({g.group, report::Count(static_cast<double>(g.n)),
                    report::Percent(g.approval_rate, 1), report::Percent(g.tpr, 1),
                    report::Percent(g.fpr, 1), report::Percent(g.good_approval, 1),
                    g.auc ? Fixed(*g.auc, 3) : "n/a"});
    groups.push_back(g.group);
    approval.push_back(g.approval_rate);
    good_approval.push_back(g.good_approval);
    highest = std::max(highest, g.approval_rate);
  }
  Figure chart(fmt::format("Approval rates by '{}' ({})", f.column, Source(run)),
               {f.column, Unit::kCategory}, {"share approved", Unit::kPercent});
  chart.Bars("all applicants", groups, approval)
      .Bars("applicants who repaid", groups, good_approval, ColouredAs("good"))
      .HorizontalLine(0.8 * highest, "four-fifths of the highest approval rate")
      .Layout({{"yaxis", {{"range", {0, 1.05}}}}});
  page.Chart(chart);
  page.Table({"group", "n", "approval rate", "TPR (bads flagged)", "FPR (goods flagged)",
              "approval of goods", "ROC AUC"},
             rows);
}

}  // namespace finml::credit::page
