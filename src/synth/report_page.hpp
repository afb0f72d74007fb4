// The report of `finml synth evaluate` and the `synth:` experiment: which generator reproduces the
// stylised facts of the real series, metric by metric, with the curves (ACF of returns and of
// |returns|, leverage), QQ plots against the real returns, densities and sample paths.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/provenance.hpp"
#include "finml/synth/table_metrics.hpp"
#include "finml/synth/workflow.hpp"

namespace finml::synth {

struct Evaluated {
  std::string name;
  const Paths* paths = nullptr;
  nlohmann::json history;
  SeriesFacts facts;
  FactDistances distances;
};

struct Evaluation {
  SeriesFacts real;
  std::vector<Evaluated> generators;
};

void WriteEvaluationReport(const RealSeries& real, const Evaluation& evaluation,
                           const EvaluateSettings& settings, const Provenance& provenance,
                           const std::string& dir);

void WriteTableReport(const credit::Table& real, std::size_t train_rows, std::size_t holdout_rows,
                      const TableSplit& split,
                      const std::vector<std::pair<std::string, TableFidelity>>& results,
                      const Provenance& provenance, const std::string& dir);

}  // namespace finml::synth
