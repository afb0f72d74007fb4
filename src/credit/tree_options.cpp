#include <nlohmann/json.hpp>

#include "finml/core/error.hpp"
#include "finml/core/params.hpp"
#include "finml/credit/trees.hpp"

namespace finml::credit {

nlohmann::json TreeOptions::ToJson() const {
  return {{"kind", random_forest ? "rf" : "gbdt"}, {"rounds", rounds}, {"eta", eta},
          {"max_depth", max_depth}, {"subsample", subsample},
          {"colsample", colsample == 0 ? nlohmann::json("sqrt") : nlohmann::json(colsample)},
          {"min_child_weight", min_child_weight}, {"lambda", lambda}, {"threads", threads},
          {"seed", seed}};
}

TreeOptions ParseTreeOptions(const nlohmann::json& params, bool random_forest, std::uint64_t seed) {
  TreeOptions o;
  o.random_forest = random_forest;
  o.seed = seed;
  if (random_forest) {
    // Close to a Breiman forest (scikit-learn's defaults): deep trees, sqrt(p) candidate
    // features per split (colsample 0 = that rule), nearly unregularised leaves.
    o.rounds = 300;
    o.max_depth = 16;
    o.subsample = 0.632;
    o.colsample = 0;
    o.min_child_weight = 0.1;
    o.lambda = 1e-3;
    o.eta = 1;
  }
  ParamReader p(random_forest ? "rf" : "gbdt", params);
  o.rounds = p.Get<int>(random_forest ? "trees" : "rounds", o.rounds);
  if (!random_forest) o.eta = p.Get<double>("eta", o.eta);
  o.max_depth = p.Get<int>("max_depth", o.max_depth);
  o.subsample = p.Get<double>("subsample", o.subsample);
  o.colsample = p.Get<double>("colsample", o.colsample);
  o.min_child_weight = p.Get<double>("min_child_weight", o.min_child_weight);
  o.lambda = p.Get<double>("lambda", o.lambda);
  o.threads = p.Get<int>("threads", o.threads);
  p.Finish();
  FINML_REQUIRE(o.rounds >= 1 && o.max_depth >= 1 && o.eta > 0 && o.subsample > 0 &&
                    o.subsample <= 1 && (o.colsample > 0 || (random_forest && o.colsample == 0)) &&
                    o.colsample <= 1 && o.threads >= 1,
                "{}: rounds/trees >= 1, max_depth >= 1, eta > 0, subsample and colsample in (0, 1] "
                "(rf: colsample 0 = sqrt(features))",
                random_forest ? "rf" : "gbdt");
  return o;
}

}  // namespace finml::credit
