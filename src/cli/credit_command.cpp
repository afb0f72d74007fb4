#include <cstdio>

#include "finml/cli/commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/sha256.hpp"
#include "finml/credit/outputs.hpp"

namespace finml::cli {
namespace {

// key=value: numbers and booleans as JSON numbers and booleans, lists as [a,b], else strings.
nlohmann::json ParamValue(const std::string& text) {
  if (text == "true" || text == "false") return text == "true";
  try {
    return nlohmann::json::parse(text);
  } catch (...) {
    return text;
  }
}

}  // namespace

void SetupCredit(CLI::App& app, CreditCommandOptions& o) {
  app.require_subcommand(1);
  auto* train = app.add_subcommand("train", "cross-validate and fit a credit scoring model");
  train->add_option("--data", o.data, "applicants CSV (numeric and categorical columns)")
      ->capture_default_str();
  train->add_option("--target", o.target, "binary target column")->capture_default_str();
  train->add_option("--positive", o.positive, "target value that means default (default: the "
                                              "minority class)");
  train->add_option("--model", o.model, "logistic, mlp, gbdt or rf")->capture_default_str();
  train->add_option("--folds", o.folds, "stratified folds")->capture_default_str();
  train->add_option("--holdout", o.holdout, "a stratified hold-out share instead of folds");
  train->add_option("--protected", o.protected_column, "fairness report by this column (never a "
                                                       "model input)");
  train->add_option("--weight", o.weight, "row weight column");
  train->add_option("--encoding", o.encoding, "woe or one_hot (default: woe for logistic)");
  train->add_option("--missing", o.missing, "missing values: error or impute")->capture_default_str();
  train->add_option("--threshold", o.threshold, "decision threshold on P(default)")->capture_default_str();
  train->add_option("--seed", o.seed, "folds, bagging and network initialisation")->capture_default_str();
  train->add_option("--param", o.params, "model parameter key=value, e.g. --param l2=0.5");
  train->add_option("--categorical", o.categorical, "columns to read as categories");
  train->add_flag("--no-importance", o.no_importance, "skip permutation importance (faster)");
  train->add_option("--out", o.out, "output directory")->required();
  auto* score = app.add_subcommand("score", "score a batch with a trained model");
  score->add_option("--model", o.model_dir, "directory written by credit train")->required();
  score->add_option("--input", o.input, "applicants CSV")->required();
  score->add_option("--out", o.out, "scores CSV to write")->required();
}

int RunCredit(const CreditCommandOptions& o, const CLI::App& app, const std::string& command_line) {
  if (app.got_subcommand("score")) {
    const auto s = credit::ScoreFile(o.model_dir, o.input, o.out);
    std::printf("scored %zu row(s) into %s; unseen categories: %zu\n", s.rows, o.out.c_str(),
                s.unseen_categories);
    std::printf("population stability (PSI) of the score: %.4f (< 0.1 stable, 0.1-0.25 watch, > "
                "0.25 shifted)\n", s.score_psi);
    for (std::size_t i = 0; i < std::min<std::size_t>(5, s.feature_psi.size()); ++i)
      std::printf("  PSI %-30s %.4f\n", s.feature_psi[i].first.c_str(), s.feature_psi[i].second);
    return 0;
  }
  nlohmann::json settings = {{"data", o.data}, {"target", o.target}, {"positive", o.positive},
                             {"model", o.model}, {"folds", o.folds}, {"holdout", o.holdout},
                             {"protected", o.protected_column}, {"weight", o.weight},
                             {"missing", o.missing}, {"threshold", o.threshold}, {"seed", o.seed}};
  if (!o.encoding.empty()) settings["encoding"] = o.encoding;
  settings["categorical"] = o.categorical;
  settings["importance"] = !o.no_importance;
  nlohmann::json params = nlohmann::json::object();
  for (const auto& kv : o.params) {
    const auto eq = kv.find('=');
    FINML_REQUIRE(eq != std::string::npos && eq > 0, "--param '{}': write key=value", kv);
    params[kv.substr(0, eq)] = ParamValue(kv.substr(eq + 1));
  }
  settings["params"] = params;
  const auto config = credit::ParseCreditConfig(settings, "finml credit train");
  const auto table = credit::LoadTable(config.data, config.categorical);
  const auto run = credit::RunCredit(table, config, Progress::TerminalAttached());
  credit::CreditInputs inputs{config.data, Sha256File(config.data), command_line};
  const auto files = credit::WriteCreditRun(run, table, o.out, inputs);
  std::printf("%s, %zu rows, %s: AUC %.4f ± %.4f, Gini %.4f, KS %.4f, Brier %.4f\n",
              config.model.c_str(), table.rows,
              config.holdout > 0 ? "hold-out" : fmt::format("{}-fold CV", config.folds).c_str(),
              run.auc_mean, run.auc_std, run.gini_mean, run.ks_mean, run.brier_mean);
  if (run.fairness)
    std::printf("fairness by %s: disparate impact %.3f, equal-opportunity difference %.3f\n",
                run.fairness->column.c_str(), run.fairness->disparate_impact,
                run.fairness->equal_opportunity_difference);
  std::printf("wrote %s/{", o.out.c_str());
  for (std::size_t i = 0; i < files.size(); ++i) std::printf("%s%s", i ? "," : "", files[i].c_str());
  std::printf("}\n");
  return 0;
}

}  // namespace finml::cli
