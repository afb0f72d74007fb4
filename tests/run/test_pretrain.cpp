#include <gtest/gtest.h>

#include <random>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/data/loader.hpp"
#include "finml/run/runner.hpp"
#include "test_util.hpp"

namespace finml::run {
namespace {

// Three Dow stocks as a separate pretraining file; prices after `shuffle_after` (if set) are
// permuted within each column.
std::string WriteSource(const std::string& path, std::optional<data::Timestamp> shuffle_after) {
  data::MarketData dow = data::LoadMarketData(testing::RepoPath("data/dowjones30.csv"));
  std::vector<std::string> symbols = {"AA", "KO", "MSFT"};
  std::vector<std::vector<double>> cols;
  std::mt19937 rng(5);
  for (const auto& s : symbols) {
    auto c = dow.Asset(s).close;
    if (shuffle_after) {
      auto first =
          std::upper_bound(dow.time.begin(), dow.time.end(), *shuffle_after) - dow.time.begin();
      std::shuffle(c.begin() + first, c.end(), rng);
    }
    cols.push_back(c);
  }
  std::string csv = "Date,AA,KO,MSFT\n";
  for (std::size_t i = 0; i < dow.rows(); ++i)
    csv += fmt::format("{},{},{},{}\n", dow.time_label[i], cols[0][i], cols[1][i], cols[2][i]);
  WriteFileAtomic(path, csv);
  return path;
}

ExperimentConfig Config(const std::string& source, const std::string& mode) {
  return ParseExperiment(fmt::format(R"(
data:
  path: data/dowjones30.csv
  symbols: [IBM]
split:
  validation_start: 1998-01-02
  test_start: 1999-06-01
models:
  - type: gpt
    params: {{mode: {}, pretrain: [{}], lookback: 6, hidden: 8, heads: 2, layers: 1,
              batch: 256, epochs: 2, pretrain_epochs: 2, lr: 0.005}}
)",
                                     mode, source),
                         testing::RepoPath("examples/x.yaml"));
}

const ModelOutcome& Gpt(const RunRecord& r) { return r.models.at(1); }

}  // namespace

TEST(Pretrain, UsesOnlyDataBeforeTheFirstJudgedDate) {
  std::string dir = testing::TempDir("pretrain");
  const data::Timestamp cutoff = *data::ParseTimestamp("1998-01-02");
  RunRecord a = RunPipeline(Config(WriteSource(dir + "/src.csv", std::nullopt), "zero_shot"));
  ASSERT_EQ(a.pretrain_samples.size(), 1u);
  // Three stocks' windows up to the cutoff: far more samples than IBM's own training part.
  EXPECT_GT(a.pretrain_samples[0].second, 2 * a.train_info.samples);
  EXPECT_EQ(Gpt(a).description["mode"], "zero_shot");
  EXPECT_EQ(Gpt(a).description["pretrain_epochs_run"], 2);
  // Shuffling the source after the cutoff must change nothing the model learnt.
  RunRecord b = RunPipeline(Config(WriteSource(dir + "/shuffled.csv", cutoff), "zero_shot"));
  EXPECT_EQ(a.pretrain_samples, b.pretrain_samples);
  EXPECT_EQ(Gpt(a).description.dump(), Gpt(b).description.dump());
  EXPECT_EQ(Gpt(a).test.prediction, Gpt(b).test.prediction);
  // ...while shuffling from a year earlier does change it, so the check above can fail.
  RunRecord c = RunPipeline(
      Config(WriteSource(dir + "/early.csv", *data::ParseTimestamp("1997-01-02")), "zero_shot"));
  EXPECT_NE(Gpt(a).test.prediction, Gpt(c).test.prediction);
}

TEST(Pretrain, FineTuneAndScratchDiffer) {
  std::string dir = testing::TempDir("pretrain_modes");
  std::string source = WriteSource(dir + "/src.csv", std::nullopt);
  RunRecord tuned = RunPipeline(Config(source, "fine_tune"));
  RunRecord scratch = RunPipeline(Config(source, "scratch"));
  EXPECT_EQ(Gpt(tuned).description["pretrain_epochs_run"], 2);
  EXPECT_EQ(Gpt(scratch).description["pretrain_epochs_run"], 0);
  EXPECT_TRUE(scratch.pretrain_samples.empty());
  EXPECT_NE(Gpt(tuned).test.prediction, Gpt(scratch).test.prediction);
}

TEST(Pretrain, SourcesAreValidated) {
  EXPECT_THROW((void)RunPipeline(Config("data/eustockmarkets.csv", "zero_shot")), InvalidInput);
  EXPECT_THROW((void)RunPipeline(Config("data/msft_ohlcv.csv", "zero_shot")), InvalidInput);
  EXPECT_THROW((void)ParseExperiment(R"(
data: {path: data/aer_djia8012.csv}
models:
  - type: gpt
    params: {mode: zero_shot}
)",
                                     "x.yaml"),
               ConfigError);
}

}  // namespace finml::run
