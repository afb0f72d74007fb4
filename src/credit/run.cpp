// Cross-validation (or a hold-out) of a credit model, with permutation importance, fairness and
// the final fit on every row.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "finml/core/error.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/credit/pipeline.hpp"
#include "finml/dist/world.hpp"

namespace finml::credit {
namespace {

double MeanOf(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double SampleSd(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = MeanOf(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

std::vector<int> Select(const std::vector<int>& y, const std::vector<std::size_t>& rows) {
  std::vector<int> out;
  for (std::size_t r : rows) out.push_back(y[r]);
  return out;
}

// A copy of the table with one column's values permuted among `rows`.
Table Permuted(const Table& t, const std::string& name, const std::vector<std::size_t>& rows,
               std::mt19937_64& rng) {
  Table copy = t;
  Column& c = copy.columns[t.Index(name)];
  std::vector<std::size_t> order = rows;
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (c.kind == ColumnKind::kNumeric)
      c.numbers[rows[i]] = t.Get(name).numbers[order[i]];
    else
      c.labels[rows[i]] = t.Get(name).labels[order[i]];
  }
  return copy;
}

// Text that differs in every row (an applicant number, a loan id) names rows; it predicts
// nothing and, as a category per row, would be fitted perfectly.
bool IsIdentifier(const Column& c, std::size_t rows) {
  const std::string name = ToLower(c.name);
  if (name == "id" || (name.size() > 3 && name.substr(name.size() - 3) == "_id")) return true;
  if (c.kind != ColumnKind::kCategorical || rows < 20) return false;
  std::set<std::string> seen(c.labels.begin(), c.labels.end());
  return seen.size() == rows;
}

}  // namespace

std::vector<std::string> ModelFeatures(const Table& t, const CreditConfig& c) {
  std::vector<std::string> features = c.features;
  if (features.empty()) {
    for (const auto& name : t.Names())
      if (name != c.target && name != c.weight_column && name != c.protected_column &&
          !IsIdentifier(t.Get(name), t.rows))
        features.push_back(name);
  }
  for (const auto& name : features) {
    (void)t.Get(name);  // unknown names are errors with the closest match
    FINML_REQUIRE(name != c.target, "the target '{}' cannot also be a feature", name);
    FINML_REQUIRE(name != c.protected_column,
                  "the protected attribute '{}' cannot be a model input", name);
  }
  std::vector<std::string> kept;
  for (const auto& name : features)
    if (std::find(c.exclude.begin(), c.exclude.end(), name) == c.exclude.end())
      kept.push_back(name);
  for (const auto& name : c.exclude) (void)t.Get(name);
  FINML_REQUIRE(!kept.empty(), "no feature columns left to model");
  return kept;
}

FairnessReport Fairness(const Table& t, const std::string& column,
                        const std::vector<std::size_t>& rows, const std::vector<int>& y,
                        const std::vector<double>& p, double threshold) {
  const Column& c = t.Get(column);
  auto group_of = [&](std::size_t r) {
    if (c.Missing(r)) return std::string("(missing)");
    return c.kind == ColumnKind::kNumeric ? fmt::format("{:g}", c.numbers[r]) : c.labels[r];
  };
  std::set<std::string> groups;
  for (std::size_t r : rows) groups.insert(group_of(r));
  FINML_REQUIRE(groups.size() >= 2 && groups.size() <= 20,
                "protected attribute '{}' has {} groups; give a column with 2 to 20 values (bin "
                "numeric ones first, e.g. age bands)",
                column, groups.size());
  FairnessReport report;
  report.column = column;
  double min_approval = 1, max_approval = 0, min_good = 1, max_good = 0;
  for (const auto& g : groups) {
    FairnessGroup fg;
    fg.group = g;
    std::vector<int> gy;
    std::vector<double> gp;
    double approved = 0, tp = 0, fp = 0, pos = 0, neg = 0, good_approved = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (group_of(rows[i]) != g) continue;
      gy.push_back(y[rows[i]]);
      gp.push_back(p[i]);
      const bool flag = p[i] >= threshold;
      approved += !flag;
      if (y[rows[i]]) {
        ++pos;
        tp += flag;
      } else {
        ++neg;
        fp += flag;
        good_approved += !flag;
      }
    }
    fg.n = gy.size();
    fg.approval_rate = approved / static_cast<double>(fg.n);
    fg.tpr = pos > 0 ? tp / pos : std::nan("");
    fg.fpr = neg > 0 ? fp / neg : std::nan("");
    fg.good_approval = neg > 0 ? good_approved / neg : std::nan("");
    if (pos > 0 && neg > 0) fg.auc = RocAuc(gy, gp);
    min_approval = std::min(min_approval, fg.approval_rate);
    max_approval = std::max(max_approval, fg.approval_rate);
    if (neg > 0) {
      min_good = std::min(min_good, fg.good_approval);
      max_good = std::max(max_good, fg.good_approval);
    }
    report.groups.push_back(fg);
  }
  report.disparate_impact = max_approval > 0 ? min_approval / max_approval : std::nan("");
  report.equal_opportunity_difference = max_good - min_good;
  return report;
}

std::vector<std::pair<std::size_t, double>> TopReasons(const std::vector<double>& contributions,
                                                       std::size_t row, std::size_t features,
                                                       std::size_t k) {
  const double* c = contributions.data() + row * features;
  std::vector<std::size_t> order(features);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return c[a] > c[b]; });
  std::vector<std::pair<std::size_t, double>> out;
  for (std::size_t r = 0; r < k && r < features && c[order[r]] > 0; ++r)
    out.emplace_back(order[r], c[order[r]]);
  return out;
}

