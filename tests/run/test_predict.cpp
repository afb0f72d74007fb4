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
  try {
    (void)PredictToCsv({dir + "/run/models/ar", dir + "/nan.csv", dir + "/p.csv"});
    FAIL();
  } catch (const DataError& e) {
    // The fix names no flag predict lacks.
    const std::string message = e.what();
    EXPECT_NE(message.find("nan.csv:3:2: missing value"), std::string::npos) << message;
    EXPECT_NE(message.find("reads the file as the model's run did (missing: error"),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find("--missing"), std::string::npos) << message;
  }
  EXPECT_THROW((void)PredictToCsv({dir + "/nowhere", dir + "/short.csv", dir + "/p.csv"}), IoError);
  // The run's directory where a model's belongs: the error lists the models.
  try {
    (void)PredictToCsv({dir + "/run", dir + "/short.csv", dir + "/p.csv"});
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("a run's directory, not one of its models"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("random_walk"), std::string::npos) << e.what();
  }
  WriteFileAtomic(dir + "/other.csv", "Date,SPX\n2012-01-03,1200\n2012-01-04,1201\n");
  EXPECT_THROW((void)PredictToCsv({dir + "/run/models/ar", dir + "/other.csv", dir + "/p.csv"}),
               InvalidInput);
}

namespace {

// An OHLCV model on data/msft_ohlcv.csv (its asset is named after the file: msft_ohlcv).
std::string TrainOnMsft(const std::string& dir) {
  ExperimentConfig config = ParseExperiment(R"(
data:
  path: data/msft_ohlcv.csv
features:
  set: stationary
models:
  - ridge
)",
                                            testing::RepoPath("examples/x.yaml"));
  RunOptions options;
  options.out_dir = dir + "/run";
  (void)RunExperiment(config, options);
  return dir + "/run/models/ridge";
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST(Predict, AModelOfOneAssetPredictsACopyOfItsFileUnderAnotherName) {
  const std::string dir = testing::TempDir("predict_renamed");
  const std::string model = TrainOnMsft(dir);
  const std::string original = testing::RepoPath("data/msft_ohlcv.csv");
  WriteFileAtomic(dir + "/latest_bars.csv", ReadFile(original));
  const std::size_t n = PredictToCsv({model, original, dir + "/a.csv"});
  EXPECT_EQ(PredictToCsv({model, dir + "/latest_bars.csv", dir + "/b.csv"}), n);
  EXPECT_EQ(ReadFile(dir + "/a.csv"), ReadFile(dir + "/b.csv"));
  // A close column headed with another asset's name still says which asset it is.
  std::string other = "Date,SPX\n";
  for (const auto& line : Lines(original)) {
    if (line.front() != '"' || line.rfind("\"Date\"", 0) == 0) continue;
    const auto first = line.find(','), close = line.rfind(',', line.rfind(',') - 1);
    other += line.substr(1, first - 2) + "," + line.substr(close + 1, line.rfind(',') - close - 1) +
             "\n";
  }
  WriteFileAtomic(dir + "/spx.csv", other);
  // The same column in a file of the same name: still another asset's, however the file is called.
  WriteFileAtomic(dir + "/SPX.csv", other);
  for (const char* file : {"/spx.csv", "/SPX.csv"}) {
    try {
      (void)PredictToCsv({model, dir + file, dir + "/c.csv"});
      FAIL() << file;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("no asset 'msft_ohlcv'"), std::string::npos) << e.what();
    }
  }
}

TEST(Predict, ThePredictionsScoreTheForecastMoveAsARunsDo) {
  const std::string dir = testing::TempDir("predict_score");
  const std::string model = TrainOnMsft(dir);
  (void)PredictToCsv({model, testing::RepoPath("data/msft_ohlcv.csv"), dir + "/p.csv"});
  const auto lines = Lines(dir + "/p.csv");
  ASSERT_EQ(lines.front(), "date,model,y_true,y_pred,decision_date,score");
  // A log-return target's no-change forecast is 0: the score is the prediction itself.
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f;
    std::stringstream ss(lines[i]);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    ASSERT_EQ(f.size(), 6u) << lines[i];
    EXPECT_EQ(std::stod(f[5]), std::stod(f[3])) << lines[i];
  }
}

TEST(Predict, TooFewRowsSayHowManyTheModelNeedsAndThatManySuffice) {
  const std::string dir = testing::TempDir("predict_rows");
  const std::string model = TrainOnMsft(dir);
  const auto lines = Lines(testing::RepoPath("data/msft_ohlcv.csv"));
  auto first = [&](std::size_t rows) {
    std::string text;
    for (std::size_t i = 0; i <= rows; ++i) text += lines[i] + "\n";
    WriteFileAtomic(dir + "/msft_ohlcv.csv", text);
    return dir + "/msft_ohlcv.csv";
  };
  std::size_t need = 0;
  try {
    (void)PredictToCsv({model, first(20), dir + "/p.csv"});
    FAIL();
  } catch (const InvalidInput& e) {
    const std::string message = e.what();
    const auto at = message.find("needs at least ");
    ASSERT_NE(at, std::string::npos) << message;
    need = std::stoul(message.substr(at + 15));
  }
  ASSERT_GT(need, 20u);
  ASSERT_LT(need, lines.size() - 1);
  EXPECT_EQ(PredictToCsv({model, first(need), dir + "/p.csv"}), 1u);
  EXPECT_THROW((void)PredictToCsv({model, first(need - 1), dir + "/p.csv"}), InvalidInput);
}

}  // namespace finml::run
