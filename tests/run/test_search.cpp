// Hyperparameter search: the grid is every combination in scikit-learn's order, random draws are
// seeded and within their ranges, and the winner is the candidate with the lowest validation MSE,
// judged without the test segment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/run/experiment.hpp"
#include "finml/run/runner.hpp"
#include "finml/run/search.hpp"
#include "test_util.hpp"

namespace finml::run {
namespace {

ExperimentConfig Ridge(const std::string& search) {
  return ParseExperiment(R"(
name: search_test
data: {path: data/msft_ohlcv.csv}
features: {set: stationary}
target: {kind: log_return, horizon: 1}
split: {validation_start: 2001-05-01, test_start: 2001-07-02}
models:
  - type: ridge
)" + search,
                         "search.yaml");
}

TEST(Search, GridTriesEveryValueAndKeepsTheLowestValidationLoss) {
  const auto config =
      Ridge("search: {method: grid, model: ridge, params: {alpha: [0.01, 10.0, 1000.0]}}");
  SearchOutcome outcome;
  const ExperimentConfig best = ApplySearch(config, false, outcome);
  ASSERT_EQ(outcome.trials.size(), 3u);
  double lowest = INFINITY;
  std::size_t winner = 0;
  for (const auto& t : outcome.trials) {
    if (t.validation_mse < lowest) {
      lowest = t.validation_mse;
      winner = t.candidate;
    }
  }
  EXPECT_EQ(outcome.trials[0].params["alpha"], 0.01);
  EXPECT_EQ(outcome.trials[2].params["alpha"], 1000.0);
  EXPECT_TRUE(outcome.trials[winner].best);
  const auto ridge = std::find_if(best.models.begin(), best.models.end(),
                                  [](const ModelEntry& m) { return m.name == "ridge"; });
  ASSERT_NE(ridge, best.models.end());
  // Ridge keeps alpha as a list (it picks among several on validation itself).
  EXPECT_EQ(ridge->params["alpha"],
            nlohmann::json::array({outcome.trials[winner].params["alpha"]}));
  // The candidates' losses differ, so the choice is real.
  EXPECT_NE(outcome.trials[0].validation_mse, outcome.trials[2].validation_mse);
  // Each trial's loss is that of a plain run with its alpha.
  ExperimentConfig plain = config;
  plain.search.reset();
  plain.models = {*ridge};
  plain.models[0].params["alpha"] = 10.0;
  EXPECT_EQ(RunPipeline(plain).models[0].validation.metrics.mse, outcome.trials[1].validation_mse);
}

TEST(Search, ScramblingTheTestPeriodChangesNothingTheSearchDecides) {
  // The same data with every price of the test period scrambled.
  const std::string dir = testing::TempDir("search_lookahead");
  std::istringstream in(ReadFile(ResolveDataPath("data/msft_ohlcv.csv", "")));
  std::string line, scrambled;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  while (std::getline(in, line)) {
    // The last validation decision's target is the close of the first test day: scramble after.
    if (line > "\"2001-07-03\"" && line[1] == '2') {
      const double f = factor(rng);
      std::vector<std::string> cells;
      std::stringstream fields(line);
      for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
      for (int k = 1; k <= 4; ++k) cells[k] = fmt::format("{}", std::stod(cells[k]) * f);
      line = cells[0];
      for (std::size_t k = 1; k < cells.size(); ++k) line += "," + cells[k];
    }
    scrambled += line + "\n";
  }
  WriteFileAtomic(dir + "/msft.csv", scrambled);
  const std::string search =
      "search: {method: random, model: ridge, trials: 4, params: {alpha: {low: 0.001, high: 100, "
      "log: true}}}";
  const auto config = Ridge(search);
  auto other = config;
  other.data.path = dir + "/msft.csv";
  SearchOutcome a, b;
  (void)ApplySearch(config, false, a);
  (void)ApplySearch(other, false, b);
  ASSERT_EQ(a.trials.size(), 4u);
  ASSERT_EQ(a.trials.size(), b.trials.size());
  for (std::size_t i = 0; i < a.trials.size(); ++i) {
    EXPECT_EQ(a.trials[i].params, b.trials[i].params);
    EXPECT_EQ(a.trials[i].validation_mse, b.trials[i].validation_mse);
    const double alpha = a.trials[i].params["alpha"].get<double>();
    EXPECT_GE(alpha, 0.001);
    EXPECT_LE(alpha, 100);
  }
  EXPECT_EQ(a.best_params, b.best_params);
  // And the scrambling reached the test segment.
  auto plain = config, plain_other = other;
  plain.models.resize(1);
  plain_other.models.resize(1);
  plain.search.reset();
  plain_other.search.reset();
  EXPECT_NE(RunPipeline(plain).models[0].test.metrics.mse,
            RunPipeline(plain_other).models[0].test.metrics.mse);
}

TEST(Search, AParameterTheModelLacksIsNamed) {
  const auto config = Ridge("search: {model: ridge, params: {alpah: [1, 2]}}");
  SearchOutcome outcome;
  try {
    (void)ApplySearch(config, false, outcome);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("search.params.alpah: model 'ridge' has no parameter"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace finml::run
