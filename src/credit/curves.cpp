// The report's curves, each from one ranking of the predictions (riskiest first).
#include "finml/credit/curves.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "finml/core/error.hpp"

namespace finml::credit {
namespace {

void Check(const std::vector<int>& y, const std::vector<double>& p) {
  FINML_REQUIRE(y.size() == p.size() && !y.empty(), "curves need one probability per outcome");
  for (double v : p) FINML_REQUIRE(std::isfinite(v), "a predicted probability is not finite");
}

std::vector<std::size_t> Ranked(const std::vector<double>& p, bool riskiest_first) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return riskiest_first ? p[a] > p[b] : p[a] < p[b];
  });
  return order;
}

// [begin, end) ranges of `order` of about n / groups rows each; a range never splits a run of
// equal probabilities, and empty ranges are dropped.
std::vector<std::pair<std::size_t, std::size_t>> Groups(const std::vector<std::size_t>& order,
                                                        const std::vector<double>& p, int groups) {
  FINML_REQUIRE(groups >= 1, "need at least one group, not {}", groups);
  const std::size_t n = order.size();
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t begin = 0;
  for (int g = 1; g <= groups && begin < n; ++g) {
    auto end = static_cast<std::size_t>(
        std::llround(static_cast<double>(g) * static_cast<double>(n) / groups));
    if (end <= begin) continue;
    while (end < n && p[order[end]] == p[order[end - 1]]) ++end;
    out.emplace_back(begin, end);
    begin = end;
  }
  return out;
}

// Bads and rows flagged at each distinct threshold, strictest first.
template <typename Visit>
void Sweep(const std::vector<int>& y, const std::vector<double>& p, Visit&& visit) {
  const auto order = Ranked(p, true);
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    (y[order[i]] == 1 ? tp : fp) += 1;
    if (i + 1 < order.size() && p[order[i + 1]] == p[order[i]]) continue;
    visit(p[order[i]], tp, fp);
  }
}

double Positives(const std::vector<int>& y) {
  return static_cast<double>(std::count(y.begin(), y.end(), 1));
}

}  // namespace

KsPoint KsPointOf(const std::vector<int>& y, const std::vector<double>& p) {
  KsPoint best;
  best.threshold = 1;
  for (const auto& point : RocCurve(y, p)) {
    // Equal gaps (up to rounding: 1 - 1/3 against 2/3 - 0) keep the strictest threshold.
    if (point.tpr - point.fpr > best.ks + 1e-12) {
      best.ks = point.tpr - point.fpr;
      best.threshold = point.threshold;
      best.tpr = point.tpr;
      best.fpr = point.fpr;
    }
  }
  return best;
}

std::vector<PrecisionRecallPoint> PrecisionRecallCurve(const std::vector<int>& y,
                                                       const std::vector<double>& p) {
  Check(y, p);
  const double pos = Positives(y);
  FINML_REQUIRE(pos > 0, "precision and recall need at least one positive outcome");
  std::vector<PrecisionRecallPoint> curve;
  Sweep(y, p, [&](double threshold, double tp, double fp) {
    curve.push_back({threshold, tp / pos, tp / (tp + fp)});
  });
  return curve;
}

double AveragePrecision(const std::vector<int>& y, const std::vector<double>& p) {
  double ap = 0, recall = 0;
  for (const auto& point : PrecisionRecallCurve(y, p)) {
    ap += (point.recall - recall) * point.precision;
    recall = point.recall;
  }
  return ap;
}

std::vector<GainsPoint> CumulativeGains(const std::vector<int>& y, const std::vector<double>& p) {
  Check(y, p);
  const double pos = Positives(y), n = static_cast<double>(y.size());
  FINML_REQUIRE(pos > 0, "gains need at least one positive outcome");
  std::vector<GainsPoint> curve = {{0, 0}};
  Sweep(y, p, [&](double, double tp, double fp) { curve.push_back({(tp + fp) / n, tp / pos}); });
  return curve;
}

std::vector<LiftBand> LiftTable(const std::vector<int>& y, const std::vector<double>& p,
                                int bands) {
  Check(y, p);
  const double pos = Positives(y), n = static_cast<double>(y.size());
  FINML_REQUIRE(pos > 0, "lift needs at least one positive outcome");
  const double base_rate = pos / n;
  const auto order = Ranked(p, true);
  std::vector<LiftBand> table;
  double rows_so_far = 0, bads_so_far = 0;
  for (const auto& [begin, end] : Groups(order, p, bands)) {
    LiftBand band;
    band.n = end - begin;
    band.upper = p[order[begin]];
    band.lower = p[order[end - 1]];
    for (std::size_t i = begin; i < end; ++i) band.bads += y[order[i]] == 1 ? 1 : 0;
    band.bad_rate = static_cast<double>(band.bads) / static_cast<double>(band.n);
    band.lift = band.bad_rate / base_rate;
    rows_so_far += static_cast<double>(band.n);
    bads_so_far += static_cast<double>(band.bads);
    band.population = rows_so_far / n;
    band.captured = bads_so_far / pos;
    band.cumulative_lift = band.captured / band.population;
    table.push_back(band);
  }
  return table;
}

std::vector<CalibrationBin> QuantileCalibration(const std::vector<int>& y,
                                                const std::vector<double>& p, int bins) {
  Check(y, p);
  const auto order = Ranked(p, false);
  std::vector<CalibrationBin> table;
  for (const auto& [begin, end] : Groups(order, p, bins)) {
    CalibrationBin bin;
    bin.lower = p[order[begin]];
    bin.upper = p[order[end - 1]];
    bin.count = end - begin;
    for (std::size_t i = begin; i < end; ++i) {
      bin.mean_predicted += p[order[i]];
      bin.observed_rate += y[order[i]];
    }
    bin.mean_predicted /= static_cast<double>(bin.count);
    bin.observed_rate /= static_cast<double>(bin.count);
    table.push_back(bin);
  }
  return table;
}

CalibrationCheck CheckCalibration(const std::vector<CalibrationBin>& bins) {
  CalibrationCheck check;
  check.bins = bins.size();
  double rows = 0;
  for (const auto& b : bins) {
    const double n = static_cast<double>(b.count);
    const double gap = b.observed_rate - b.mean_predicted;
    // The standard error of an observed rate when the predictions are right; a floor of half an
    // event keeps bins predicted near 0 or 1 from failing on a single surprise.
    const double se = std::max(std::sqrt(b.mean_predicted * (1 - b.mean_predicted) / n), 0.5 / n);
    check.within.push_back(std::abs(gap) <= 2 * se);
    if (!check.within.back()) ++check.bins_off;
    check.mean_gap += n * std::abs(gap);
    rows += n;
    if (std::abs(gap) > std::abs(check.largest_gap)) check.largest_gap = gap;
  }
  if (rows > 0) check.mean_gap /= rows;
  return check;
}

}  // namespace finml::credit
