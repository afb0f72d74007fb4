// The one table of credit models finml knows. Add a model here and in its own file, nowhere else.
#include <functional>

#include "finml/core/error.hpp"
#include "finml/core/modules.hpp"
#include "finml/core/names.hpp"
#include "finml/credit/classifier.hpp"
#include "logistic_classifier.hpp"
#include "finml/credit/mlp.hpp"
#include "finml/credit/trees.hpp"

namespace finml::credit {
namespace {

using Factory = std::function<std::unique_ptr<Classifier>(const nlohmann::json&, std::uint64_t)>;

struct Entry {
  std::string name;
  std::vector<std::string> aliases;
  Encoding encoding;  // default: weights of evidence suit a linear model, one-hot the others
  Factory make;
};

std::unique_ptr<Classifier> Trees(const nlohmann::json& params, bool forest, std::uint64_t seed) {
  auto* make = FINML_MODULE_FUNCTION(Module::kXgboost, finml_xgboost_make_classifier);
  return std::unique_ptr<Classifier>(make(ParseTreeOptions(params, forest, seed)));
}

const std::vector<Entry>& Classifiers() {
  static const std::vector<Entry> kTable = {
      {"logistic", {}, Encoding::kWoe,
       [](const nlohmann::json& p, std::uint64_t) { return MakeLogisticClassifier(p); }},
      {"mlp", {}, Encoding::kOneHot,
       [](const nlohmann::json& p, std::uint64_t seed) {
         auto* make = FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_mlp_classifier);
         return std::unique_ptr<Classifier>(make(ParseMlpOptions(p, seed)));
       }},
      {"gbdt", {"xgboost"}, Encoding::kOneHot,
       [](const nlohmann::json& p, std::uint64_t seed) { return Trees(p, false, seed); }},
      {"rf", {"random_forest"}, Encoding::kOneHot,
       [](const nlohmann::json& p, std::uint64_t seed) { return Trees(p, true, seed); }},
  };
  return kTable;
}

const Entry& Find(const std::string& name) { return FindEntry(Classifiers(), name, "credit model"); }

}  // namespace

std::string CanonicalClassifierName(const std::string& name) { return Find(name).name; }

std::vector<std::string> ClassifierNames() { return EntryNames(Classifiers()); }

Encoding DefaultEncoding(const std::string& model) { return Find(model).encoding; }

std::unique_ptr<Classifier> MakeClassifier(const std::string& model, const nlohmann::json& params,
                                           std::uint64_t seed) {
  return Find(model).make(params, seed);
}

}  // namespace finml::credit
