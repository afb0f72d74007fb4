// The one table of forecasters finml knows. Add a model here and nowhere else: a row names it,
// says how its parameters are declared, and makes it from them.
#include <functional>

#include "baselines.hpp"
#include "finml/core/error.hpp"
#include "finml/core/names.hpp"
#include "finml/models/deep.hpp"

namespace finml::models {
namespace {

struct NoOptions {
  static const options::Schema<NoOptions>& Schema() {
    static const options::Schema<NoOptions> schema;
    return schema;
  }
};

struct ArOptions {
  std::size_t p = 5;
  static const options::Schema<ArOptions>& Schema() {
    static const auto schema = [] {
      options::Schema<ArOptions> s;
      s.Add("p", &ArOptions::p, "autoregressive order: lags of the target's own series")
          .Min(1)
          .Max(250);
      return s;
    }();
    return schema;
  }
};

struct RidgeOptions {
  std::vector<double> alpha = {1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0};
  static const options::Schema<RidgeOptions>& Schema() {
    static const auto schema = [] {
      options::Schema<RidgeOptions> s;
      s.Add("alpha", &RidgeOptions::alpha,
            "L2 penalties to choose from on validation (one value: no choice)")
          .Min(0);
      s.Rule(
          "alpha", [](const RidgeOptions& o) { return !o.alpha.empty(); },
          "give at least one penalty");
      return s;
    }();
    return schema;
  }
};

// A row: how to read the parameters (schema and defaults) and how to make the model from them.
struct Entry {
  std::string name;
  std::function<options::Json(const ConfigNode&, const std::string&)> resolve;
  std::function<std::unique_ptr<Forecaster>(const ConfigNode&, const std::string&)> make;
};

template <typename Options>
Entry Row(
    std::string name, std::function<std::unique_ptr<Forecaster>(const Options&)> make,
    std::function<const options::Schema<Options>&()> schema = &Options::Schema,
    std::function<Options()> defaults = [] { return Options{}; }) {
  Entry e;
  e.name = name;
  e.resolve = [schema, defaults](const ConfigNode& params, const std::string& path) {
    return schema().ToJson(schema().Parse(params, path, defaults()));
  };
  e.make = [schema, defaults, make](const ConfigNode& params, const std::string& path) {
    return make(schema().Parse(params, path, defaults()));
  };
  return e;
}

Entry DeepRow(const std::string& architecture) {
  return Row<DeepOptions>(
      architecture, [](const DeepOptions& o) { return MakeDeepForecaster(o); },
      [architecture]() -> const options::Schema<DeepOptions>& { return DeepSchema(architecture); },
      [architecture] { return DeepDefaults(architecture); });
}

const std::vector<Entry>& Table() {
  static const std::vector<Entry> kTable = {
      Row<NoOptions>("random_walk",
                     [](const NoOptions&) { return std::make_unique<RandomWalk>(); }),
      Row<NoOptions>("historical_mean",
                     [](const NoOptions&) { return std::make_unique<HistoricalMean>(); }),
      Row<ArOptions>("ar",
                     [](const ArOptions& o) { return std::make_unique<AutoRegressive>(o.p); }),
      Row<RidgeOptions>("ridge",
                        [](const RidgeOptions& o) { return std::make_unique<Ridge>(o.alpha); }),
      DeepRow("mlp"),
      DeepRow("lstm"),
      DeepRow("gru"),
      DeepRow("tcn"),
      DeepRow("transformer"),
      DeepRow("gpt"),
  };
  return kTable;
}

const Entry& Find(const std::string& type) { return FindEntry(Table(), type, "model type"); }

}  // namespace

const options::Schema<PretrainSource>& PretrainSource::Schema() {
  static const auto schema = [] {
    options::Schema<PretrainSource> s;
    s.Add("path", &PretrainSource::path, "data file, read like the experiment's data").Required();
    s.Add("decimal_year", &PretrainSource::decimal_year,
          "its index is a decimal year (an R ts), read as calendar days");
    s.ScalarKey("path");
    return s;
  }();
  return schema;
}

std::vector<std::string> ForecasterTypes() { return EntryNames(Table()); }

std::string CanonicalForecasterType(const std::string& type) { return Find(type).name; }

std::unique_ptr<Forecaster> MakeForecaster(const std::string& type, const ConfigNode& params,
                                           const std::string& path) {
  return Find(type).make(params, path);
}

std::unique_ptr<Forecaster> MakeForecaster(const std::string& type, const nlohmann::json& params) {
  return MakeForecaster(type, ConfigNode::FromJson(params, "params"), "params");
}

nlohmann::json ResolveParams(const std::string& type, const ConfigNode& params,
                             const std::string& path) {
  return nlohmann::json(Find(type).resolve(params, path));
}

}  // namespace finml::models
