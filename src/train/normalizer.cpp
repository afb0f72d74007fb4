#include "finml/train/normalizer.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "finml/core/error.hpp"

namespace finml::train {

namespace {
double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}
}  // namespace

void Normalizer::Fit(const SampleSet& train) {
  FINML_REQUIRE(train.size() >= 2, "normalizer needs at least 2 training samples");
  const std::size_t f = train.num_features();
  names_ = train.feature_names;
  center_.assign(f, 0.0);
  scale_.assign(f, 1.0);
  if (kind_ == NormalizerKind::kNone) return;
  std::vector<double> column(train.size());
  for (std::size_t j = 0; j < f; ++j) {
    for (std::size_t i = 0; i < train.size(); ++i) column[i] = train.LatestRow(i)[j];
    double center = 0, scale = 1;
    switch (kind_) {
      case NormalizerKind::kZScore: {
        double mean = 0;
        for (double v : column) mean += v;
        mean /= static_cast<double>(column.size());
        double ss = 0;
        for (double v : column) ss += (v - mean) * (v - mean);
        center = mean;
        scale = std::sqrt(ss / static_cast<double>(column.size() - 1));
        break;
      }
      case NormalizerKind::kMinMax: {
        auto [lo, hi] = std::minmax_element(column.begin(), column.end());
        center = *lo;
        scale = *hi - *lo;
        break;
      }
      case NormalizerKind::kRobust:
        center = Quantile(column, 0.5);
        scale = Quantile(column, 0.75) - Quantile(column, 0.25);
        break;
      case NormalizerKind::kNone:
        break;
    }
    // A constant training column carries no information; leave it centred but unscaled.
    center_[j] = center;
    scale_[j] = scale > 0 && std::isfinite(scale) ? scale : 1.0;
  }
}

void Normalizer::ApplyRow(double* row) const {
  for (std::size_t j = 0; j < center_.size(); ++j) row[j] = (row[j] - center_[j]) / scale_[j];
}

void Normalizer::Apply(SampleSet& samples) const {
  FINML_REQUIRE(samples.num_features() == center_.size(),
                "normalizer fitted on {} features, applied to {}", center_.size(),
                samples.num_features());
  const std::size_t f = center_.size();
  if (f == 0) return;
  for (std::size_t r = 0; r < samples.x.size() / f; ++r) ApplyRow(samples.x.data() + r * f);
}

nlohmann::json Normalizer::ToJson() const {
  return {{"kind", EnumName(kind_)}, {"features", names_}, {"center", center_}, {"scale", scale_}};
}

Normalizer Normalizer::FromJson(const nlohmann::json& j) {
  return FromJson(JsonReader(j, "normalizer"));
}

Normalizer Normalizer::FromJson(const JsonReader& j) {
  constexpr std::size_t kMaxFeatures = 100000;
  Normalizer n(ParseEnumAt<NormalizerKind>(j["kind"]));
  n.names_ = j["features"].Strings(kMaxFeatures);
  n.center_ = j["center"].Numbers(kMaxFeatures);
  n.scale_ = j["scale"].Numbers(kMaxFeatures);
  if (n.center_.size() != n.names_.size() || n.scale_.size() != n.names_.size())
    j.Fail(fmt::format("has {} centres and {} scales for {} features", n.center_.size(),
                       n.scale_.size(), n.names_.size()));
  for (std::size_t k = 0; k < n.scale_.size(); ++k)
    if (!(n.scale_[k] > 0)) j["scale"].At(k).Fail("must be > 0 (it divides the feature)");
  return n;
}

}  // namespace finml::train
