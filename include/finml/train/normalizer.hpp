// Per-feature scaling fitted on training samples only and saved with the model:
// z-score (mean, sd), min-max (min, range) and robust (median, interquartile range).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "finml/core/json_reader.hpp"
#include "finml/core/names.hpp"
#include "finml/train/samples.hpp"

namespace finml::train {

enum class NormalizerKind { kNone, kZScore, kMinMax, kRobust };

class Normalizer {
 public:
  Normalizer() = default;
  explicit Normalizer(NormalizerKind kind) : kind_(kind) {}

  // Statistics come from each training sample's latest feature row, so every calendar row counts
  // once however long the window is.
  void Fit(const SampleSet& train);
  void Apply(SampleSet& samples) const;
  void ApplyRow(double* row) const;

  [[nodiscard]] NormalizerKind kind() const { return kind_; }
  [[nodiscard]] const std::vector<double>& center() const { return center_; }
  [[nodiscard]] const std::vector<double>& scale() const { return scale_; }
  [[nodiscard]] const std::vector<std::string>& Names() const { return names_; }
  [[nodiscard]] nlohmann::json ToJson() const;
  [[nodiscard]] static Normalizer FromJson(const nlohmann::json& j);
  // From a saved model: lengths agree, statistics finite, scales positive.
  [[nodiscard]] static Normalizer FromJson(const JsonReader& j);

 private:
  NormalizerKind kind_ = NormalizerKind::kZScore;
  std::vector<std::string> names_;
  std::vector<double> center_, scale_;
};

}  // namespace finml::train

template <>
struct finml::EnumNames<finml::train::NormalizerKind> {
  static constexpr std::string_view what = "normalizer";
  static constexpr finml::NamedValue<finml::train::NormalizerKind> values[] = {
      {finml::train::NormalizerKind::kNone, "none"},
      {finml::train::NormalizerKind::kZScore, "zscore"},
      {finml::train::NormalizerKind::kMinMax, "minmax"},
      {finml::train::NormalizerKind::kRobust, "robust"}};
};
