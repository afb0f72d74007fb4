// `task: risk` experiment files: the market-risk jobs (GARCH fit, VaR backtests, portfolio VaR,
// stress tests) described in YAML and run by `finml run`, each into its own subdirectory.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "finml/risk/jobs.hpp"

namespace finml::run {

// The `task` key of an experiment file: "forecast" (also when absent), "risk" or "credit".
[[nodiscard]] std::string ExperimentTask(const std::string& yaml_text, const std::string& file);

struct RiskExperiment {
  std::string name = "risk";
  std::string source;
  std::optional<risk::GarchJob> garch;
  std::optional<risk::VarJob> var;
  std::optional<risk::PortfolioJob> portfolio;
  std::optional<risk::StressJob> stress;
  [[nodiscard]] nlohmann::json ToJson() const;
};

[[nodiscard]] RiskExperiment ParseRiskExperiment(const std::string& yaml_text,
                                                 const std::string& file);
// Returns the output directory; `out_dir` empty: runs/<UTC timestamp>.
std::string RunRiskExperiment(const RiskExperiment& experiment, const std::string& out_dir,
                              const std::string& command_line);

}  // namespace finml::run
