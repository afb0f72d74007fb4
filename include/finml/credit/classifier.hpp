// The credit-model extension point: a binary classifier of default on preprocessed columns.
// Implementations are created by name from one table (credit/registry.cpp); adding a model is
// its own file plus one row there. Matrices are n rows x p columns, row-major.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/config_node.hpp"
#include "finml/core/json_reader.hpp"
#include "finml/credit/logistic.hpp"
#include "finml/credit/preprocess.hpp"

namespace finml::credit {

class Classifier {
 public:
  virtual ~Classifier() = default;
  // `weights`: per row, or empty for 1.
  virtual void Fit(const std::vector<double>& x, std::size_t n, std::size_t p,
                   const std::vector<int>& y, const std::vector<double>& weights,
                   const std::vector<std::string>& column_names) = 0;
  // Probability of default per row.
  [[nodiscard]] virtual std::vector<double> Predict(const std::vector<double>& x,
                                                    std::size_t n) const = 0;
  // Each column's push on the log-odds of default relative to the training average
  // (`column_mean`), n x p; empty when the model has no exact decomposition (the caller then
  // measures each feature by occlusion).
  [[nodiscard]] virtual std::vector<double> Contributions(
      const std::vector<double>& x, std::size_t n, const std::vector<double>& column_mean) const {
    return {};
  }
  // The settings it was fitted with and what the fit decided (epochs run), for manifests.
  [[nodiscard]] virtual nlohmann::json Options() const = 0;
  // What a report shows beyond the options (coefficients, gain importance).
  [[nodiscard]] virtual nlohmann::json Describe(
      const std::vector<std::string>& column_names) const = 0;
  // The fitted logistic model when the classifier is one (scorecards need its coefficients).
  [[nodiscard]] virtual const LogisticModel* Linear() const { return nullptr; }
  // Fitted state: small values in the returned JSON, large ones as files in `dir`, each written
  // under a temporary name first.
  [[nodiscard]] virtual nlohmann::json Save(const std::string& dir) const = 0;
  // Restores what Save wrote, for a model of `columns` inputs, checking every field and file (a
  // model directory is user input: a bad one is an InvalidInput naming the file and field).
  virtual void Load(const JsonReader& state, const std::string& dir, std::size_t columns) = 0;
};

// The canonical name of a credit model (aliases such as xgboost -> gbdt resolved); an unknown
// name is a ConfigError listing the valid ones.
[[nodiscard]] std::string CanonicalClassifierName(const std::string& name);
[[nodiscard]] std::vector<std::string> ClassifierNames();
// The encoding a model gets unless the configuration names one.
[[nodiscard]] Encoding DefaultEncoding(const std::string& model);
// A fresh classifier from the model's own parameters: unknown keys, wrong types and values out
// of bounds are ConfigErrors at the value's place (`path` names them in messages).
[[nodiscard]] std::unique_ptr<Classifier> MakeClassifier(const std::string& model,
                                                         const ConfigNode& params,
                                                         const std::string& path,
                                                         std::uint64_t seed);
[[nodiscard]] std::unique_ptr<Classifier> MakeClassifier(const std::string& model,
                                                         const nlohmann::json& params,
                                                         std::uint64_t seed);
// Every parameter of `model` with its default filled in, checked as MakeClassifier checks them.
[[nodiscard]] nlohmann::json ResolveClassifierParams(const std::string& model,
                                                     const ConfigNode& params,
                                                     const std::string& path);

}  // namespace finml::credit
