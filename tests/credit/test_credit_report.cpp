// The credit report's computations (KS point, precision-recall, gains and lift, quantile
// calibration, feature effects), checked against brute-force oracles and hand-worked examples,
// and the page itself for a logistic scorecard and for gradient-boosted trees.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "credit/report_page.hpp"
#include "finml/credit/curves.hpp"
#include "finml/credit/effects.hpp"
#include "finml/credit/outputs.hpp"
#include "finml/report/html_page.hpp"
#include "test_util.hpp"

namespace finml::credit {
namespace {

// Seeded scores with ties: p on a grid of 50 values, y drawn from p, so the model is calibrated.
struct Sample {
  std::vector<int> y;
  std::vector<double> p;
};
Sample Calibrated(std::size_t n, std::uint64_t seed, int grid = 50) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> level(1, grid - 1);
  std::uniform_real_distribution<double> u(0, 1);
  Sample s;
  for (std::size_t i = 0; i < n; ++i) {
    const double p = 0.6 * level(rng) / grid;  // up to 60%, as default models are
    s.p.push_back(p);
    s.y.push_back(u(rng) < p ? 1 : 0);
  }
  return s;
}

// Flagged bads and goods at a threshold, counted row by row.
std::pair<double, double> Flagged(const Sample& s, double threshold) {
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < s.y.size(); ++i)
    if (s.p[i] >= threshold) (s.y[i] ? tp : fp) += 1;
  return {tp, fp};
}

