#include "finml/run/risk_experiment.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>

#include "finml/core/build_info.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/yaml_section.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {
namespace {

YAML::Node LoadYaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: invalid YAML: {}", file, e.mark.line + 1,
                                  e.mark.column + 1, e.msg));
  }
}

template <typename Fn>
auto Convert(const YamlSection& section, const std::string& key, Fn parse) {
  YAML::Node node = section.Get(key);
  try {
    return parse(section.As<std::string>(node, key));
  } catch (const Error& e) {
    throw section.Fail(node, e.what());
  }
}

risk::Weights ReadWeights(const YamlSection& section, const std::string& key) {
  risk::Weights w;
  if (!section.Has(key)) return w;
  YAML::Node node = section.Get(key);
  if (!node.IsMap())
    throw section.Fail(node, fmt::format("'{}.{}' must map symbols to weights", section.path(), key));
  for (const auto& item : node)
    w.emplace_back(item.first.as<std::string>(), section.As<double>(item.second, key));
  return w;
}

std::string Resolve(const YamlSection& section, const std::string& key, const std::string& file,
                    const std::string& fallback) {
  if (!section.Has(key)) return fallback;
  return ResolveDataPath(section.Value<std::string>(key, ""), file);
}

}  // namespace

std::string ExperimentTask(const std::string& text, const std::string& file) {
  YAML::Node root = LoadYaml(text, file);
  if (!root.IsMap() || !root["task"]) return "forecast";
  const std::string task = root["task"].as<std::string>();
  if (task == "forecast" || task == "risk" || task == "credit") return task;
  YamlSection where(YAML::Node(), file, "task", {});
  throw where.Fail(root["task"],
                   fmt::format("unknown task '{}' (valid: forecast, risk, credit)", task));
}

