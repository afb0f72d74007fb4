#include <cstdio>

#include "commands.hpp"
#include "finml/core/files.hpp"
#include "finml/core/progress.hpp"
#include "finml/dist/world.hpp"
#include "finml/run/anomaly_experiment.hpp"
#include "finml/run/credit_experiment.hpp"
#include "finml/run/nlp_experiment.hpp"
#include "finml/run/risk_experiment.hpp"
#include "finml/run/rl_experiment.hpp"
#include "finml/run/runner.hpp"
#include "finml/run/synth_experiment.hpp"
#include "finml/train/checkpoint.hpp"

namespace finml::cli {
namespace {

// Under finml launch only rank 0 wrote the results, so only it says where they are.
void PrintWhere(const std::string& dir) {
  if (dist::WritesOutputs())
    std::printf("report: %s/report.html\nmetrics: %s/metrics.json\n", dir.c_str(), dir.c_str());
}

int RunForecast(run::ExperimentConfig config, const RunCommandOptions& o,
                const std::string& command_line) {
  if (o.print_config) {
    // The path as it resolves from here, so the printed file runs from wherever it is saved.
    try {
      config.data.path = run::ResolveDataPath(config.data.path, config.source);
    } catch (const Error& e) {
      // The configuration is still printed (the file may come later), but it would not run now.
      std::fprintf(stderr, "finml: warning: %s\n", e.what());
    }
    std::printf("%s\n", config.ToJson().dump(2).c_str());
    return 0;
  }
  run::RunOptions options;
  options.out_dir = o.out_dir;
  options.overwrite = o.overwrite;
  options.progress = Progress::TerminalAttached();
  options.command_line = command_line;
  const std::string dir = run::RunExperiment(config, options);
  PrintWhere(dir);
  return 0;
}

}  // namespace

void SetupRun(CLI::App& app, RunCommandOptions& o) {
  app.add_option("experiment", o.experiment,
                 "experiment file (YAML); without one, runs the DJIA quickstart");
  app.add_option("--out", o.out_dir, "output directory (default runs/<UTC timestamp>)");
  AddOverwriteFlag(app, o.overwrite);
  app.add_flag("--print-config", o.print_config,
               "print the effective configuration with every default filled in, then exit (it "
               "runs as it is: finml run --print-config > c.yaml && finml run c.yaml)");
  app.add_option("--checkpoint-dir", o.checkpoint_dir,
                 "where long trainings keep checkpoints (default <out>.checkpoints with --out)");
  app.add_option("--checkpoint-every", o.checkpoint_every,
                 "save each torch model's training state every N epochs (and when it ends)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--resume", o.resume,
               "continue from the checkpoints of an interrupted run of the same command: "
               "finished trainings are restored, the interrupted one goes on from its last "
               "checkpoint, and the result equals an uninterrupted run");
  o.overrides.AddSet(app,
                     "change a key of the experiment, e.g. --set split.train=0.6 --set "
                     "models[1].params.epochs=5");
}

namespace {

void PlanCheckpoints(const RunCommandOptions& o) {
  if (o.checkpoint_every == 0 && !o.resume && o.checkpoint_dir.empty()) return;
  train::CheckpointPlan plan;
  plan.directory = o.checkpoint_dir;
  if (plan.directory.empty() && !o.out_dir.empty()) {
    std::string out = o.out_dir;
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    plan.directory = out + ".checkpoints";
  }
  if (plan.directory.empty())
    throw ConfigError(
        "--checkpoint-every and --resume need a place for the checkpoints that the resumed "
        "command finds again (fix: give --out DIR, or --checkpoint-dir DIR)");
  plan.every = o.checkpoint_every;
  plan.resume = o.resume;
  train::SetCheckpointPlan(plan);
}

}  // namespace

int RunRun(const RunCommandOptions& o, const std::string& command_line) {
  PlanCheckpoints(o);
  auto print = [](const options::Json& config) {
    std::printf("%s\n", config.dump(2).c_str());
    return 0;
  };
  if (o.experiment.empty() && o.overrides.Collect().size() > 0)
    throw ConfigError("--set changes an experiment file: give one (see examples/quickstart.yaml)");
  if (!o.experiment.empty()) {
    const ConfigNode root = o.overrides.Collect(
        ConfigNode::FromYaml(ReadFile(o.experiment, kMaxConfigBytes), o.experiment));
    const std::string task = run::ExperimentTask(root);
    if (task == "credit") {
      const auto credit = run::ParseCreditExperiment(root, o.experiment);
      if (o.print_config) return print(credit.ToJson());
      const std::string dir = run::RunCreditExperiment(credit, o.out_dir, command_line,
                                                       Progress::TerminalAttached(), o.overwrite);
      PrintWhere(dir);
      return 0;
    }
    if (task == "risk") {
      const auto risk = run::ParseRiskExperiment(root, o.experiment);
      if (o.print_config) return print(risk.ToJson());
      const std::string dir = run::RunRiskExperiment(risk, o.out_dir, command_line, o.overwrite);
      if (dist::WritesOutputs())
        std::printf("results: %s (run.json, and a folder per section)\n", dir.c_str());
      return 0;
    }
    if (task == "rl") {
      const auto rl = run::ParseRlExperiment(root, o.experiment);
      if (o.print_config) return print(rl.ToJson());
      const std::string dir = run::RunRlExperiment(rl, o.out_dir, command_line, o.overwrite,
                                                   Progress::TerminalAttached());
      PrintWhere(dir);
      return 0;
    }
    if (task == "nlp") {
      const auto nlp = run::ParseNlpExperiment(root, o.experiment);
      if (o.print_config) return print(nlp.ToJson());
      const std::string dir = run::RunNlpExperiment(nlp, o.out_dir, command_line, o.overwrite,
                                                    Progress::TerminalAttached());
      PrintWhere(dir);
      return 0;
    }
    if (task == "anomaly" || task == "fraud") {
      std::string dir;
      if (task == "anomaly") {
        const auto x = run::ParseAnomalyExperiment(root, o.experiment);
        if (o.print_config) return print(x.ToJson());
        dir = run::RunAnomalyExperiment(x, o.out_dir, command_line, o.overwrite);
      } else {
        const auto x = run::ParseFraudExperiment(root, o.experiment);
        if (o.print_config) return print(x.ToJson());
        dir = run::RunFraudExperiment(x, o.out_dir, command_line, o.overwrite);
      }
      PrintWhere(dir);
      return 0;
    }
    if (task == "synth") {
      const auto synth = run::ParseSynthExperiment(root, o.experiment);
      if (o.print_config) return print(synth.ToJson());
      const std::string dir = run::RunSynthExperiment(synth, o.out_dir, command_line, o.overwrite,
                                                      Progress::TerminalAttached());
      PrintWhere(dir);
      return 0;
    }
    return RunForecast(run::ParseExperiment(root, o.experiment), o, command_line);
  }
  return RunForecast(run::QuickstartExperiment(), o, command_line);
}

}  // namespace finml::cli
