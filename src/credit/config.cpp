// Credit configuration: one strict parser for the CLI flags and the `task: credit` file.
#include <cmath>

#include "finml/core/error.hpp"
#include "finml/core/params.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/classifier.hpp"
#include "finml/credit/pipeline.hpp"

namespace finml::credit {

double ScorecardScale::Factor() const { return pdo / std::log(2.0); }
double ScorecardScale::Offset() const { return base_score - Factor() * std::log(base_odds); }
ScorecardScale ScorecardScale::FromJson(const nlohmann::json& j) {
  ScorecardScale s;
  s.base_score = j.at("base_score").get<double>();
  s.base_odds = j.at("base_odds").get<double>();
  s.pdo = j.at("pdo").get<double>();
  return s;
}

double ScorecardScale::Score(double p) const {
  const double q = std::min(std::max(p, 1e-12), 1 - 1e-12);
  return Offset() + Factor() * std::log((1 - q) / q);
}

const std::vector<std::string>& CreditConfigKeys() {
  static const std::vector<std::string> keys = {
      "data", "target", "positive", "weight", "protected", "features", "exclude", "categorical",
      "importance", "model",
      "params", "encoding", "missing", "bins", "folds", "holdout", "seed", "threshold", "profit",
      "scorecard"};
  return keys;
}

CreditConfig ParseCreditConfig(const nlohmann::json& object, const std::string& context) {
  ParamReader p(context, object);
  CreditConfig c;
  auto fail = [&](const std::string& what) { return ConfigError(fmt::format("{}: {}", context, what)); };
  c.data = p.Get<std::string>("data", c.data);
  c.target = p.Get<std::string>("target", c.target);
  c.positive = p.Get<std::string>("positive", c.positive);
  c.weight_column = p.Get<std::string>("weight", c.weight_column);
  c.protected_column = p.Get<std::string>("protected", c.protected_column);
  c.features = p.Get<std::vector<std::string>>("features", c.features);
  c.exclude = p.Get<std::vector<std::string>>("exclude", c.exclude);
  c.categorical = p.Get<std::vector<std::string>>("categorical", c.categorical);
  c.permutation_importance = p.Get<bool>("importance", c.permutation_importance);
  try {
    c.model = CanonicalClassifierName(p.Get<std::string>("model", c.model));
  } catch (const ConfigError& e) {
    throw fail(e.what());
  }
  if (p.Has("params")) c.params = p.Raw("params");
  else (void)p.Get<int>("params", 0);
  c.encoding_given = p.Has("encoding");
  const std::string encoding = p.Get<std::string>(
      "encoding", DefaultEncoding(c.model) == Encoding::kWoe ? "woe" : "one_hot");
  if (encoding == "woe") c.preprocess.encoding = Encoding::kWoe;
  else if (encoding == "one_hot") c.preprocess.encoding = Encoding::kOneHot;
  else throw fail(fmt::format("encoding '{}' is not known (valid: woe, one_hot)", encoding));
  const std::string missing = p.Get<std::string>("missing", "error");
  if (missing == "impute") c.preprocess.missing = MissingHandling::kImpute;
  else if (missing != "error") throw fail(fmt::format("missing '{}' is not known (valid: error, impute)", missing));
  c.preprocess.bins = p.Get<int>("bins", c.preprocess.bins);
  c.folds = p.Get<std::size_t>("folds", c.folds);
  c.holdout = p.Get<double>("holdout", c.holdout);
  c.seed = p.Get<std::uint64_t>("seed", c.seed);
  c.threshold = p.Get<double>("threshold", c.threshold);
  if (p.Has("profit")) {
    ParamReader m(context + ".profit", p.Raw("profit"));
    ProfitMatrix profit;
    profit.true_positive = m.Get<double>("tp", 0.0);
    profit.false_positive = m.Get<double>("fp", 0.0);
    profit.true_negative = m.Get<double>("tn", 0.0);
    profit.false_negative = m.Get<double>("fn", 0.0);
    m.Finish();
    c.profit = profit;
  } else {
    (void)p.Get<int>("profit", 0);
  }
  if (p.Has("scorecard")) {
    ParamReader s(context + ".scorecard", p.Raw("scorecard"));
    c.scale.base_score = s.Get<double>("base_score", c.scale.base_score);
    c.scale.base_odds = s.Get<double>("base_odds", c.scale.base_odds);
    c.scale.pdo = s.Get<double>("pdo", c.scale.pdo);
    s.Finish();
  } else {
    (void)p.Get<int>("scorecard", 0);
  }
  p.Finish();
  if (c.folds < 2 && c.holdout <= 0) throw fail("folds must be at least 2 (or give a holdout share)");
  if (c.holdout < 0 || c.holdout >= 0.9) throw fail("holdout must be in [0, 0.9)");
  if (!(c.threshold > 0 && c.threshold < 1)) throw fail("threshold must be in (0, 1)");
  if (c.preprocess.bins < 2) throw fail("bins must be at least 2");
  if (!(c.scale.base_odds > 0 && c.scale.pdo > 0)) throw fail("scorecard base_odds and pdo must be > 0");
  return c;
}

nlohmann::json CreditConfig::ToJson() const {
  nlohmann::json j = {{"data", data},
                      {"target", target},
                      {"positive", positive},
                      {"weight", weight_column},
                      {"protected", protected_column},
                      {"features", features},
                      {"exclude", exclude},
                      {"categorical", categorical},
                      {"importance", permutation_importance},
                      {"model", model},
                      {"params", params},
                      {"encoding", preprocess.encoding == Encoding::kWoe ? "woe" : "one_hot"},
                      {"missing", preprocess.missing == MissingHandling::kImpute ? "impute" : "error"},
                      {"bins", preprocess.bins},
                      {"folds", folds},
                      {"holdout", holdout},
                      {"seed", seed},
                      {"threshold", threshold},
                      {"scorecard",
                       {{"base_score", scale.base_score}, {"base_odds", scale.base_odds}, {"pdo", scale.pdo}}}};
  if (profit)
    j["profit"] = {{"tp", profit->true_positive}, {"fp", profit->false_positive},
                   {"tn", profit->true_negative}, {"fn", profit->false_negative}};
  return j;
}

}  // namespace finml::credit
