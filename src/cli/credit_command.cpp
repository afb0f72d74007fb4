#include <cstdio>

#include "commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/strings.hpp"
#include "finml/credit/outputs.hpp"
#include "finml/eval/drift.hpp"
#include "finml/run/credit_experiment.hpp"

namespace finml::cli {

void SetupCredit(CLI::App& app, CreditCommandOptions& o) {
  app.require_subcommand(1);
  auto* train = app.add_subcommand("train", "cross-validate and fit a credit scoring model");
  o.train.Add(*train, credit::CreditConfig::Schema());
  o.train.AddKeyValues(*train, "--param", "params",
                       "model parameter key=value, e.g. --param l2=0.5 --param hidden=[32,16]");
  o.train.AddSet(*train, "any setting as key=value, e.g. --set scorecard.pdo=30");
  train->add_option("--out", o.out, "output directory")->required();
  AddOverwriteFlag(*train, o.overwrite);
  auto* score = app.add_subcommand("score", "score a batch with a trained model");
  score->add_option("--model", o.model_dir, "directory written by credit train")->required();
  score->add_option("--input", o.input, "applicants CSV")->required();
  score->add_option("--out", o.out, "scores CSV to write")->required();
  score->add_option("--id", o.id_columns,
                    "columns copied to each output row to identify it (default: a column named "
                    "id, if any); repeatable");
}

int RunCredit(const CreditCommandOptions& o, const CLI::App& app, const std::string& command_line) {
  if (app.got_subcommand("score")) {
    const auto s = credit::ScoreFile(o.model_dir, o.input, o.out, {3, o.id_columns});
    std::printf(
        "scored %zu row(s) into %s; declined %zu at the training threshold %.4g; unseen "
        "categories: %zu\n",
        s.rows, o.out.c_str(), s.declined, s.threshold, s.unseen_categories);
    if (!s.protected_column.empty())
      std::fprintf(stderr,
                   "finml: note: column '%s' is the protected attribute this model was audited "
                   "on; it is never an input and was not used\n",
                   s.protected_column.c_str());
    std::vector<std::string> others;
    for (const auto& c : s.unused)
      if (c != s.protected_column) others.push_back(c);
    if (!others.empty())
      std::fprintf(stderr, "finml: note: not model inputs, not used: %s (copy them with --id)\n",
                   Excerpt(JoinStrings(others, ", "), 300).c_str());
    std::printf(
        "population stability (PSI) of the score: %.4f: %s (< 0.1 stable, 0.1-0.25 "
        "watch, > 0.25 shifted; %zu rows from the training population exceed %.3f only "
        "5%% of the time)\n",
        s.score_psi, eval::PsiVerdict(s.score_drift).c_str(), s.rows, s.score_drift.sampling_level);
    for (std::size_t i = 0; i < std::min<std::size_t>(5, s.feature_psi.size()); ++i)
      std::printf("  PSI %-30s %.4f\n", s.feature_psi[i].first.c_str(), s.feature_psi[i].second);
    return 0;
  }
  const auto config =
      credit::ParseCreditConfig(o.train.Collect(ConfigNode::Map("finml credit train")));
  const auto training =
      run::TrainCredit(config, o.out, command_line, Progress::TerminalAttached(), o.overwrite);
  const auto& run = training.run;
  const auto& files = training.files;
  std::printf("%s, %zu rows, %s: AUC %.4f ± %.4f, Gini %.4f, KS %.4f, Brier %.4f\n",
              config.model.c_str(), training.rows,
              config.holdout > 0 ? "hold-out" : fmt::format("{}-fold CV", config.folds).c_str(),
              run.auc_mean, run.auc_std, run.gini_mean, run.ks_mean, run.brier_mean);
  for (const auto& w : run.warnings) std::fprintf(stderr, "finml: warning: %s\n", w.c_str());
  if (run.fairness)
    std::printf("fairness by %s: disparate impact %.3f, equal-opportunity difference %.3f\n",
                run.fairness->column.c_str(), run.fairness->disparate_impact,
                run.fairness->equal_opportunity_difference);
  std::printf("wrote %s/{", o.out.c_str());
  for (std::size_t i = 0; i < files.size(); ++i)
    std::printf("%s%s", i ? "," : "", files[i].c_str());
  std::printf("}\n");
  return 0;
}

}  // namespace finml::cli
