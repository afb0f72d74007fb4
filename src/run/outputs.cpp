// The files a run leaves behind. Each is written whole or not at all (temp file + rename).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "finml/core/build_info.hpp"
#include "finml/core/files.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/timestamp.hpp"
#include "finml/dist/world.hpp"
#include "finml/eval/drift.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {
namespace {

nlohmann::json SegmentJson(const SegmentResult& r) {
  nlohmann::json j = r.metrics.ToJson();
  if (r.ic) {
    nlohmann::json ic = r.ic->ToJson();
    for (auto& [k, v] : ic.items()) j[k] = v;
  }
  return j;
}

nlohmann::json SegmentInfoJson(const SegmentInfo& s) {
  return {{"samples", s.samples}, {"first_decision", s.first_date}, {"last_decision", s.last_date}};
}

std::string UtcNow(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

nlohmann::json MetricsJson(const RunRecord& r) {
  nlohmann::json models = nlohmann::json::object();
  std::vector<std::string> beating;
  for (const auto& m : r.models) {
    models[m.name] = {
        {"type", m.type}, {"val", SegmentJson(m.validation)}, {"test", SegmentJson(m.test)}};
    const auto& dm = m.test.metrics.dm;
    if (m.type != "random_walk" && dm.statistic < 0 && dm.p_value < 0.05) beating.push_back(m.name);
  }
  for (const auto& b : r.backtests) {
    const auto& res = b.result;
    models[b.model]["backtest"] = {
        {"total_return", res.performance.total_return},
        {"annual_return", res.performance.annual_return},
        {"sharpe", std::isfinite(res.performance.sharpe) ? nlohmann::json(res.performance.sharpe)
                                                         : nlohmann::json()},
        {"max_drawdown", res.performance.drawdown.depth},
        {"turnover_annual", res.mean_turnover * res.periods_per_year},
        {"trades", res.engine.orders - res.engine.small_orders_skipped},
        {"information_ratio", res.performance.information_ratio
                                  ? nlohmann::json(*res.performance.information_ratio)
                                  : nlohmann::json()},
        {"details", "backtest/" + b.model + "/metrics.json"}};
  }
  nlohmann::json backtest_summary;
  if (!r.backtests.empty() && r.backtests.front().result.benchmark_performance) {
    const auto& first = r.backtests.front().result;
    const auto& bp = *first.benchmark_performance;
    backtest_summary = {{"settings", r.config.backtest->ToJson()},
                        {"benchmark", first.benchmark_name},
                        {"benchmark_total_return", bp.total_return},
                        {"benchmark_annual_return", bp.annual_return},
                        {"benchmark_sharpe",
                         std::isfinite(bp.sharpe) ? nlohmann::json(bp.sharpe) : nlohmann::json()},
                        {"benchmark_max_drawdown", bp.drawdown.depth}};
  }
  return {
      {"experiment", r.config.name},
      {"backtest", backtest_summary},
      {"target", {{"kind", EnumName(r.config.target.kind)}, {"horizon", r.config.target.horizon}}},
      {"split",
       {{"method", r.folds > 1 || r.config.split.method == SplitMethod::kWalkForward
                       ? "walk_forward"
                       : "chronological"},
        {"folds", r.folds},
        {"train", SegmentInfoJson(r.train_info)},
        {"val", SegmentInfoJson(r.validation_info)},
        {"test", SegmentInfoJson(r.test_info)}}},
      {"models", models},
      {"beats_random_walk_at_5pct", beating},
      {"notes",
       {{"theil_u", "sqrt(SSE model / SSE random walk); below 1 beats the random walk"},
        {"dm",
         "Diebold-Mariano on squared errors against the random walk; negative "
         "statistic = lower loss than the random walk; two-sided normal p-value"},
        {"mape", "fraction over non-zero actuals"}}}};
}

std::string PredictionsCsv(const RunRecord& r) {
  const bool panel = r.market.assets.size() > 1;
  // `score` is the forecast move (prediction minus the no-change forecast): what the run's own
  // backtests trade, and what `finml backtest --signals RUN_DIR --model NAME` reads.
  std::string out = panel ? "date,model,y_true,y_pred,split,decision_date,symbol,score\n"
                          : "date,model,y_true,y_pred,split,decision_date,score\n";
  auto write = [&](const ModelOutcome& m, const train::SampleSet& s, const SegmentResult& seg,
                   const char* split) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      out += fmt::format("{},{},{},{},{},{}", s.calendar_label[s.target_row[i]], m.name, s.y[i],
                         seg.prediction[i], split, s.calendar_label[s.decision_row[i]]);
      if (panel) out += "," + CsvField(s.symbols[s.asset[i]]);
      out += fmt::format(",{}", seg.prediction[i] - s.no_change[i]);
      out += '\n';
    }
  };
  for (const auto& m : r.models) {
    write(m, r.validation, m.validation, "val");
    write(m, r.test, m.test, "test");
  }
  return out;
}

std::string IcCsv(const RunRecord& r) {
  std::string out = "date,model,split,ic,rank_ic\n";
  for (const auto& m : r.models) {
    for (const auto& [seg, split] : {std::pair{&m.validation, "val"}, std::pair{&m.test, "test"}}) {
      if (!seg->ic) continue;
      const auto& ic = *seg->ic;
      for (std::size_t k = 0; k < ic.dates; ++k) {
        out += fmt::format("{},{},{},{},{}\n", r.test.calendar_label[ic.date[k]], m.name, split,
                           ic.ic[k], ic.rank_ic[k]);
      }
    }
  }
  return out;
}

