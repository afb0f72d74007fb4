// `task: risk` experiment files: the market-risk jobs (GARCH fit, VaR backtests, portfolio VaR,
// stress tests) described in YAML and run by `finml run`, each into its own subdirectory. The
// sections are the jobs' own settings (risk/jobs.hpp), declared once for files and flags alike.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "finml/core/config_node.hpp"
#include "finml/core/provenance.hpp"
#include "finml/risk/jobs.hpp"

namespace finml::run {

// The `task` key of an experiment: "forecast" (also when absent), "risk", "credit" or "rl".
[[nodiscard]] std::string ExperimentTask(const ConfigNode& root);

struct RiskExperiment {
  std::string task = "risk";
  std::string name = "risk";
  std::optional<risk::SeriesSource> data;  // the series garch and var read
  std::optional<risk::GarchSettings> garch;
  std::optional<risk::VarSettings> var;
  std::optional<risk::PortfolioSettings> portfolio;
  std::optional<risk::StressSettings> stress;
  std::string source;  // the file; data paths resolve beside it

  [[nodiscard]] options::Json ToJson() const;
  static const options::Schema<RiskExperiment>& Schema();
};

[[nodiscard]] RiskExperiment ParseRiskExperiment(const ConfigNode& root, const std::string& file);
[[nodiscard]] RiskExperiment ParseRiskExperiment(const std::string& yaml_text,
                                                 const std::string& file);
// Each job computed and written into `dir` (what `finml risk <job>` and each section of a risk
// experiment do); returns the summary lines for the terminal.
std::vector<std::string> RunGarchJob(const risk::SeriesSource& source,
                                     const risk::GarchSettings& settings, const std::string& dir,
                                     const Provenance& provenance);
std::vector<std::string> RunVarJob(const risk::SeriesSource& source,
                                   const risk::VarSettings& settings, const std::string& dir,
                                   const Provenance& provenance);
std::vector<std::string> RunPortfolioJob(const risk::PortfolioSettings& settings,
                                         const std::string& dir, const Provenance& provenance);
std::vector<std::string> RunStressJob(const risk::StressSettings& settings, const std::string& dir,
                                      const Provenance& provenance);

// Returns the output directory; `out_dir` empty: runs/<UTC timestamp>.
std::string RunRiskExperiment(const RiskExperiment& experiment, const std::string& out_dir,
                              const std::string& command_line, bool overwrite = false);

}  // namespace finml::run
