// `task: credit` experiment files: the settings of `finml credit train` (declared once in
// credit::CreditConfig) in YAML, run by `finml run` (examples/german_credit.yaml).
#pragma once

#include <string>

#include "finml/core/config_node.hpp"
#include "finml/credit/pipeline.hpp"

namespace finml::run {

struct CreditExperiment {
  std::string task = "credit";
  std::string name = "credit";
  credit::CreditConfig config;  // its keys sit at the top level of the file
  std::string source;           // the file; the data path resolves beside it

  [[nodiscard]] options::Json ToJson() const;
  static const options::Schema<CreditExperiment>& Schema();
};

[[nodiscard]] CreditExperiment ParseCreditExperiment(const ConfigNode& root,
                                                     const std::string& file);
[[nodiscard]] CreditExperiment ParseCreditExperiment(const std::string& yaml_text,
                                                     const std::string& file);
// `finml credit train` and a credit experiment alike: load the table, cross-validate, fit, and
// write the outputs and model into `dir` (created whole or not at all; see OutputDirectory).
// Returns the run and the files written.
struct CreditTraining {
  credit::CreditRun run;
  std::size_t rows = 0;
  std::vector<std::string> files;
};
[[nodiscard]] CreditTraining TrainCredit(const credit::CreditConfig& config, const std::string& dir,
                                         const std::string& command_line, bool progress,
                                         bool overwrite = false);

// Returns the output directory (`out_dir` empty: runs/<UTC timestamp>).
std::string RunCreditExperiment(const CreditExperiment& experiment, const std::string& out_dir,
                                const std::string& command_line, bool progress,
                                bool overwrite = false);

}  // namespace finml::run
