// Forecast accuracy. Point metrics compare predictions with outcomes; Theil's U and the
// Diebold-Mariano test compare a model's squared errors with those of the random walk (the
// no-change forecast each sample carries). Panel forecasts add IC and rank IC per date.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace finml::eval {

struct TestResult {
  double statistic = 0;
  double p_value = 1;
};

// DM test on a loss-differential series d_t = loss(model) - loss(benchmark), h-step forecasts:
// Newey-West long-run variance with h-1 lags, two-sided normal p-value. A negative statistic
// means the model's loss is lower. NaN when d is identically zero (the model is the benchmark).
[[nodiscard]] TestResult DieboldMariano(const std::vector<double>& loss_differential,
                                        std::size_t horizon = 1);

struct PointMetrics {
  std::size_t n = 0;
  double mse = 0, rmse = 0, mae = 0;
  double mape = 0;  // mean |error / actual| over non-zero actuals, as a fraction (not percent)
  double r2 = 0;    // 1 - SSE / SST around the segment's own mean
  // Share of samples whose predicted change from the no-change forecast has the sign of the
  // actual change; a prediction of exactly no change counts half. Zero actual changes excluded.
  double directional_accuracy = 0;
  double theil_u = 0;  // sqrt(SSE / SSE of the random walk)
  TestResult dm;       // against the random walk
  [[nodiscard]] nlohmann::json ToJson() const;
};

// `group` assigns each sample to a date: loss differentials are averaged per date before the DM
// test so a panel's cross-section is not counted as independent draws. Pass {} for one series.
[[nodiscard]] PointMetrics ComputePointMetrics(const std::vector<double>& y_true,
                                               const std::vector<double>& y_pred,
                                               const std::vector<double>& no_change,
                                               const std::vector<std::size_t>& group,
                                               std::size_t horizon = 1);

struct IcSummary {
  std::size_t dates = 0;
  double ic_mean = 0, ic_std = 0, icir = 0;
  double rank_ic_mean = 0, rank_ic_std = 0, rank_icir = 0;
  std::vector<std::size_t> date;    // the date key of each entry below
  std::vector<double> ic, rank_ic;  // per date, in date order
  [[nodiscard]] nlohmann::json ToJson() const;
};

// Pearson (IC) and Spearman (rank IC) correlation of predictions and outcomes across assets on
// each date with at least `min_assets` samples.
[[nodiscard]] IcSummary InformationCoefficients(const std::vector<double>& y_true,
                                                const std::vector<double>& y_pred,
                                                const std::vector<std::size_t>& date,
                                                std::size_t min_assets = 3);

[[nodiscard]] double Pearson(const std::vector<double>& a, const std::vector<double>& b);
// Average ranks for ties, as scipy.stats.rankdata.
[[nodiscard]] std::vector<double> Ranks(const std::vector<double>& v);
[[nodiscard]] double NormalCdf(double x);

}  // namespace finml::eval
