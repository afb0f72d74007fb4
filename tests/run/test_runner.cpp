#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "finml/core/files.hpp"
#include "finml/data/loader.hpp"
#include "finml/run/runner.hpp"
#include "test_util.hpp"

namespace finml::run {
namespace {

// The quickstart with deep models cut to two epochs: same pipeline, test-sized training.
ExperimentConfig FastQuickstart() {
  ExperimentConfig c = QuickstartExperiment();
  for (auto& m : c.models)
    if (m.type == "lstm" || m.type == "transformer") m.params["epochs"] = 2;
  return c;
}

// The pipeline and its backtest step, as RunExperiment runs them.
RunRecord RunAndTrade(const ExperimentConfig& config) {
  RunRecord record = RunPipeline(config);
  TradePredictions(record);
  return record;
}

const RunRecord& Quickstart() {
  static const RunRecord record = RunAndTrade(FastQuickstart());
  return record;
}

const ModelOutcome& Model(const RunRecord& r, const std::string& name) {
  for (const auto& m : r.models)
    if (m.name == name) return m;
  throw std::runtime_error("no model " + name);
}

}  // namespace

TEST(Runner, QuickstartEvaluatesEveryBaselineOnTheSameSamples) {
  const RunRecord& r = Quickstart();
  ASSERT_EQ(r.models.size(), 6u);
  EXPECT_GT(r.test.size(), 1000u);
  for (const auto& m : r.models) {
    EXPECT_EQ(m.test.prediction.size(), r.test.size());
    EXPECT_EQ(m.test.metrics.n, r.test.size());
    EXPECT_TRUE(std::isfinite(m.test.metrics.rmse));
  }
  EXPECT_DOUBLE_EQ(Model(r, "random_walk").test.metrics.theil_u, 1.0);
  // Segments are in time order and do not overlap.
  EXPECT_LT(r.train_info.last_date, r.validation_info.first_date);
  EXPECT_LT(r.validation_info.last_date, r.test_info.first_date);
}

TEST(Runner, MetricsJsonHasTheDocumentedShape) {
  nlohmann::json m = MetricsJson(Quickstart());
  for (const char* model :
       {"random_walk", "historical_mean", "ar", "ridge", "lstm", "transformer"}) {
    ASSERT_TRUE(m["models"].contains(model)) << model;
    for (const char* key :
         {"rmse", "mae", "mape", "r2", "directional_accuracy", "theil_u", "dm_stat", "dm_pvalue"}) {
      EXPECT_TRUE(m["models"][model]["test"].contains(key)) << model << " " << key;
      EXPECT_TRUE(m["models"][model]["val"].contains(key)) << model << " " << key;
    }
  }
  EXPECT_TRUE(m["models"]["ar"]["test"]["dm_pvalue"].is_number());
  EXPECT_TRUE(m["models"]["random_walk"]["test"]["dm_stat"].is_null());
}

TEST(Runner, SameConfigSameNumbers) {
  RunRecord again = RunAndTrade(FastQuickstart());
  EXPECT_EQ(MetricsJson(again).dump(), MetricsJson(Quickstart()).dump());
  EXPECT_EQ(PredictionsCsv(again), PredictionsCsv(Quickstart()));
}

// `finml run --print-config > c.yaml && finml run c.yaml` runs the same experiment: the printed
// configuration (every default filled in, no built-in source) parses back and gives the same
// numbers.
TEST(Runner, ThePrintedConfigurationRunsWithTheSameResults) {
  const std::string printed = FastQuickstart().ToJson().dump(2);
  const ExperimentConfig again = ParseExperiment(printed, "c.yaml");
  const RunRecord r = RunAndTrade(again);
  EXPECT_EQ(MetricsJson(r).dump(), MetricsJson(Quickstart()).dump());
  EXPECT_EQ(PredictionsCsv(r), PredictionsCsv(Quickstart()));
}

TEST(Runner, WritesAllOutputsAndNoTemporaries) {
  std::string dir = testing::TempDir("run_outputs");
  RunOptions options;
  options.out_dir = dir;
  options.command_line = "finml run (test)";
  ExperimentConfig config = FastQuickstart();
  std::string written = RunExperiment(config, options);
  EXPECT_EQ(written, dir);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  // The marker lets a later --overwrite replace this directory (and only such a directory).
  EXPECT_EQ(names, (std::vector<std::string>{".finml-output", "backtest", "metrics.json", "models",
                                             report::ChartLibraryName(), "predictions.csv",
                                             "report.html", "run.json"}));
  std::vector<std::string> siblings;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(dir).parent_path()))
    if (e.path().filename().string().find(".partial-") != std::string::npos)
      siblings.push_back(e.path().string());
  EXPECT_TRUE(siblings.empty()) << siblings.front();
  for (const char* file : {"metrics.json", "equity.csv", "trades.csv", "tearsheet.html"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/backtest/ridge/" + file)) << file;
  // One copy of the chart library for the run: the tearsheets load it from the run's directory.
  EXPECT_FALSE(std::filesystem::exists(dir + "/backtest/ridge/" + report::ChartLibraryName()));
  const std::string tearsheet = ReadFile(dir + "/backtest/ridge/tearsheet.html");
  EXPECT_NE(tearsheet.find("src=\"../../" + report::ChartLibraryName() + "\""), std::string::npos);
  const std::string side_by_side = ReadFile(dir + "/backtest/tearsheet.html");
  EXPECT_NE(side_by_side.find("Worst drawdowns: ridge"), std::string::npos);
  EXPECT_NE(side_by_side.find("Worst drawdowns: ar"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir + "/models/ar/model.json"));
  nlohmann::json run = nlohmann::json::parse(ReadFile(dir + "/run.json"));
  // The one provenance block: finml's version and commit, the command, inputs and seed.
  EXPECT_EQ(run["provenance"]["seed"], 42);
  EXPECT_EQ(run["provenance"]["inputs"][0]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(run["provenance"]["inputs"][0]["sha256"], run["inputs"][0]["sha256"]);
  EXPECT_EQ(run["provenance"]["command"], "finml run (test)");
  EXPECT_TRUE(run["provenance"]["finml"].contains("commit"));
  EXPECT_TRUE(run["provenance"]["finml"].contains("version"));
  const auto manifest = nlohmann::json::parse(ReadFile(dir + "/models/ar/model.json"));
  EXPECT_EQ(manifest["provenance"], run["provenance"]);
  EXPECT_EQ(run["config"]["target"]["kind"], "log_return");
  std::string csv = ReadFile(dir + "/predictions.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "date,model,y_true,y_pred,split,decision_date,score");
  std::string html = ReadFile(dir + "/report.html");
  EXPECT_NE(html.find("<div class=\"chart\""), std::string::npos);
  EXPECT_NE(html.find("learning curve"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);  // offline
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("random walk"), std::string::npos);
  EXPECT_NE(html.find("Trading the test predictions"), std::string::npos);
}

// The quickstart trades every model's predictions. The historical mean forecasts the same
// positive return every day, so its strategy buys once and holds: its equity must be the
// buy-and-hold benchmark less exactly one commission.
TEST(Runner, QuickstartBacktestsEachModelAgainstBuyAndHold) {
  const RunRecord& r = Quickstart();
  ASSERT_EQ(r.backtests.size(), 5u);  // every model but the random walk
  const auto& hm = std::find_if(r.backtests.begin(), r.backtests.end(), [](const ModelBacktest& b) {
                     return b.model == "historical_mean";
                   })->result;
  ASSERT_EQ(hm.engine.trades.size(), 1u);
  const double fee = hm.engine.trades[0].fee;
  EXPECT_NEAR(fee, 1e6 * 5e-4, 1e-6);
  for (std::size_t k = 1; k < hm.engine.equity.size(); ++k)
    ASSERT_NEAR(hm.engine.equity[k], hm.benchmark[k] - fee, 1e-6) << k;
  // Decisions start on the first test date: no training-period prediction is traded.
  EXPECT_EQ(r.backtest_prices->time_label[hm.engine.first_row], r.test_info.first_date);
  nlohmann::json m = MetricsJson(r);
  EXPECT_TRUE(m["models"]["ar"]["backtest"]["sharpe"].is_number());
  EXPECT_FALSE(m["models"]["random_walk"].contains("backtest"));
  EXPECT_EQ(m["backtest"]["benchmark"], "DJIA buy-and-hold");
}

// Rewrites a close-only CSV with every price after row `last_kept` permuted among themselves.
std::string ShuffleFuture(const std::string& source, std::size_t last_kept,
                          const std::string& out) {
  data::MarketData md = data::LoadMarketData(source);
  auto close = md.assets[0].close;
  std::mt19937 rng(123);
  std::shuffle(close.begin() + static_cast<std::ptrdiff_t>(last_kept) + 1, close.end(), rng);
  std::string csv = "Date,DJIA\n";
  for (std::size_t i = 0; i < close.size(); ++i)
    csv += fmt::format("{},{}\n", md.time_label[i], close[i]);
  WriteFileAtomic(out, csv);
  return out;
}

// The no-look-ahead guarantee: shuffling every price after a point changes no fitted statistic
// and no prediction decided at or before that point.
TEST(Runner, ShufflingTheFutureChangesNothingFittedOrPredictedBefore) {
  ExperimentConfig config = FastQuickstart();
  config.data.path = testing::RepoPath("data/aer_djia8012.csv");
  config.split.validation_start = "2000-01-03";
  config.split.test_start = "2006-01-03";
  RunRecord base = RunPipeline(config);
  const auto& cal = base.market.time;
  std::size_t val_row = std::lower_bound(cal.begin(), cal.end(),
                                         *data::ParseTimestamp(*config.split.validation_start)) -
                        cal.begin();
  std::size_t test_row =
      std::lower_bound(cal.begin(), cal.end(), *data::ParseTimestamp(*config.split.test_start)) -
      cal.begin();
  std::string dir = testing::TempDir("lookahead");

  // (a) Shuffle after the first validation decision: everything fitted on training data is
  // unchanged. Ridge gets one alpha and the deep models sit this one out: choosing alpha and
  // early stopping legitimately use validation data. Case (b) covers them.
  {
    ExperimentConfig c = config;
    std::erase_if(c.models,
                  [](const ModelEntry& m) { return m.type == "lstm" || m.type == "transformer"; });
    for (auto& m : c.models)
      if (m.type == "ridge") m.params = {{"alpha", 0.1}};
    RunRecord a = RunPipeline(c);
    c.data.path = ShuffleFuture(config.data.path, val_row, dir + "/after_val.csv");
    RunRecord b = RunPipeline(c);
    EXPECT_EQ(a.normalizers.dump(), b.normalizers.dump());
    for (std::size_t m = 0; m < a.models.size(); ++m) {
      EXPECT_EQ(a.models[m].description.dump(), b.models[m].description.dump()) << a.models[m].name;
      // The first validation sample is decided on the last unshuffled day.
      ASSERT_EQ(a.validation.decision_row[0], val_row);
      EXPECT_EQ(a.models[m].validation.prediction[0], b.models[m].validation.prediction[0]);
    }
    // And the shuffle did change later outcomes, so the test can fail.
    EXPECT_NE(a.test.y, b.test.y);
  }
  // (b) Shuffle after the first test decision: all fits (including validation-tuned ridge) and
  // every validation prediction are unchanged.
  {
    ExperimentConfig c = config;
    c.data.path = ShuffleFuture(config.data.path, test_row, dir + "/after_test.csv");
    RunRecord b = RunPipeline(c);
    EXPECT_EQ(base.normalizers.dump(), b.normalizers.dump());
    for (std::size_t m = 0; m < base.models.size(); ++m) {
      EXPECT_EQ(base.models[m].description.dump(), b.models[m].description.dump());
      EXPECT_EQ(base.models[m].validation.prediction, b.models[m].validation.prediction);
      EXPECT_EQ(base.models[m].test.prediction[0], b.models[m].test.prediction[0]);
    }
  }
}

TEST(Runner, PanelRunReportsIcAndWalkForwardRuns) {
  ExperimentConfig c = ParseExperiment(R"(
name: dow_panel
data:
  path: data/dowjones30.csv
  symbols: [AA, AXP, BA, CAT, KO, MSFT, IBM, GE]
features:
  set: stationary
split:
  method: walk_forward
  folds: 3
  min_train: 1000
models:
  - type: ar
    params: {p: 1}
  - ridge
)",
                                       testing::RepoPath("examples/x.yaml"));
  RunRecord r = RunPipeline(c);
  EXPECT_EQ(r.folds, 3u);
  EXPECT_EQ(r.normalizers.size(), 3u);
  const auto& ridge = Model(r, "ridge");
  ASSERT_TRUE(ridge.test.ic.has_value());
  EXPECT_GT(ridge.test.ic->dates, 500u);
  EXPECT_TRUE(std::isfinite(ridge.test.ic->rank_ic_mean));
  EXPECT_FALSE(Model(r, "random_walk").test.ic->dates > 0 &&
               std::isfinite(Model(r, "random_walk").test.ic->ic_mean));  // constant predictions
  std::string csv = PredictionsCsv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "date,model,y_true,y_pred,split,decision_date,symbol,score");
  nlohmann::json m = MetricsJson(r);
  EXPECT_TRUE(m["models"]["ridge"]["test"].contains("rank_ic_mean"));
  EXPECT_EQ(m["split"]["method"], "walk_forward");
  std::string ic = IcCsv(r);
  EXPECT_EQ(ic.substr(0, ic.find('\n')), "date,model,split,ic,rank_ic");
  EXPECT_NE(ic.find(",ridge,test,"), std::string::npos);
}

TEST(Runner, OverlappingWalkForwardValidationIsReportedOnce) {
  ExperimentConfig c = ParseExperiment(R"(
data: {path: data/aer_djia8012.csv}
split: {method: walk_forward, folds: 10, min_train: 2000, fold_validation: 0.3}
models: [ar, ridge]
)",
                                       testing::RepoPath("examples/x.yaml"));
  RunRecord r = RunPipeline(c);
  for (std::size_t i = 1; i < r.validation.size(); ++i)
    ASSERT_LT(r.validation.decision_row[i - 1], r.validation.decision_row[i]);
  EXPECT_EQ(r.models[1].validation.prediction.size(), r.validation.size());
}

