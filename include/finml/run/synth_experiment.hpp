// `task: synth` experiment files: train several generators on one real series or table, draw from
// each, and judge them side by side (`synth:`, the settings of `finml synth train` plus the models,
// the draws and the evaluation), run by `finml run` into one directory.
#pragma once

#include <string>
#include <vector>

#include "finml/core/config_node.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/workflow.hpp"

namespace finml::run {

struct SynthSection {
  std::vector<synth::SynthModelKind> models;  // empty: settings.model alone
  std::size_t samples = 0;  // paths (default 10) or rows (default: the training rows)
  std::size_t length = 0;   // days per path (0: the real series' length)
  std::uint64_t sample_seed = 1;
  synth::SynthSettings settings;
  synth::EvaluateSettings evaluate;
  static const options::Schema<SynthSection>& Schema();
};

struct SynthExperiment {
  std::string task = "synth";
  std::string name = "synth";
  SynthSection synth;
  std::string source;

  [[nodiscard]] options::Json ToJson() const;
  static const options::Schema<SynthExperiment>& Schema();
};

[[nodiscard]] SynthExperiment ParseSynthExperiment(const ConfigNode& root, const std::string& file);

// models/<model>/, samples/<model>.csv, metrics.json, report.html and run.json into `out_dir`
// (empty: runs/<UTC timestamp>); returns the directory.
std::string RunSynthExperiment(const SynthExperiment& experiment, const std::string& out_dir,
                               const std::string& command_line, bool overwrite, bool progress);

}  // namespace finml::run
