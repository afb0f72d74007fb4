#include <gtest/gtest.h>

#include "finml/core/error.hpp"
#include "finml/eval/drift.hpp"
#include "finml/serve/drift_monitor.hpp"
#include "finml/serve/metrics.hpp"
#include "serve/auth.hpp"

namespace finml::serve {
namespace {

TEST(ServeAuth, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(ServeAuth, KeyFileParsesIdsAndRefusesWeakOrDuplicateKeys) {
  const auto keys =
      ApiKeys::Parse("# comment\nops 0123456789abcdef\r\n\n  fedcba9876543210fedc  \n", "keys.txt");
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.Authenticate("0123456789abcdef")->id, "ops");
  EXPECT_FALSE(keys.Authenticate("0123456789abcdef")->admin);
  EXPECT_EQ(keys.Authenticate("fedcba9876543210fedc")->id, "key-4");
  const auto admins = ApiKeys::Parse("root 0123456789abcdef admin\n", "keys.txt");
  EXPECT_TRUE(admins.Authenticate("0123456789abcdef")->admin);
  EXPECT_THROW((void)ApiKeys::Parse("root 0123456789abcdef root\n", "k"), DataError);
  EXPECT_FALSE(keys.Authenticate("ops"));
  EXPECT_FALSE(keys.Authenticate(""));
  EXPECT_FALSE(keys.Authenticate("0123456789abcdef "));
  try {
    (void)ApiKeys::Parse("a 0123456789abcdef\nb short\n", "keys.txt");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_NE(std::string(e.what()).find("at least 16"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)ApiKeys::Parse("a 0123456789abcdef\na 0123456789abcdeg\n", "k"), DataError);
  EXPECT_THROW((void)ApiKeys::Parse("a b 0123456789abcdef\n", "k"), DataError);
  EXPECT_THROW((void)ApiKeys::Parse("# nothing\n", "k"), InvalidInput);
}

TEST(ServeAuth, TokenBucketRefillsAtItsRate) {
  RateLimiter limiter(2, 3);  // 2 per second, 3 at once
  const auto t0 = RateLimiter::Clock::now();
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(limiter.Take("a", t0).allowed);
  const auto refused = limiter.Take("a", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_NEAR(refused.retry_after_seconds, 0.5, 1e-9);
  EXPECT_TRUE(limiter.Take("b", t0).allowed);  // its own bucket
  EXPECT_FALSE(limiter.Take("a", t0 + std::chrono::milliseconds(400)).allowed);
  EXPECT_TRUE(limiter.Take("a", t0 + std::chrono::milliseconds(600)).allowed);
  // A long pause refills to the burst, not beyond.
  const auto later = t0 + std::chrono::seconds(100);
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(limiter.Take("a", later).allowed);
  EXPECT_FALSE(limiter.Take("a", later).allowed);
  RateLimiter off(0, 0);
  for (int k = 0; k < 100; ++k) EXPECT_TRUE(off.Take("a", t0).allowed);
}

TEST(ServeMetrics, PrometheusTextHasCumulativeBucketsAndEscapedLabels) {
  MetricsRegistry r;
  r.Describe("req_total", "counter", "Requests.");
  r.Count("req_total", {{"route", "predict"}, {"code", "200"}});
  r.Count("req_total", {{"route", "predict"}, {"code", "200"}}, 2);
  r.Count("req_total", {{"route", "a\"b\\c\nd"}});
  r.Observe("lat_seconds", {{"route", "x"}}, 0.0003);
  r.Observe("lat_seconds", {{"route", "x"}}, 0.002);
  r.Observe("lat_seconds", {{"route", "x"}}, 100);
  const std::string text = r.Render();
  EXPECT_NE(text.find("# HELP req_total Requests.\n# TYPE req_total counter\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("req_total{route=\"predict\",code=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("req_total{route=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"x\",le=\"0.00025\"} 0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"x\",le=\"0.0005\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"x\",le=\"0.0025\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"x\",le=\"10\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"x\",le=\"+Inf\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("lat_seconds_count{route=\"x\"} 3\n"), std::string::npos) << text;
  EXPECT_EQ(r.Value("req_total", {{"route", "predict"}, {"code", "200"}}), 3);
}

TEST(ServeDriftMonitor, KeepsOnlyTheLatestWindow) {
  nlohmann::json reference = {
      {"features", {{"x", eval::NumericReference({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})}}},
      {"prediction", eval::NumericReference({0.1, 0.2, 0.3})}};
  DriftMonitor monitor(reference, 5);
  Observation o;
  o.numeric["x"] = {100, 100, 100, 100, 100, 100, 100};
  o.numeric["unknown"] = {1};
  o.predictions = {0.2};
  monitor.Record(o);
  auto report = monitor.Report();
  EXPECT_EQ(report.at("features").at("x").at("count"), 5);
  EXPECT_NEAR(report.at("features").at("x").at("ks").get<double>(), 1.0, 1e-12);
  o.numeric["x"] = {1, 2, 3, 4, 5};
  monitor.Record(o);
  report = monitor.Report();
  EXPECT_LT(report.at("features").at("x").at("ks").get<double>(), 0.6);
  EXPECT_EQ(report.at("prediction").at("count"), 2);
  // Categories the reference lacks are kept as one token, not as the client's text.
  nlohmann::json categorical = {{"features", {{"c", eval::CategoricalReference({"a", "b"})}}},
                                {"prediction", eval::NumericReference({0.1, 0.2})}};
  DriftMonitor labels(categorical, 10);
  Observation c;
  c.categorical["c"] = {"a", std::string(100000, 'z'), "b"};
  labels.Record(c);
  const auto mix = labels.Report().at("features").at("c");
  EXPECT_EQ(mix.at("count"), 3);
  EXPECT_GT(mix.at("psi").get<double>(), 0.5);
  EXPECT_LT(labels.Report().dump().size(), 1000u);
  DriftMonitor none(nlohmann::json::object(), 10);
  none.Record(o);
  EXPECT_FALSE(none.Report().at("available").get<bool>());
}

}  // namespace
}  // namespace finml::serve
