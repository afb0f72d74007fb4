// The experiment file: it reads top to bottom like the pipeline (data, features, target, window,
// split, models, evaluation, backtest, report). Every section is a struct whose settings are
// declared once (its Schema): the file, `finml run --set` and --print-config all go through that
// declaration, and ToJson() gives the effective configuration with every default filled in (what
// --print-config shows and run.json records; it parses back to the same experiment).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "finml/backtest/config.hpp"
#include "finml/core/config_node.hpp"
#include "finml/core/options.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/transforms.hpp"
#include "finml/portfolio/settings.hpp"
#include "finml/run/search.hpp"
#include "finml/train/normalizer.hpp"
#include "finml/train/samples.hpp"
#include "finml/train/split.hpp"

namespace finml::run {

struct DataSection {
  std::string path = "data/aer_djia8012.csv";
  // shape, symbol, symbols, rename, drop, missing, order, duplicates, date_column, timezone,
  // resample, decimal_year
  data::LoadOptions load;
  data::Field price = data::Field::kClose;
  static const options::Schema<DataSection>& Schema();
};

struct FeatureSection {
  std::string set = "stationary";
  std::vector<std::string> include;  // extra specs on top of the set
  std::vector<std::string> exclude;  // column names dropped from the set's output
  train::NormalizerKind normalizer = train::NormalizerKind::kZScore;
  static const options::Schema<FeatureSection>& Schema();
};

struct WindowSection {
  std::size_t lookback = 1;  // feature rows per sample
  static const options::Schema<WindowSection>& Schema();
};

enum class SplitMethod { kChronological, kWalkForward };

struct SplitSection {
  SplitMethod method = SplitMethod::kChronological;
  // chronological: by fraction of the calendar span, or by date (ISO) when both dates are given
  double train = 0.7;
  double validation = 0.15;
  std::optional<std::string> validation_start, test_start;
  std::size_t embargo = 0;
  // walk_forward
  std::size_t folds = 5;
  std::size_t min_train = 250;
  bool expanding = true;
  // Share of each fold's training rows held out (at its end) for validation.
  double fold_validation = 0.15;

  [[nodiscard]] train::SplitSpec Chronological() const;
  [[nodiscard]] train::WalkForwardSpec WalkForward() const;
  static const options::Schema<SplitSection>& Schema();
};

struct ModelEntry {
  std::string type;
  std::string name;  // unique label in reports and the directory of the saved model
  // Every parameter of the type with its default filled in (models::ResolveParams).
  nlohmann::json params = nlohmann::json::object();
  static const options::Schema<ModelEntry>& Schema();
};

struct EvaluationSection {
  std::size_t ic_min_assets = 3;  // assets a date needs for its IC
  static const options::Schema<EvaluationSection>& Schema();
};

struct ReportSection {
  std::string title;  // default: the experiment's name
  static const options::Schema<ReportSection>& Schema();
};

struct ExperimentConfig {
  std::string task = "forecast";
  std::string name = "quickstart";
  std::uint64_t seed = 42;
  // Under finml launch: "tasks" splits the (fold, model) fits across ranks, "data" trains each
  // torch model data-parallel on every rank, "auto" takes tasks when the folds before the last
  // (whose models rank 0 fits and saves) give every other rank a fit. Without launch it changes
  // nothing.
  std::string parallel = "auto";
  DataSection data;
  FeatureSection features;
  train::TargetSpec target;
  WindowSection window;
  SplitSection split;
  std::vector<ModelEntry> models;
  EvaluationSection evaluation;
  // Each model's test predictions traded as signals; absent: no backtest.
  std::optional<backtest::BacktestConfig> backtest;
  // Each model's test predictions as the expected returns of a portfolio re-optimised on every
  // rebalance date (Qlib's forecast -> portfolio -> backtest chain); absent: none.
  std::optional<portfolio::PortfolioSettings> portfolio;
  // Tune one model's parameters on the validation segments first; absent: none.
  std::optional<SearchSection> search;
  ReportSection report;
  // Where it came from (a file, or the built-in quickstart): data paths resolve beside it.
  std::string source = "<built-in quickstart>";

  [[nodiscard]] options::Json ToJson() const;
  static const options::Schema<ExperimentConfig>& Schema();
};

// The quickstart: next-day log return of the DJIA, chronological split, every baseline, and each
// model's predictions traded long/flat against buy-and-hold.
[[nodiscard]] ExperimentConfig QuickstartExperiment();
[[nodiscard]] ExperimentConfig LoadExperiment(const std::string& path);
[[nodiscard]] ExperimentConfig ParseExperiment(const std::string& yaml_text,
                                               const std::string& file_label);
// From a tree already read (a file with --set overrides applied, or a saved manifest).
[[nodiscard]] ExperimentConfig ParseExperiment(const ConfigNode& root, const std::string& source);

}  // namespace finml::run

template <>
struct finml::EnumNames<finml::run::SplitMethod> {
  static constexpr std::string_view what = "split method";
  static constexpr finml::NamedValue<finml::run::SplitMethod> values[] = {
      {finml::run::SplitMethod::kChronological, "chronological"},
      {finml::run::SplitMethod::kWalkForward, "walk_forward"}};
};
