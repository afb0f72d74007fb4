#include <nlohmann/json.hpp>

#include "finml/core/error.hpp"
#include "finml/core/params.hpp"
#include "finml/credit/mlp.hpp"

namespace finml::credit {

nlohmann::json MlpOptions::ToJson() const {
  return {{"hidden", hidden}, {"dropout", dropout}, {"lr", lr}, {"weight_decay", weight_decay},
          {"batch", batch}, {"epochs", epochs}, {"patience", patience},
          {"validation", validation}, {"seed", seed}};
}

MlpOptions ParseMlpOptions(const nlohmann::json& params, std::uint64_t seed) {
  MlpOptions o;
  o.seed = seed;
  ParamReader p("mlp", params);
  o.hidden = p.Get<std::vector<int>>("hidden", o.hidden);
  o.dropout = p.Get<double>("dropout", o.dropout);
  o.lr = p.Get<double>("lr", o.lr);
  o.weight_decay = p.Get<double>("weight_decay", o.weight_decay);
  o.batch = p.Get<int>("batch", o.batch);
  o.epochs = p.Get<int>("epochs", o.epochs);
  o.patience = p.Get<int>("patience", o.patience);
  o.validation = p.Get<double>("validation", o.validation);
  p.Finish();
  FINML_REQUIRE(!o.hidden.empty() && o.lr > 0 && o.batch >= 1 && o.epochs >= 1 &&
                    o.validation > 0 && o.validation < 0.5 && o.dropout >= 0 && o.dropout < 1,
                "mlp: needs hidden layers, lr > 0, batch >= 1, epochs >= 1, 0 < validation < 0.5, "
                "0 <= dropout < 1");
  for (int h : o.hidden) FINML_REQUIRE(h >= 1, "mlp: hidden layer sizes must be >= 1");
  return o;
}

}  // namespace finml::credit
