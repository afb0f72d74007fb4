// A credit model with a categorical input: categories travel as strings, an unseen one is
// scored (neutral) and counted, and a shifted mix of categories shows up as drift.
#include <gtest/gtest.h>

#include "serve_fixture.hpp"

namespace finml::serve {
namespace {

using testing::Models;
using testing::Running;

TEST(ServeCategorical, CategoriesAreStringsAndTheirMixIsMonitored) {
  const auto& m = Models();
  ServeOptions o =
      testing::TestOptions(testing::ModelsDir("categorical", {{"regions", m.credit_categorical}}));
  o.drift_window = 50;
  Running server(o);
  const auto info = server.Get("/v1/models/regions").Json();
  EXPECT_EQ(info.at("input").at("features"),
            nlohmann::json::parse(
                R"([{"name": "income", "type": "number"}, {"name": "region", "type": "string"}])"));
  auto ask = [&](const std::string& region, double income) {
    return server.Post("/v1/models/regions/predict",
                       {{"applicant", {{"income", income}, {"region", region}}}});
  };
  const auto south = ask("south", 40), north = ask("north", 40);
  ASSERT_EQ(south.status, 200) << south.body;
  ASSERT_EQ(north.status, 200) << north.body;
  // The south is riskier at the same income, and the reasons say why.
  EXPECT_GT(south.Json()["predictions"][0]["probability"].get<double>(),
            north.Json()["predictions"][0]["probability"].get<double>());
  bool region_reason = false;
  const auto south_body = south.Json();
  for (const auto& r : south_body["predictions"][0]["reasons"])
    region_reason |= r["feature"] == "region";
  EXPECT_TRUE(region_reason) << south.body;

  // The protected attribute may come along; it is never used, and the answer says so (as
  // `finml credit score` does for a batch file).
  const auto with_sex =
      server.Post("/v1/models/regions/predict",
                  {{"applicant", {{"income", 40}, {"region", "south"}, {"sex", "f"}}}});
  ASSERT_EQ(with_sex.status, 200) << with_sex.body;
  EXPECT_EQ(with_sex.Json()["predictions"][0]["probability"],
            south.Json()["predictions"][0]["probability"]);
  EXPECT_EQ(with_sex.Json()["not_used"][0]["field"], "sex");
  const auto typo =
      server.Post("/v1/models/regions/predict",
                  {{"applicant", {{"income", 40}, {"region", "south"}, {"sx", "f"}}}});
  EXPECT_EQ(typo.status, 400) << typo.body;

  const auto unseen = ask("west", 40);
  ASSERT_EQ(unseen.status, 200) << unseen.body;
  EXPECT_EQ(unseen.Json().at("unseen_categories"), 1);
  const auto number =
      server.Post("/v1/models/regions/predict", {{"applicant", {{"income", 40}, {"region", 2}}}});
  EXPECT_EQ(number.status, 400);
  EXPECT_EQ(number.Json()["error"]["field"], "applicant.region");
  const auto blank = ask("", 40);
  EXPECT_EQ(blank.status, 422) << blank.body;

  // 50 applicants, all from the south: the region mix has drifted, income has not.
  nlohmann::json batch = nlohmann::json::array();
  for (int i = 0; i < 50; ++i)
    batch.push_back({{"income", 20 + 80 * (i + 0.5) / 50}, {"region", "south"}});
  ASSERT_EQ(server.Post("/v1/models/regions/predict", {{"applicants", batch}}).status, 200);
  const auto drift = server.Get("/v1/models/regions/drift").Json();
  EXPECT_EQ(drift.at("features").at("region").at("count"), 50);
  EXPECT_GT(drift.at("features").at("region").at("psi").get<double>(), 0.5);
  EXPECT_TRUE(drift.at("features").at("region").at("ks").is_null());  // no KS for categories
  EXPECT_LT(drift.at("features").at("income").at("psi").get<double>(), 0.1);
}

}  // namespace
}  // namespace finml::serve
