#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/run/predict.hpp"
#include "finml/run/runner.hpp"
#include "test_util.hpp"

namespace finml::run {
namespace {

// model -> decision_date(+symbol) -> y_pred text, from a predictions CSV.
std::map<std::string, std::map<std::string, std::string>> ReadPredictions(const std::string& path,
                                                                          bool has_split) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::istringstream in(ReadFile(path));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (line.back() == ',') f.emplace_back();
    std::size_t decision = has_split ? 5 : 4;
    std::string key = f[decision] + (f.size() > decision + 1 ? "/" + f[decision + 1] : "");
    out[f[1]][key] = f[3];
  }
  return out;
}

}  // namespace

TEST(Predict, SavedModelsReproduceTheRunsPredictionsExactly) {
  std::string dir = testing::TempDir("predict");
  ExperimentConfig config = ParseExperiment(R"(
data:
  path: data/dowjones30.csv
  symbols: [AA, KO, MSFT]
window:
  lookback: 2
models:
  - type: ar
    params: {p: 3}
  - historical_mean
  - ridge
  - type: lstm
    params: {epochs: 2, hidden: 8}
)",
                                            testing::RepoPath("examples/x.yaml"));
  RunOptions options;
  options.out_dir = dir + "/run";
  (void)RunExperiment(config, options);
  auto expected = ReadPredictions(dir + "/run/predictions.csv", true);
  for (const char* name : {"random_walk", "ar", "historical_mean", "ridge", "lstm"}) {
    SCOPED_TRACE(name);
    std::size_t n = PredictToCsv(
        {dir + "/run/models/" + name, testing::RepoPath("data/dowjones30.csv"), dir + "/p.csv"});
    auto got = ReadPredictions(dir + "/p.csv", false);
    ASSERT_EQ(got.size(), 1u);
    const auto& want = expected.at(name);
    std::size_t matched = 0;
    for (const auto& [key, value] : want) {
      ASSERT_TRUE(got.begin()->second.count(key)) << key;
      EXPECT_EQ(got.begin()->second.at(key), value) << key;
      ++matched;
    }
    EXPECT_GT(matched, 1000u);
    // The last decision of each symbol has no outcome yet and is still predicted.
    EXPECT_EQ(n, got.begin()->second.size());
    EXPECT_GT(n, matched);
  }
}

TEST(Predict, BadInputsAreClearErrors) {
  std::string dir = testing::TempDir("predict_bad");
  RunOptions options;
  options.out_dir = dir + "/run";
  ExperimentConfig config = QuickstartExperiment();
  config.models.resize(3);  // the baselines suffice to exercise bad inputs
  (void)RunExperiment(config, options);
  WriteFileAtomic(dir + "/short.csv", "Date,DJIA\n2012-01-03,12000\n2012-01-04,12010\n");
  try {
    (void)PredictToCsv({dir + "/run/models/ar", dir + "/short.csv", dir + "/p.csv"});
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("too few for one full input window"), std::string::npos)
        << e.what();
  }
  WriteFileAtomic(dir + "/nan.csv", "Date,DJIA\n2012-01-03,12000\n2012-01-04,\n");
  EXPECT_THROW((void)PredictToCsv({dir + "/run/models/ar", dir + "/nan.csv", dir + "/p.csv"}),
               DataError);
  EXPECT_THROW((void)PredictToCsv({dir + "/nowhere", dir + "/short.csv", dir + "/p.csv"}), IoError);
  WriteFileAtomic(dir + "/other.csv", "Date,SPX\n2012-01-03,1200\n2012-01-04,1201\n");
  EXPECT_THROW((void)PredictToCsv({dir + "/run/models/ar", dir + "/other.csv", dir + "/p.csv"}),
               InvalidInput);
}

}  // namespace finml::run
