// The finml command line: wires the subcommands together. The binary and the Python module both
// enter here, so a command behaves the same from a shell and from Python.
#include "app.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <string>
#include <vector>

#include "commands.hpp"
#include "finml/core/build_info.hpp"
#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "finml/dist/world.hpp"
#include "finml/train/checkpoint.hpp"

namespace finml::cli {

namespace {

std::string CommandPath(const CLI::App* app) {
  std::string path = app->get_name();
  for (const CLI::App* up = app->get_parent(); up; up = up->get_parent())
    path = (up->get_parent() ? up->get_name() : std::string("finml")) + " " + path;
  return path;
}

void CommandsWithOption(CLI::App* app, const std::string& flag, std::vector<std::string>& out) {
  for (CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_option_no_throw(flag)) out.push_back(CommandPath(sub));
    CommandsWithOption(sub, flag, out);
  }
}

// CLI11 says only that an argument was not expected. When the flag is another command's (a
// backtest-only setting given to optimize, say), name the commands that take it.
std::string UnexpectedFlagHint(CLI::App& root, int argc, char** argv) {
  CLI::App* chosen = &root;
  while (!chosen->get_subcommands().empty()) chosen = chosen->get_subcommands().front();
  if (chosen == &root) return "";
  std::vector<std::string> own;
  for (const CLI::Option* option : chosen->get_options())
    for (const auto& name : option->get_lnames()) own.push_back("--" + name);
  std::vector<std::string> hints;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag.rfind("--", 0) != 0 || flag.size() < 3) continue;
    flag = flag.substr(0, flag.find('='));
    bool known = false;
    for (const CLI::App* up = chosen; up && !known; up = up->get_parent())
      known = up->get_option_no_throw(flag) != nullptr;
    if (known) continue;
    std::vector<std::string> elsewhere;
    CommandsWithOption(&root, flag, elsewhere);
    if (elsewhere.size() > 3) elsewhere.resize(3), elsewhere.back() += " ...";
    const std::string near = ClosestMatch(flag, own);
    const bool close = !near.empty() && EditDistance(flag, near) <= 2;
    if (elsewhere.empty() && !close) continue;
    std::string hint = flag;
    if (!elsewhere.empty()) {
      const std::string last = elsewhere.back();
      elsewhere.pop_back();
      hint += fmt::format(" is a setting of {}{}, not of {}", fmt::join(elsewhere, ", "),
                          elsewhere.empty() ? last : " and " + last, CommandPath(chosen));
    }
    if (close) hint += fmt::format(": did you mean {}?", near);
    hints.push_back(hint + fmt::format(" (see {} --help)", CommandPath(chosen)));
  }
  return fmt::format("{}", fmt::join(hints, "\n"));
}

// CLI11 says only that a subcommand is required (or that an argument was not expected) when a
// command is misspelt: name the word it did not know, the nearest command, and the choices.
std::string UnknownCommandHint(CLI::App& root, int argc, char** argv) {
  CLI::App* at = &root;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word.front() == '-') return "";
    const auto subcommands = at->get_subcommands([](const CLI::App*) { return true; });
    if (subcommands.empty()) return "";
    CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (CLI::App* sub : subcommands) {
      if (sub->get_name() == word) next = sub;
      names.push_back(sub->get_name());
    }
    if (next) {
      at = next;
      continue;
    }
    const std::string near = ClosestMatch(word, names);
    const std::string path = at == &root ? std::string("finml") : CommandPath(at);
    return fmt::format("{}: unknown command '{}'{} (commands: {}; see {} --help)", path, word,
                       !near.empty() && EditDistance(word, near) <= 2
                           ? fmt::format(": did you mean '{}'?", near)
                           : std::string(),
                       fmt::join(names, ", "), path);
  }
  return "";
}

}  // namespace

