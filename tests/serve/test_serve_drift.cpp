// Drift as the server reports it: inputs like the training data barely move the statistics,
// shifted inputs move them a lot, on /v1/models/<name>/drift and on /metrics.
#include <gtest/gtest.h>

#include "finml/data/loader.hpp"
#include "serve_fixture.hpp"

namespace finml::serve {
namespace {

using testing::Models;
using testing::Running;

TEST(ServeDrift, ShiftedApplicantsShowUpInTheirFeatureAndInThePredictions) {
  const auto& m = Models();
  ServeOptions o =
      testing::TestOptions(testing::ModelsDir("drift_credit", {{"credit", m.credit_logistic}}));
  o.drift_window = 200;
  Running server(o);
  const auto empty = server.Get("/v1/models/credit/drift").Json();
  EXPECT_TRUE(empty.at("available").get<bool>());
  EXPECT_EQ(empty.at("prediction").at("count"), 0);
  EXPECT_TRUE(empty.at("features").at("Age").at("psi").is_null());

  const credit::Table t = credit::LoadTable(finml::testing::RepoPath("data/german_credit.csv"));
  auto applicant = [&](std::size_t r) {
    nlohmann::json a = nlohmann::json::object();
    for (const auto& c : t.columns)
      if (c.name != "Class") a[c.name] = c.numbers[r];
    return a;
  };
  // 200 training applicants: the window looks like training.
  nlohmann::json batch = nlohmann::json::array();
  for (std::size_t r = 0; r < 200; ++r) batch.push_back(applicant(r * 5));
  ASSERT_EQ(server.Post("/v1/models/credit/predict", {{"applicants", batch}}).status, 200);
  const auto calm = server.Get("/v1/models/credit/drift").Json();
  EXPECT_EQ(calm.at("prediction").at("count"), 200);
  EXPECT_LT(calm.at("features").at("Duration").at("psi").get<double>(), 0.1);
  EXPECT_LT(calm.at("features").at("Duration").at("ks").get<double>(), 0.1);
  EXPECT_LT(calm.at("prediction").at("psi").get<double>(), 0.25);

  // The same applicants asking for far longer loans: the window is now all shifted ones.
  for (auto& a : batch) a["Duration"] = a["Duration"].get<double>() * 3 + 24;
  ASSERT_EQ(server.Post("/v1/models/credit/predict", {{"applicants", batch}}).status, 200);
  const auto shifted = server.Get("/v1/models/credit/drift").Json();
  EXPECT_EQ(shifted.at("window"), 200);
  EXPECT_EQ(shifted.at("features").at("Duration").at("count"), 200);
  EXPECT_GT(shifted.at("features").at("Duration").at("psi").get<double>(), 1.0);
  EXPECT_GT(shifted.at("features").at("Duration").at("ks").get<double>(), 0.5);
  EXPECT_LT(shifted.at("features").at("Age").at("psi").get<double>(), 0.1);  // untouched
  EXPECT_GT(shifted.at("prediction").at("ks").get<double>(),
            calm.at("prediction").at("ks").get<double>());
  const std::string metrics = server.Get("/metrics").body;
  const std::string series = R"(finml_feature_drift_psi{model="credit",feature="Duration"} )";
  const auto at = metrics.find(series);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_NEAR(std::stod(metrics.substr(at + series.size())),
              shifted.at("features").at("Duration").at("psi").get<double>(), 1e-9);
}

TEST(ServeDrift, ACrashingMarketShowsUpInTheForecastersInputs) {
  const auto& m = Models();
  ServeOptions o = testing::TestOptions(testing::ModelsDir("drift_forecast", {{"ar", m.ar}}));
  o.drift_window = 100;
  Running server(o);
  const std::size_t n = server.Get("/v1/models/ar").Json().at("input").at("min_bars");
  const data::MarketData md =
      data::LoadMarketData(finml::testing::RepoPath("data/aer_djia8012.csv"));
  const auto& close = md.assets[0].close;
  // 100 decisions from the training years (1980s), each its own window.
  nlohmann::json instances = nlohmann::json::array();
  for (std::size_t end = n + 200; instances.size() < 50; end += 20)
    instances.push_back(
        {{"prices", std::vector<double>(close.begin() + static_cast<std::ptrdiff_t>(end - n),
                                        close.begin() + static_cast<std::ptrdiff_t>(end))}});
  nlohmann::json request = {{"instances", instances}, {"decisions", "all"}};
  // n bars give exactly one decision, so "all" still answers one per window.
  ASSERT_EQ(server.Post("/v1/models/ar/predict", request).status, 200);
  ASSERT_EQ(server.Post("/v1/models/ar/predict", request).status, 200);
  const auto calm = server.Get("/v1/models/ar/drift").Json();
  EXPECT_EQ(calm.at("prediction").at("count"), 100);
  EXPECT_LT(calm.at("features").at("roc_20").at("ks").get<double>(), 0.3);
  // A market falling 3% a day.
  std::vector<double> crash(n);
  for (std::size_t i = 0; i < n; ++i)
    crash[i] = 1000 * std::pow(0.97, static_cast<double>(i)) * (1 + 0.001 * (i % 3));
  nlohmann::json crashes = nlohmann::json::array();
  for (int k = 0; k < 100; ++k) crashes.push_back({{"prices", crash}});
  ASSERT_EQ(server.Post("/v1/models/ar/predict", {{"instances", crashes}}).status, 200);
  const auto crashed = server.Get("/v1/models/ar/drift").Json();
  EXPECT_EQ(crashed.at("features").at("roc_20").at("count"), 100);
  EXPECT_GT(crashed.at("features").at("roc_20").at("ks").get<double>(), 0.95);
  EXPECT_GT(crashed.at("features").at("roc_20").at("psi").get<double>(), 2.0);
  EXPECT_GT(crashed.at("prediction").at("ks").get<double>(),
            calm.at("prediction").at("ks").get<double>());
}

}  // namespace
}  // namespace finml::serve
