#include "finml/run/risk_experiment.hpp"

#include <cstdio>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/output_directory.hpp"
#include "finml/core/provenance.hpp"
#include "finml/risk/outputs.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {

std::string ExperimentTask(const ConfigNode& root) {
  const ConfigNode* task = root.IsMap() ? root.Find("task") : nullptr;
  if (!task) return "forecast";
  const std::string name = options::ReadString(*task, "task");
  try {
    return options::OneOf({"forecast", "risk", "credit", "rl", "nlp", "synth", "anomaly", "fraud"},
                          "task")(name);
  } catch (const Error& e) {
    throw task->Fail(e.what());
  }
}

const options::Schema<RiskExperiment>& RiskExperiment::Schema() {
  static const auto schema = [] {
    using R = RiskExperiment;
    options::Schema<R> s;
    s.Add("task", &R::task, "risk").Names(options::OneOf({"risk"}, "task for this parser"));
    s.Add("name", &R::name, "the experiment's name");
    s.Add("data", &R::data, "the series garch and var read: {path, kind, column, returns}");
    s.Add("garch", &R::garch, "fit a GARCH, GJR or EGARCH model");
    s.Add("var", &R::var, "rolling VaR and ES with backtests");
    s.Add("portfolio", &R::portfolio, "parametric portfolio VaR with component VaR");
    s.Add("stress", &R::stress, "historical and hypothetical stress tests");
    s.Rule(
        "garch", [](const R& r) { return !r.garch || r.data; }, "needs a 'data' section");
    s.Rule(
        "var", [](const R& r) { return !r.var || r.data; }, "needs a 'data' section");
    s.Rule(
        "task", [](const R& r) { return r.garch || r.var || r.portfolio || r.stress; },
        "a risk experiment needs at least one of garch, var, portfolio, stress");
    return s;
  }();
  return schema;
}

options::Json RiskExperiment::ToJson() const { return Schema().ToJson(*this); }

RiskExperiment ParseRiskExperiment(const ConfigNode& root, const std::string& file) {
  RiskExperiment x = RiskExperiment::Schema().Parse(root, "");
  x.source = file;
  if (x.data) x.data->path = ResolveDataPath(x.data->path, file);
  if (x.portfolio) x.portfolio->prices = ResolveDataPath(x.portfolio->prices, file);
  if (x.stress) x.stress->prices = ResolveDataPath(x.stress->prices, file);
  return x;
}

RiskExperiment ParseRiskExperiment(const std::string& text, const std::string& file) {
  return ParseRiskExperiment(ConfigNode::FromYaml(text, file), file);
}

std::vector<std::string> RunGarchJob(const risk::SeriesSource& source,
                                     const risk::GarchSettings& settings, const std::string& dir,
                                     const Provenance& provenance) {
  return risk::WriteGarch(risk::ComputeGarch(source, settings), source, settings, dir, provenance);
}

std::vector<std::string> RunVarJob(const risk::SeriesSource& source,
                                   const risk::VarSettings& settings, const std::string& dir,
                                   const Provenance& provenance) {
  return risk::WriteVar(risk::ComputeVar(source, settings), source, settings, dir, provenance);
}

std::vector<std::string> RunPortfolioJob(const risk::PortfolioSettings& settings,
                                         const std::string& dir, const Provenance& provenance) {
  return risk::WritePortfolio(risk::ComputePortfolio(settings), settings, dir, provenance);
}

std::vector<std::string> RunStressJob(const risk::StressSettings& settings, const std::string& dir,
                                      const Provenance& provenance) {
  return risk::WriteStress(risk::ComputeStress(settings), settings, dir, provenance);
}

std::string RunRiskExperiment(const RiskExperiment& x, const std::string& out_dir,
                              const std::string& command_line, bool overwrite) {
  OutputDirectory out(out_dir.empty() ? DefaultRunDirectory() : out_dir, overwrite);
  const std::string& dir = out.staging();
  nlohmann::json summary = nlohmann::json::object();
  // Printed once every section has succeeded: a later section's error writes nothing, so results
  // on the terminal would describe outputs that do not exist.
  std::vector<std::string> printed;
  auto report = [&](const char* part, const std::vector<std::string>& lines) {
    for (const auto& l : lines) printed.push_back(fmt::format("{}: {}", part, l));
    summary[part] = lines;
  };
  Provenance all{command_line, {}, std::nullopt};
  auto provenance = [&](const std::string& input) {
    Provenance p{command_line, {}, std::nullopt};
    p.Input(input);
    all.inputs.push_back(p.inputs.back());
    return p;
  };
  if (x.garch)
    report("garch", RunGarchJob(*x.data, *x.garch, dir + "/garch", provenance(x.data->path)));
  if (x.var) {
    Provenance p = provenance(x.data->path);
    p.seed = x.var->seed;
    report("var", RunVarJob(*x.data, *x.var, dir + "/var", p));
  }
  if (x.portfolio) {
    report("portfolio",
           RunPortfolioJob(*x.portfolio, dir + "/portfolio", provenance(x.portfolio->prices)));
  }
  if (x.stress)
    report("stress", RunStressJob(*x.stress, dir + "/stress", provenance(x.stress->prices)));
  nlohmann::json record = {{"provenance", all.ToJson()},
                           {"source", x.source},
                           {"config", x.ToJson()},
                           {"summary", summary}};
  WriteFileAtomic(dir + "/run.json", record.dump(2) + "\n");
  out.Commit();
  for (const auto& line : printed) std::printf("%s\n", line.c_str());
  return out.path();
}

}  // namespace finml::run
