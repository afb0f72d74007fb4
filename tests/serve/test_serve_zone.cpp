// A model trained on intraday data shown in a named zone and resampled by day: request bars with
// UTC offsets are grouped into that zone's days, as the training bars were (issue 14).
#include <gtest/gtest.h>

#include "finml/core/files.hpp"
#include "serve_fixture.hpp"

namespace finml::serve {
namespace {

using testing::Running;

TEST(ServeZone, OffsetDatesAreGroupedInTheModelsZone) {
  const std::string dir = finml::testing::TempDir("serve_zone_model");
  // Hourly closes written in UTC; the model counts days at +05:00.
  std::string csv = "time,x\n";
  std::vector<std::pair<data::Timestamp, double>> bars;
  double price = 100;
  for (int h = 0; h < 24 * 150; ++h) {
    price *= 1 + 0.002 * std::sin(h * 0.37) + 0.001 * std::cos(h * 1.3);
    const data::Timestamp t = *data::ParseTimestamp("2021-01-04") + h * 3600;
    bars.emplace_back(t, price);
    csv += fmt::format("{},{:.6f}\n", data::FormatTimestamp(t, true), price);
  }
  WriteFileAtomic(dir + "/hourly.csv", csv);
  testing::TrainForecasters(fmt::format(R"(
name: zone
data: {{path: {}/hourly.csv, source_timezone: UTC, timezone: "+05:00", resample: D}}
features: {{set: close}}
models:
  - type: ar
    params: {{p: 2}}
)",
                                        dir),
                            dir + "/run");
  Running server(
      testing::TestOptions(testing::ModelsDir("zone", {{"ar", dir + "/run/models/ar"}})));
  // The last 60 days, once with UTC offsets and once as +05:00 wall-clock times.
  nlohmann::json utc = nlohmann::json::array(), local = nlohmann::json::array();
  for (std::size_t i = bars.size() - 24 * 60; i < bars.size(); ++i) {
    const auto [t, close] = bars[i];
    utc.push_back({{"date", data::FormatTimestamp(t, true) + "Z"}, {"close", close}});
    local.push_back({{"date", data::FormatTimestamp(t + 5 * 3600, true)}, {"close", close}});
  }
  const auto a = server.Post("/v1/models/ar/predict", {{"bars", utc}});
  const auto b = server.Post("/v1/models/ar/predict", {{"bars", local}});
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(a.Json().at("predictions"), b.Json().at("predictions"));
}

}  // namespace
}  // namespace finml::serve
