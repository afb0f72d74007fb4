// Supervised fraud: the synthetic generator, the leakage-free features and the time-ordered
// training of `finml fraud train`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "../test_util.hpp"
#include "anomaly/fraud_features.hpp"
#include "finml/anomaly/fraud.hpp"
#include "finml/anomaly/transactions.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/credit/table.hpp"

namespace finml::anomaly {
namespace {

TransactionSettings Small() {
  TransactionSettings t;
  t.cards = 150;
  t.days = 40;
  t.merchants = 300;
  t.fraud_cards = 0.5;
  return t;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(FraudGenerator, SameSeedSameRowsInTimeOrderWithEveryPattern) {
  const auto a = GenerateTransactions(Small());
  EXPECT_EQ(a.csv, GenerateTransactions(Small()).csv);
  auto other = Small();
  other.seed = 7;
  EXPECT_NE(a.csv, GenerateTransactions(other).csv);
  EXPECT_GT(a.rows, 4000u);
  EXPECT_GT(a.frauds, 100u);
  EXPECT_LT(a.frauds, a.rows / 10);
  for (const char* p : {"card_testing", "account_takeover", "risky_merchant", "large_amount"})
    EXPECT_GT(a.per_pattern.count(p), 0u) << p;
  const auto lines = Lines(a.csv);
  ASSERT_EQ(lines.size(), a.rows + 1);
  for (std::size_t i = 2; i < lines.size(); ++i)  // ISO times sort as text
    ASSERT_LE(lines[i - 1].substr(lines[i - 1].find(',') + 1, 19),
              lines[i].substr(lines[i].find(',') + 1, 19))
        << "line " << i + 1;
}

credit::Table Transactions(const std::string& csv) { return credit::ParseTable(csv, "t.csv"); }

TEST(FraudFeatures, CountOnlyStrictlyEarlierRowsOfTheSameEntity) {
  // Card A at 0 s, 10 s, 10 s (the same second), 2 h; card B at 5 s. File order differs from
  // time order.
  const std::string csv =
      "time,card,amount,shop\n"
      "10,A,20,x\n"
      "0,A,10,x\n"
      "5,B,99,y\n"
      "10,A,30,y\n"
      "7210,A,40,x\n";
  FeatureSpec spec{"time", "card", "amount", {}, {"shop"}, {"1h"}, {3600}};
  const RawFeatures f = BuildRawFeatures(Transactions(csv), spec);
  EXPECT_EQ(f.order, (std::vector<std::size_t>{1, 2, 0, 3, 4}));
  auto col = [&](const std::string& name) {
    const auto it = std::find(f.names.begin(), f.names.end(), name);
    EXPECT_NE(it, f.names.end()) << name;
    return f.x.col(it - f.names.begin());
  };
  // Sorted rows: A@0, B@5, A@10 (file line 2), A@10 (line 4), A@7210.
  EXPECT_EQ(col("1h_count")[0], 0);
  EXPECT_EQ(col("1h_count")[1], 0);  // B never sees A
  EXPECT_EQ(col("1h_count")[2], 1);  // A@0 only: the other A@10 is not earlier
  EXPECT_EQ(col("1h_count")[3], 1);
  EXPECT_EQ(col("1h_count")[4], 0);  // 7210 - 3600 > 10: the window is empty
  EXPECT_DOUBLE_EQ(col("1h_amount")[2], std::log1p(10.0));
  EXPECT_DOUBLE_EQ(col("history_count")[4], std::log1p(3.0));
  EXPECT_DOUBLE_EQ(col("seconds_since_last")[4], std::log1p(7200.0));
  EXPECT_DOUBLE_EQ(col("amount_to_mean")[4], std::log(41.0 / 21.0));  // mean of 10, 20, 30
  EXPECT_EQ(col("shop_new")[0], 1);
  EXPECT_EQ(col("shop_new")[2], 0);  // x seen at 0
  EXPECT_EQ(col("shop_new")[3], 1);  // y only at the same second
  EXPECT_EQ(col("shop_new")[4], 0);
}

TEST(FraudFeatures, LaterRowsChangeNoEarlierFeature) {
  const auto generated = GenerateTransactions(Small());
  const auto lines = Lines(generated.csv);
  const std::size_t keep = lines.size() * 2 / 3;
  std::string prefix, changed;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i < keep) prefix += lines[i] + "\n";
    // Later rows all moved to one card with huge amounts.
    std::string line = lines[i];
    if (i >= keep)
      line = line.substr(0, line.find(",C")) + ",C00001,M00001,grocery,US,pos,99999,1,";
    changed += line + "\n";
  }
  FeatureSpec spec{"time",       "card",           "amount", {"amount"}, {"merchant", "country"},
                   {"1h", "7d"}, {3600, 7 * 86400}};
  const RawFeatures a = BuildRawFeatures(Transactions(generated.csv), spec);
  const RawFeatures b = BuildRawFeatures(Transactions(changed), spec);
  const auto rows = static_cast<Eigen::Index>(keep - 1);
  EXPECT_TRUE(a.x.topRows(rows).cwiseEqual(b.x.topRows(rows)).all());
  EXPECT_FALSE(a.x.cwiseEqual(b.x).all());
}

TEST(FraudFeatures, NoTrainingRowSeesItsOwnLabel) {
  const std::vector<std::vector<std::string>> categories = {
      {"a", "a", "b", "a", "b", "b", "a", "c", "a", "b"}};
  std::vector<int> y = {1, 0, 0, 1, 0, 1, 0, 1, 0, 0};
  const Eigen::MatrixXd before = CrossFitEncode(categories, y, 10, 5, 2);
  for (std::size_t r = 0; r < y.size(); ++r) {
    auto flipped = y;
    flipped[r] = 1 - flipped[r];
    const Eigen::MatrixXd after = CrossFitEncode(categories, flipped, 10, 5, 2);
    EXPECT_EQ(before(static_cast<Eigen::Index>(r), 0), after(static_cast<Eigen::Index>(r), 0)) << r;
  }
  // The smoothed rate: (frauds + smoothing x prior) / (rows + smoothing).
  std::vector<std::size_t> all(10);
  std::iota(all.begin(), all.end(), std::size_t{0});
  const TargetEncoder e = TargetEncoder::Fit(categories, y, all, 2);
  EXPECT_DOUBLE_EQ(e.prior, 0.4);
  EXPECT_DOUBLE_EQ(e.rates[0].at("a"), (2 + 0.8) / (5 + 2));
  const Eigen::MatrixXd unseen = e.Encode({{"zzz"}}, 0, 1);
  EXPECT_DOUBLE_EQ(unseen(0, 0), 0.4);
}

FraudSettings Settings(const std::string& data) {
  FraudSettings s;
  s.data = data;
  s.label = "is_fraud";
  s.time = "time";
  s.entity = "card";
  s.amount = "amount";
  s.pattern = "pattern";
  s.exclude = {"transaction_id"};
  s.rounds = 60;
  return s;
}

TEST(FraudTrain, LearnsThePatternsAndTheTestRowsChangeNothingFitted) {
  const std::string dir = finml::testing::TempDir("fraud_train");
  const auto generated = GenerateTransactions(Small());
  WriteFileAtomic(dir + "/a.csv", generated.csv);
  // The last 20% (the test rows) with labels flipped and amounts changed.
  const auto lines = Lines(generated.csv);
  const std::size_t test_from =
      1 + (lines.size() - 1) -
      static_cast<std::size_t>(std::llround(0.2 * static_cast<double>(lines.size() - 1)));
  std::string scrambled;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    if (i >= test_from) {
      const auto fraud = line.rfind(',', line.rfind(',') - 1);
      line = line.substr(0, fraud) + (line[fraud + 1] == '1' ? ",0," : ",1,");
    }
    scrambled += line + "\n";
  }
  WriteFileAtomic(dir + "/b.csv", scrambled);
  const Provenance provenance{"test", {}, {}};
  const auto lines_a = RunFraudTrain(Settings(dir + "/a.csv"), dir + "/fit_a", provenance);
  (void)RunFraudTrain(Settings(dir + "/b.csv"), dir + "/fit_b", provenance);
  const auto a = nlohmann::json::parse(ReadFile(dir + "/fit_a/model.json"));
  const auto b = nlohmann::json::parse(ReadFile(dir + "/fit_b/model.json"));
  EXPECT_EQ(a["models"], b["models"]);
  EXPECT_EQ(a["rates"], b["rates"]);
  EXPECT_EQ(a["mean"], b["mean"]);
  EXPECT_EQ(ReadFile(dir + "/fit_a/gbdt/xgboost.json"), ReadFile(dir + "/fit_b/gbdt/xgboost.json"));
  const auto m = nlohmann::json::parse(ReadFile(dir + "/fit_a/metrics.json"));
  const double base_rate =
      m["data"]["frauds"]["test"].get<double>() / m["data"]["test_rows"].get<double>();
  for (const char* model : {"gbdt", "combined", "logistic"}) {
    EXPECT_GT(m["models"][model]["test"]["roc_auc"].get<double>(), 0.85) << model;
    EXPECT_GT(m["models"][model]["test"]["pr_auc"].get<double>(), 10 * base_rate) << model;
    EXPECT_LT(m["models"][model]["test"]["cost"].get<double>(),
              m["models"][model]["test"]["cost_flag_none"].get<double>())
        << model;
  }
  EXPECT_GT(m["models"]["iforest"]["test"]["roc_auc"].get<double>(), 0.5);
  EXPECT_TRUE(m["models"]["gbdt"]["test"]["recall_by_pattern"].contains("card_testing"));
  const auto mb = nlohmann::json::parse(ReadFile(dir + "/fit_b/metrics.json"));
  EXPECT_EQ(m["models"]["gbdt"]["validation"], mb["models"]["gbdt"]["validation"]);
  EXPECT_NE(m["models"]["gbdt"]["test"]["roc_auc"], mb["models"]["gbdt"]["test"]["roc_auc"]);