RiskExperiment ParseRiskExperiment(const std::string& text, const std::string& file) {
  YAML::Node root = LoadYaml(text, file);
  RiskExperiment x;
  x.source = file;
  YamlSection top(root, file, "experiment",
                  {"task", "name", "data", "garch", "var", "portfolio", "stress"});
  x.name = top.Value<std::string>("name", x.name);
  std::optional<risk::SeriesSource> series;
  if (top.Has("data")) {
    YamlSection d(top.Get("data"), file, "data", {"path", "kind", "column", "returns"});
    risk::SeriesSource s;
    if (!d.Has("path")) throw d.Fail(top.Get("data"), "'data.path' is required");
    s.path = Resolve(d, "path", file, "");
    const std::string kind = d.Value<std::string>("kind", "returns");
    if (kind != "returns" && kind != "prices")
      throw d.Fail(d.Get("kind"), "'data.kind' must be returns or prices: say what the file holds");
    s.kind = kind == "returns" ? risk::SeriesKind::kReturns : risk::SeriesKind::kPrices;
    s.column = d.Value<std::string>("column", "");
    const std::string returns = d.Value<std::string>("returns", "simple");
    if (returns != "simple" && returns != "log")
      throw d.Fail(d.Get("returns"), "'data.returns' must be simple or log");
    s.log_returns = returns == "log";
    series = s;
  }
  auto need_series = [&](const char* section) {
    if (!series)
      throw top.Fail(top.Get(section), fmt::format("'{}' needs a 'data' section", section));
    return *series;
  };
  if (root["garch"]) {
    YamlSection g(root["garch"], file, "garch", {"model", "dist", "stationary", "forecast"});
    risk::GarchJob job;
    job.data = need_series("garch");
    if (g.Has("model")) job.spec.model = Convert(g, "model", risk::ParseVolatilityModel);
    if (g.Has("dist")) job.spec.dist = Convert(g, "dist", risk::ParseInnovations);
    job.spec.stationary = g.Value<bool>("stationary", true);
    job.forecast = g.Value<std::size_t>("forecast", job.forecast);
    x.garch = job;
  }
  if (root["var"]) {
    YamlSection v(root["var"], file, "var",
                  {"methods", "levels", "window", "refit_every", "horizon", "ewma_lambda",
                   "simulations", "seed"});
    risk::VarJob job;
    job.data = need_series("var");
    if (v.Has("methods")) {
      YAML::Node m = v.Get("methods");
      if (m.IsScalar() && m.as<std::string>() == "all") {
        job.methods = risk::VarMethodNames();
      } else {
        job.methods.clear();
        std::vector<YAML::Node> items;
        if (m.IsSequence()) for (const auto& i : m) items.push_back(i);
        else items.push_back(m);
        for (const auto& i : items) {
          try {
            job.methods.push_back(risk::FindVarMethod(v.As<std::string>(i, "methods")).name);
          } catch (const Error& e) {
            throw v.Fail(i, e.what());
          }
        }
      }
    }
    if (v.Has("levels")) {
      YAML::Node l = v.Get("levels");
      job.levels.clear();
      if (l.IsSequence()) for (const auto& i : l) job.levels.push_back(v.As<double>(i, "levels"));
      else job.levels.push_back(v.As<double>(l, "levels"));
      for (double level : job.levels)
        if (!(level > 0.5 && level < 1)) throw v.Fail(l, "'var.levels' must lie in (0.5, 1)");
    }
    job.window = v.Value<std::size_t>("window", job.window);
    job.refit_every = v.Value<std::size_t>("refit_every", job.refit_every);
    job.horizon = v.Value<std::size_t>("horizon", job.horizon);
    job.options.ewma_lambda = v.Value<double>("ewma_lambda", job.options.ewma_lambda);
    job.options.simulations = v.Value<std::size_t>("simulations", job.options.simulations);
    job.options.seed = v.Value<std::uint64_t>("seed", job.options.seed);
    x.var = job;
  }
  if (root["portfolio"]) {
    YamlSection p(root["portfolio"], file, "portfolio",
                  {"prices", "weights", "covariance", "ewma_lambda", "level", "horizon", "value",
                   "window", "returns"});
    risk::PortfolioJob job;
    if (!p.Has("prices")) throw p.Fail(root["portfolio"], "'portfolio.prices' is required");
    job.prices = Resolve(p, "prices", file, "");
    job.weights = ReadWeights(p, "weights");
    if (p.Has("covariance")) job.covariance = Convert(p, "covariance", risk::ParseCovarianceMethod);
    job.lambda = p.Value<double>("ewma_lambda", job.lambda);
    job.level = p.Value<double>("level", job.level);
    job.horizon = p.Value<std::size_t>("horizon", job.horizon);
    job.value = p.Value<double>("value", job.value);
    job.window = p.Value<std::size_t>("window", job.window);
    job.log_returns = p.Value<std::string>("returns", "simple") == "log";
    x.portfolio = job;
  }
  if (root["stress"]) {
    YamlSection s(root["stress"], file, "stress",
                  {"prices", "weights", "value", "builtin", "scenarios", "shocks"});
    risk::StressJob job;
    if (!s.Has("prices")) throw s.Fail(root["stress"], "'stress.prices' is required");
    job.prices = Resolve(s, "prices", file, "");
    job.weights = ReadWeights(s, "weights");
    job.value = s.Value<double>("value", job.value);
    job.builtin = s.Value<bool>("builtin", job.builtin);
    if (s.Has("scenarios")) {
      for (const auto& item : s.Get("scenarios")) {
        YamlSection sc(item, file, "stress.scenarios[]", {"name", "start", "end"});
        try {
          job.scenarios.push_back(risk::ParseHistoricalScenario(
              fmt::format("{}={}:{}", sc.Value<std::string>("name", ""),
                          sc.Value<std::string>("start", ""), sc.Value<std::string>("end", ""))));
        } catch (const Error& e) {
          throw sc.Fail(item, e.what());
        }
      }
    }
    if (s.Has("shocks")) {
      for (const auto& item : s.Get("shocks")) {
        YamlSection sh(item, file, "stress.shocks[]", {"name", "returns"});
        risk::ShockScenario shock;
        shock.name = sh.Value<std::string>("name", "shock");
        shock.shocks = ReadWeights(sh, "returns");
        job.shocks.push_back(shock);
      }
    }
    x.stress = job;
  }
  if (!x.garch && !x.var && !x.portfolio && !x.stress)
    throw top.Fail(root, "a risk experiment needs at least one of garch, var, portfolio, stress");
  return x;
}

