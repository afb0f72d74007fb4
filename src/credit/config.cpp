// Credit configuration: declared once for the CLI flags and the `task: credit` file.
#include <cmath>

#include "finml/core/error.hpp"
#include "finml/credit/classifier.hpp"
#include "finml/credit/pipeline.hpp"

namespace finml::credit {

double ScorecardScale::Factor() const { return pdo / std::log(2.0); }
double ScorecardScale::Offset() const { return base_score - Factor() * std::log(base_odds); }
ScorecardScale ScorecardScale::FromJson(const nlohmann::json& j) {
  return Schema().Parse(ConfigNode::FromJson(j, "scorecard"), "scorecard");
}

double ScorecardScale::Score(double p) const {
  const double q = std::min(std::max(p, 1e-12), 1 - 1e-12);
  return Offset() + Factor() * std::log((1 - q) / q);
}

const options::Schema<ScorecardScale>& ScorecardScale::Schema() {
  static const auto schema = [] {
    using S = ScorecardScale;
    options::Schema<S> s;
    s.Add("base_score", &S::base_score, "points at base_odds");
    s.Add("base_odds", &S::base_odds, "odds good : bad at base_score").Above(0);
    s.Add("pdo", &S::pdo, "points to double the odds").Above(0);
    return s;
  }();
  return schema;
}

const options::Schema<ProfitMatrix>& ProfitMatrix::Schema() {
  static const auto schema = [] {
    using P = ProfitMatrix;
    options::Schema<P> s;
    s.Add("tp", &P::true_positive, "value of a default flagged (declined)");
    s.Add("fp", &P::false_positive, "value of a good applicant declined");
    s.Add("tn", &P::true_negative, "value of a good applicant approved");
    s.Add("fn", &P::false_negative, "value of a default approved");
    return s;
  }();
  return schema;
}

const options::Schema<PreprocessOptions>& PreprocessOptions::Schema() {
  static const auto schema = [] {
    using P = PreprocessOptions;
    options::Schema<P> s;
    s.Add("encoding", &P::encoding, "woe (weights of evidence) or one_hot")
        .DefaultText("woe for logistic, one_hot for the others");
    s.Add("missing", &P::missing, "missing values: error or impute");
    s.Add("bins", &P::bins, "quantile bins of a numeric column for woe").Min(2);
    s.Add("min_bin_share", &P::min_bin_share,
          "woe: merge adjacent numeric bins until each holds this share of the rows (e.g. 0.05)")
        .Min(0)
        .Below(0.5);
    s.Add("monotonic", &P::monotonic,
          "woe: merge adjacent numeric bins until the default rate only rises or only falls");
    return s;
  }();
  return schema;
}

const options::Schema<CreditConfig>& CreditConfig::Schema() {
  static const auto schema = [] {
    using C = CreditConfig;
    options::Schema<C> s;
    s.Add("data", &C::data, "applicants CSV (numeric and categorical columns)");
    s.Add("target", &C::target, "binary target column");
    s.Add("positive", &C::positive,
          "target value that means default (default: the minority class)");
    s.Add("weight", &C::weight_column, "row weight column");
    s.Add("protected", &C::protected_column,
          "fairness report by this column (never a model input)");
    s.Add("features", &C::features, "model inputs (default: every other column)");
    s.Add("exclude", &C::exclude, "columns left out of the inputs");
    s.Add("rename", &C::rename,
          "columns to rename first, OLD=NEW,... (the model and its scoring batches use the new "
          "names)");
    s.Add("categorical", &C::categorical, "columns to read as categories even if numeric");
    s.Add("importance", &C::permutation_importance, "permutation importance (slower)")
        .Switch("--no-importance", "false");
    s.Add("model", &C::model, "logistic, mlp, gbdt or rf").Names(CanonicalClassifierName);
    s.Add("params", &C::params, "the model's parameters (flag: --param key=value)");
    s.Embed(&C::preprocess, PreprocessOptions::Schema());
    s.Add("folds", &C::folds, "stratified cross-validation folds (unused with holdout)").Min(1);
    s.Add("holdout", &C::holdout, "a stratified hold-out share instead of folds (0: folds)")
        .Min(0)
        .Below(0.9);
    s.Add("seed", &C::seed, "folds, bagging and network initialisation");
    s.Add("threshold", &C::threshold, "decision threshold on P(default)").Above(0).Below(1);
    s.Add("profit", &C::profit, "value of each outcome {tp, fp, tn, fn}: the best threshold");
    s.Add("scorecard", &C::scale, "scorecard scaling {base_score, base_odds, pdo}");
    s.Rule(
        "folds", [](const C& c) { return c.folds >= 2 || c.holdout > 0; },
        "cross-validation needs at least 2 folds (or give a holdout share)");
    s.Finish([](C& c, const ConfigNode& given, const std::string& path) {
      if (!given.Has("encoding")) c.preprocess.encoding = DefaultEncoding(c.model);
      const ConfigNode* params = given.Find("params");
      c.params =
          ResolveClassifierParams(c.model, params ? *params : ConfigNode::Null(given.where()),
                                  options::JoinPath(path, "params"));
    });
    return s;
  }();
  return schema;
}

CreditConfig ParseCreditConfig(const ConfigNode& node, const std::string& path) {
  return CreditConfig::Schema().Parse(node, path);
}

CreditConfig ParseCreditConfig(const nlohmann::json& object, const std::string& origin) {
  return ParseCreditConfig(ConfigNode::FromJson(object, origin), "");
}

nlohmann::json CreditConfig::ToJson() const { return Schema().ToJson(*this); }

}  // namespace finml::credit