TEST(Runner, EmptyValidationHasNoMetricsRatherThanZeros) {
  ExperimentConfig c = ParseExperiment(R"(
data: {path: data/aer_djia8012.csv}
split: {train: 0.8, validation: 0}
models:
  - type: ridge
    params: {alpha: 1.0}
)",
                                       testing::RepoPath("examples/x.yaml"));
  nlohmann::json m = MetricsJson(RunPipeline(c));
  EXPECT_TRUE(m["models"]["ridge"]["val"]["rmse"].is_null());
  EXPECT_TRUE(m["models"]["ridge"]["test"]["rmse"].is_number());
}

TEST(Runner, DuplicateFeatureIsAnError) {
  ExperimentConfig c = QuickstartExperiment();
  c.models.resize(2);
  c.features.include = {"rsi_14"};
  try {
    (void)RunPipeline(c);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "features.include: 'rsi_14' is already a column of the feature set 'stationary'"),
              std::string::npos)
        << e.what();
  }
  c.features.include = {"sma_7", "sma_7"};
  EXPECT_THROW((void)RunPipeline(c), ConfigError);
}

TEST(Runner, MissingDataFileIsAClearError) {
  ExperimentConfig c = QuickstartExperiment();
  c.data.path = "no/such/prices.csv";
  try {
    (void)RunPipeline(c);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no/such/prices.csv"), std::string::npos);
  }
}

}  // namespace finml::run
