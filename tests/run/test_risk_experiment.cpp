#include <gtest/gtest.h>

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
  EXPECT_NE(msg.find("risk.yaml:3:16: 'var.horizon' is 0; it must be >= 1"), std::string::npos)
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
