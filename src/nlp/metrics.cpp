#include "finml/nlp/metrics.hpp"

#include <algorithm>
#include <random>

#include "finml/core/error.hpp"
#include "finml/risk/var.hpp"

namespace finml::nlp {
namespace {

// Accuracy and macro F1 of the rows `rows` (with repeats).
std::pair<double, double> Scores(const std::vector<int>& truth, const std::vector<int>& predicted,
                                 std::size_t classes, const std::vector<std::size_t>& rows,
                                 std::vector<ClassScores>* per_class,
                                 std::vector<std::vector<std::size_t>>* confusion) {
  std::vector<std::vector<std::size_t>> m(classes, std::vector<std::size_t>(classes, 0));
  std::size_t right = 0;
  for (const auto r : rows) {
    ++m[static_cast<std::size_t>(truth[r])][static_cast<std::size_t>(predicted[r])];
    right += truth[r] == predicted[r];
  }
  double f1_sum = 0;
  std::vector<ClassScores> scores(classes);
  for (std::size_t c = 0; c < classes; ++c) {
    std::size_t tp = m[c][c], predicted_c = 0, actual_c = 0;
    for (std::size_t o = 0; o < classes; ++o) {
      predicted_c += m[o][c];
      actual_c += m[c][o];
    }
    auto& s = scores[c];
    s.support = actual_c;
    s.precision = predicted_c ? static_cast<double>(tp) / static_cast<double>(predicted_c) : 0;
    s.recall = actual_c ? static_cast<double>(tp) / static_cast<double>(actual_c) : 0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
    f1_sum += s.f1;
  }
  if (per_class) *per_class = scores;
  if (confusion) *confusion = m;
  return {rows.empty() ? 0 : static_cast<double>(right) / static_cast<double>(rows.size()),
          f1_sum / static_cast<double>(classes)};
}

Interval Percentiles(const std::vector<double>& v) {
  if (v.empty()) return {};
  return {risk::Quantile(v, 0.025), risk::Quantile(v, 0.975)};
}

}  // namespace

ClassificationMetrics Classify(const std::vector<int>& truth, const std::vector<int>& predicted,
                               std::size_t classes, std::size_t bootstrap, std::uint64_t seed) {
  FINML_REQUIRE(truth.size() == predicted.size() && !truth.empty(),
                "classification metrics: {} labels, {} predictions", truth.size(),
                predicted.size());
  ClassificationMetrics out;
  out.n = truth.size();
  std::vector<std::size_t> all(truth.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::tie(out.accuracy, out.macro_f1) =
      Scores(truth, predicted, classes, all, &out.per_class, &out.confusion);
  if (bootstrap > 0) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, truth.size() - 1);
    std::vector<double> acc, f1;
    std::vector<std::size_t> rows(truth.size());
    for (std::size_t b = 0; b < bootstrap; ++b) {
      for (auto& r : rows) r = pick(rng);
      const auto [a, f] = Scores(truth, predicted, classes, rows, nullptr, nullptr);
      acc.push_back(a);
      f1.push_back(f);
    }
    out.accuracy_ci = Percentiles(acc);
    out.macro_f1_ci = Percentiles(f1);
  }
  return out;
}

nlohmann::json ClassificationMetrics::ToJson(const std::vector<std::string>& classes) const {
  nlohmann::json per = nlohmann::json::object();
  for (std::size_t c = 0; c < per_class.size(); ++c)
    per[classes[c]] = {{"precision", per_class[c].precision},
                       {"recall", per_class[c].recall},
                       {"f1", per_class[c].f1},
                       {"support", per_class[c].support}};
  nlohmann::json j = {{"n", n},
                      {"accuracy", accuracy},
                      {"macro_f1", macro_f1},
                      {"per_class", per},
                      {"confusion", {{"labels", classes}, {"matrix", confusion}}}};
  if (accuracy_ci.high > 0 || macro_f1_ci.high > 0) {
    j["accuracy_ci95"] = {accuracy_ci.low, accuracy_ci.high};
    j["macro_f1_ci95"] = {macro_f1_ci.low, macro_f1_ci.high};
  }
  return j;
}

}  // namespace finml::nlp
