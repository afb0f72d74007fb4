#include "finml/credit/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>

#include "finml/core/error.hpp"

namespace finml::credit {
namespace {

void Check(const std::vector<int>& y, const std::vector<double>& p) {
  FINML_REQUIRE(y.size() == p.size() && !y.empty(), "metrics need one probability per outcome");
  for (double v : p) FINML_REQUIRE(std::isfinite(v), "a predicted probability is not finite");
}

// Indices by predicted probability, descending.
std::vector<std::size_t> Descending(const std::vector<double>& p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  return order;
}

}  // namespace

double RocAuc(const std::vector<int>& y, const std::vector<double>& p) {
  Check(y, p);
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  double rank_sum = 0, positives = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && p[order[j]] == p[order[i]]) ++j;
    const double average_rank = (static_cast<double>(i) + static_cast<double>(j) + 1) / 2;
    for (std::size_t k = i; k < j; ++k) {
      if (y[order[k]] == 1) {
        rank_sum += average_rank;
        ++positives;
      }
    }
    i = j;
  }
  const double negatives = static_cast<double>(y.size()) - positives;
  FINML_REQUIRE(positives > 0 && negatives > 0, "AUC needs both classes among the outcomes");
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

std::vector<RocPoint> RocCurve(const std::vector<int>& y, const std::vector<double>& p) {
  Check(y, p);
  const auto order = Descending(p);
  const double pos = static_cast<double>(std::count(y.begin(), y.end(), 1));
  const double neg = static_cast<double>(y.size()) - pos;
  std::vector<RocPoint> curve = {{std::numeric_limits<double>::infinity(), 0, 0}};
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    (y[order[i]] == 1 ? tp : fp) += 1;
    if (i + 1 < order.size() && p[order[i + 1]] == p[order[i]]) continue;
    curve.push_back({p[order[i]], neg > 0 ? fp / neg : 0, pos > 0 ? tp / pos : 0});
  }
  return curve;
}

double KsStatistic(const std::vector<int>& y, const std::vector<double>& p) {
  double ks = 0;
  for (const auto& point : RocCurve(y, p)) ks = std::max(ks, std::abs(point.tpr - point.fpr));
  return ks;
}

std::vector<CalibrationBin> CalibrationTable(const std::vector<int>& y,
                                             const std::vector<double>& p, int bins) {
  Check(y, p);
  std::vector<CalibrationBin> table(static_cast<std::size_t>(bins));
  for (int b = 0; b < bins; ++b) {
    table[b].lower = static_cast<double>(b) / bins;
    table[b].upper = static_cast<double>(b + 1) / bins;
  }
  for (std::size_t i = 0; i < y.size(); ++i) {
    const int b = std::min(bins - 1, std::max(0, static_cast<int>(p[i] * bins)));
    table[b].count += 1;
    table[b].mean_predicted += p[i];
    table[b].observed_rate += y[i];
  }
  std::vector<CalibrationBin> out;
  for (auto& bin : table) {
    if (bin.count == 0) continue;
    bin.mean_predicted /= static_cast<double>(bin.count);
    bin.observed_rate /= static_cast<double>(bin.count);
    out.push_back(bin);
  }
  return out;
}

BinaryMetrics ComputeBinaryMetrics(const std::vector<int>& y, const std::vector<double>& p,
                                   double threshold, const ProfitMatrix* profit) {
  Check(y, p);
  BinaryMetrics m;
  m.n = y.size();
  m.positives = static_cast<std::size_t>(std::count(y.begin(), y.end(), 1));
  m.auc = RocAuc(y, p);
  m.gini = 2 * m.auc - 1;
  m.ks = KsStatistic(y, p);
  m.threshold = threshold;
  const double eps = 1e-15;
  for (std::size_t i = 0; i < y.size(); ++i) {
    m.brier += (p[i] - y[i]) * (p[i] - y[i]);
    const double q = std::min(std::max(p[i], eps), 1 - eps);
    m.log_loss -= y[i] ? std::log(q) : std::log(1 - q);
    const bool flag = p[i] >= threshold;
    if (flag && y[i])
      ++m.tp;
    else if (flag)
      ++m.fp;
    else if (y[i])
      ++m.fn;
    else
      ++m.tn;
  }
  const double n = static_cast<double>(m.n);
  m.brier /= n;
  m.log_loss /= n;
  m.accuracy = static_cast<double>(m.tp + m.tn) / n;
  m.precision = m.tp + m.fp ? static_cast<double>(m.tp) / static_cast<double>(m.tp + m.fp) : 0;
  m.recall = m.tp + m.fn ? static_cast<double>(m.tp) / static_cast<double>(m.tp + m.fn) : 0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
  if (profit) {
    // Sweep every distinct probability as a threshold (flag when p >= threshold).
    const auto order = Descending(p);
    double tp = 0, fp = 0;
    const double pos = static_cast<double>(m.positives), neg = n - pos;
    double best = pos * profit->false_negative + neg * profit->true_negative;  // flag nobody
    double best_threshold = 1.0 + 1e-9;
    for (std::size_t i = 0; i < order.size(); ++i) {
      (y[order[i]] ? tp : fp) += 1;
      if (i + 1 < order.size() && p[order[i + 1]] == p[order[i]]) continue;
      const double value = tp * profit->true_positive + fp * profit->false_positive +
                           (pos - tp) * profit->false_negative + (neg - fp) * profit->true_negative;
      if (value > best) {
        best = value;
        best_threshold = p[order[i]];
      }
    }
    m.best_threshold = best_threshold;
    m.best_profit = best;
  }
  return m;
}

nlohmann::json BinaryMetrics::ToJson() const {
  nlohmann::json j = {{"n", n},
                      {"positives", positives},
                      {"auc", auc},
                      {"gini", gini},
                      {"ks", ks},
                      {"brier", brier},
                      {"log_loss", log_loss},
                      {"threshold", threshold},
                      {"accuracy", accuracy},
                      {"precision", precision},
                      {"recall", recall},
                      {"f1", f1},
                      {"confusion", {{"tp", tp}, {"fp", fp}, {"tn", tn}, {"fn", fn}}}};
  if (best_threshold) {
    j["best_threshold"] = *best_threshold;
    j["best_profit"] = *best_profit;
  }
  return j;
}

}  // namespace finml::credit