  // Scoring the file again reproduces the test rows' ranking; a prefix of the file scores its
  // rows as the whole file does (features use earlier rows only).
  (void)RunFraudScore(dir + "/fit_a", dir + "/a.csv", dir + "/scores.csv");
  std::string prefix;
  for (std::size_t i = 0; i < lines.size() / 2; ++i) prefix += lines[i] + "\n";
  WriteFileAtomic(dir + "/prefix.csv", prefix);
  (void)RunFraudScore(dir + "/fit_a", dir + "/prefix.csv", dir + "/prefix_scores.csv");
  const auto all = Lines(ReadFile(dir + "/scores.csv"));
  const auto half = Lines(ReadFile(dir + "/prefix_scores.csv"));
  ASSERT_EQ(all.size(), lines.size());
  ASSERT_EQ(half.size(), lines.size() / 2);
  EXPECT_EQ(all[0],
            "row,time,card,gbdt_score,gbdt_flag,gbdt_top_features,logistic_score,logistic_flag,"
            "logistic_top_features,iforest_score,iforest_flag,iforest_top_features,combined_score,"
            "combined_flag,combined_top_features");
  // The card-testing bursts' later rows are explained by the card's recent count.
  EXPECT_NE(ReadFile(dir + "/scores.csv").find("1h_count=+"), std::string::npos);
  for (std::size_t i = 0; i < half.size(); ++i) ASSERT_EQ(all[i], half[i]) << i;
}