double PopulationStability(const std::vector<double>& expected, const std::vector<double>& actual,
                           const std::vector<double>& edges) {
  FINML_REQUIRE(!expected.empty() && !actual.empty(), "PSI needs values on both sides");
  return StabilityIndex(BinShares(expected, edges), BinShares(actual, edges));
}

CreditRun RunCredit(const Table& t, const CreditConfig& c, bool progress) {
  const auto started = std::chrono::steady_clock::now();
  CreditRun run;
  run.config = c;
  run.target = ExtractTarget(t, c.target, c.positive);
  run.features = ModelFeatures(t, c);
  const auto& y = run.target.y;
  const std::size_t n = t.rows;
  if (c.holdout > 0) {
    // One stratified split: in each class a seeded shuffle, then the hold-out share is fold 1.
    run.fold.assign(n, 0);
    std::mt19937_64 rng(c.seed);
    for (int cls : {1, 0}) {
      std::vector<std::size_t> members;
      for (std::size_t i = 0; i < n; ++i)
        if (y[i] == cls) members.push_back(i);
      std::shuffle(members.begin(), members.end(), rng);
      const auto take =
          static_cast<std::size_t>(std::round(c.holdout * static_cast<double>(members.size())));
      FINML_REQUIRE(take >= 1 && take < members.size(),
                    "a {:.0f}% hold-out leaves no {} rows of class {} on one side (fix: a larger "
                    "holdout share or cross-validation)",
                    100 * c.holdout, take < 1 ? "test" : "training", cls);
      for (std::size_t k = 0; k < take; ++k) run.fold[members[k]] = 1;
    }
  } else {
    run.fold = StratifiedFolds(y, c.folds, c.seed);
  }
  const std::size_t rounds = c.holdout > 0 ? 1 : c.folds;
  run.oof.assign(n, std::nan(""));
  Progress bar("credit cv", rounds, progress);
  std::vector<double> drops(run.features.size(), 0.0);
  // Each fold is a task: under finml launch the folds are split across the ranks, and every rank
  // gathers the same out-of-fold predictions and importance drops the serial loop computes.
  const auto fold_task = [&](std::size_t k) {
    const std::size_t test_fold = c.holdout > 0 ? 1 : k;
    std::vector<std::size_t> train, test;
    for (std::size_t i = 0; i < n; ++i) (run.fold[i] == test_fold ? test : train).push_back(i);
    const auto model = CreditModel::Fit(t, train, y, c);
    std::size_t unseen = 0;
    const auto p = model.Predict(t, test, &unseen);
    const auto ty = Select(y, test);
    // Permutation importance on the held-out rows: the AUC lost when a feature is shuffled.
    std::mt19937_64 rng(c.seed + k);
    const double base = RocAuc(ty, p);
    std::vector<double> out{static_cast<double>(unseen)};
    for (std::size_t f = 0; f < run.features.size(); ++f) {
      double drop = 0;
      if (c.permutation_importance) {
        const Table shuffled = Permuted(t, run.features[f], test, rng);
        drop = base - RocAuc(ty, model.Predict(shuffled, test));
      }
      out.push_back(drop);
    }
    out.insert(out.end(), p.begin(), p.end());
    bar.Update(k + 1, fmt::format("fold {} AUC {:.4f}", k + 1, base));
    return dist::PackDoubles(out);
  };
  const auto folds = dist::MapTasks(rounds, fold_task);
  for (std::size_t k = 0; k < rounds; ++k) {
    const std::size_t test_fold = c.holdout > 0 ? 1 : k;
    std::vector<std::size_t> test;
    for (std::size_t i = 0; i < n; ++i)
      if (run.fold[i] == test_fold) test.push_back(i);
    const std::vector<double> out = dist::UnpackDoubles(folds[k]);
    run.unseen_categories += static_cast<std::size_t>(out[0]);
    for (std::size_t f = 0; f < run.features.size(); ++f)
      drops[f] += out[1 + f] / static_cast<double>(rounds);
    const std::vector<double> p(out.begin() + 1 + static_cast<std::ptrdiff_t>(run.features.size()),
                                out.end());
    for (std::size_t i = 0; i < test.size(); ++i) run.oof[test[i]] = p[i];
    run.fold_metrics.push_back(
        ComputeBinaryMetrics(Select(y, test), p, c.threshold, c.profit ? &*c.profit : nullptr));
  }
  bar.Finish();
  std::vector<double> auc, ks, gini, brier, ll;
  for (const auto& m : run.fold_metrics) {
    auc.push_back(m.auc);
    ks.push_back(m.ks);
    gini.push_back(m.gini);
    brier.push_back(m.brier);
    ll.push_back(m.log_loss);
  }
  run.auc_mean = MeanOf(auc);
  run.auc_std = SampleSd(auc);
  run.ks_mean = MeanOf(ks);
  run.gini_mean = MeanOf(gini);
  run.brier_mean = MeanOf(brier);
  run.log_loss_mean = MeanOf(ll);
  std::vector<std::size_t> evaluated;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(run.oof[i])) evaluated.push_back(i);
  std::vector<double> oof;
  for (std::size_t i : evaluated) oof.push_back(run.oof[i]);
  const auto ey = Select(y, evaluated);
  run.pooled = ComputeBinaryMetrics(ey, oof, c.threshold, c.profit ? &*c.profit : nullptr);
  run.calibration = CalibrationTable(ey, oof);
  run.roc = RocCurve(ey, oof);
  for (std::size_t f = 0; c.permutation_importance && f < run.features.size(); ++f)
    run.permutation_importance.emplace_back(run.features[f], drops[f]);
  std::stable_sort(run.permutation_importance.begin(), run.permutation_importance.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (!c.protected_column.empty())
    run.fairness = Fairness(t, c.protected_column, evaluated, y, oof, c.threshold);

  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  run.final_model = CreditModel::Fit(t, all, y, c);
  run.warnings = run.final_model.Preprocessing().Warnings();
  if (c.features.empty()) {
    for (const auto& name : t.Names()) {
      const bool excluded = std::find(c.exclude.begin(), c.exclude.end(), name) != c.exclude.end();
      if (!excluded && IsIdentifier(t.Get(name), t.rows))
        run.warnings.push_back(fmt::format(
            "'{}' names rows (an id, or a different text in every row): an identifier, not used "
            "as an input (name it in features to use it; credit score copies a column named id "
            "to its output)",
            name));
    }
  }
  if (c.preprocess.encoding != Encoding::kWoe &&
      (c.preprocess.monotonic || c.preprocess.min_bin_share > 0))
    run.warnings.push_back(fmt::format(
        "monotonic and min_bin_share shape weight-of-evidence bins; with encoding {} they do "
        "nothing (fix: --encoding woe, or leave them out)",
        EnumName(c.preprocess.encoding)));
  if (c.preprocess.encoding == Encoding::kWoe) {
    for (const auto& f : run.final_model.Preprocessing().Features())
      run.information_value.emplace_back(f.name, f.iv);
    std::stable_sort(run.information_value.begin(), run.information_value.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

}  // namespace finml::credit
