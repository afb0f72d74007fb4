#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "finml/anomaly/benchmark.hpp"
#include "finml/anomaly/model.hpp"
#include "finml/core/error.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/runner.hpp"

namespace finml::cli {

void SetupAnomaly(CLI::App& app, AnomalyCommandOptions& o) {
  app.require_subcommand(1);
  auto* benchmark = app.add_subcommand(
      "benchmark",
      "PyOD's protocol on a labelled set: random splits, every detector fitted on the training "
      "part and judged on the rest (ROC AUC, PR AUC, precision @ n), beside PyOD's figures");
  o.benchmark.Add(*benchmark, anomaly::BenchmarkSettings::Schema(), {});
  benchmark->add_option("--out", o.out, "output directory")->required();
  AddOverwriteFlag(*benchmark, o.overwrite);
  auto* fit = app.add_subcommand(
      "fit",
      "fit detectors on the earlier rows of a file, thresholds at a contamination rate, and "
      "(with a label) precision and recall on the later rows");
  o.fit.Add(*fit, anomaly::FitSettings::Schema(), {});
  fit->add_option("--out", o.out, "model directory to write")->required();
  AddOverwriteFlag(*fit, o.overwrite);
  auto* score = app.add_subcommand("score", "score records with a model from anomaly fit");
  score->add_option("--model", o.model_dir, "a directory from finml anomaly fit")->required();
  score->add_option("--input", o.input, "CSV with the model's feature columns")->required();
  score
      ->add_option("--out", o.out_file,
                   "CSV to write: row, then per detector the score, the decision and the three "
                   "features that drive the score")
      ->required();
  auto* update = app.add_subcommand(
      "update",
      "streaming: hbos, ecod and copod learn a new batch of records; each is scored before it "
      "is learned and the thresholds move with them");
  update->add_option("--model", o.model_dir, "a directory from finml anomaly fit")->required();
  update->add_option("--input", o.input, "CSV of new records with the model's feature columns")
      ->required();
  update->add_option("--out", o.out, "model directory to write (may be --model itself)")
      ->required();
  AddOverwriteFlag(*update, o.overwrite);
}

int RunAnomaly(const AnomalyCommandOptions& o, const CLI::App& app,
               const std::string& command_line) {
  if (app.got_subcommand("score")) {
    const std::size_t rows = anomaly::RunAnomalyScore(o.model_dir, o.input, o.out_file);
    std::printf("wrote %zu scored rows to %s\n", rows, o.out_file.c_str());
    return 0;
  }
  if (app.got_subcommand("update")) {
    // Read before the output is staged: --out may name the model being updated.
    const bool in_place =
        std::filesystem::weakly_canonical(o.out) == std::filesystem::weakly_canonical(o.model_dir);
    OutputDirectory out(o.out, o.overwrite || in_place);
    // The fit's metrics and report travel with the model; model.json records the updates.
    for (const auto& entry : std::filesystem::directory_iterator(o.model_dir))
      if (entry.is_regular_file() && entry.path().filename() != "model.json")
        std::filesystem::copy_file(entry.path(),
                                   std::filesystem::path(out.staging()) / entry.path().filename());
    const auto lines = anomaly::RunAnomalyUpdate(o.model_dir, o.input, out.staging());
    out.Commit();
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::printf("wrote %s/model.json\n", o.out.c_str());
    return 0;
  }
  if (app.got_subcommand("fit")) {
    auto s = anomaly::FitSettings::Schema().Parse(
        o.fit.Collect(ConfigNode::Map("finml anomaly fit")), "", {});
    s.data = run::ResolveDataPath(s.data, "");
    Provenance provenance{command_line, {}, s.detector.seed};
    provenance.Input(s.data);
    OutputDirectory out(o.out, o.overwrite);
    const auto lines = anomaly::RunAnomalyFit(s, out.staging(), provenance);
    out.Commit();
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::printf("wrote %s/{model.json,metrics.json,report.html}\n", o.out.c_str());
    return 0;
  }
  auto s = anomaly::BenchmarkSettings::Schema().Parse(
      o.benchmark.Collect(ConfigNode::Map("finml anomaly benchmark")), "", {});
  s.data = run::ResolveDataPath(s.data, "");
  Provenance provenance{command_line, {}, s.split_seed};
  provenance.Input(s.data);
  if (!s.reference.empty()) provenance.Input(s.reference);
  OutputDirectory out(o.out, o.overwrite);
  const auto lines = anomaly::RunAnomalyBenchmark(s, out.staging(), provenance);
  out.Commit();
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::printf("wrote %s/{metrics.json,report.html,%s}\n", o.out.c_str(),
              report::ChartLibraryName().c_str());
  return 0;
}

}  // namespace finml::cli
