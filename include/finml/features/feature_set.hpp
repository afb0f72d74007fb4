// Named indicator columns computed from one asset's bars. A spec is a base name plus its period,
// e.g. "sma_20", "rsi_14", "macd" (adds macd, macd_signal, macd_hist), "bb_20" (adds bb_lower_20,
// bb_mid_20, bb_upper_20, bb_pctb_20), "stoch_14" (stoch_k_14, stoch_d_14, stoch_slowd_14).
// Sets bundle specs: "all" (every indicator the columns allow, raw TTR values), "close" (those
// needing only closes) and "stationary" (scale-free transforms suited as model inputs).
#pragma once

#include <string>
#include <vector>

#include "finml/data/market_data.hpp"
#include "finml/features/indicators.hpp"

namespace finml::features {

struct FeatureTable {
  std::vector<std::string> names;
  std::vector<Series> columns;

  [[nodiscard]] std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  [[nodiscard]] const Series& Column(const std::string& name) const;
};

// The spec names a set expands to, given which fields the bars have.
[[nodiscard]] std::vector<std::string> ExpandFeatureSet(const std::string& set_name,
                                                        const data::Bars& bars);
[[nodiscard]] std::vector<std::string> FeatureSetNames();
// Every spec base name that ComputeFeatures understands (for error messages and docs).
[[nodiscard]] std::vector<std::string> FeatureSpecNames();

// `price` chooses close or adjusted close as the price the indicators see.
[[nodiscard]] FeatureTable ComputeFeatures(const data::Bars& bars,
                                           const std::vector<std::string>& specs,
                                           data::Field price = data::Field::kClose);

// The set's columns (expanded for the bars' fields) followed by those of `include`. A column
// named twice (an included indicator the set already has, or one included twice) is an error
// naming `include_label`, where the user wrote the includes (--include, features.include): the
// model would see one input twice.
[[nodiscard]] FeatureTable ComputeSetAndIncludes(const data::Bars& bars,
                                                 const std::string& set_name,
                                                 const std::vector<std::string>& include,
                                                 data::Field price,
                                                 const std::string& include_label);

// The `features` command's tables, one per asset of `md` in its order (ComputeSetAndIncludes;
// Python names the includes `include`). `price` must be close or adj_close.
[[nodiscard]] std::vector<FeatureTable> ComputeFeaturesOfAssets(
    const data::MarketData& md, const std::string& set_name,
    const std::vector<std::string>& include, data::Field price = data::Field::kClose,
    const std::string& include_label = "--include");

}  // namespace finml::features
