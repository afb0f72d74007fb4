// Supervised samples built from market data without look-ahead. A sample is decided at the close
// of calendar row t of one asset: its inputs use rows <= t only, its target is realised at t+h.
// Windows are stored (sample, time, feature) row-major, oldest first.
#pragma once

#include <string>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/data/market_data.hpp"
#include "finml/features/feature_set.hpp"

namespace finml::train {

enum class TargetKind { kLogReturn, kSimpleReturn, kClose, kDirection };

struct TargetSpec {
  TargetKind kind = TargetKind::kLogReturn;
  std::size_t horizon = 1;
  static const options::Schema<TargetSpec>& Schema();
};

// One asset's inputs on the shared calendar.
struct AssetInputs {
  std::string symbol;
  std::vector<double> price;
  features::FeatureTable features;
};

struct SampleSet {
  std::size_t lookback = 1;
  std::size_t ar_lags = 0;
  std::vector<std::string> feature_names;
  std::vector<std::string> symbols;
  std::vector<data::Timestamp> calendar;
  std::vector<std::string> calendar_label;

  std::vector<double> x;          // (size, lookback, features)
  std::vector<double> own_lags;   // (size, ar_lags): z_t, z_{t-1}, ... of the target's own series
  std::vector<double> y;          // target realised at t + horizon
  std::vector<double> no_change;  // the random-walk forecast: 0 for returns, P_t for close
  std::vector<std::size_t> asset;
  std::vector<std::size_t> decision_row;  // t, a row of `calendar`
  std::vector<std::size_t> target_row;    // t + horizon
  std::size_t warmup_skipped = 0;         // samples without full history, excluded for all models

  [[nodiscard]] std::size_t size() const { return y.size(); }
  [[nodiscard]] std::size_t num_features() const { return feature_names.size(); }
  // The feature row at the last step of sample i's window (the decision time).
  [[nodiscard]] const double* LatestRow(std::size_t i) const;
};

// Builds every sample with a complete window, complete own-lag history and a known target. For
// prediction, `require_target = false` also keeps the latest decisions whose target lies beyond
// the data: their y is NaN and their target_row is past the calendar's end.
[[nodiscard]] SampleSet BuildSamples(const std::vector<AssetInputs>& assets,
                                     const std::vector<data::Timestamp>& calendar,
                                     const std::vector<std::string>& calendar_label,
                                     const TargetSpec& target, std::size_t lookback,
                                     std::size_t ar_lags, bool require_target = true);

// The same samples with only the latest `lookback` steps of each window.
[[nodiscard]] SampleSet TrimWindow(const SampleSet& samples, std::size_t lookback);

// Appends another set's samples as further assets (for pooling series from several sources).
// Only the per-sample fields stay meaningful; calendars of different sources are not merged.
void AppendSamples(SampleSet& into, const SampleSet& more);

[[nodiscard]] SampleSet Subset(const SampleSet& samples, const std::vector<std::size_t>& rows);

}  // namespace finml::train

template <>
struct finml::EnumNames<finml::train::TargetKind> {
  static constexpr std::string_view what = "target";
  static constexpr finml::NamedValue<finml::train::TargetKind> values[] = {
      {finml::train::TargetKind::kLogReturn, "log_return"},
      {finml::train::TargetKind::kSimpleReturn, "simple_return"},
      {finml::train::TargetKind::kClose, "close"},
      {finml::train::TargetKind::kDirection, "direction"},
      {finml::train::TargetKind::kSimpleReturn, "return"},
      {finml::train::TargetKind::kClose, "price"}};
};
