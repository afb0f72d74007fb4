#include "finml/run/credit_experiment.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdio>

#include "finml/core/error.hpp"
#include "finml/core/sha256.hpp"
#include "finml/core/yaml_section.hpp"
#include "finml/credit/outputs.hpp"
#include "finml/run/runner.hpp"

namespace finml::run {

CreditExperiment ParseCreditExperiment(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: invalid YAML: {}", file, e.mark.line + 1,
                                  e.mark.column + 1, e.msg));
  }
  std::vector<std::string> keys = credit::CreditConfigKeys();
  keys.insert(keys.end(), {"task", "name"});
  YamlSection top(root, file, "experiment", keys);
  CreditExperiment x;
  x.source = file;
  x.name = top.Value<std::string>("name", x.name);
  nlohmann::json settings = YamlToJson(root);
  settings.erase("task");
  settings.erase("name");
  try {
    x.config = credit::ParseCreditConfig(settings, file);
  } catch (const ConfigError& e) {
    throw top.Fail(root, e.what());
  }
  x.config.data = ResolveDataPath(x.config.data, file);
  return x;
}

std::string RunCreditExperiment(const CreditExperiment& x, const std::string& out_dir,
                                const std::string& command_line, bool progress) {
  const std::string dir = out_dir.empty() ? DefaultRunDirectory() : out_dir;
  const auto table = credit::LoadTable(x.config.data, x.config.categorical);
  const auto run = credit::RunCredit(table, x.config, progress);
  credit::CreditInputs inputs{x.config.data, Sha256File(x.config.data), command_line};
  (void)credit::WriteCreditRun(run, table, dir, inputs);
  std::printf("%s: %s, AUC %.4f ± %.4f, Gini %.4f, KS %.4f, Brier %.4f\n", x.name.c_str(),
              x.config.model.c_str(), run.auc_mean, run.auc_std, run.gini_mean,
              run.ks_mean, run.brier_mean);
  return dir;
}

}  // namespace finml::run
