// --print-config prints the effective configuration with every default filled in, and that
// output is itself an experiment that parses back to the same configuration.
#include <gtest/gtest.h>

#include "finml/core/files.hpp"
#include "finml/run/credit_experiment.hpp"
#include "finml/run/experiment.hpp"
#include "finml/run/risk_experiment.hpp"
#include "test_util.hpp"

namespace finml::run {
namespace {

TEST(PrintConfig, EveryExampleParsesBackToItself) {
  for (const char* file : {"examples/quickstart.yaml", "examples/dow30_walk_forward.yaml",
                           "examples/dow30_lstm_panel.yaml", "examples/gpt_pretrain_djia.yaml",
                           "examples/msft_dates.yaml", "examples/djia_market_risk.yaml",
                           "examples/german_credit.yaml"}) {
    const std::string path = testing::RepoPath(file);
    const ConfigNode root = ConfigNode::FromYaml(ReadFile(path), path);
    const std::string task = ExperimentTask(root);
    options::Json printed;
    if (task == "risk")
      printed = ParseRiskExperiment(root, path).ToJson();
    else if (task == "credit")
      printed = ParseCreditExperiment(root, path).ToJson();
    else
      printed = ParseExperiment(root, path).ToJson();
    const ConfigNode again = ConfigNode::FromYaml(printed.dump(2), "printed.yaml");
    options::Json reparsed;
    if (task == "risk")
      reparsed = ParseRiskExperiment(again, path).ToJson();
    else if (task == "credit")
      reparsed = ParseCreditExperiment(again, path).ToJson();
    else
      reparsed = ParseExperiment(again, path).ToJson();
    EXPECT_EQ(reparsed, printed) << file;
    EXPECT_EQ(printed["task"], task) << file;
  }
  const auto quickstart = QuickstartExperiment().ToJson();
  EXPECT_EQ(ParseExperiment(quickstart.dump(), "printed.yaml").ToJson(), quickstart);
}

TEST(PrintConfig, ShowsEveryModelParameterWithItsDefault) {
  const auto c =
      ParseExperiment("data: {path: data/aer_djia8012.csv}\nmodels: [lstm, gpt]\n", "exp.yaml");
  const auto& lstm = c.models[1].params;  // the random walk comes first
  for (const char* key : {"lookback", "hidden", "layers", "dropout", "implementation", "device",
                          "epochs", "batch", "lr", "optimizer", "weight_decay", "schedule",
                          "step_size", "gamma", "clip", "patience", "min_delta"})
    EXPECT_TRUE(lstm.contains(key)) << key;
  EXPECT_EQ(lstm["hidden"], 50);
  EXPECT_EQ(lstm["implementation"], "fused");
  const auto& gpt = c.models[2].params;
  EXPECT_EQ(gpt["hidden"], 32);
  EXPECT_EQ(gpt["feedforward"], 128) << "4 x hidden";
  EXPECT_EQ(gpt["pretrain_epochs"], gpt["epochs"]);
  EXPECT_FALSE(gpt.contains("implementation")) << "only the lstm has one";
  // Derived defaults follow what was given.
  const auto adamw = ParseExperiment(
      "data: {path: data/aer_djia8012.csv}\nmodels:\n  - {type: tcn, params: {optimizer: adamw, "
      "hidden: 8}}\n",
      "exp.yaml");
  EXPECT_EQ(adamw.models[1].params["weight_decay"], 0.01);
  EXPECT_EQ(adamw.models[1].params["kernel"], 3);
  // And every section is there, even those the file left out.
  const auto j = adamw.ToJson();
  for (const char* key : {"task", "name", "seed", "data", "features", "target", "window", "split",
                          "models", "evaluation", "report"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["data"]["missing"], "error");
  EXPECT_EQ(j["split"]["fold_validation"], 0.15);
}

TEST(PrintConfig, BadValuesFromEveryEntryPointNameTheirPlace) {
  auto error = [](auto parse) {
    try {
      parse();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error([] {
              (void)ParseExperiment("data: {path: x.csv}\ntarget: {horizon: 0}\n", "exp.yaml");
            }).find("exp.yaml:2:19: 'target.horizon' is 0; it must be >= 1"),
            std::string::npos);
  EXPECT_NE(error([] {
              (void)ParseExperiment("data: {path: x.csv}\ndata: {path: y.csv}\n", "exp.yaml");
            }).find("exp.yaml:2:1: duplicate key 'data'"),
            std::string::npos);
  EXPECT_NE(error([] {
              (void)ParseCreditExperiment("task: credit\nmodel: gbdt\nparams: {rounds: 0}\n",
                                          "credit.yaml");
            }).find("credit.yaml:3:18: 'params.rounds' is 0; it must be >= 1"),
            std::string::npos);
  EXPECT_NE(error([] {
              (void)ParseCreditExperiment("task: credit\nfolds: 1\n", "credit.yaml");
            }).find("credit.yaml:2:8: 'folds': cross-validation needs at least 2 folds"),
            std::string::npos);
  // A saved manifest's experiment is JSON: its places are its keys.
  EXPECT_NE(error([] {
              (void)ParseExperiment(ConfigNode::FromJson({{"data", {{"path", "x.csv"}}},
                                                          {"window", {{"lookback", 0}}}},
                                                         "model.json: experiment"),
                                    "model.json");
            }).find("model.json: experiment.window.lookback: 'window.lookback' is 0"),
            std::string::npos);
}

}  // namespace
}  // namespace finml::run
