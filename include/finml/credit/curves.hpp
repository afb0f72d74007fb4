// What a credit report draws from held-out predictions beyond the headline metrics: the KS point,
// the precision-recall curve, cumulative gains and lift by band, and calibration on quantile bins
// with a verdict on it. Outcomes y are 1 for the event the model predicts (a default, a "bad");
// a row is flagged when its probability p reaches the threshold (p >= t), as in metrics.hpp.
#pragma once

#include <cstddef>
#include <vector>

#include "finml/credit/metrics.hpp"

namespace finml::credit {

// Where the cumulative distributions of bads and goods differ most: KS = tpr - fpr there.
struct KsPoint {
  double threshold = 0;  // flag p >= threshold
  double ks = 0, tpr = 0, fpr = 0;
};
[[nodiscard]] KsPoint KsPointOf(const std::vector<int>& y, const std::vector<double>& p);

struct PrecisionRecallPoint {
  double threshold, recall, precision;
};
// One point per distinct probability, from the strictest threshold down.
[[nodiscard]] std::vector<PrecisionRecallPoint> PrecisionRecallCurve(const std::vector<int>& y,
                                                                     const std::vector<double>& p);
// Sum over thresholds of (recall gained) x precision, as scikit-learn's average_precision_score.
[[nodiscard]] double AveragePrecision(const std::vector<int>& y, const std::vector<double>& p);

// Cumulative gains: flagging the riskiest `population` share catches `captured` of all bads.
struct GainsPoint {
  double population = 0, captured = 0;
};
// From (0, 0) to (1, 1), one point per distinct probability.
[[nodiscard]] std::vector<GainsPoint> CumulativeGains(const std::vector<int>& y,
                                                      const std::vector<double>& p);

// One band of rows ranked riskiest first (deciles by default).
struct LiftBand {
  std::size_t n = 0, bads = 0;
  double lower = 0, upper = 0;  // probabilities in the band
  double bad_rate = 0;
  double lift = 0;             // bad rate / overall bad rate
  double population = 0;       // cumulative share of rows up to this band
  double captured = 0;         // cumulative share of bads up to this band
  double cumulative_lift = 0;  // captured / population
};
// `bands` groups of about equal size, riskiest first; rows with equal probabilities stay in one
// band (so ties may make fewer, unequal bands: the split of a tie would depend on row order).
[[nodiscard]] std::vector<LiftBand> LiftTable(const std::vector<int>& y,
                                              const std::vector<double>& p, int bands = 10);

// Calibration on `bins` groups of about equal size by predicted probability (ties kept together),
// lowest first: unlike equal-width bins, no bin is nearly empty when the predictions crowd.
[[nodiscard]] std::vector<CalibrationBin> QuantileCalibration(const std::vector<int>& y,
                                                              const std::vector<double>& p,
                                                              int bins = 10);

struct CalibrationCheck {
  std::size_t bins = 0;
  // Bins whose observed rate is more than two binomial standard errors from the mean predicted
  // probability: about one in twenty by chance when the model is calibrated.
  std::size_t bins_off = 0;
  double mean_gap = 0;       // |observed - predicted|, averaged over rows
  double largest_gap = 0;    // signed (observed - predicted), the bin furthest off
  std::vector<bool> within;  // per bin: its observed rate is within noise of the predicted
  [[nodiscard]] bool Calibrated() const { return bins_off <= 1; }
};
[[nodiscard]] CalibrationCheck CheckCalibration(const std::vector<CalibrationBin>& bins);

}  // namespace finml::credit
