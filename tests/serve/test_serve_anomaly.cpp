// Saved anomaly and fraud models behind the server answer what `finml anomaly score` and
// `finml fraud score` write for the same records, one record as in a batch, and refuse requests
// they cannot read with the field's path.
#include <gtest/gtest.h>

#include <sstream>

#include "finml/anomaly/fraud.hpp"
#include "finml/anomaly/model.hpp"
#include "finml/anomaly/transactions.hpp"
#include "finml/core/files.hpp"
#include "finml/core/provenance.hpp"
#include "finml/data/timestamp.hpp"
#include "finml/serve/servable.hpp"
#include "serve/request_error.hpp"
#include "test_util.hpp"

namespace finml::serve {
namespace {

std::vector<std::vector<std::string>> Csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

TEST(ServeAnomaly, AnswersWhatAnomalyScoreWrites) {
  const std::string dir = finml::testing::TempDir("serve_anomaly");
  anomaly::FitSettings s;
  s.data = finml::testing::RepoPath("data/odds_pima.csv");
  s.label = "label";
  s.detectors = {anomaly::DetectorKind::kHbos, anomaly::DetectorKind::kIsolationForest};
  (void)anomaly::RunAnomalyFit(s, dir + "/model", Provenance{"test", {}, {}});
  (void)anomaly::RunAnomalyScore(dir + "/model", s.data, dir + "/scores.csv");
  const auto scores = Csv(ReadFile(dir + "/scores.csv"));
  const auto data = Csv(ReadFile(s.data));
  auto servable = LoadServable(dir + "/model", "pima", ServeLimits{});
  EXPECT_STREQ(servable->Kind(), "anomaly");
  EXPECT_EQ(servable->Info()["detectors"][1], "iforest");
  nlohmann::json records = nlohmann::json::array();
  for (std::size_t r = 1; r <= 5; ++r) {
    nlohmann::json record;
    for (std::size_t j = 0; j + 1 < data[0].size(); ++j) record[data[0][j]] = std::stod(data[r][j]);
    records.push_back(record);
  }
  Observation observed;
  const auto batch = servable->Predict({{"records", records}}, observed);
  ASSERT_EQ(batch["predictions"].size(), 5U);
  for (std::size_t r = 0; r < 5; ++r) {
    const auto& p = batch["predictions"][r];
    EXPECT_NEAR(p["hbos"]["score"].get<double>(), std::stod(scores[r + 1][1]), 1e-8);
    EXPECT_EQ(p["hbos"]["anomaly"].get<bool>(), scores[r + 1][2] == "1");
    EXPECT_NEAR(p["iforest"]["score"].get<double>(), std::stod(scores[r + 1][4]), 1e-8);
    EXPECT_EQ(p["hbos"]["top_features"].size(), 3U);
    EXPECT_EQ(p["hbos"]["top_features"][0]["feature"].get<std::string>() + "=",
              scores[r + 1][3].substr(0, scores[r + 1][3].find('=') + 1));
    const auto one = servable->Predict({{"records", {records[r]}}, {"top_features", 0}}, observed);
    EXPECT_EQ(one["predictions"][0]["iforest"]["score"], p["iforest"]["score"]);
    EXPECT_FALSE(one["predictions"][0]["iforest"].contains("top_features"));
  }
  const auto refused = [&](const nlohmann::json& request, const std::string& field) {
    try {
      (void)servable->Predict(request, observed);
      ADD_FAILURE() << "accepted " << request.dump().substr(0, 200);
    } catch (const RequestError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  refused(nlohmann::json::object(), "records");
  refused({{"records", nlohmann::json::array()}}, "records");
  auto partial = records[0];
  partial.erase("feature_3");
  refused({{"records", {records[1], partial}}}, "records[1].feature_3");
  auto text = records[0];
  text["feature_0"] = "high";
  refused({{"records", {text}}}, "records[0].feature_0");
  auto extra = records[0];
  extra["colour"] = 1;
  refused({{"records", {extra}}}, "colour");
}

TEST(ServeFraud, AnswersWhatFraudScoreWrites) {
  const std::string dir = finml::testing::TempDir("serve_fraud");
  anomaly::TransactionSettings t;
  t.cards = 120;
  t.days = 30;
  t.merchants = 200;
  t.fraud_cards = 0.5;
  const std::string csv = anomaly::GenerateTransactions(t).csv;
  WriteFileAtomic(dir + "/t.csv", csv);
  anomaly::FraudSettings s;
  s.data = dir + "/t.csv";
  s.label = "is_fraud";
  s.time = "time";
  s.entity = "card";
  s.amount = "amount";
  s.pattern = "pattern";
  s.exclude = {"transaction_id"};
  s.rounds = 20;
  s.models = {anomaly::FraudModel::kGbdt, anomaly::FraudModel::kIsolationForest};
  (void)anomaly::RunFraudTrain(s, dir + "/model", Provenance{"test", {}, {}});
  // The last 40 transactions scored as a file and as one request.
  const auto rows = Csv(csv);
  std::string tail = csv.substr(0, csv.find('\n') + 1);
  nlohmann::json transactions = nlohmann::json::array();
  for (std::size_t r = rows.size() - 40; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t j = 0; j < rows[r].size(); ++j) line += (j ? "," : "") + rows[r][j];
    tail += line + (rows[r].size() < rows[0].size() ? "," : "") + "\n";
    transactions.push_back({{"time", rows[r][1]},
                            {"card", rows[r][2]},
                            {"merchant", rows[r][3]},
                            {"category", rows[r][4]},
                            {"country", rows[r][5]},
                            {"channel", rows[r][6]},
                            {"amount", std::stod(rows[r][7])}});
  }
  WriteFileAtomic(dir + "/tail.csv", tail);
  (void)anomaly::RunFraudScore(dir + "/model", dir + "/tail.csv", dir + "/scores.csv");
  const auto scores = Csv(ReadFile(dir + "/scores.csv"));
  auto servable = LoadServable(dir + "/model", "fraud", ServeLimits{});
  EXPECT_STREQ(servable->Kind(), "fraud");
  Observation observed;
  const auto answer = servable->Predict({{"transactions", transactions}}, observed);
  ASSERT_EQ(answer["predictions"].size(), 40U);
  for (std::size_t r = 0; r < 40; ++r) {
    EXPECT_NEAR(answer["predictions"][r]["gbdt"]["score"].get<double>(),
                std::stod(scores[r + 1][3]), 1e-6 * (1 + std::stod(scores[r + 1][3])));
    EXPECT_EQ(answer["predictions"][r]["gbdt"]["fraud"].get<bool>(), scores[r + 1][4] == "1");
    EXPECT_EQ(answer["predictions"][r]["gbdt"]["top_features"], scores[r + 1][5]);
    EXPECT_EQ(scores[r + 1][2], transactions[r]["card"]);
  }
  // Times as seconds since 1970, numbers or text, give the same answers.
  auto epoch = transactions;
  for (std::size_t r = 0; r < epoch.size(); ++r) {
    const auto t = *data::ParseTimestamp(epoch[r]["time"].get<std::string>());
    epoch[r]["time"] = r % 2 ? nlohmann::json(t) : nlohmann::json(std::to_string(t));
  }
  EXPECT_EQ(servable->Predict({{"transactions", epoch}}, observed)["predictions"],
            answer["predictions"]);
  EXPECT_TRUE(servable->Info()["metrics"].contains("gbdt"));
  EXPECT_THROW((void)servable->Predict({{"transactions", nlohmann::json::array()}}, observed),
               RequestError);
  auto bad = transactions;
  bad[3]["amount"] = "lots";
  EXPECT_THROW((void)servable->Predict({{"transactions", bad}}, observed), RequestError);
  bad = transactions;
  bad[2].erase("card");
  try {
    (void)servable->Predict({{"transactions", bad}}, observed);
    ADD_FAILURE() << "accepted";
  } catch (const RequestError& e) {
    EXPECT_NE(std::string(e.what()).find("transactions[2].card"), std::string::npos) << e.what();
  }
  bad = transactions;
  bad[0]["time"] = "soon";
  EXPECT_THROW((void)servable->Predict({{"transactions", bad}}, observed), RequestError);
}

}  // namespace
}  // namespace finml::serve
