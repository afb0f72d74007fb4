// `task: nlp` experiment files: optional masked-language-model pretraining (`pretrain:`), a text
// classifier (`nlp:`, the settings of `finml nlp train`) and optionally a news sentiment factor
// from it (`factor:`), run by `finml run` into one directory.
#pragma once

#include <optional>
#include <string>

#include "finml/core/config_node.hpp"
#include "finml/nlp/factor.hpp"
#include "finml/nlp/settings.hpp"

namespace finml::run {

struct NlpFactorSection {
  std::string news;  // CSV: timestamp, symbol, text
  nlp::FactorSettings factor;
  static const options::Schema<NlpFactorSection>& Schema();
};

struct NlpExperiment {
  std::string task = "nlp";
  std::string name = "nlp";
  std::optional<nlp::PretrainSettings> pretrain;  // the transformer then starts from it
  nlp::NlpSettings nlp;
  std::optional<NlpFactorSection> factor;
  std::string source;

  [[nodiscard]] options::Json ToJson() const;
  static const options::Schema<NlpExperiment>& Schema();
};

[[nodiscard]] NlpExperiment ParseNlpExperiment(const ConfigNode& root, const std::string& file);

// pretrained/ (with `pretrain:`), the classifier's outputs, signals.csv (with `factor:`) and
// run.json into `out_dir` (empty: runs/<UTC timestamp>); returns the directory.
std::string RunNlpExperiment(const NlpExperiment& experiment, const std::string& out_dir,
                             const std::string& command_line, bool overwrite, bool progress);

}  // namespace finml::run
