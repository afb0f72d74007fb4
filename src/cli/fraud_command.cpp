#include <cstdio>

#include "commands.hpp"
#include "finml/anomaly/fraud.hpp"
#include "finml/anomaly/transactions.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/run/runner.hpp"

namespace finml::cli {

void SetupFraud(CLI::App& app, FraudCommandOptions& o) {
  app.require_subcommand(1);
  auto* generate = app.add_subcommand(
      "generate",
      "synthetic card transactions with injected fraud (card testing, account takeover, "
      "compromised merchants, large amounts), labelled and named by pattern");
  o.generate.Add(*generate, anomaly::TransactionSettings::Schema(), {});
  generate->add_option("--out", o.out_file, "CSV to write")->required();
  auto* train = app.add_subcommand(
      "train",
      "gbdt, logistic, iforest and the two combined on transactions in time order: training, "
      "validation (thresholds) and test rows, velocity features from earlier rows only");
  o.train.Add(*train, anomaly::FraudSettings::Schema(), {});
  train->add_option("--out", o.out, "model directory to write")->required();
  AddOverwriteFlag(*train, o.overwrite);
  auto* score = app.add_subcommand("score", "score transactions with a model from fraud train");
  score->add_option("--model", o.model_dir, "a directory from finml fraud train")->required();
  score
      ->add_option("--input", o.input,
                   "CSV with the training columns, history included (velocity features count "
                   "the earlier rows of this file)")
      ->required();
  score
      ->add_option("--out", o.out_file,
                   "CSV to write: row, then per model the score, the flag and the three features "
                   "that push the score up most")
      ->required();
}

int RunFraud(const FraudCommandOptions& o, const CLI::App& app, const std::string& command_line) {
  if (app.got_subcommand("score")) {
    const std::size_t rows = anomaly::RunFraudScore(o.model_dir, o.input, o.out_file);
    std::printf("wrote %zu scored rows to %s\n", rows, o.out_file.c_str());
    return 0;
  }
  if (app.got_subcommand("generate")) {
    const auto s = anomaly::TransactionSettings::Schema().Parse(
        o.generate.Collect(ConfigNode::Map("finml fraud generate")), "", {});
    const auto generated = anomaly::GenerateTransactions(s);
    WriteFileAtomic(o.out_file, generated.csv);
    std::printf("wrote %zu synthetic transactions, %zu of them fraud, to %s\n", generated.rows,
                generated.frauds, o.out_file.c_str());
    for (const auto& [pattern, count] : generated.per_pattern)
      std::printf("  %-17s %zu\n", pattern.c_str(), count);
    return 0;
  }
  auto s = anomaly::FraudSettings::Schema().Parse(
      o.train.Collect(ConfigNode::Map("finml fraud train")), "", {});
  s.data = run::ResolveDataPath(s.data, "");
  Provenance provenance{command_line, {}, s.seed};
  provenance.Input(s.data);
  OutputDirectory out(o.out, o.overwrite);
  const auto lines = anomaly::RunFraudTrain(s, out.staging(), provenance);
  out.Commit();
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::printf("wrote %s/{model.json,metrics.json,report.html}\n", o.out.c_str());
  return 0;
}

}  // namespace finml::cli
