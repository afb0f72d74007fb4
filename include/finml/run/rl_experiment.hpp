// `task: rl` experiment files: `finml rl train` described in YAML and run by `finml run`. The
// `rl:` section holds the same settings as the command's flags (rl/settings.hpp), declared once.
#pragma once

#include <string>

#include "finml/core/config_node.hpp"
#include "finml/rl/settings.hpp"

namespace finml::run {

struct RlExperiment {
  std::string task = "rl";
  std::string name = "rl";
  rl::RlSettings rl;
  std::string source;  // the file; the prices path resolves beside it

  [[nodiscard]] options::Json ToJson() const;
  static const options::Schema<RlExperiment>& Schema();
};

[[nodiscard]] RlExperiment ParseRlExperiment(const ConfigNode& root, const std::string& file);

// Trains and evaluates into `out_dir` (empty: runs/<UTC timestamp>), with run.json beside the
// outputs of `finml rl train`; returns the directory.
std::string RunRlExperiment(const RlExperiment& experiment, const std::string& out_dir,
                            const std::string& command_line, bool overwrite, bool progress);

}  // namespace finml::run
