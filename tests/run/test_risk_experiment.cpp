#include <gtest/gtest.h>

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
  auto x = ParseRiskExperiment(head + "garch: {model: gjr, dist: t}\nvar: {methods: [fhs, ewma], "
                                      "levels: [0.99, 0.975], window: 300}\n",
                               "risk.yaml");
  ASSERT_TRUE(x.garch && x.var);
  EXPECT_EQ(x.garch->spec.model, risk::VolatilityModel::kGjr);
  EXPECT_EQ(x.var->methods.size(), 2u);
  EXPECT_EQ(x.var->levels, (std::vector<double>{0.99, 0.975}));
  EXPECT_EQ(x.ToJson()["var"]["window"], 300);
  EXPECT_EQ(ExperimentTask(head, "risk.yaml"), "risk");
  EXPECT_EQ(ExperimentTask("data: {path: x.csv}\n", "f.yaml"), "forecast");

  std::string msg = ErrorOf(head + "var: {windw: 300}\n");
  EXPECT_NE(msg.find("risk.yaml:3:7"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'window'"), std::string::npos) << msg;
  msg = ErrorOf(head + "var: {methods: [histrical]}\n");
  EXPECT_NE(msg.find("did you mean 'historical'"), std::string::npos) << msg;
  msg = ErrorOf("task: risk\ngarch: {model: garch}\n");
  EXPECT_NE(msg.find("'garch' needs a 'data' section"), std::string::npos) << msg;
  msg = ErrorOf("task: risk\ndata: {path: data/dem2gbp.csv, kind: levels}\n");
  EXPECT_NE(msg.find("returns or prices"), std::string::npos) << msg;
  msg = ErrorOf("task: risk\nname: x\n");
  EXPECT_NE(msg.find("at least one of garch, var, portfolio, stress"), std::string::npos) << msg;
  EXPECT_THROW((void)ExperimentTask("task: credt\n", "f.yaml"), ConfigError);
}

}  // namespace
}  // namespace finml::run
