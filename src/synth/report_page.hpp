// The report of `finml synth evaluate` and the `synth:` experiment: which generator reproduces the
// stylised facts of the real series, metric by metric, with the curves (ACF of returns and of
// |returns|, leverage), QQ plots against the real returns, densities and sample paths.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
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
  std::optional<WindowScores> scores;
};

struct Evaluation {
  SeriesFacts real;
  std::vector<Evaluated> generators;
  std::optional<double> predictive_real;  // the predictive score of a model trained on real windows
};

void WriteEvaluationReport(const RealSeries& real, const Evaluation& evaluation,
                           const EvaluateSettings& settings, const Provenance& provenance,
                           const std::string& dir);

void WriteTableReport(const credit::Table& real, std::size_t train_rows, std::size_t holdout_rows,
                      const TableSplit& split,
                      const std::vector<std::pair<std::string, TableFidelity>>& results,
                      const Provenance& provenance, const std::string& dir);

}  // namespace finml::synth
