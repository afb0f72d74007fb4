#include <cstdio>

#include "commands.hpp"
#include "finml/anomaly/benchmark.hpp"
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
}

int RunAnomaly(const AnomalyCommandOptions& o, const CLI::App& /*app*/,
               const std::string& command_line) {
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
