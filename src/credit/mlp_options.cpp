#include <nlohmann/json.hpp>

#include "mlp.hpp"

namespace finml::credit {

const options::Schema<MlpOptions>& MlpOptions::Schema() {
  static const auto schema = [] {
    using M = MlpOptions;
    options::Schema<M> s;
    s.Add("hidden", &M::hidden, "widths of the hidden layers").Min(1).Max(65536);
    s.Add("dropout", &M::dropout, "dropout after each hidden layer").Min(0).Below(1);
    s.Add("validation", &M::validation, "stratified share of the training rows for early stopping")
        .Above(0)
        .Below(0.5);
    s.Embed(&M::loop, train::LoopOptions::Schema());
    s.Rule(
        "hidden", [](const M& m) { return !m.hidden.empty() && m.hidden.size() <= 64; },
        "give between 1 and 64 layers");
    return s;
  }();
  return schema;
}

nlohmann::json MlpOptions::ToJson() const {
  nlohmann::json j = Schema().ToJson(*this);
  j["seed"] = seed;
  return j;
}

}  // namespace finml::credit
