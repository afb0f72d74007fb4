// A saved RL agent behind the server answers what `finml predict` writes for the same bars, and
// refuses requests it cannot read with the field's path.
#include <gtest/gtest.h>

#include <filesystem>

#include "finml/core/files.hpp"
#include "finml/core/provenance.hpp"
#include "finml/rl/saved_agent.hpp"
#include "finml/serve/servable.hpp"
#include "rl/market_util.hpp"
#include "serve/request_error.hpp"

namespace finml::serve {
namespace {

class ServeAgent : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / "finml_serve_agent").string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/model");
    closes_ = testing::RandomWalks(2, 60, 5);
    market_ = testing::MakeMarket(closes_);
    env_.window = 4;
    const auto in = std::make_shared<const rl::MarketInputs>(rl::PrepareMarket(market_, env_));
    rl::AgentSpec spec;
    spec.kind = rl::AgentKind::kPpo;
    spec.settings = rl::AgentDefaults(spec.kind, {});
    spec.observation_size = in->state_size + 3;
    spec.actions = rl::MarketActions(env_, 2, true);
    spec.seed = 3;
    // An untrained agent is still a policy: its seeded weights decide.
    agent_ = rl::MakeAgent(spec);
    const rl::Policy policy{agent_.get(), rl::StateScaler::Fit(*in, 0, 40), 1e300};
    rl::SaveAgent(dir_ + "/model", policy, env_, in->prices.symbols,
                  {{"validated_through", "2020-02-01"}}, Provenance{"test", {}, 3});
  }

  nlohmann::json Request() const {
    nlohmann::json prices = nlohmann::json::object();
    for (std::size_t i = 0; i < closes_.size(); ++i) prices["A" + std::to_string(i)] = closes_[i];
    return {{"prices", prices}};
  }

  std::string dir_;
  std::vector<std::vector<double>> closes_;
  data::MarketData market_;
  rl::EnvSettings env_;
  std::unique_ptr<rl::Agent> agent_;
};

TEST_F(ServeAgent, AnswersWhatPredictWrites) {
  auto servable = LoadServable(dir_ + "/model", "agent", ServeLimits{});
  EXPECT_STREQ(servable->Kind(), "agent");
  // Window 4: bars 1..4 give the first state (bar 0 has no return), one more fills it.
  EXPECT_EQ(servable->Info()["input"]["min_bars"], 6);
  Observation observed;
  // Exactly the fewest bars it says it needs are enough.
  auto shortest = Request();
  for (auto& [symbol, closes] : shortest["prices"].items())
    closes.erase(closes.begin() + 6, closes.end());
  const auto short_answer = servable->Predict(shortest, observed);
  EXPECT_TRUE(short_answer["weights"]["A0"].is_number());
  const auto answer = servable->Predict(Request(), observed);
  // The same bars through `finml predict`: its last row is the decision the server returns.
  std::string csv = "date,A0,A1\n";
  for (std::size_t t = 0; t < closes_[0].size(); ++t)
    csv += fmt::format("{},{:.17g},{:.17g}\n", market_.time_label[t], closes_[0][t], closes_[1][t]);
  WriteFileAtomic(dir_ + "/prices.csv", csv);
  (void)rl::PredictAgentToCsv(dir_ + "/model", dir_ + "/prices.csv", dir_ + "/predicted.csv");
  const std::string predicted = ReadFile(dir_ + "/predicted.csv");
  const std::string last_date = market_.time_label.back();
  for (const std::string symbol : {"A0", "A1"}) {
    const auto at = predicted.find(last_date + "," + symbol + ",");
    ASSERT_NE(at, std::string::npos) << predicted.substr(predicted.size() - 200);
    const double expected = std::stod(predicted.substr(at + last_date.size() + symbol.size() + 2));
    EXPECT_NEAR(answer["weights"][symbol].get<double>(), expected, 1e-9) << symbol;
  }
  EXPECT_NEAR(answer["cash"].get<double>() + answer["weights"]["A0"].get<double>() +
                  answer["weights"]["A1"].get<double>(),
              1.0, 1e-12);
}

TEST_F(ServeAgent, RefusesRequestsItCannotRead) {
  auto servable = LoadServable(dir_ + "/model", "agent", ServeLimits{});
  Observation observed;
  const auto refused = [&](nlohmann::json request, const std::string& field) {
    try {
      (void)servable->Predict(request, observed);
      ADD_FAILURE() << "accepted " << request.dump();
    } catch (const RequestError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  auto r = Request();
  r["prices"].erase("A1");
  refused(r, "prices.A1");
  r = Request();
  r["prices"]["A9"] = r["prices"]["A0"];
  refused(r, "prices.A9");
  r = Request();
  r["prices"]["A1"].erase(0);
  refused(r, "prices.A1");
  r = Request();
  r["prices"]["A0"][5] = -3;
  refused(r, "prices.A0[5]");
  r = Request();
  r["prices"]["A0"] = {1.0, 2.0};
  r["prices"]["A1"] = {1.0, 2.0};
  refused(r, "prices.A0");
  refused({{"bars", 1}}, "bars");
  r = Request();
  for (auto& v : r["prices"]["A1"]) v = nullptr;
  refused(r, "prices.A1");
}

}  // namespace
}  // namespace finml::serve
