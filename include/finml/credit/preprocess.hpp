// Turns a credit table into model inputs, fitted on training rows only (inside each CV fold):
//   one_hot  numeric columns standardised (training mean and sd), categorical one-hot (a
//            category unseen in training scores as all zeros, and is counted)
//   woe      every column binned (numeric: up to `bins` training quantiles; categorical: its
//            categories) and replaced by the bin's weight of evidence, ln(%good / %bad) with 0.5
//            added to each count; information value per feature = sum (%good - %bad) * WoE
// Missing values: `error` (the default) names the column and row; `impute` uses the training
// median (numeric) or a "(missing)" category, and in woe mode a bin of its own.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/json_reader.hpp"
#include "finml/core/names.hpp"
#include "finml/core/options.hpp"
#include "finml/credit/table.hpp"

namespace finml::credit {

enum class Encoding { kOneHot, kWoe };
enum class MissingHandling { kError, kImpute };

struct PreprocessOptions {
  Encoding encoding = Encoding::kOneHot;
  MissingHandling missing = MissingHandling::kError;
  int bins = 10;
  // WoE bins of a numeric column: adjacent ones merged until each holds this share of the
  // training rows, then (monotonic) until the default rate only rises or only falls.
  double min_bin_share = 0;
  bool monotonic = false;
  static const options::Schema<PreprocessOptions>& Schema();
};

struct WoeBin {
  std::string label;                  // "(-inf, 12]" or the category
  double upper = 0;                   // numeric bins: inclusive upper edge (+inf for the last)
  std::size_t count = 0, events = 0;  // training rows and positives (defaults)
  double woe = 0;
};

struct FeatureSpec {
  std::string name;
  ColumnKind kind = ColumnKind::kNumeric;
  double mean = 0, sd = 1, median = 0;  // numeric, training rows
  std::vector<std::string> categories;  // categorical, training rows, sorted
  std::vector<WoeBin> bins;             // woe mode
  bool missing_bin = false;             // woe: training rows had missing values
  double missing_woe = 0;
  double iv = 0;  // woe mode
};

class Preprocessor {
 public:
  static Preprocessor Fit(const Table& table, const std::vector<std::size_t>& rows,
                          const std::vector<int>& y, const std::vector<std::string>& features,
                          const PreprocessOptions& options);
  // Row-major, rows x OutputNames().size(). `unseen` counts categories not seen in training.
  [[nodiscard]] std::vector<double> Transform(const Table& table,
                                              const std::vector<std::size_t>& rows,
                                              std::size_t* unseen = nullptr) const;
  [[nodiscard]] const std::vector<std::string>& OutputNames() const { return output_names_; }
  [[nodiscard]] const std::vector<FeatureSpec>& Features() const { return features_; }
  [[nodiscard]] const PreprocessOptions& Options() const { return options_; }
  // What the fit found doubtful (small bins, implausible information values, WoE that changes
  // direction); not saved with the model.
  [[nodiscard]] const std::vector<std::string>& Warnings() const { return warnings_; }
  [[nodiscard]] nlohmann::json ToJson() const;
  // Checks everything a scoring run relies on (bins ordered and ending at +inf, one WoE per
  // category, categories sorted, positive scales, outputs matching the features), so an edited
  // model is refused instead of read out of bounds.
  static Preprocessor FromJson(const JsonReader& j);
  static Preprocessor FromJson(const nlohmann::json& j);

 private:
  PreprocessOptions options_;
  std::vector<FeatureSpec> features_;
  std::vector<std::string> output_names_;
  std::vector<std::string> warnings_;
};

}  // namespace finml::credit

template <>
struct finml::EnumNames<finml::credit::Encoding> {
  static constexpr std::string_view what = "encoding";
  static constexpr finml::NamedValue<finml::credit::Encoding> values[] = {
      {finml::credit::Encoding::kWoe, "woe"}, {finml::credit::Encoding::kOneHot, "one_hot"}};
};

template <>
struct finml::EnumNames<finml::credit::MissingHandling> {
  static constexpr std::string_view what = "missing handling";
  static constexpr finml::NamedValue<finml::credit::MissingHandling> values[] = {
      {finml::credit::MissingHandling::kError, "error"},
      {finml::credit::MissingHandling::kImpute, "impute"}};
};