TEST(FraudTrain, RefusesAColumnThatRecordsTheOutcome) {
  const std::string dir = finml::testing::TempDir("fraud_leak");
  WriteFileAtomic(dir + "/a.csv", GenerateTransactions(Small()).csv);
  auto s = Settings(dir + "/a.csv");
  s.pattern.clear();  // the pattern column becomes a categorical feature
  s.models = {FraudModel::kLogistic};
  try {
    (void)RunFraudTrain(s, dir + "/out", Provenance{"test", {}, {}});
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("column 'pattern' separates the training frauds"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("--pattern pattern"), std::string::npos) << e.what();
  }
}

TEST(FraudTrain, NamesTheLineOfABadTimeAndAPartWithoutFrauds) {
  const std::string dir = finml::testing::TempDir("fraud_bad");
  WriteFileAtomic(dir + "/t.csv", "time,card,amount,is_fraud\n2026-01-01,A,1,0\nyesterday,A,2,1\n");
  auto s = Settings(dir + "/t.csv");
  s.pattern.clear();
  s.exclude.clear();
  EXPECT_THROW(
      {
        try {
          (void)RunFraudTrain(s, dir + "/out", Provenance{"test", {}, {}});
        } catch (const InvalidInput& e) {
          EXPECT_NE(std::string(e.what()).find("line 3, column 'time': 'yesterday' is not a time"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      InvalidInput);
  WriteFileAtomic(dir + "/few.csv",
                  "time,card,amount,is_fraud\n1,A,1,1\n2,A,1,0\n3,A,1,0\n4,A,1,0\n5,A,1,0\n");
  s.data = dir + "/few.csv";
  try {
    (void)RunFraudTrain(s, dir + "/out", Provenance{"test", {}, {}});
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_NE(
        std::string(e.what()).find("the validation rows (1 of them, in time order) hold 0 frauds"),
        std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)ParseWindow("7x", "--windows"), InvalidInput);
  EXPECT_EQ(ParseWindow("15m", "--windows"), 900);
}

}  // namespace
}  // namespace finml::anomaly
