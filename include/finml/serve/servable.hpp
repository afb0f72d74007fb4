// A model the server can answer for: a saved forecaster (finml-model/1) or credit scorer
// (finml-credit/1). Each holds a few independent copies of its model, so requests predict in
// parallel without sharing a network or booster between threads.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "finml/serve/drift_monitor.hpp"
#include "finml/serve/options.hpp"

namespace finml::serve {

class Servable {
 public:
  virtual ~Servable() = default;
  [[nodiscard]] virtual const std::string& Name() const = 0;
  [[nodiscard]] virtual const char* Kind() const = 0;  // "forecaster" or "credit"
  // The first 12 hex digits of the manifest's SHA-256: changes with every retraining.
  [[nodiscard]] virtual const std::string& Version() const = 0;
  // Name, kind, version, training data and hash, metrics and the request schema.
  [[nodiscard]] virtual nlohmann::json Info() const = 0;
  // {"features": {...}, "prediction": {...}} from the manifest, or an empty object.
  [[nodiscard]] virtual const nlohmann::json& DriftReference() const = 0;
  // Validates the request body and predicts. Bad requests throw RequestError; `observed`
  // receives the inputs and predictions for drift monitoring.
  [[nodiscard]] virtual nlohmann::json Predict(const nlohmann::json& request,
                                               Observation& observed) const = 0;
};

// The finml version and commit a saved model's manifest records: its provenance block, or the
// top-level keys of manifests written before there was one.
[[nodiscard]] std::pair<std::string, std::string> ManifestBuild(const nlohmann::json& manifest);

// Loads the saved model in `dir` (its model.json decides the kind) under the name `name`.
[[nodiscard]] std::shared_ptr<const Servable> LoadServable(const std::string& dir,
                                                           const std::string& name,
                                                           const ServeLimits& limits);

}  // namespace finml::serve
