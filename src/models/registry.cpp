// The one table of forecasters finml knows. Add a model here and nowhere else.
#include <functional>

#include "finml/core/params.hpp"
#include "finml/core/strings.hpp"
#include "finml/models/baselines.hpp"
#include "finml/models/deep.hpp"

namespace finml::models {
namespace {

using Factory = std::function<std::unique_ptr<Forecaster>(ParamReader&)>;

const std::vector<std::pair<std::string, Factory>>& Table() {
  static const std::vector<std::pair<std::string, Factory>> kTable = {
      {"random_walk", [](ParamReader&) { return std::make_unique<RandomWalk>(); }},
      {"historical_mean", [](ParamReader&) { return std::make_unique<HistoricalMean>(); }},
      {"ar",
       [](ParamReader& p) {
         int order = p.Get<int>("p", 5);
         FINML_REQUIRE(order >= 1 && order <= 250, "ar: p must be in [1, 250] (got {})", order);
         return std::make_unique<AutoRegressive>(static_cast<std::size_t>(order));
       }},
      {"ridge",
       [](ParamReader& p) {
         std::vector<double> alphas = {1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0};
         if (p.Has("alpha")) {
           const auto& raw = p.Raw("alpha");
           alphas = raw.is_array() ? raw.get<std::vector<double>>()
                                   : std::vector<double>{raw.get<double>()};
         }
         return std::make_unique<Ridge>(alphas);
       }},
      {"mlp", [](ParamReader& p) { return MakeDeepForecaster("mlp", p); }},
      {"lstm", [](ParamReader& p) { return MakeDeepForecaster("lstm", p); }},
      {"gru", [](ParamReader& p) { return MakeDeepForecaster("gru", p); }},
      {"tcn", [](ParamReader& p) { return MakeDeepForecaster("tcn", p); }},
      {"transformer", [](ParamReader& p) { return MakeDeepForecaster("transformer", p); }},
      {"gpt", [](ParamReader& p) { return MakeDeepForecaster("gpt", p); }},
  };
  return kTable;
}

}  // namespace

std::vector<std::string> ForecasterTypes() {
  std::vector<std::string> out;
  for (const auto& [name, factory] : Table()) out.push_back(name);
  return out;
}

std::unique_ptr<Forecaster> MakeForecaster(const std::string& type, const nlohmann::json& params) {
  for (const auto& [name, factory] : Table()) {
    if (name != type) continue;
    ParamReader reader("model '" + type + "'", params);
    try {
      auto model = factory(reader);
      reader.Finish();
      return model;
    } catch (const nlohmann::json::exception& e) {
      throw ConfigError(fmt::format("model '{}': a parameter has the wrong type ({})", type,
                                    e.what()));
    }
  }
  throw ConfigError(fmt::format("unknown model type '{}' (did you mean '{}'? valid: {})", type,
                                ClosestMatch(type, ForecasterTypes()),
                                JoinStrings(ForecasterTypes(), ", ")));
}

}  // namespace finml::models
