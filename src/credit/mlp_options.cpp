#include <nlohmann/json.hpp>

#include "finml/core/error.hpp"
#include "finml/core/params.hpp"
#include "finml/credit/mlp.hpp"

namespace finml::credit {

nlohmann::json MlpOptions::ToJson() const {
  return {{"hidden", hidden},
          {"dropout", dropout},
          {"validation", validation},
          {"seed", seed},
          {"lr", loop.lr},
          {"weight_decay", loop.weight_decay},
          {"optimizer", EnumName(loop.optimizer)},
          {"schedule", EnumName(loop.schedule)},
          {"step_size", loop.step_size},
          {"gamma", loop.gamma},
          {"clip", loop.clip},
          {"batch", loop.batch},
          {"epochs", loop.epochs},
          {"patience", loop.patience},
          {"min_delta", loop.min_delta}};
}

MlpOptions ParseMlpOptions(const nlohmann::json& params, std::uint64_t seed) {
  MlpOptions o;
  o.seed = seed;
  ParamReader p("mlp", params);
  o.hidden = p.Get<std::vector<int>>("hidden", o.hidden);
  o.dropout = p.Get<double>("dropout", o.dropout);
  o.validation = p.Get<double>("validation", o.validation);
  o.loop = train::ReadLoopOptions(p, o.loop, "mlp");
  p.Finish();
  FINML_REQUIRE(!o.hidden.empty() && o.validation > 0 && o.validation < 0.5 && o.dropout >= 0 &&
                    o.dropout < 1,
                "mlp: needs hidden layers, 0 < validation < 0.5, 0 <= dropout < 1");
  for (int h : o.hidden) FINML_REQUIRE(h >= 1, "mlp: hidden layer sizes must be >= 1");
  return o;
}

}  // namespace finml::credit
