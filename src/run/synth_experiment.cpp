#include "finml/run/synth_experiment.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {

const options::Schema<SynthSection>& SynthSection::Schema() {
  static const auto schema = [] {
    using S = SynthSection;
    options::Schema<S> s;
    s.Add("models", &S::models,
          "generators to train and compare (all series or all table models); default: model");
    s.Add("samples", &S::samples,
          "paths to draw (default 10; timegan: as many as the training windows) or rows "
          "(default: the training rows)")
        .Min(0)
        .Max(10000000);
    s.Add("length", &S::length, "days per path (default: the real series' length)")
        .Min(0)
        .Max(10000000);
    s.Add("sample_seed", &S::sample_seed, "seed of the draws");
    s.Embed(&S::settings, synth::SynthSettings::Schema());
    s.Embed(&S::evaluate, synth::EvaluateSettings::Schema());
    s.Rule(
        "models",
        [](const S& x) {
          const auto shape = [](synth::SynthModelKind m) {
            return synth::IsTableModel(m) ? 2 : (synth::IsPanelModel(m) ? 1 : 0);
          };
          for (const auto m : x.models)
            if (shape(m) != shape(x.models.front())) return false;
          return true;
        },
        "mixes models of returns, multivariate paths and tables: compare one kind per "
        "experiment");
    s.Rule(
        "data", [](const S& x) { return !x.settings.data.empty(); }, "needs 'data': the real CSV");
    return s;
  }();
  return schema;
}

const options::Schema<SynthExperiment>& SynthExperiment::Schema() {
  static const auto schema = [] {
    using X = SynthExperiment;
    options::Schema<X> s;
    s.Add("task", &X::task, "synth").Names(options::OneOf({"synth"}, "task for this parser"));
    s.Add("name", &X::name, "the experiment's name");
    s.Add("synth", &X::synth, "the real data, the generators, their settings and the evaluation")
        .Required();
    return s;
  }();
  return schema;
}

options::Json SynthExperiment::ToJson() const { return Schema().ToJson(*this); }

SynthExperiment ParseSynthExperiment(const ConfigNode& root, const std::string& file) {
  SynthExperiment x = SynthExperiment::Schema().Parse(root, "");
  x.source = file;
  x.synth.settings.data = ResolveDataPath(x.synth.settings.data, file);
  if (x.synth.models.empty()) x.synth.models = {x.synth.settings.model};
  // run.json records the effective settings: `model` is the first of `models`, not its default.
  x.synth.settings.model = x.synth.models.front();
  return x;
}

std::string RunSynthExperiment(const SynthExperiment& x, const std::string& out_dir,
                               const std::string& command_line, bool overwrite, bool progress) {
  OutputDirectory out(out_dir.empty() ? DefaultRunDirectory() : out_dir, overwrite);
  const SynthSection& s = x.synth;
  Provenance provenance{command_line, {}, s.settings.seed};
  provenance.Input(s.settings.data);
  std::vector<std::string> lines;
  std::vector<synth::NamedPaths> paths;
  std::vector<synth::NamedTable> tables;
  std::vector<synth::NamedPanel> panels;
  EnsureDirectory(out.staging() + "/samples");
  for (const auto model : s.models) {
    synth::SynthSettings settings = s.settings;
    settings.model = model;
    const std::string name = EnumName(model);
    const std::string dir = out.staging() + "/models/" + name;
    for (auto& l : synth::RunSynthTrain(settings, dir, progress)) lines.push_back(std::move(l));
    synth::SampleSettings draw;
    draw.model = dir;
    draw.n = s.samples;
    draw.length = synth::IsTableModel(model) ? 0 : s.length;
    draw.seed = s.sample_seed;
    draw.threads = settings.threads;
    const std::string sample = out.staging() + "/samples/" + name + ".csv";
    (void)synth::RunSynthSample(draw, sample);
    const auto history = [&] {
      return nlohmann::json::parse(ReadFile(dir + "/model.json"))
          .value("history", nlohmann::json::array());
    };
    if (synth::IsTableModel(model))
      tables.push_back({name, credit::LoadTable(sample, settings.categorical)});
    else if (synth::IsPanelModel(model))
      panels.push_back({name, synth::ReadPanel(sample, /*returns=*/false), history()});
    else
      paths.push_back({name, synth::ReadPaths(sample), history()});
  }
  std::vector<std::string> table_lines;
  if (!tables.empty()) {
    const credit::Table real =
        synth::LoadRealTable(s.settings.data, s.settings.categorical, s.settings.columns);
    table_lines =
        synth::RunTableEvaluate(real, s.settings.split, tables, out.staging(), provenance);
  } else if (!panels.empty()) {
    const synth::Panel real = synth::LoadRealPanel(s.settings.data, s.settings.columns);
    table_lines = synth::RunPanelEvaluate(real, panels, s.evaluate, out.staging(), provenance);
  } else {
    const auto real =
        synth::LoadRealSeries(s.settings.data, s.settings.column, s.settings.kind, s.settings.load);
    table_lines = synth::RunSynthEvaluate(real, paths, s.evaluate, out.staging(), provenance);
  }
  lines.insert(lines.end(), table_lines.begin(), table_lines.end());
  return CommitRun(out, provenance, x.source, x.ToJson(), lines);
}

}  // namespace finml::run
