// The main job: load -> features -> samples -> split -> fit -> predict -> evaluate -> backtest ->
// report. RunPipeline does the modelling in memory, TradePredictions the backtest; RunExperiment
// runs both and writes metrics.json, predictions.csv, run.json, report.html, the saved models and
// the backtests into the output directory.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "finml/backtest/backtest.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/provenance.hpp"
#include "finml/data/market_data.hpp"
#include "finml/eval/metrics.hpp"
#include "finml/models/forecaster.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/experiment.hpp"
#include "finml/train/samples.hpp"

namespace finml::run {

struct SegmentResult {
  std::vector<double> prediction;
  eval::PointMetrics metrics;
  std::optional<eval::IcSummary> ic;  // panels only
};

struct ModelOutcome {
  std::string name, type;
  nlohmann::json description;  // fitted parameters (last fold for walk-forward)
  SegmentResult validation, test;
  double fit_seconds = 0;
  // The saved (last-fold) model's validation and test predictions: the reference a server
  // judges prediction drift against.
  std::vector<double> reference_predictions;
};

// One model's test predictions traded under the experiment's `backtest:` settings.
struct ModelBacktest {
  std::string model;
  backtest::BacktestResult result;
};

struct SegmentInfo {
  std::size_t samples = 0;
  std::string first_date, last_date;  // decision dates
};

struct RunRecord {
  ExperimentConfig config;
  std::string data_path;  // as resolved
  std::string data_sha256;
  Provenance provenance;  // the data, the seed and (once written) the command
  data::MarketData market;
  std::vector<std::string> feature_names;
  // Outcomes of the evaluated samples, unnormalised; predictions align with these.
  train::SampleSet validation, test;
  SegmentInfo train_info, validation_info, test_info;  // over all folds
  struct FoldInfo {
    SegmentInfo train, validation, test;
  };
  std::vector<FoldInfo> fold_info;  // one per fold (walk-forward), in order
  std::size_t total_samples = 0, warmup_skipped = 0, purged = 0, folds = 1;
  nlohmann::json normalizers = nlohmann::json::array();  // one per fold
  // Per feature, its distribution in the saved models' training samples (eval::NumericReference).
  nlohmann::json feature_reference = nlohmann::json::object();
  std::vector<ModelOutcome> models;
  // The models fitted on the last (for walk-forward: latest) training part, as saved with the run.
  std::vector<std::shared_ptr<models::Forecaster>> fitted;
  std::size_t ar_lags = 0;
  std::vector<std::size_t> model_lookback;  // window length each model sees
  std::vector<std::pair<std::string, std::size_t>> pretrain_samples;  // model -> samples
  // With a `backtest:` section: the prices traded and every model's backtest (the random walk,
  // which predicts no change, has no signal to trade and is left out).
  std::shared_ptr<backtest::PricePanel> backtest_prices;
  std::vector<ModelBacktest> backtests;
};

struct RunOptions {
  std::string out_dir;     // empty: runs/<UTC timestamp>
  bool overwrite = false;  // replace an existing run directory of finml's, whole
  bool progress = false;
  std::string command_line;
};

// runs/<UTC timestamp>, with a -2, -3... suffix if that exists already.
[[nodiscard]] std::string DefaultRunDirectory();

// The end of the task runners (nlp, rl, synth): run.json (provenance, the experiment file, its
// resolved settings, the summary lines) into `out`'s staging directory, the directory committed
// and the summary printed; returns where the run now is.
std::string CommitRun(OutputDirectory& out, const Provenance& provenance, const std::string& source,
                      const nlohmann::json& config, const std::vector<std::string>& lines);

// Finds a data file: as given, then beside the experiment file, then in the source tree.
[[nodiscard]] std::string ResolveDataPath(const std::string& path,
                                          const std::string& experiment_file);

// The pipeline's first steps, shared with `finml predict` so a saved model sees identical inputs.
[[nodiscard]] data::MarketData LoadExperimentData(const ExperimentConfig& config,
                                                  const std::string& path);
[[nodiscard]] std::vector<train::AssetInputs> BuildAssetInputs(const ExperimentConfig& config,
                                                               const data::MarketData& market);

[[nodiscard]] RunRecord RunPipeline(const ExperimentConfig& config, bool progress = false);
// Returns the output directory.
std::string RunExperiment(const ExperimentConfig& config, const RunOptions& options);

// Trades each model's test predictions (score = predicted change over the no-change forecast,
// known at the decision's close) and stores the results in the record.
void TradePredictions(RunRecord& record);
// With a `portfolio:` section: each model's test predictions optimised into weights on every
// rebalance date and traded, beside the same objective on historical estimates and equal weight;
// written under portfolio/ in the run directory. Returns lines for the terminal.
std::vector<std::string> OptimisePredictions(const RunRecord& record, const std::string& run_dir);

// Output writers, exposed for tests.
[[nodiscard]] nlohmann::json MetricsJson(const RunRecord& record);
[[nodiscard]] std::string PredictionsCsv(const RunRecord& record);
// Panels only: IC and rank IC of every model on every date (date, model, split, ic, rank_ic).
[[nodiscard]] std::string IcCsv(const RunRecord& record);
[[nodiscard]] nlohmann::json RunJson(const RunRecord& record, const std::string& command_line);
[[nodiscard]] report::HtmlPage ReportPage(const RunRecord& record);
// Writes models/<name>/model.json (pipeline, fitted state, metrics) and any weight files.
void SaveModels(const RunRecord& record, const std::string& run_dir);
// backtest/<model>/{metrics.json,equity.csv,trades.csv,tearsheet.html} for each backtest.
void SaveBacktests(const RunRecord& record, const std::string& run_dir);

}  // namespace finml::run
