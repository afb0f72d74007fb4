#include <gtest/gtest.h>

#include "finml/core/error.hpp"
#include "finml/run/experiment.hpp"

namespace finml::run {
namespace {

std::string ErrorOf(const std::string& yaml) {
  try {
    (void)ParseExperiment(yaml, "exp.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Experiment, ParsesEverySection) {
  ExperimentConfig c = ParseExperiment(R"(
name: panel
seed: 7
data:
  path: data/dowjones30.csv
  symbols: [AA, MSFT]
  missing: ffill
features:
  set: close
  include: [sma_50]
  normalizer: robust
target:
  kind: close
  horizon: 5
window:
  lookback: 3
split:
  validation_start: 1997-01-02
  test_start: 1999-01-04
  embargo: 2
models:
  - type: ar
    params: {p: 2}
  - type: ridge
    name: ridge_fixed
    params:
      alpha: 0.5
report:
  title: Two Dow stocks
)",
                                       "exp.yaml");
  EXPECT_EQ(c.name, "panel");
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.data.load.symbols, (std::vector<std::string>{"AA", "MSFT"}));
  EXPECT_EQ(c.data.load.missing, data::MissingPolicy::kForwardFill);
  EXPECT_EQ(c.features.include, std::vector<std::string>{"sma_50"});
  EXPECT_EQ(c.features.normalizer, train::NormalizerKind::kRobust);
  EXPECT_EQ(c.target.kind, train::TargetKind::kClose);
  EXPECT_EQ(c.target.horizon, 5u);
  EXPECT_EQ(c.window.lookback, 3u);
  EXPECT_TRUE(c.split.test_start.has_value());
  EXPECT_EQ(c.split.embargo, 2u);
  // The random walk is always added: every comparison is made against it.
  ASSERT_EQ(c.models.size(), 3u);
  EXPECT_EQ(c.models[0].type, "random_walk");
  EXPECT_EQ(c.models[2].name, "ridge_fixed");
  EXPECT_EQ(c.models[2].params["alpha"], nlohmann::json::array({0.5}));
  EXPECT_EQ(c.report.title, "Two Dow stocks");
  nlohmann::json j = c.ToJson();
  EXPECT_EQ(j["split"]["test_start"], "1999-01-04");
  EXPECT_EQ(j["data"]["missing"], "ffill");
}

TEST(Experiment, UnknownKeyNamesClosestValidKeyAndLocation) {
  std::string msg = ErrorOf("data:\n  path: data/aer_djia8012.csv\nwindow:\n  lookbak: 5\n");
  EXPECT_NE(msg.find("exp.yaml:4:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown key 'lookbak'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'lookback'"), std::string::npos) << msg;
  msg = ErrorOf("data:\n  path: x.csv\nmodle: []\n");
  EXPECT_NE(msg.find("did you mean 'models'"), std::string::npos) << msg;
}

TEST(Experiment, BadValuesAreErrors) {
  const std::string head = "data:\n  path: data/aer_djia8012.csv\n";
  EXPECT_NE(ErrorOf(head + "target:\n  kind: log_retrun\n").find("did you mean 'log_return'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "models:\n  - type: lstn\n")
                .find("exp.yaml:4:11: 'models[0].type': unknown model type 'lstn' (did you mean "
                      "'lstm'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "models:\n  - type: ar\n    params: {order: 3}\n")
                .find("unknown key 'order' in 'models[0].params' (did you mean 'p'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "models: [ar, ar]\n").find("two models are named 'ar'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "window:\n  lookback: many\n").find("must be a whole number"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "split:\n  test_start: 2001-13-01\n").find("not an ISO date"),
            std::string::npos);
  EXPECT_NE(ErrorOf("seed: 1\n").find("data.path"), std::string::npos);
  EXPECT_NE(ErrorOf(head + "models:\n  - {type: ar, name: ../escape}\n").find("may use only"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "models:\n  - {type: ridge, params: {alpha: [x]}}\n")
                .find("'models[0].params.alpha[0]' must be a number"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "split: {fold_validation: 1.5}\n").find("fold_validation"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "evaluation: {ic_min_assets: -1}\n").find("ic_min_assets"),
            std::string::npos);
  EXPECT_NE(ErrorOf("data: [1, 2\n").find("invalid YAML"), std::string::npos);
}

TEST(Experiment, BacktestSectionIsStrictAndOptional) {
  const std::string head = "data:\n  path: data/aer_djia8012.csv\n";
  EXPECT_FALSE(ParseExperiment(head, "exp.yaml").backtest.has_value());
  auto c = ParseExperiment(head + "backtest:\n  strategy: topk\n  top_k: 3\n  cost_bps: 2\n",
                           "exp.yaml");
  ASSERT_TRUE(c.backtest.has_value());
  EXPECT_EQ(c.backtest->strategy.name, "topk");
  EXPECT_EQ(c.backtest->strategy.top_k, 3u);
  EXPECT_EQ(c.backtest->execution.cost_bps, 2);
  EXPECT_EQ(c.ToJson()["backtest"]["strategy"], "topk");
  // The effective configuration (as saved in model manifests) parses back to the same settings.
  auto again = backtest::ParseBacktestConfig(c.ToJson()["backtest"], "backtest");
  EXPECT_EQ(again.ToJson(), c.backtest->ToJson());
  EXPECT_TRUE(ParseExperiment(head + "backtest:\n", "exp.yaml").backtest.has_value());
  std::string msg = ErrorOf(head + "backtest:\n  cost_bsp: 2\n");
  EXPECT_NE(msg.find("exp.yaml:4:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'cost_bps'"), std::string::npos) << msg;
  msg = ErrorOf(head + "backtest:\n  strategy: topx\n");
  EXPECT_NE(msg.find("did you mean 'topk'"), std::string::npos) << msg;
  msg = ErrorOf(head + "backtest: {fill: noon}\n");
  EXPECT_NE(msg.find("fill 'noon'"), std::string::npos) << msg;
  msg = ErrorOf(head + "backtest: {strategy: sma_cross}\n");
  EXPECT_NE(msg.find("'backtest': an experiment trades its models' predictions"), std::string::npos)
      << msg;
  msg = ErrorOf("data:\n  path: data/aer_djia8012.csv\n  missing: keep\n");
  EXPECT_NE(msg.find("missing: keep"), std::string::npos) << msg;
}

TEST(Experiment, QuickstartDefaults) {
  ExperimentConfig q = QuickstartExperiment();
  EXPECT_EQ(q.data.path, "data/aer_djia8012.csv");
  EXPECT_EQ(q.target.kind, train::TargetKind::kLogReturn);
  std::vector<std::string> types;
  for (const auto& m : q.models) types.push_back(m.type);
  EXPECT_EQ(types, (std::vector<std::string>{"random_walk", "historical_mean", "ar", "ridge",
                                             "lstm", "transformer"}));
  ASSERT_TRUE(q.backtest.has_value());
  EXPECT_EQ(q.backtest->strategy.name, "threshold");
}

}  // namespace finml::run