int RunCommandLine(int argc, char** argv, CommandErrors errors) {
  CLI::App app{"finml: machine learning for finance, end to end"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(finml::Version()));

  finml::cli::RunCommandOptions run_options;
  finml::cli::SetupRun(*app.add_subcommand("run", "run an experiment and write its report"),
                       run_options);
  finml::cli::FeaturesCommandOptions features_options;
  finml::cli::SetupFeatures(
      *app.add_subcommand("features", "compute technical indicators into a CSV"), features_options);
  finml::cli::InspectCommandOptions inspect_options;
  finml::cli::SetupInspect(*app.add_subcommand("inspect", "validate and summarise a data file"),
                           inspect_options);

  finml::cli::PredictCommandOptions predict_options;
  finml::cli::SetupPredict(*app.add_subcommand("predict", "predict with a saved model directory"),
                           predict_options);

  finml::cli::BacktestCommandOptions backtest_options;
  CLI::App* backtest_app =
      app.add_subcommand("backtest", "trade signals (or a rule) on prices and write a tearsheet");
  finml::cli::SetupBacktest(*backtest_app, backtest_options);

  finml::cli::RiskCommandOptions risk_options;
  CLI::App* risk_app = app.add_subcommand(
      "risk", "market risk: GARCH volatility, VaR/ES backtests, portfolio VaR, stress tests");
  finml::cli::SetupRisk(*risk_app, risk_options);

  finml::cli::PortfolioCommandOptions portfolio_options;
  CLI::App* portfolio_app = app.add_subcommand(
      "portfolio", "portfolio optimisation: weights, efficient frontiers, walk-forward backtests");
  finml::cli::SetupPortfolio(*portfolio_app, portfolio_options);

  finml::cli::RlCommandOptions rl_options;
  CLI::App* rl_app = app.add_subcommand(
      "rl", "reinforcement learning: trading and allocation agents against simple baselines");
  finml::cli::SetupRl(*rl_app, rl_options);

  finml::cli::NlpCommandOptions nlp_options;
  CLI::App* nlp_app = app.add_subcommand(
      "nlp", "financial text: tokenizer, word vectors, sentiment classifiers, a news factor");
  finml::cli::SetupNlp(*nlp_app, nlp_options);

  finml::cli::SynthCommandOptions synth_options;
  CLI::App* synth_app = app.add_subcommand(
      "synth",
      "synthetic data: train generators of returns, multivariate windows and tables (QuantGAN, "
      "TimeGAN, CTGAN and baselines), sample, evaluate");
  finml::cli::SetupSynth(*synth_app, synth_options);

  finml::cli::AnomalyCommandOptions anomaly_options;
  CLI::App* anomaly_app = app.add_subcommand(
      "anomaly",
      "anomaly detection: unsupervised detectors benchmarked, fitted with thresholds, scoring");
  finml::cli::SetupAnomaly(*anomaly_app, anomaly_options);
  finml::cli::LaunchCommandOptions launch_options;
  CLI::App* launch_app =
      app.add_subcommand("launch",
                         "start the ranks of a distributed job as torchrun does: finml launch "
                         "--nproc 2 -- finml run exp.yaml");
  finml::cli::SetupLaunch(*launch_app, launch_options);
  finml::cli::DistCommandOptions dist_options;
  CLI::App* dist_app = app.add_subcommand(
      "dist", "distributed jobs: check that the ranks reach each other and time the all-reduce");
  finml::cli::SetupDist(*dist_app, dist_options);
  finml::cli::FraudCommandOptions fraud_options;
  CLI::App* fraud_app = app.add_subcommand(
      "fraud",
      "supervised fraud models on labelled transactions: synthetic data, training with velocity "
      "features and time-ordered validation, scoring");
  finml::cli::SetupFraud(*fraud_app, fraud_options);

  finml::cli::CreditCommandOptions credit_options;
  CLI::App* credit_app =
      app.add_subcommand("credit", "credit scoring: train (cross-validated) and score applicants");
  finml::cli::SetupCredit(*credit_app, credit_options);

  finml::cli::ServeCommandOptions serve_options;
  finml::cli::SetupServe(
      *app.add_subcommand("serve",
                          "serve saved models over HTTP/JSON (predictions, health, "
                          "metrics, drift, hot reload)"),
      serve_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::string hint = e.get_exit_code() != 0 ? UnknownCommandHint(app, argc, argv) : std::string();
    if (hint.empty() && e.get_exit_code() != 0 && dynamic_cast<const CLI::ExtrasError*>(&e))
      hint = UnexpectedFlagHint(app, argc, argv);
    // --help and --version exit 0; every usage error exits 2 like every input error.
    if (errors == CommandErrors::kThrow && e.get_exit_code() != 0)
      throw ConfigError(hint.empty() ? fmt::format("{} (see finml {} --help)", e.what(),
                                                   argc > 1 ? argv[1] : std::string())
                                     : fmt::format("{}: {}", e.what(), hint));
    const int code = app.exit(e);
    if (!hint.empty()) std::fprintf(stderr, "%s\n", hint.c_str());
    return code == 0 ? 0 : 2;
  }
  // Under finml launch every rank runs the same command; rank 0 speaks for the job (the others'
  // errors still reach stderr).
  if (errors == CommandErrors::kPrint && !finml::dist::WritesOutputs() &&
      !app.got_subcommand("launch"))
    if (std::freopen("/dev/null", "w", stdout) == nullptr) return 70;
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  const auto Dispatch = [&]() -> int {
    if (app.got_subcommand("run")) return finml::cli::RunRun(run_options, command_line);
    if (app.got_subcommand("features")) return finml::cli::RunFeatures(features_options);
    if (app.got_subcommand("inspect")) return finml::cli::RunInspect(inspect_options);
    if (app.got_subcommand("predict")) return finml::cli::RunPredict(predict_options);
    if (app.got_subcommand("credit"))
      return finml::cli::RunCredit(credit_options, *credit_app, command_line);
    if (app.got_subcommand("risk"))
      return finml::cli::RunRisk(risk_options, *risk_app, command_line);
    if (app.got_subcommand("portfolio"))
      return finml::cli::RunPortfolio(portfolio_options, *portfolio_app, command_line);
    if (app.got_subcommand("rl")) return finml::cli::RunRl(rl_options, *rl_app, command_line);
    if (app.got_subcommand("nlp")) return finml::cli::RunNlp(nlp_options, *nlp_app, command_line);
    if (app.got_subcommand("synth"))
      return finml::cli::RunSynth(synth_options, *synth_app, command_line);
    if (app.got_subcommand("anomaly"))
      return finml::cli::RunAnomaly(anomaly_options, *anomaly_app, command_line);
    if (app.got_subcommand("fraud"))
      return finml::cli::RunFraud(fraud_options, *fraud_app, command_line);
    if (app.got_subcommand("serve")) return finml::cli::RunServe(serve_options);
    if (app.got_subcommand("launch")) return finml::cli::RunLaunch(launch_options, *launch_app);
    if (app.got_subcommand("dist")) return finml::cli::RunDist(dist_options);
    if (app.got_subcommand("backtest"))
      return finml::cli::RunBacktest(backtest_options, *backtest_app, command_line);
    return 1;
  };
  if (errors == CommandErrors::kThrow) {
    // In a process that runs many commands (Python), nothing one command set may reach the next.
    if (app.got_subcommand("serve") || app.got_subcommand("launch") || app.got_subcommand("dist"))
      throw ConfigError(fmt::format(
          "finml {} takes over the process (its signals, threads or child processes), so it "
          "runs only as the binary (fix: run `finml {} ...` in a terminal)",
          argv[1], argv[1]));
    train::SetCheckpointPlan({});
    struct ForgetCheckpoints {
      ~ForgetCheckpoints() { train::SetCheckpointPlan({}); }
    } forget;
    return Dispatch();
  }
  try {
    return Dispatch();
  } catch (const finml::Error& e) {
    std::fprintf(stderr, "finml: error: %s\n", e.what());
    if (e.kind() == finml::ErrorKind::kCancelled) return 130;
    return e.kind() == finml::ErrorKind::kInternal ? 70 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finml: internal error: %s\n", e.what());
    return 70;
  }
}

}  // namespace finml::cli
