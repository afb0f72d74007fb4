// The one table of credit models finml knows. Add a model here and in its own file, nowhere else:
// a row names it, gives its default encoding, declares its parameters and makes it from them.
#include <functional>

#include "finml/core/error.hpp"
#include "finml/core/modules.hpp"
#include "finml/core/names.hpp"
#include "finml/credit/classifier.hpp"
#include "logistic_classifier.hpp"
#include "mlp.hpp"
#include "trees.hpp"

namespace finml::credit {
namespace {

struct Entry {
  std::string name;
  std::vector<std::string> aliases;
  Encoding encoding;  // default: weights of evidence suit a linear model, one-hot the others
  std::function<options::Json(const ConfigNode&, const std::string&)> resolve;
  std::function<std::unique_ptr<Classifier>(const ConfigNode&, const std::string&, std::uint64_t)>
      make;
};

template <typename Options>
Entry Row(std::string name, std::vector<std::string> aliases, Encoding encoding,
          std::function<const options::Schema<Options>&()> schema,
          std::function<Options(std::uint64_t seed)> defaults,
          std::function<std::unique_ptr<Classifier>(const Options&)> make) {
  Entry e{std::move(name), std::move(aliases), encoding, {}, {}};
  e.resolve = [schema, defaults](const ConfigNode& params, const std::string& path) {
    return schema().ToJson(schema().Parse(params, path, defaults(0)));
  };
  e.make = [schema, defaults, make](const ConfigNode& params, const std::string& path,
                                    std::uint64_t seed) {
    return make(schema().Parse(params, path, defaults(seed)));
  };
  return e;
}

std::unique_ptr<Classifier> Trees(const TreeOptions& o) {
  auto* make = FINML_MODULE_FUNCTION(Module::kXgboost, finml_xgboost_make_classifier);
  return std::unique_ptr<Classifier>(make(o));
}

Entry TreeRow(std::string name, std::vector<std::string> aliases, bool forest) {
  return Row<TreeOptions>(
      std::move(name), std::move(aliases), Encoding::kOneHot,
      [forest]() -> const options::Schema<TreeOptions>& { return TreeOptions::Schema(forest); },
      [forest](std::uint64_t seed) {
        TreeOptions o = TreeOptions::Defaults(forest);
        o.seed = seed;
        return o;
      },
      &Trees);
}

const std::vector<Entry>& Classifiers() {
  static const std::vector<Entry> kTable = {
      Row<LogisticOptions>(
          "logistic", {}, Encoding::kWoe, &LogisticSchema,
          [](std::uint64_t) { return LogisticOptions{}; },
          [](const LogisticOptions& o) { return MakeLogisticClassifier(o); }),
      Row<MlpOptions>(
          "mlp", {}, Encoding::kOneHot, &MlpOptions::Schema,
          [](std::uint64_t seed) {
            MlpOptions o;
            o.seed = seed;
            return o;
          },
          [](const MlpOptions& o) {
            auto* make = FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_mlp_classifier);
            return std::unique_ptr<Classifier>(make(o));
          }),
      TreeRow("gbdt", {"xgboost"}, false),
      TreeRow("rf", {"random_forest"}, true),
  };
  return kTable;
}

const Entry& Find(const std::string& name) {
  return FindEntry(Classifiers(), name, "credit model");
}

}  // namespace

std::string CanonicalClassifierName(const std::string& name) { return Find(name).name; }

std::vector<std::string> ClassifierNames() { return EntryNames(Classifiers()); }

Encoding DefaultEncoding(const std::string& model) { return Find(model).encoding; }

std::unique_ptr<Classifier> MakeClassifier(const std::string& model, const ConfigNode& params,
                                           const std::string& path, std::uint64_t seed) {
  return Find(model).make(params, path, seed);
}

std::unique_ptr<Classifier> MakeClassifier(const std::string& model, const nlohmann::json& params,
                                           std::uint64_t seed) {
  return MakeClassifier(model, ConfigNode::FromJson(params, "params"), "params", seed);
}

nlohmann::json ResolveClassifierParams(const std::string& model, const ConfigNode& params,
                                       const std::string& path) {
  return nlohmann::json(Find(model).resolve(params, path));
}

}  // namespace finml::credit
