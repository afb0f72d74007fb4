// The forecasting extension point: fit on training samples (validation available for tuning and
// early stopping), predict any samples. Implementations are created by name from one table in
// registry.cpp; each reads its parameters through a ParamReader and rejects unknown keys.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "finml/train/samples.hpp"

namespace finml::models {

class Forecaster {
 public:
  virtual ~Forecaster() = default;
  virtual void Fit(const train::SampleSet& train, const train::SampleSet& validation) = 0;
  [[nodiscard]] virtual std::vector<double> Predict(const train::SampleSet& samples) const = 0;
  // Fitted parameters and settings, for reports and saved models.
  [[nodiscard]] virtual nlohmann::json Describe() const = 0;
  // How many own-series lags the samples must carry for this model.
  [[nodiscard]] virtual std::size_t RequiredLags() const { return 0; }
};

[[nodiscard]] std::unique_ptr<Forecaster> MakeForecaster(const std::string& type,
                                                         const nlohmann::json& params);
[[nodiscard]] std::vector<std::string> ForecasterTypes();

}  // namespace finml::models
