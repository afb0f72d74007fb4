#include <cstdio>

#include "finml/cli/commands.hpp"
#include "finml/core/files.hpp"
#include "finml/core/progress.hpp"
#include "finml/run/credit_experiment.hpp"
#include "finml/run/risk_experiment.hpp"
#include "finml/run/runner.hpp"

namespace finml::cli {

void SetupRun(CLI::App& app, RunCommandOptions& o) {
  app.add_option("experiment", o.experiment,
                 "experiment file (YAML); without one, runs the DJIA quickstart");
  app.add_option("--out", o.out_dir, "output directory (default runs/<UTC timestamp>)");
  app.add_flag("--print-config", o.print_config,
               "print the effective configuration with defaults filled in, then exit");
}

int RunRun(const RunCommandOptions& o, const std::string& command_line) {
  if (!o.experiment.empty()) {
    const std::string text = ReadFile(o.experiment);
    const std::string task = run::ExperimentTask(text, o.experiment);
    if (task == "credit") {
      const auto credit = run::ParseCreditExperiment(text, o.experiment);
      if (o.print_config) {
        std::printf("%s\n", credit.config.ToJson().dump(2).c_str());
        return 0;
      }
      const std::string dir = run::RunCreditExperiment(credit, o.out_dir, command_line,
                                                       Progress::TerminalAttached());
      std::printf("report: %s/report.html\nmetrics: %s/metrics.json\n", dir.c_str(), dir.c_str());
      return 0;
    }
    if (task == "risk") {
      const auto risk = run::ParseRiskExperiment(text, o.experiment);
      if (o.print_config) {
        std::printf("%s\n", risk.ToJson().dump(2).c_str());
        return 0;
      }
      const std::string dir = run::RunRiskExperiment(risk, o.out_dir, command_line);
      std::printf("results: %s (run.json, and a folder per section)\n", dir.c_str());
      return 0;
    }
  }
  run::ExperimentConfig config =
      o.experiment.empty() ? run::QuickstartExperiment() : run::LoadExperiment(o.experiment);
  if (o.print_config) {
    std::printf("%s\n", config.ToJson().dump(2).c_str());
    return 0;
  }
  run::RunOptions options;
  options.out_dir = o.out_dir;
  options.progress = Progress::TerminalAttached();
  options.command_line = command_line;
  std::string dir = run::RunExperiment(config, options);
  std::printf("report: %s/report.html\nmetrics: %s/metrics.json\n", dir.c_str(), dir.c_str());
  return 0;
}

}  // namespace finml::cli
