#include <gtest/gtest.h>

#include "finml/core/cli_options.hpp"
#include "finml/core/config_node.hpp"
#include "finml/core/error.hpp"
#include "finml/run/risk_experiment.hpp"

namespace finml::run {
namespace {

std::string ErrorOf(const std::string& yaml) {
  try {
    (void)ParseRiskExperiment(yaml, "risk.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(RiskExperiment, ParsesEverySectionAndRejectsTypos) {
  const std::string head = "task: risk\ndata: {path: data/dem2gbp.csv, kind: returns}\n";
  auto x = ParseRiskExperiment(head +
                                   "garch: {model: gjr, dist: t}\nvar: {methods: [fhs, ewma], "
                                   "levels: [0.99, 0.975], window: 300}\n",
                               "risk.yaml");
  ASSERT_TRUE(x.garch && x.var);
  EXPECT_EQ(x.garch->spec.model, risk::VolatilityModel::kGjr);
  EXPECT_EQ(x.var->methods.size(), 2u);
  EXPECT_EQ(x.var->levels, (std::vector<double>{0.99, 0.975}));
  EXPECT_EQ(x.ToJson()["var"]["window"], 300);
  EXPECT_EQ(ExperimentTask(ConfigNode::FromYaml(head, "risk.yaml")), "risk");
  EXPECT_EQ(ExperimentTask(ConfigNode::FromYaml("data: {path: x.csv}\n", "f.yaml")), "forecast");

  std::string msg = ErrorOf(head + "var: {windw: 300}\n");
  EXPECT_NE(msg.find("risk.yaml:3:7"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'window'"), std::string::npos) << msg;
  msg = ErrorOf(head + "var: {methods: [histrical]}\n");
  EXPECT_NE(msg.find("did you mean 'historical'"), std::string::npos) << msg;
  msg = ErrorOf("task: risk\ngarch: {model: garch}\n");
  EXPECT_NE(msg.find("risk.yaml:2:8: 'garch': needs a 'data' section"), std::string::npos) << msg;
  msg = ErrorOf("task: risk\ndata: {path: data/dem2gbp.csv, kind: levels}\n");
  EXPECT_NE(msg.find("risk.yaml:2:38: 'data.kind': unknown series kind 'levels'"),
            std::string::npos)
      << msg;
  msg = ErrorOf("task: risk\nname: x\n");
  EXPECT_NE(msg.find("at least one of garch, var, portfolio, stress"), std::string::npos) << msg;
  EXPECT_THROW((void)ExperimentTask(ConfigNode::FromYaml("task: credt\n", "f.yaml")), ConfigError);
}

TEST(RiskExperiment, ValuesOutOfRangeAndMisspelledChoicesAreErrorsAtTheirPlace) {
  const std::string head = "task: risk\ndata: {path: data/dem2gbp.csv}\n";
  std::string msg = ErrorOf(head + "var:\n  ewma_lambda: 1.5\n");
  EXPECT_NE(msg.find("risk.yaml:4:16: 'var.ewma_lambda' is 1.5; it must be in (0, 1)"),
            std::string::npos)
      << msg;
  msg = ErrorOf(head + "var: {horizon: 0}\n");
  EXPECT_NE(msg.find("risk.yaml:3:16: 'var.horizon' is 0; it must be in [1, 10000]"),
            std::string::npos)
      << msg;
  msg = ErrorOf("task: risk\nportfolio: {prices: data/dowjones30.csv, returns: lg}\n");
  EXPECT_NE(msg.find("'portfolio.returns': unknown return kind 'lg' (did you mean 'log'"),
            std::string::npos)
      << msg;
  msg = ErrorOf(head + "var: {window: 300}\nvar: {window: 400}\n");
  EXPECT_NE(msg.find("risk.yaml:4:1: duplicate key 'var' (first given at risk.yaml:3:1"),
            std::string::npos)
      << msg;
}

TEST(RiskExperiment, FlagsAndFileKeysReadScenariosAlike) {
  CLI::App app;
  CliFlags flags;
  flags.Add(app, risk::StressSettings::Schema());
  std::vector<std::string> args = {"prog",
                                   "--prices",
                                   "data/dowjones30.csv",
                                   "--shock",
                                   "crash:AA=-0.2,KO=-0.1",
                                   "--shock",
                                   "KO=-0.3",
                                   "--scenario",
                                   "q4=2000-10-02:2000-12-29"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  app.parse(static_cast<int>(argv.size()), argv.data());
  const auto s = risk::StressSettings::Schema().Parse(flags.Collect(), "stress");
  ASSERT_EQ(s.shocks.size(), 2u) << "a shock's commas separate its symbols, not scenarios";
  EXPECT_EQ(s.shocks[0].name, "crash");
  EXPECT_EQ(s.shocks[0].shocks.size(), 2u);
  EXPECT_EQ(s.shocks[1].name, "KO -30%") << "an unnamed shock is named after its moves";
  ASSERT_EQ(s.scenarios.size(), 1u);
  const auto file = ParseRiskExperiment(
      "task: risk\nstress:\n  prices: data/dowjones30.csv\n  shocks:\n    - {name: crash, "
      "returns: {AA: -0.2, KO: -0.1}}\n    - KO=-0.3\n  scenarios:\n    - {name: q4, start: "
      "2000-10-02, end: 2000-12-29}\n",
      "risk.yaml");
  EXPECT_EQ(risk::StressSettings::Schema().ToJson(*file.stress)["shocks"],
            risk::StressSettings::Schema().ToJson(s)["shocks"]);
  EXPECT_EQ(risk::StressSettings::Schema().ToJson(*file.stress)["scenarios"],
            risk::StressSettings::Schema().ToJson(s)["scenarios"]);
}

TEST(RiskExperiment, TheEffectiveConfigurationShowsEverySettingAndParsesBack) {
  const auto x = ParseRiskExperiment(
      "task: risk\nportfolio: {prices: data/dowjones30.csv, returns: log}\n", "risk.yaml");
  const auto j = x.ToJson();
  EXPECT_EQ(j["portfolio"]["returns"], "log");
  EXPECT_EQ(j["portfolio"]["window"], 250) << "one default for the CLI and files";
  EXPECT_EQ(j["portfolio"]["covariance"], "ledoit_wolf");
  const auto again = ParseRiskExperiment(j.dump(), "printed.yaml");
  EXPECT_EQ(again.ToJson(), j);
}

}  // namespace
}  // namespace finml::run
