// The experiment file: it reads top to bottom like the pipeline (data, features, target, window,
// split, models, report). Every key is validated; ToJson() gives the effective configuration with
// defaults filled in (what `finml run --print-config` shows and run.json records).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "finml/backtest/config.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/transforms.hpp"
#include "finml/train/normalizer.hpp"
#include "finml/train/samples.hpp"
#include "finml/train/split.hpp"

namespace finml::run {

struct DataSection {
  std::string path = "data/aer_djia8012.csv";
  data::LoadOptions load;
  std::vector<std::string> symbols;  // empty: every symbol in the file
  data::Field price = data::Field::kClose;
  std::optional<data::Frequency> resample;
};

struct FeatureSection {
  std::string set = "stationary";
  std::vector<std::string> include;  // extra specs on top of the set
  std::vector<std::string> exclude;  // column names dropped from the set's output
  train::NormalizerKind normalizer = train::NormalizerKind::kZScore;
};

enum class SplitMethod { kChronological, kWalkForward };

struct SplitSection {
  SplitMethod method = SplitMethod::kChronological;
  train::SplitSpec chronological;
  train::WalkForwardSpec walk_forward;
  // Walk-forward: share of each fold's training rows held out (at its end) for validation.
  double fold_validation_fraction = 0.15;
};

struct ModelEntry {
  std::string name;  // unique label in reports; defaults to the type
  std::string type;
  nlohmann::json params = nlohmann::json::object();
};

struct ExperimentConfig {
  std::string name = "quickstart";
  std::string source = "<built-in quickstart>";
  std::uint64_t seed = 42;
  DataSection data;
  FeatureSection features;
  train::TargetSpec target;
  std::size_t lookback = 1;
  SplitSection split;
  std::vector<ModelEntry> models;
  std::size_t ic_min_assets = 3;
  // Each model's test predictions traded as signals; absent: no backtest.
  std::optional<backtest::BacktestConfig> backtest;
  std::string title;

  [[nodiscard]] nlohmann::json ToJson() const;
};

// The quickstart: next-day log return of the DJIA, chronological split, every baseline, and each
// model's predictions traded long/flat against buy-and-hold.
[[nodiscard]] ExperimentConfig QuickstartExperiment();
[[nodiscard]] ExperimentConfig LoadExperiment(const std::string& path);
[[nodiscard]] ExperimentConfig ParseExperiment(const std::string& yaml_text,
                                               const std::string& file_label);

}  // namespace finml::run
