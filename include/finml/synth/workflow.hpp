// The synthetic-data jobs behind `finml synth train|sample|evaluate` and the experiment's `synth:`
// section: fit a generator to a real series and save it, draw paths from a saved one, and judge
// paths against the real series (metrics.json and a report comparing every generator given).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "finml/core/options.hpp"
#include "finml/core/provenance.hpp"
#include "finml/synth/generator.hpp"
#include "finml/synth/stylized_facts.hpp"
#include "finml/synth/table.hpp"
#include "finml/synth/table_metrics.hpp"
#include "finml/synth/window_scores.hpp"

namespace finml::synth {

// The real series a generator learns from or is judged against: log returns.
struct RealSeries {
  std::string source, column;
  std::vector<double> returns;
};
[[nodiscard]] RealSeries LoadRealSeries(const std::string& path, const std::string& column,
                                        risk::SeriesKind kind, const data::LoadOptions& load = {});

// Fits `settings.model` and saves it into `dir`; returns lines for the terminal.
std::vector<std::string> RunSynthTrain(const SynthSettings& settings, const std::string& dir,
                                       bool progress);

struct SampleSettings {
  std::string model;
  std::size_t n = 0;       // paths, or rows; 0: 10 paths, or as many rows as the training table
  std::size_t length = 0;  // 0: as long as the training series
  std::uint64_t seed = 42;
  int threads = 1;
  static const options::Schema<SampleSettings>& Schema();
};
// Writes `path,t,<column>...` rows (or a table's rows) to `out`; returns the number of paths
// (rows).
std::size_t RunSynthSample(const SampleSettings& settings, const std::string& out);

struct NamedPaths {
  std::string name;
  Paths paths;
  nlohmann::json history = nlohmann::json::array();  // the generator's training, if known
};

struct EvaluateSettings {
  FactSettings facts;
  ScoreSettings scores;
  std::size_t plotted_paths = 4;  // sample paths drawn per generator
  int threads = 1;                // torch threads of the scores' small networks
  static const options::Schema<EvaluateSettings>& Schema();
};
// Judges each synthetic set against `real`: metrics.json and report.html in `dir`.
std::vector<std::string> RunSynthEvaluate(const RealSeries& real,
                                          const std::vector<NamedPaths>& synthetic,
                                          const EvaluateSettings& settings, const std::string& dir,
                                          const Provenance& provenance);

struct NamedPanel {
  std::string name;
  Panel panel;
  nlohmann::json history = nlohmann::json::array();
};
// Judges multivariate paths against the real panel: TimeGAN's two scores on min-max-scaled
// windows of `settings.scores.window` steps, per-column distances of the values and of their
// one-step changes, the cross-column correlation difference, and a PCA picture of the windows.
std::vector<std::string> RunPanelEvaluate(const Panel& real,
                                          const std::vector<NamedPanel>& synthetic,
                                          const EvaluateSettings& settings, const std::string& dir,
                                          const Provenance& provenance);

// The real table a table generator learns from and is judged against.
[[nodiscard]] credit::Table LoadRealTable(const std::string& path,
                                          const std::vector<std::string>& categorical,
                                          const std::vector<std::string>& columns);

struct NamedTable {
  std::string name;
  credit::Table table;
};
// Judges each synthetic table against the real one, split as `split` says (the split its
// generators were trained with): metrics.json and report.html in `dir`.
std::vector<std::string> RunTableEvaluate(const credit::Table& real, const TableSplit& split,
                                          const std::vector<NamedTable>& synthetic,
                                          const std::string& dir, const Provenance& provenance);

}  // namespace finml::synth
