// The stylised facts of daily log returns and how far a generator's paths are from the real ones:
// the metrics of Wiese et al. 2019 ("Quant GANs", Table 2), computed on the real series and
// pooled over the synthetic paths.
//   EMD(k)      Wasserstein-1 distance between the distributions of overlapping k-day log returns
//               (scipy.stats.wasserstein_distance semantics: the integral of |F - G|)
//   ACF         sample autocorrelation (statsmodels acf, adjusted=False) of r, |r| and r^2 at lags
//               1..max_lag; a path's curve is its own; the synthetic curve is the mean over paths
//   ACF score   the Euclidean norm of (synthetic curve - real curve) over those lags
//   leverage    corr(r_t, r_{t+k}^2) at lags 1..max_lag; its score the same norm
//   Hill        tail index from the largest `tail_share` of losses (left) and gains (right)
//   gain/loss   for each start day, the first horizon at which the cumulative log return reaches
//               +theta (gain) or -theta (loss); the asymmetry is the median gain horizon minus the
//               median loss horizon (prices fall faster than they rise: positive on real indices)
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "finml/core/options.hpp"

namespace finml::synth {

using Paths = std::vector<std::vector<double>>;  // each a path of log returns

// Every value of every path, in order.
[[nodiscard]] std::vector<double> PooledReturns(const Paths& paths);
// Wasserstein-1 between two samples (either may be empty: NaN).
[[nodiscard]] double Wasserstein1(std::vector<double> a, std::vector<double> b);
// Overlapping sums of `k` consecutive values of each path, pooled.
[[nodiscard]] std::vector<double> AggregatedReturns(const Paths& paths, std::size_t k);
// Autocorrelations at lags 1..max_lag (shorter when the series is); NaN for a constant series.
[[nodiscard]] std::vector<double> Autocorrelation(const std::vector<double>& x,
                                                  std::size_t max_lag);
// corr(r_t, r_{t+k}^2) for k = 1..max_lag.
[[nodiscard]] std::vector<double> LeverageEffect(const std::vector<double>& r, std::size_t max_lag);
[[nodiscard]] double Skewness(const std::vector<double>& x);
[[nodiscard]] double ExcessKurtosis(const std::vector<double>& x);
// Hill estimator of the tail index of the positive values of `x` (x itself, or -x for losses),
// from the largest max(tail_share * n, 10) of them; NaN with fewer than 20 positive values.
[[nodiscard]] double HillTailIndex(const std::vector<double>& x, double tail_share);

struct GainLoss {
  double median_gain = 0, median_loss = 0;    // horizons in days; NaN when never reached
  double asymmetry = 0;                       // median_gain - median_loss
  double reached_gain = 0, reached_loss = 0;  // share of start days that reach it in max_horizon
};
[[nodiscard]] GainLoss GainLossAsymmetry(const Paths& paths, double theta, std::size_t max_horizon);

struct FactSettings {
  std::vector<std::size_t> emd_lags = {1, 5, 20, 100};
  std::size_t max_lag = 100;
  double tail_share = 0.05;
  double theta = 0.05;
  std::size_t max_horizon = 1000;
  std::size_t diversity_window = 20;  // days per window of the mode-collapse check
  static const options::Schema<FactSettings>& Schema();
};

// The facts of one set of paths (the real series is one path).
struct SeriesFacts {
  std::vector<double> acf_returns, acf_abs, acf_squared, leverage;  // mean over paths
  double mean = 0, std = 0, skew = 0, kurtosis = 0, hill_left = 0, hill_right = 0;
  GainLoss gain_loss;
  std::vector<double> window_volatility;  // realised volatility of non-overlapping windows
};
[[nodiscard]] SeriesFacts ComputeFacts(const Paths& paths, const FactSettings& settings);

// How far `synthetic` is from `real`.
struct FactDistances {
  std::vector<double> emd;  // at settings.emd_lags
  double acf_returns = 0, acf_abs = 0, acf_squared = 0, leverage = 0;
  double gain_loss = 0;  // |asymmetry difference| in days
  // Mode collapse: the spread (standard deviation) of window volatilities across synthetic
  // windows over that across real windows; well below 1 means the generator lost the calm and
  // the turbulent regimes. `collapsed` when under 0.5.
  double volatility_spread_ratio = 0;
  bool collapsed = false;
};
[[nodiscard]] FactDistances CompareFacts(const Paths& real, const SeriesFacts& real_facts,
                                         const Paths& synthetic, const SeriesFacts& synthetic_facts,
                                         const FactSettings& settings);

[[nodiscard]] nlohmann::json FactsJson(const SeriesFacts& facts);
[[nodiscard]] nlohmann::json DistancesJson(const FactDistances& d, const FactSettings& settings);

}  // namespace finml::synth
