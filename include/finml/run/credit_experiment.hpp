// `task: credit` experiment files: the settings of `finml credit train` in YAML, run by
// `finml run` (examples/german_credit.yaml).
#pragma once

#include <string>

#include "finml/credit/pipeline.hpp"

namespace finml::run {

struct CreditExperiment {
  std::string name = "credit";
  std::string source;
  credit::CreditConfig config;
};

[[nodiscard]] CreditExperiment ParseCreditExperiment(const std::string& yaml_text,
                                                     const std::string& file);
// Returns the output directory (`out_dir` empty: runs/<UTC timestamp>).
std::string RunCreditExperiment(const CreditExperiment& experiment, const std::string& out_dir,
                                const std::string& command_line, bool progress);

}  // namespace finml::run
