// The forecasting extension point: fit on training samples (validation available for tuning and
// early stopping), predict any samples. Implementations are created by name from one table in
// registry.cpp, each with its parameters declared once as an options schema.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/config_node.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/core/options.hpp"
#include "finml/train/samples.hpp"

namespace finml::models {

// A series a model learns from before its own: a data file, read like the experiment's data
// (`decimal_year` for an R ts index such as data/eustockmarkets.csv). A bare path is short for
// {path: ...}.
struct PretrainSource {
  std::string path;
  bool decimal_year = false;
  static const options::Schema<PretrainSource>& Schema();
};

// What a fit may depend on besides the data: the run's seed and whether to show progress.
struct FitContext {
  std::uint64_t seed = 42;
  bool progress = false;
  std::string label;  // shown on the progress line
  // Samples from other series to learn from first (see PretrainSources), normalised like the
  // training samples and ending before the first date the model is judged on.
  const train::SampleSet* pretrain = nullptr;
};

class Forecaster {
 public:
  virtual ~Forecaster() = default;
  virtual void Fit(const train::SampleSet& train, const train::SampleSet& validation,
                   const FitContext& context) = 0;
  [[nodiscard]] virtual std::vector<double> Predict(const train::SampleSet& samples) const = 0;
  // Fitted parameters and settings, for reports and saved models.
  [[nodiscard]] virtual nlohmann::json Describe() const = 0;
  // How many own-series lags the samples must carry for this model.
  [[nodiscard]] virtual std::size_t RequiredLags() const { return 0; }
  // The series this model pretrains on; empty for none.
  [[nodiscard]] virtual std::vector<PretrainSource> PretrainSources() const { return {}; }
  // Window length this model needs; 0 means the experiment's lookback.
  [[nodiscard]] virtual std::size_t RequiredLookback() const { return 0; }
  // Fitted state: small values in the returned JSON, large ones (weights) as files in `dir`.
  [[nodiscard]] virtual nlohmann::json Save(const std::string& dir) const = 0;
  // Restores what Save wrote; the model was created with the same type and parameters. The state
  // and files come from a model directory a user may have edited: every field, size and shape is
  // checked, and a bad one is an InvalidInput naming the file and field.
  virtual void Load(const JsonReader& state, const std::string& dir) = 0;
};

// A model of `type` from its parameters; unknown keys, wrong types and values out of bounds are
// ConfigErrors at the value's place. `path` names the parameters in messages.
[[nodiscard]] std::unique_ptr<Forecaster> MakeForecaster(const std::string& type,
                                                         const ConfigNode& params,
                                                         const std::string& path = "params");
// The same from JSON (a saved manifest's parameters, or code).
[[nodiscard]] std::unique_ptr<Forecaster> MakeForecaster(const std::string& type,
                                                         const nlohmann::json& params);
// Every parameter of `type` with its default filled in: what --print-config shows and a saved
// model records. Checks them as MakeForecaster does, without building the model.
[[nodiscard]] nlohmann::json ResolveParams(const std::string& type, const ConfigNode& params,
                                           const std::string& path = "params");
// The registered name of `type` (an unknown one is a ConfigError naming the closest).
[[nodiscard]] std::string CanonicalForecasterType(const std::string& type);
[[nodiscard]] std::vector<std::string> ForecasterTypes();

}  // namespace finml::models