nlohmann::json RiskExperiment::ToJson() const {
  nlohmann::json j = {{"task", "risk"}, {"name", name}, {"source", source}};
  if (garch) {
    j["garch"] = {{"data", garch->data.ToJson()},
                  {"model", risk::VolatilityModelName(garch->spec.model)},
                  {"dist", risk::InnovationsName(garch->spec.dist)},
                  {"stationary", garch->spec.stationary},
                  {"forecast", garch->forecast}};
  }
  if (var) {
    const std::vector<std::string>& methods = var->methods;
    j["var"] = {{"data", var->data.ToJson()},    {"methods", methods},
                {"levels", var->levels},          {"window", var->window},
                {"refit_every", var->refit_every}, {"horizon", var->horizon},
                {"ewma_lambda", var->options.ewma_lambda},
                {"simulations", var->options.simulations}, {"seed", var->options.seed}};
  }
  if (portfolio) {
    j["portfolio"] = {{"prices", portfolio->prices},
                      {"weights", portfolio->weights},
                      {"covariance", risk::CovarianceMethodName(portfolio->covariance)},
                      {"ewma_lambda", portfolio->lambda},
                      {"level", portfolio->level},
                      {"horizon", portfolio->horizon},
                      {"value", portfolio->value},
                      {"window", portfolio->window}};
  }
  if (stress) {
    nlohmann::json scenarios = nlohmann::json::array(), shocks = nlohmann::json::array();
    for (const auto& s : stress->scenarios)
      scenarios.push_back({{"name", s.name}, {"start", data::FormatTimestamp(s.start)},
                           {"end", data::FormatTimestamp(s.end)}});
    for (const auto& s : stress->shocks) shocks.push_back({{"name", s.name}, {"returns", s.shocks}});
    j["stress"] = {{"prices", stress->prices}, {"weights", stress->weights},
                   {"value", stress->value},   {"builtin", stress->builtin},
                   {"scenarios", scenarios},   {"shocks", shocks}};
  }
  return j;
}

std::string RunRiskExperiment(const RiskExperiment& x, const std::string& out_dir,
                              const std::string& command_line) {
  const std::string dir = out_dir.empty() ? DefaultRunDirectory() : out_dir;
  EnsureDirectory(dir);
  nlohmann::json summary = nlohmann::json::object();
  auto run = [&](const char* part, const std::vector<std::string>& lines) {
    for (const auto& l : lines) std::printf("%s: %s\n", part, l.c_str());
    summary[part] = lines;
  };
  if (x.garch) run("garch", risk::RunGarchJob(*x.garch, dir + "/garch", command_line));
  if (x.var) run("var", risk::RunVarJob(*x.var, dir + "/var", command_line));
  if (x.portfolio)
    run("portfolio", risk::RunPortfolioJob(*x.portfolio, dir + "/portfolio", command_line));
  if (x.stress) run("stress", risk::RunStressJob(*x.stress, dir + "/stress", command_line));
  nlohmann::json record = {{"finml_version", std::string(Version())},
                           {"git_commit", std::string(GitCommit())},
                           {"command", command_line},
                           {"config", x.ToJson()},
                           {"summary", summary}};
  WriteFileAtomic(dir + "/run.json", record.dump(2) + "\n");
  return dir;
}

}  // namespace finml::run
