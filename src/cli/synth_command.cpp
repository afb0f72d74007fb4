#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "finml/core/error.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/progress.hpp"
#include "finml/core/strings.hpp"
#include "finml/report/html_page.hpp"
#include "finml/run/runner.hpp"
#include "finml/synth/workflow.hpp"

namespace finml::cli {

void SetupSynth(CLI::App& app, SynthCommandOptions& o) {
  app.require_subcommand(1);
  auto* train = app.add_subcommand(
      "train",
      "fit a generator to the log returns of a series (quantgan, garch, bootstrap), to windows of "
      "several columns (timegan) or to a table (ctgan, copula, marginals)");
  o.train.Add(*train, synth::SynthSettings::Schema(), {});
  o.train.AddSet(*train, "any setting as key=value, e.g. --set hidden=64");
  train->add_option("--out", o.out, "model directory to write")->required();
  AddOverwriteFlag(*train, o.overwrite);
  auto* sample = app.add_subcommand(
      "sample",
      "draw paths (of log returns, or of several columns) or table rows from a saved "
      "generator");
  o.sample.Add(*sample, synth::SampleSettings::Schema(), {});
  sample->add_option("--out", o.out_file, "CSV to write: path,t,<columns> (paths) or a table")
      ->required();
  auto* evaluate = app.add_subcommand(
      "evaluate",
      "judge synthetic paths against the real series (stylised facts; TimeGAN's scores for "
      "several columns) or synthetic rows against the real table (fidelity, ML efficacy, "
      "privacy), with a report");
  evaluate->add_option("--real", o.real, "the real prices or returns CSV")->required();
  evaluate->add_option("--column", o.column, "its value column (default: the only one)");
  evaluate->add_option("--kind", o.kind, "what --real holds: prices or returns")
      ->capture_default_str();
  evaluate
      ->add_option("--synthetic", o.synthetic,
                   "paths CSV from finml synth sample, as NAME=FILE or FILE (named by its stem); "
                   "repeat to compare generators")
      ->required();
  o.evaluate.Add(*evaluate, synth::EvaluateSettings::Schema(), {});
  o.split.Add(*evaluate, synth::TableSplit::Schema(), {});
  evaluate->add_option("--categorical", o.categorical, "tables: columns to read as categories")
      ->delimiter(',');
  evaluate
      ->add_option("--columns", o.columns,
                   "tables and multivariate paths: the real columns to compare (default: all; "
                   "multivariate: the synthetic file's)")
      ->delimiter(',');
  o.load.Add(*evaluate, data::LoadOptions::Schema(), {});
  evaluate->add_option("--out", o.out, "output directory")->required();
  AddOverwriteFlag(*evaluate, o.overwrite);
}

int RunSynth(const SynthCommandOptions& o, const CLI::App& app, const std::string& command_line) {
  if (app.got_subcommand("train")) {
    auto s = synth::SynthSettings::Schema().Parse(
        o.train.Collect(ConfigNode::Map("finml synth train")), "", {});
    FINML_REQUIRE(!s.data.empty(), "--data: give the prices or returns CSV to learn from");
    s.data = run::ResolveDataPath(s.data, "");
    OutputDirectory out(o.out, o.overwrite);
    const auto lines = synth::RunSynthTrain(s, out.staging(), Progress::TerminalAttached());
    out.Commit();
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::printf("wrote %s/model.json\n", o.out.c_str());
    return 0;
  }
  if (app.got_subcommand("sample")) {
    const auto s = synth::SampleSettings::Schema().Parse(
        o.sample.Collect(ConfigNode::Map("finml synth sample")), "", {});
    const std::size_t n = synth::RunSynthSample(s, o.out_file);
    std::printf("wrote %zu %s to %s\n", n, synth::IsPathsFile(o.out_file) ? "paths" : "rows",
                o.out_file.c_str());
    return 0;
  }
  const std::string real_path = run::ResolveDataPath(o.real, "");
  Provenance provenance{command_line, {}, {}};
  // (name, file) of each --synthetic, named by NAME= or the file's stem.
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& given : o.synthetic) {
    const auto eq = given.find('=');
    std::string name = eq == std::string::npos ? std::filesystem::path(given).stem().string()
                                               : given.substr(0, eq);
    FINML_REQUIRE(!name.empty(), "--synthetic '{}': the name before '=' is empty (fix: NAME=FILE)",
                  given);
    for (const auto& other : files)
      FINML_REQUIRE(other.first != name, "--synthetic: two files are named '{}' (fix: NAME=FILE)",
                    name);
    files.emplace_back(name, eq == std::string::npos ? given : given.substr(eq + 1));
    provenance.Input(files.back().second);
  }
  const auto finish = [&](OutputDirectory& out, const std::vector<std::string>& lines) {
    out.Commit();
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::printf("wrote %s/{metrics.json,report.html,%s}\n", o.out.c_str(),
                report::ChartLibraryName().c_str());
    return 0;
  };
  const std::string& first = files.front().second;
  if (!synth::IsPathsFile(first)) {
    const auto split = synth::TableSplit::Schema().Parse(
        o.split.Collect(ConfigNode::Map("finml synth evaluate")), "", {});
    const credit::Table real = synth::LoadRealTable(real_path, o.categorical, o.columns);
    provenance.Input(real_path);
    std::vector<synth::NamedTable> tables;
    for (const auto& [name, file] : files)
      tables.push_back({name, credit::LoadTable(file, o.categorical)});
    OutputDirectory out(o.out, o.overwrite);
    return finish(out, synth::RunTableEvaluate(real, split, tables, out.staging(), provenance));
  }
  const auto s = synth::EvaluateSettings::Schema().Parse(
      o.evaluate.Collect(ConfigNode::Map("finml synth evaluate")), "", {});
  if (!synth::IsReturnPathsFile(first)) {
    // Multivariate paths (timegan): the real columns are the synthetic file's unless named.
    const synth::Panel head = synth::ReadPanel(first, /*returns=*/false);
    const synth::Panel real =
        synth::LoadRealPanel(real_path, o.columns.empty() ? head.columns : o.columns);
    provenance.Input(real_path);
    std::vector<synth::NamedPanel> panels;
    for (const auto& [name, file] : files)
      panels.push_back({name, synth::ReadPanel(file, /*returns=*/false), {}});
    OutputDirectory out(o.out, o.overwrite);
    return finish(out, synth::RunPanelEvaluate(real, panels, s, out.staging(), provenance));
  }
  const auto real =
      synth::LoadRealSeries(real_path, o.column, ParseEnum<risk::SeriesKind>(o.kind),
                            data::LoadOptions::Schema().Parse(
                                o.load.Collect(ConfigNode::Map("finml synth evaluate")), "", {}));
  provenance.Input(real_path);
  std::vector<synth::NamedPaths> synthetic;
  for (const auto& [name, file] : files) synthetic.push_back({name, synth::ReadPaths(file), {}});
  OutputDirectory out(o.out, o.overwrite);
  return finish(out, synth::RunSynthEvaluate(real, synthetic, s, out.staging(), provenance));
}

}  // namespace finml::cli
