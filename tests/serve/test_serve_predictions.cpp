// Served predictions against `finml predict` and `finml credit score` on the same inputs, and
// every read-only endpoint.
#include <gtest/gtest.h>

#include "finml/credit/outputs.hpp"
#include "finml/data/loader.hpp"
#include "finml/run/predict.hpp"
#include "serve_fixture.hpp"

namespace finml::serve {
namespace {

using testing::Models;
using testing::Running;

// The request a client would send for a CSV of bars: one object per row, with the fields the
// model uses.
nlohmann::json BarsRequest(const std::string& csv, const std::vector<std::string>& fields) {
  const data::MarketData md = data::ParseMarketData(csv, "window.csv");
  nlohmann::json bars = nlohmann::json::array();
  const auto& a = md.assets.front();
  for (std::size_t i = 0; i < md.rows(); ++i) {
    nlohmann::json bar = {{"date", md.time_label[i]}};
    for (const auto& f : fields) {
      if (f == "open") bar[f] = a.open[i];
      if (f == "high") bar[f] = a.high[i];
      if (f == "low") bar[f] = a.low[i];
      if (f == "close") bar[f] = a.close[i];
      if (f == "volume") bar[f] = a.volume[i];
    }
    bars.push_back(bar);
  }
  return {{"bars", bars}};
}

// decision date -> y_pred, from `finml predict` output.
// The window keeps its file's name: a single-asset file's symbol is its stem.
std::map<std::string, double> PredictCsv(const std::string& model_dir, const std::string& csv,
                                         const std::string& file) {
  WriteFileAtomic(file, csv);
  (void)run::PredictToCsv({model_dir, file, file + ".pred.csv"});
  std::map<std::string, double> out;
  std::istringstream in(ReadFile(file + ".pred.csv"));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    out[f[4]] = std::stod(f[3]);
  }
  return out;
}

TEST(ServePredictions, ForecastersMatchFinmlPredictOnTheSameBars) {
  const auto& m = Models();
  const std::string dir =
      testing::ModelsDir("forecast_match", {{"ar", m.ar}, {"lstm", m.lstm}, {"msft", m.ohlcv}});
  Running server(testing::TestOptions(dir));
  const std::string scratch = finml::testing::TempDir("serve_forecast_match_scratch");
  struct Case {
    std::string model, data;
    std::vector<std::string> fields;
  };
  for (const Case& c : {Case{"ar", "data/aer_djia8012.csv", {"close"}},
                        Case{"lstm", "data/aer_djia8012.csv", {"close"}},
                        Case{"msft", "data/msft_ohlcv.csv", {"high", "low", "close"}}}) {
    SCOPED_TRACE(c.model);
    const auto info = server.Get("/v1/models/" + c.model).Json();
    ASSERT_EQ(info.at("input").at("fields"), c.fields) << info.dump();
    const std::size_t min_bars = info.at("input").at("min_bars");
    ASSERT_GT(min_bars, 10u);
    for (std::size_t rows : {min_bars, min_bars + 40}) {
      SCOPED_TRACE(rows);
      const std::string csv = testing::TailCsv(finml::testing::RepoPath(c.data), rows);
      const auto expected = PredictCsv(
          info.at("dir"), csv, scratch + "/" + std::filesystem::path(c.data).filename().string());
      nlohmann::json request = BarsRequest(csv, c.fields);
      request["decisions"] = "all";
      const auto reply = server.Post("/v1/models/" + c.model + "/predict", request);
      ASSERT_EQ(reply.status, 200) << reply.body;
      const auto body = reply.Json();
      ASSERT_EQ(body.at("predictions").size(), expected.size());
      for (const auto& p : body.at("predictions")) {
        const std::string decision = p.at("decision");
        ASSERT_TRUE(expected.count(decision)) << decision;
        EXPECT_EQ(p.at("prediction").get<double>(), expected.at(decision)) << decision;  // bitwise
      }
      // The default answer is the latest decision alone.
      request.erase("decisions");
      const auto latest = server.Post("/v1/models/" + c.model + "/predict", request).Json();
      ASSERT_EQ(latest.at("predictions").size(), 1u);
      EXPECT_EQ(latest.at("predictions")[0].at("prediction").get<double>(),
                expected.rbegin()->second);
      EXPECT_EQ(latest.at("version"), info.at("version"));
    }
  }
  // One bar short of the window: refused, saying how many are needed.
  const auto info = server.Get("/v1/models/lstm").Json();
  const std::size_t min_bars = info.at("input").at("min_bars");
  const std::string csv =
      testing::TailCsv(finml::testing::RepoPath("data/aer_djia8012.csv"), min_bars - 1);
  const auto short_reply = server.Post("/v1/models/lstm/predict", BarsRequest(csv, {"close"}));
  EXPECT_EQ(short_reply.status, 422);
  EXPECT_EQ(short_reply.ErrorKind(), "wrong_window_length");
  EXPECT_NE(short_reply.body.find(fmt::format("at least {}", min_bars)), std::string::npos)
      << short_reply.body;
}

TEST(ServePredictions, PricesShorthandAndBatchesAgreeWithSingleWindows) {
  const auto& m = Models();
  Running server(testing::TestOptions(testing::ModelsDir("forecast_batch", {{"lstm", m.lstm}})));
  const std::size_t n = server.Get("/v1/models/lstm").Json().at("input").at("min_bars");
  const data::MarketData md =
      data::LoadMarketData(finml::testing::RepoPath("data/aer_djia8012.csv"));
  const auto& close = md.assets.front().close;
  nlohmann::json instances = nlohmann::json::array();
  std::vector<double> singles;
  for (std::size_t end : {std::size_t{3000}, std::size_t{5000}, md.rows()}) {
    std::vector<double> window(close.begin() + static_cast<std::ptrdiff_t>(end - n),
                               close.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<std::string> dates(md.time_label.begin() + static_cast<std::ptrdiff_t>(end - n),
                                   md.time_label.begin() + static_cast<std::ptrdiff_t>(end));
    const auto with_dates =
        server.Post("/v1/models/lstm/predict", {{"prices", window}, {"dates", dates}});
    const auto without = server.Post("/v1/models/lstm/predict", {{"prices", window}});
    ASSERT_EQ(with_dates.status, 200) << with_dates.body;
    ASSERT_EQ(without.status, 200) << without.body;
    // Dates only label the answer; the prediction is the same without them.
    EXPECT_EQ(with_dates.Json()["predictions"][0]["prediction"],
              without.Json()["predictions"][0]["prediction"]);
    EXPECT_EQ(with_dates.Json()["predictions"][0]["decision"], dates.back());
    EXPECT_EQ(without.Json()["predictions"][0]["decision"], std::to_string(n - 1));
    singles.push_back(with_dates.Json()["predictions"][0]["prediction"]);
    instances.push_back({{"prices", window}, {"dates", dates}});
  }
  const auto batch = server.Post("/v1/models/lstm/predict", {{"instances", instances}});
  ASSERT_EQ(batch.status, 200) << batch.body;
  const auto predictions = batch.Json().at("predictions");
  ASSERT_EQ(predictions.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(predictions[k].at("instance"), k);
    EXPECT_EQ(predictions[k].at("prediction").get<double>(), singles[k]);
  }
}

TEST(ServePredictions, CreditMatchesFinmlCreditScore) {
  const auto& m = Models();
  Running server(testing::TestOptions(testing::ModelsDir(
      "credit_match", {{"logistic", m.credit_logistic}, {"gbdt", m.credit_gbdt}})));
  const std::string scratch = finml::testing::TempDir("serve_credit_match_scratch");
  const std::string csv = testing::TailCsv(finml::testing::RepoPath("data/german_credit.csv"), 25);
  WriteFileAtomic(scratch + "/batch.csv", csv);
  for (const std::string name : {"logistic", "gbdt"}) {
    SCOPED_TRACE(name);
    const auto info = server.Get("/v1/models/" + name).Json();
    (void)credit::ScoreFile(info.at("dir"), scratch + "/batch.csv", scratch + "/scores.csv", {});
    const credit::Table scores = credit::LoadTable(scratch + "/scores.csv");
    std::vector<std::string> categorical;
    for (const auto& f : info.at("input").at("features"))
      if (f.at("type") == "string") categorical.push_back(f.at("name"));
    const credit::Table batch = credit::LoadTable(scratch + "/batch.csv", categorical);
    nlohmann::json applicants = nlohmann::json::array();
    for (std::size_t r = 0; r < batch.rows; ++r) {
      nlohmann::json a = nlohmann::json::object();
      for (const auto& f : info.at("input").at("features")) {
        const auto& column = batch.Get(f.at("name"));
        if (f.at("type") == "number")
          a[column.name] = column.numbers[r];
        else
          a[column.name] = column.labels[r];
      }
      applicants.push_back(a);
    }
    const auto reply = server.Post("/v1/models/" + name + "/predict", {{"applicants", applicants}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto predictions = reply.Json().at("predictions");
    ASSERT_EQ(predictions.size(), batch.rows);
    for (std::size_t r = 0; r < batch.rows; ++r) {
      EXPECT_EQ(predictions[r].at("probability").get<double>(),
                scores.Get("probability").numbers[r]);
      EXPECT_NEAR(predictions[r].at("score").get<double>(), scores.Get("score").numbers[r], 0.005);
      EXPECT_EQ(predictions[r].at("decision").get<std::string>(), scores.Get("decision").labels[r]);
      // The first reason is the one `finml credit score` names first.
      const std::string first = scores.Get("reason_1").labels[r];
      if (first.empty()) {
        EXPECT_TRUE(predictions[r].at("reasons").empty());
      } else {
        ASSERT_FALSE(predictions[r].at("reasons").empty());
        EXPECT_EQ(
            first.rfind(predictions[r]["reasons"][0].at("feature").get<std::string>() + " (", 0),
            0u)
            << first;
      }
    }
    // One applicant alone gets the same answer as inside the batch.
    const auto one = server.Post("/v1/models/" + name + "/predict",
                                 {{"applicant", applicants[4]}, {"reasons", 2}});
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(one.Json()["predictions"][0]["probability"], predictions[4]["probability"]);
    EXPECT_LE(one.Json()["predictions"][0]["reasons"].size(), 2u);
  }
}

TEST(ServePredictions, EndpointsDescribeTheModelsAndTheServer) {
  const auto& m = Models();
  Running server(testing::TestOptions(
      testing::ModelsDir("endpoints", {{"lstm", m.lstm}, {"credit", m.credit_logistic}})));
  const auto health = server.Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json()["status"], "ok");
  const auto ready = server.Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.Json()["models"], 2);
  const auto list = server.Get("/v1/models").Json().at("models");
  ASSERT_EQ(list.size(), 2u);
  for (const auto& model : list) {
    SCOPED_TRACE(model.dump());
    EXPECT_EQ(model.at("version").get<std::string>().size(), 12u);
    EXPECT_TRUE(model.at("drift_reference").get<bool>());
    EXPECT_TRUE(model.contains("metrics"));
  }
  EXPECT_EQ(list[0].at("kind"), "credit");
  EXPECT_EQ(list[0].at("training").at("sha256"),
            Sha256File(finml::testing::RepoPath("data/german_credit.csv")));
  EXPECT_EQ(list[1].at("kind"), "forecaster");
  EXPECT_EQ(list[1].at("training").at("data_sha256"),
            Sha256File(finml::testing::RepoPath("data/aer_djia8012.csv")));
  EXPECT_EQ(list[1].at("type"), "lstm");

  const std::size_t n = list[1].at("input").at("min_bars");
  const data::MarketData md =
      data::LoadMarketData(finml::testing::RepoPath("data/aer_djia8012.csv"));
  std::vector<double> window(md.assets[0].close.end() - static_cast<std::ptrdiff_t>(n),
                             md.assets[0].close.end());
  for (int k = 0; k < 3; ++k)
    ASSERT_EQ(server.Post("/v1/models/lstm/predict", {{"prices", window}}).status, 200);
  ASSERT_EQ(server.Post("/v1/models/lstm/predict", {{"prices", {1.0}}}).status, 422);

  const auto metrics = server.Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string& text = metrics.body;
  EXPECT_NE(text.find("# TYPE finml_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find(R"(finml_http_requests_total{route="predict",method="POST",code="200"} 3)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(finml_request_errors_total{kind="wrong_window_length"} 1)"),
            std::string::npos)
      << text;
  const std::string version = list[1].at("version");
  EXPECT_NE(text.find(R"(finml_predictions_total{model="lstm",version=")" + version + R"("} 3)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(finml_http_request_duration_seconds_count{route="predict"} 4)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(finml_models_loaded 2)"), std::string::npos);
  EXPECT_NE(text.find(R"(finml_prediction_drift_psi{model="lstm"})"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(finml_feature_drift_ks{model="lstm",feature="rsi_14"})"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace finml::serve
