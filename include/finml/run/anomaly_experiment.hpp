// `task: anomaly` and `task: fraud` experiment files: the settings of `finml anomaly fit` (under
// `anomaly:`) or of `finml fraud train` (under `fraud:`), run by `finml run` into one directory
// with the model, metrics.json, report.html and run.json.
#pragma once

#include <string>

#include "finml/anomaly/fraud.hpp"
#include "finml/anomaly/model.hpp"
#include "finml/core/config_node.hpp"

namespace finml::run {

struct AnomalyExperiment {
  std::string task = "anomaly";
  std::string name = "anomaly";
  anomaly::FitSettings anomaly;
  std::string source;
  [[nodiscard]] options::Json ToJson() const;
  static const options::Schema<AnomalyExperiment>& Schema();
};

struct FraudExperiment {
  std::string task = "fraud";
  std::string name = "fraud";
  anomaly::FraudSettings fraud;
  std::string source;
  [[nodiscard]] options::Json ToJson() const;
  static const options::Schema<FraudExperiment>& Schema();
};

[[nodiscard]] AnomalyExperiment ParseAnomalyExperiment(const ConfigNode& root,
                                                       const std::string& file);
[[nodiscard]] FraudExperiment ParseFraudExperiment(const ConfigNode& root, const std::string& file);

// Into `out_dir` (empty: runs/<UTC timestamp>); returns the directory.
std::string RunAnomalyExperiment(const AnomalyExperiment& experiment, const std::string& out_dir,
                                 const std::string& command_line, bool overwrite);
std::string RunFraudExperiment(const FraudExperiment& experiment, const std::string& out_dir,
                               const std::string& command_line, bool overwrite);

}  // namespace finml::run