nlohmann::json RunJson(const RunRecord& r, const std::string& command_line) {
  nlohmann::json repairs = nlohmann::json::array();
  for (const auto& rep : r.market.repairs)
    repairs.push_back({{"what", rep.what}, {"count", rep.count}});
  nlohmann::json models = nlohmann::json::object();
  for (const auto& m : r.models)
    models[m.name] = {{"fitted", m.description}, {"fit_seconds", m.fit_seconds}};
  Provenance provenance = r.provenance;
  if (!command_line.empty()) provenance.command = command_line;
  return {
      {"provenance", provenance.ToJson()},
      {"finished_at_utc", UtcNow("%Y-%m-%dT%H:%M:%SZ")},
      {"source", r.config.source},
      {"config", r.config.ToJson()},
      {"inputs",
       {{{"path", r.data_path},
         {"sha256", r.data_sha256},
         {"shape", EnumName(r.market.shape)},
         {"rows", r.market.rows()},
         {"calendar_dates", r.market.calendar},
         {"first", r.market.time_label.empty() ? "" : r.market.time_label.front()},
         {"last", r.market.time_label.empty() ? "" : r.market.time_label.back()},
         {"symbols", r.market.Symbols()},
         {"repairs", repairs}}}},
      {"features", r.feature_names},
      {"samples",
       {{"total", r.total_samples},
        {"skipped_for_warmup", r.warmup_skipped},
        {"purged", r.purged},
        {"folds", r.folds},
        {"pretrain", r.pretrain_samples}}},
      {"normalizers", r.normalizers},
      {"models", models},
  };
}

void SaveModels(const RunRecord& r, const std::string& run_dir) {
  const nlohmann::json experiment = r.config.ToJson();
  for (std::size_t m = 0; m < r.models.size(); ++m) {
    const auto& outcome = r.models[m];
    std::string dir = run_dir + "/models/" + outcome.name;
    EnsureDirectory(dir);
    nlohmann::json manifest = {
        {"format", "finml-model/1"},
        {"name", outcome.name},
        {"type", outcome.type},
        {"params", r.config.models[m].params},
        {"provenance", r.provenance.ToJson()},
        {"experiment", experiment},
        {"pipeline",
         {{"symbols", r.market.Symbols()},
          {"features", r.feature_names},
          {"normalizer", r.normalizers.back()},
          {"ar_lags", r.ar_lags},
          {"lookback", r.model_lookback[m]}}},
        {"training",
         {{"data", r.data_path},
          {"data_sha256", r.data_sha256},
          {"seed", r.config.seed},
          {"train", SegmentInfoJson(r.train_info)},
          {"folds", r.folds}}},
        {"state", r.fitted[m]->Save(dir)},
        {"metrics",
         {{"val", SegmentJson(outcome.validation)}, {"test", SegmentJson(outcome.test)}}},
        {"drift_reference",
         {{"features", r.feature_reference},
          {"prediction", eval::NumericReference(outcome.reference_predictions)}}},
    };
    WriteFileAtomic(dir + "/model.json", manifest.dump(2) + "\n");
  }
}

std::string CommitRun(OutputDirectory& out, const Provenance& provenance, const std::string& source,
                      const nlohmann::json& config, const std::vector<std::string>& lines) {
  const nlohmann::json record = {{"provenance", provenance.ToJson()},
                                 {"source", source},
                                 {"config", config},
                                 {"summary", lines}};
  WriteFileAtomic(out.staging() + "/run.json", record.dump(2) + "\n");
  out.Commit();
  for (const auto& line : lines) std::printf("%s\n", line.c_str());
  return out.path();
}

std::string DefaultRunDirectory() {
  std::string dir = "runs/" + UtcNow("%Y%m%d-%H%M%S");
  for (int k = 2; std::filesystem::exists(dir); ++k)
    dir = "runs/" + UtcNow("%Y%m%d-%H%M%S") + fmt::format("-{}", k);
  return dir;
}

std::string RunExperiment(const ExperimentConfig& config, const RunOptions& options) {
  OutputDirectory out(options.out_dir.empty() ? DefaultRunDirectory() : options.out_dir,
                      options.overwrite);
  SearchOutcome search;
  const ExperimentConfig effective =
      config.search ? ApplySearch(config, options.progress, search) : config;
  RunRecord record = RunPipeline(effective, options.progress);
  // Under finml launch the other ranks have done their share of the fits: rank 0 writes.
  if (!dist::WritesOutputs()) return out.path();
  TradePredictions(record);
  if (!options.command_line.empty()) record.provenance.command = options.command_line;
  const std::string& dir = out.staging();
  auto metrics = MetricsJson(record);
  if (config.search) {
    metrics["search"] = SearchJson(*config.search, search);
    WriteFileAtomic(dir + "/search.csv", SearchCsv(search));
  }
  WriteFileAtomic(dir + "/metrics.json", metrics.dump(2) + "\n");
  WriteFileAtomic(dir + "/predictions.csv", PredictionsCsv(record));
  if (record.market.assets.size() > 1) WriteFileAtomic(dir + "/ic.csv", IcCsv(record));
  WriteFileAtomic(dir + "/run.json", RunJson(record, options.command_line).dump(2) + "\n");
  report::WriteReport(dir + "/report.html", ReportPage(record));
  SaveModels(record, dir);
  SaveBacktests(record, dir);
  const auto portfolio_lines = OptimisePredictions(record, dir);
  out.Commit();
  for (const auto& line : portfolio_lines) std::printf("portfolio: %s\n", line.c_str());
  return out.path();
}

}  // namespace finml::run