TEST(CreditCurves, KsPointOnAHandWorkedExample) {
  // Thresholds .9 .8 .7 .6 .3 .2 give tpr - fpr = 1/3, 2/3, 1/3, 2/3, 1/3, 0: the first maximum.
  const std::vector<int> y = {1, 1, 0, 1, 0, 0};
  const std::vector<double> p = {.9, .8, .7, .6, .3, .2};
  const KsPoint ks = KsPointOf(y, p);
  EXPECT_DOUBLE_EQ(ks.threshold, .8);
  EXPECT_NEAR(ks.ks, 2.0 / 3, 1e-12);
  EXPECT_NEAR(ks.tpr, 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(ks.fpr, 0);
}

TEST(CreditCurves, KsPointAgreesWithTheStatisticAndARowByRowCount) {
  const Sample s = Calibrated(3000, 7);
  const KsPoint ks = KsPointOf(s.y, s.p);
  EXPECT_NEAR(ks.ks, KsStatistic(s.y, s.p), 1e-12);
  const double pos = static_cast<double>(std::count(s.y.begin(), s.y.end(), 1));
  const double neg = static_cast<double>(s.y.size()) - pos;
  const auto [tp, fp] = Flagged(s, ks.threshold);
  EXPECT_NEAR(ks.tpr, tp / pos, 1e-12);
  EXPECT_NEAR(ks.fpr, fp / neg, 1e-12);
  // No threshold separates the classes more.
  for (double t : s.p) {
    const auto [tp2, fp2] = Flagged(s, t);
    EXPECT_LE(tp2 / pos - fp2 / neg, ks.ks + 1e-12);
  }
}

TEST(CreditCurves, AveragePrecisionMatchesScikitLearnsDocumentedExample) {
  // sklearn.metrics.average_precision_score docs: y_true [0, 0, 1, 1], scores
  // [0.1, 0.4, 0.35, 0.8] give 0.83 (exactly 5/6).
  EXPECT_NEAR(AveragePrecision({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 5.0 / 6, 1e-12);
}

TEST(CreditCurves, PrecisionRecallAndGainsMatchARowByRowCount) {
  const Sample s = Calibrated(2000, 11);
  const double pos = static_cast<double>(std::count(s.y.begin(), s.y.end(), 1));
  const double n = static_cast<double>(s.y.size());
  const auto pr = PrecisionRecallCurve(s.y, s.p);
  const auto gains = CumulativeGains(s.y, s.p);
  ASSERT_EQ(gains.size(), pr.size() + 1);  // gains start at (0, 0)
  EXPECT_EQ(pr.size(), 49u);               // one point per distinct probability
  for (std::size_t k = 0; k < pr.size(); ++k) {
    const auto [tp, fp] = Flagged(s, pr[k].threshold);
    EXPECT_NEAR(pr[k].recall, tp / pos, 1e-12);
    EXPECT_NEAR(pr[k].precision, tp / (tp + fp), 1e-12);
    EXPECT_NEAR(gains[k + 1].population, (tp + fp) / n, 1e-12);
    EXPECT_NEAR(gains[k + 1].captured, tp / pos, 1e-12);
  }
  EXPECT_DOUBLE_EQ(gains.back().population, 1);
  EXPECT_DOUBLE_EQ(gains.back().captured, 1);
}

TEST(CreditCurves, LiftTableAddsUpAndNeverSplitsATie) {
  const Sample s = Calibrated(1000, 3);
  const auto bands = LiftTable(s.y, s.p, 10);
  ASSERT_FALSE(bands.empty());
  std::size_t rows = 0, bads = 0;
  const double base = static_cast<double>(std::count(s.y.begin(), s.y.end(), 1)) / 1000;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    rows += bands[b].n;
    bads += bands[b].bads;
    EXPECT_NEAR(bands[b].lift, bands[b].bad_rate / base, 1e-12);
    if (b > 0) EXPECT_LT(bands[b].upper, bands[b - 1].lower);  // riskiest first, ties whole
  }
  EXPECT_EQ(rows, 1000u);
  EXPECT_DOUBLE_EQ(bands.back().captured, 1);
  EXPECT_NEAR(bands.back().cumulative_lift, 1, 1e-12);
  EXPECT_GT(bands.front().lift, 1.5);  // p carries information

  // Three distinct probabilities cannot make ten bands.
  const std::vector<int> y = {1, 0, 1, 0, 0, 1, 0, 0, 0};
  const std::vector<double> p = {.7, .7, .7, .4, .4, .4, .1, .1, .1};
  const auto few = LiftTable(y, p, 10);
  ASSERT_EQ(few.size(), 3u);
  EXPECT_EQ(few[0].n, 3u);
  EXPECT_EQ(few[0].bads, 2u);
  EXPECT_NEAR(few[0].lift, (2.0 / 3) / (3.0 / 9), 1e-12);
}

TEST(CreditCurves, QuantileCalibrationMakesEqualBinsAndMeans) {
  std::vector<int> y;
  std::vector<double> p;
  for (int i = 0; i < 1000; ++i) {
    p.push_back((i + 0.5) / 1000);
    y.push_back(i % 3 == 0 ? 1 : 0);
  }
  const auto bins = QuantileCalibration(y, p, 10);
  ASSERT_EQ(bins.size(), 10u);
  for (std::size_t b = 0; b < 10; ++b) {
    EXPECT_EQ(bins[b].count, 100u);
    EXPECT_NEAR(bins[b].mean_predicted, (100.0 * b + 50) / 1000, 1e-12);
    double events = 0;
    for (std::size_t i = 100 * b; i < 100 * (b + 1); ++i) events += y[i];
    EXPECT_NEAR(bins[b].observed_rate, events / 100, 1e-12);
    EXPECT_DOUBLE_EQ(bins[b].lower, p[100 * b]);
    EXPECT_DOUBLE_EQ(bins[b].upper, p[100 * b + 99]);
  }
}

TEST(CreditCurves, CalibrationCheckPassesATrueModelAndFailsAShiftedOne) {
  const Sample s = Calibrated(20000, 5);
  const CalibrationCheck good = CheckCalibration(QuantileCalibration(s.y, s.p));
  EXPECT_TRUE(good.Calibrated()) << good.bins_off << " bins off";
  EXPECT_LT(good.mean_gap, 0.01);
  std::vector<double> shifted = s.p;
  for (double& v : shifted) v *= 0.7;  // predicts 30% fewer defaults than happen
  const CalibrationCheck bad = CheckCalibration(QuantileCalibration(s.y, shifted));
  EXPECT_FALSE(bad.Calibrated());
  EXPECT_GE(bad.bins_off, 8u);
  EXPECT_GT(bad.largest_gap, 0.05);  // observed above predicted
}

TEST(CreditEffects, EvenSampleIsDeterministicAndSpread) {
  EXPECT_EQ(EvenSample(10, 4), (std::vector<std::size_t>{0, 2, 5, 7}));
  EXPECT_EQ(EvenSample(3, 10), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_TRUE(EvenSample(0, 10).empty());
  const auto big = EvenSample(100000, 2000);
  EXPECT_EQ(big.size(), 2000u);
  EXPECT_TRUE(std::is_sorted(big.begin(), big.end()));
  EXPECT_GE(big.back(), 99900u);
}

TEST(CreditEffects, ValueLevelsSplitIndicatorsAndTerciles) {
  using L = ValueLevel;
  EXPECT_EQ(ValueLevels({0, 0, 0, 1}), (std::vector<L>{L::kLow, L::kLow, L::kLow, L::kHigh}));
  EXPECT_EQ(ValueLevels({1, 1, 1, 0}), (std::vector<L>{L::kHigh, L::kHigh, L::kHigh, L::kLow}));
  EXPECT_EQ(ValueLevels({1, 2, 3, 4, 5, 6, 7, 8, 9, NAN}),
            (std::vector<L>{L::kLow, L::kLow, L::kLow, L::kMiddle, L::kMiddle, L::kHigh, L::kHigh,
                            L::kHigh, L::kHigh, L::kNone}));
  EXPECT_EQ(ValueLevels({2, 2}), (std::vector<L>{L::kMiddle, L::kMiddle}));
}

TEST(CreditEffects, SwarmOffsetsFollowTheDensity) {
  std::vector<double> v;
  for (int i = 0; i < 500; ++i) v.push_back(0.0);  // a crowd at 0
  for (int i = 0; i < 5; ++i) v.push_back(1.0);    // a few at 1
  const auto o = SwarmOffsets(v);
  EXPECT_EQ(o, SwarmOffsets(v));
  double crowd = 0, few = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_LE(std::abs(o[i]), 0.4);
    (v[i] == 0 ? crowd : few) = std::max(v[i] == 0 ? crowd : few, std::abs(o[i]));
  }
  EXPECT_GT(crowd, 0.35);
  EXPECT_LT(few, 0.1);
}

TEST(CreditEffects, SummaryRanksFeaturesByMeanAbsoluteContribution) {
  Table t;
  t.rows = 3;
  t.columns = {{"amount", ColumnKind::kNumeric, {100, NAN, 300}, {}},
               {"purpose", ColumnKind::kCategorical, {}, {"car", "tv", ""}}};
  // rows x features: amount pushes little, purpose a lot.
  const std::vector<double> c = {0.1, -1.0, -0.2, 2.0, 0.0, 0.5};
  const auto e = SummariseContributions(c, {"amount", "purpose"}, t, {0, 1, 2});
  ASSERT_EQ(e.features.size(), 2u);
  EXPECT_EQ(e.features[0].feature, "purpose");
  EXPECT_NEAR(e.features[0].mean_abs, 3.5 / 3, 1e-12);
  EXPECT_EQ(e.features[0].labels, (std::vector<std::string>{"car", "tv", "(missing)"}));
  EXPECT_TRUE(std::isnan(e.features[0].values[0]));  // categories have no order
  EXPECT_EQ(e.features[1].labels, (std::vector<std::string>{"100", "(missing)", "300"}));
  EXPECT_EQ(e.features[1].contributions, (std::vector<double>{0.1, -0.2, 0.0}));
}

// Trained once per process on German credit, two folds, no permutation importance.
struct Trained {
  Table table;
  CreditRun run;
  CreditInputs inputs;
};
const Trained& Train(const std::string& model) {
  // Never destroyed: a tree model must not outlive the XGBoost module it came from at exit.
  static auto* runs = new std::map<std::string, Trained>;
  auto it = runs->find(model);
  if (it != runs->end()) return it->second;
  const std::string data = finml::testing::RepoPath("data/german_credit.csv");
  Trained t;
  t.table = LoadTable(data);
  t.run = RunCredit(t.table,
                    ParseCreditConfig({{"data", data},
                                       {"model", model},
                                       {"folds", 2},
                                       {"importance", false},
                                       {"protected", "ForeignWorker"},
                                       {"params", model == "gbdt" ? nlohmann::json{{"rounds", 30}}
                                                                  : nlohmann::json::object()}},
                                      "test"));
  t.inputs.provenance.command = "test";
  t.inputs.provenance.Input(data);
  return runs->emplace(model, std::move(t)).first->second;
}

TEST(CreditEffects, TreeShapValuesSumToTheLogitOfEachRow) {
  const Trained& t = Train("gbdt");
  const auto effects = ExplainRows(t.run.final_model, t.table, 200);
  ASSERT_EQ(effects.rows.size(), 200u);
  const auto p = t.run.final_model.Predict(t.table, effects.rows);
  // The bias (the average prediction's log-odds) is the same for every row.
  std::vector<double> bias;
  for (std::size_t i = 0; i < effects.rows.size(); ++i) {
    double sum = 0;
    for (const auto& f : effects.features) sum += f.contributions[i];
    bias.push_back(std::log(p[i] / (1 - p[i])) - sum);
  }
  const auto [lo, hi] = std::minmax_element(bias.begin(), bias.end());
  EXPECT_LT(*hi - *lo, 1e-4);
  EXPECT_GE(effects.features[0].mean_abs, effects.features.back().mean_abs);
}

TEST(CreditReport, LogisticPageShowsTheScorecardAndEveryCurve) {
  const Trained& t = Train("logistic");
  const report::HtmlPage page = CreditReportPage(t.run, t.table, t.inputs);
  const std::string html = page.Render("plotly.js");
  EXPECT_NE(html.find("logistic with WoE on german_credit.csv: ROC AUC 0.7"), std::string::npos);
  for (const char* part :
       {"Score distributions of goods and bads", "KS 0.", "ROC curve", "Precision-recall",
        "Cumulative gains", "Lift by decile", "Calibration", "Scorecard", "Logistic coefficients",
        "Information value", "Fairness by", "How this was made", "(unseen)"})
    EXPECT_NE(html.find(part), std::string::npos) << part;
  EXPECT_EQ(html.find("SHAP"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);  // every chart is Plotly's
  EXPECT_GE(page.chart_count(), 10u);
}

TEST(CreditReport, TreePageShowsAShapSummary) {
  const Trained& t = Train("gbdt");
  const report::HtmlPage page = CreditReportPage(t.run, t.table, t.inputs);
  const std::string html = page.Render("plotly.js");
  for (const char* part : {"gbdt with one-hot on german_credit.csv", "SHAP summary",
                           "Mean |SHAP value| per feature", "high value", "low value"})
    EXPECT_NE(html.find(part), std::string::npos) << part;
  EXPECT_EQ(html.find("Scorecard"), std::string::npos);
}

TEST(CreditReport, TheRunDirectoryHoldsTheChartLibrary) {
  const Trained& t = Train("logistic");
  const std::string dir = finml::testing::TempDir("credit_report_files");
  const auto files = WriteCreditRun(t.run, t.table, dir, t.inputs);
  for (const std::string& name : {std::string("report.html"), report::ChartLibraryName()}) {
    EXPECT_NE(std::find(files.begin(), files.end(), name), files.end()) << name;
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + name)) << name;
  }
  EXPECT_NE(ReadFile(dir + "/report.html").find(report::ChartLibraryName()), std::string::npos);
}

}  // namespace
}  // namespace finml::credit
