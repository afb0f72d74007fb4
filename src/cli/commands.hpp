// Subcommands of the finml binary: each has an options struct, a setup function that declares
// its flags on a CLI11 app, and a run function. main() only wires them together. Flags that set a
// component's options are derived from the component's declaration (core/cli_options.hpp), so a
// flag and the matching experiment-file key are one option.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "finml/core/cli_options.hpp"
#include "finml/rl/workflow.hpp"
#include "finml/serve/options.hpp"

namespace finml::cli {

// --overwrite, the same words on every command that writes an output directory.
void AddOverwriteFlag(CLI::App& app, bool& overwrite);

struct RunCommandOptions {
  std::string experiment;
  std::string out_dir;
  bool overwrite = false;
  bool print_config = false;
  CliFlags overrides;  // --set key=value over the experiment file
  std::string checkpoint_dir;
  std::int64_t checkpoint_every = 0;
  bool resume = false;
};
void SetupRun(CLI::App& app, RunCommandOptions& options);
int RunRun(const RunCommandOptions& options, const std::string& command_line);

struct FeaturesCommandOptions {
  std::string input;
  std::string out;
  std::string set = "all";
  std::vector<std::string> include;
  std::string price = "close";
  CliFlags load;  // how the input is read (missing, order, duplicates, shape, ...)
};
void SetupFeatures(CLI::App& app, FeaturesCommandOptions& options);
int RunFeatures(const FeaturesCommandOptions& options);

struct InspectCommandOptions {
  std::string input;
  bool json = false;
  CliFlags load;
};
void SetupInspect(CLI::App& app, InspectCommandOptions& options);
int RunInspect(const InspectCommandOptions& options);

struct PredictCommandOptions {
  std::string model_dir;
  std::string input;
  std::string out;
};
void SetupPredict(CLI::App& app, PredictCommandOptions& options);
int RunPredict(const PredictCommandOptions& options);

struct BacktestCommandOptions {
  std::string prices;
  std::string signals;
  std::string model;           // a run's predictions: which model
  std::string split = "test";  // and which of its splits
  std::string out;
  bool overwrite = false;
  std::string price;  // empty: close, or the run's with --signals RUN_DIR
  CliFlags settings;  // every backtest setting, and --set
  CliFlags load;      // how the prices are read; missing defaults to keep (a halt)
};
void SetupBacktest(CLI::App& app, BacktestCommandOptions& options);
int RunBacktest(const BacktestCommandOptions& options, const CLI::App& app,
                const std::string& command_line);

struct RiskCommandOptions {
  std::string out;
  bool overwrite = false;
  CliFlags garch, var, portfolio, stress;  // each subcommand's settings and series
};
// `risk` gets four subcommands: garch, var, portfolio, stress.
void SetupRisk(CLI::App& app, RiskCommandOptions& options);
int RunRisk(const RiskCommandOptions& options, const CLI::App& app,
            const std::string& command_line);

struct PortfolioCommandOptions {
  std::string out;
  bool overwrite = false;
  CliFlags optimize, frontier, backtest;
};
// `portfolio` gets three subcommands: optimize, frontier, backtest.
void SetupPortfolio(CLI::App& app, PortfolioCommandOptions& options);
int RunPortfolio(const PortfolioCommandOptions& options, const CLI::App& app,
                 const std::string& command_line);

struct RlCommandOptions {
  CliFlags train;  // every RL setting, and --set
  rl::EvaluateSettings evaluate;
  std::string out;
  bool overwrite = false;
};
// `rl` gets two subcommands: train and evaluate.
void SetupRl(CLI::App& app, RlCommandOptions& options);
int RunRl(const RlCommandOptions& options, const CLI::App& app, const std::string& command_line);

struct NlpCommandOptions {
  CliFlags train, pretrain, factor, embed;  // each subcommand's settings, and --set
  std::string out;
  bool overwrite = false;
  // predict, factor, embed, neighbors
  std::string model, input, out_file, text = "text", label;
  std::vector<std::string> words;
  int threads = 1, k = 10;
};
// `nlp` gets pretrain, train, predict, factor, embed and neighbors.
void SetupNlp(CLI::App& app, NlpCommandOptions& options);
int RunNlp(const NlpCommandOptions& options, const CLI::App& app, const std::string& command_line);

struct SynthCommandOptions {
  CliFlags train, sample, evaluate, split, load;  // each subcommand's settings
  std::string out, out_file;
  bool overwrite = false;
  // evaluate
  std::string real, column, kind = "prices";
  std::vector<std::string> synthetic, categorical, columns;
};
// `synth` gets train, sample and evaluate.
void SetupSynth(CLI::App& app, SynthCommandOptions& options);
int RunSynth(const SynthCommandOptions& options, const CLI::App& app,
             const std::string& command_line);

struct AnomalyCommandOptions {
  CliFlags benchmark, fit;
  std::string out;
  bool overwrite = false;
  // score
  std::string model_dir, input, out_file;
};
// `anomaly` gets benchmark, fit and score.
void SetupAnomaly(CLI::App& app, AnomalyCommandOptions& options);
int RunAnomaly(const AnomalyCommandOptions& options, const CLI::App& app,
               const std::string& command_line);

struct FraudCommandOptions {
  CliFlags generate, train;
  std::string out;
  bool overwrite = false;
  // score
  std::string model_dir, input, out_file;
};
// `fraud` gets generate, train and score.
void SetupFraud(CLI::App& app, FraudCommandOptions& options);
int RunFraud(const FraudCommandOptions& options, const CLI::App& app,
             const std::string& command_line);

struct LaunchCommandOptions {
  CliFlags launch;
};
// The ranks' command is what follows --.
void SetupLaunch(CLI::App& app, LaunchCommandOptions& options);
int RunLaunch(const LaunchCommandOptions& options, const CLI::App& app);

struct DistCommandOptions {
  std::vector<double> bytes{8, 64e3, 1e6, 16e6};
  int rounds = 20;
};
void SetupDist(CLI::App& app, DistCommandOptions& options);
int RunDist(const DistCommandOptions& options);

struct CreditCommandOptions {
  CliFlags train;  // every credit setting, --param key=value, --set
  std::string out;
  bool overwrite = false;
  // score
  std::string model_dir, input;
  std::vector<std::string> id_columns;
};
// `credit` gets two subcommands: train and score.
void SetupCredit(CLI::App& app, CreditCommandOptions& options);
int RunCredit(const CreditCommandOptions& options, const CLI::App& app,
              const std::string& command_line);

struct ServeCommandOptions {
  serve::ServeOptions server;  // the flags bind straight to the server's settings
  int torch_threads = 1;
};
void SetupServe(CLI::App& app, ServeCommandOptions& options);
int RunServe(const ServeCommandOptions& options);

}  // namespace finml::cli
