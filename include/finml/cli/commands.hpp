// Subcommands of the finml binary: each has an options struct, a setup function that declares
// its flags on a CLI11 app, and a run function. main() only wires them together.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "finml/serve/options.hpp"

namespace finml::cli {

struct RunCommandOptions {
  std::string experiment;
  std::string out_dir;
  bool print_config = false;
};
void SetupRun(CLI::App& app, RunCommandOptions& options);
int RunRun(const RunCommandOptions& options, const std::string& command_line);

struct FeaturesCommandOptions {
  std::string input;
  std::string out;
  std::string set = "all";
  std::vector<std::string> include;
  std::string price = "close";
  std::string missing = "error";
  std::string shape = "auto";
};
void SetupFeatures(CLI::App& app, FeaturesCommandOptions& options);
int RunFeatures(const FeaturesCommandOptions& options);

struct InspectCommandOptions {
  std::string input;
  std::string missing = "error";
  std::string order = "error";
  std::string duplicates = "error";
  std::string shape = "auto";
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
  std::string out;
  std::string strategy = "threshold";
  double cost_bps = 5;
  double slippage_bps = 0;
  double min_fee = 0;
  std::string fill = "close";
  double capital = 1e6;
  std::size_t top_k = 5;
  std::size_t n_drop = 1;
  double long_above = 0;
  double short_below = 0;
  std::string benchmark;
  std::string price = "close";
  std::string missing = "keep";
  std::vector<std::string> settings;  // --set key=value, any backtest setting
};
void SetupBacktest(CLI::App& app, BacktestCommandOptions& options);
int RunBacktest(const BacktestCommandOptions& options, const CLI::App& app,
                const std::string& command_line);

struct RiskCommandOptions {
  // Shared by the subcommands.
  std::string returns, prices, column, out;
  bool log_returns = false;
  // garch
  std::string model = "garch", dist = "normal";
  bool non_stationary = false;
  std::size_t forecast = 10;
  // var
  std::string method = "historical";
  std::string level = "0.99";
  std::size_t window = 250, refit_every = 20, horizon = 1;
  double ewma_lambda = 0.94;
  std::size_t simulations = 10000;
  std::uint64_t seed = 42;
  // portfolio and stress
  std::string weights, covariance = "ledoit_wolf";
  double value = 1e6;
  std::vector<std::string> scenarios, shocks;
  bool no_builtin = false;
};
// `risk` gets four subcommands: garch, var, portfolio, stress.
void SetupRisk(CLI::App& app, RiskCommandOptions& options);
int RunRisk(const RiskCommandOptions& options, const CLI::App& app,
            const std::string& command_line);

struct CreditCommandOptions {
  // train
  std::string data = "data/german_credit.csv", target = "Class", positive, model = "logistic";
  std::size_t folds = 5;
  std::string protected_column, weight, encoding, missing = "error", out;
  double holdout = 0, threshold = 0.5;
  std::uint64_t seed = 42;
  std::vector<std::string> params;  // --param key=value
  std::vector<std::string> categorical;
  bool no_importance = false;
  // score
  std::string model_dir, input;
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
