#include "agent_servable.hpp"

#include <fmt/format.h>

#include <cmath>

#include "finml/backtest/config.hpp"
#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/timestamp.hpp"
#include "finml/rl/saved_agent.hpp"
#include "finml/serve/model_store.hpp"
#include "json_fields.hpp"
#include "replica_pool.hpp"
#include "request_error.hpp"

namespace finml::serve {
namespace {

class AgentServable final : public Servable {
 public:
  AgentServable(const std::string& dir, std::string name, const ServeLimits& limits)
      : name_(std::move(name)), limits_(limits) {
    std::vector<std::unique_ptr<rl::SavedAgent>> copies;
    for (std::size_t k = 0; k < std::max<std::size_t>(limits.replicas, 1); ++k)
      copies.push_back(std::make_unique<rl::SavedAgent>(rl::SavedAgent::Load(dir)));
    pool_ = std::make_unique<ReplicaPool<rl::SavedAgent>>(std::move(copies));
    version_ = ModelContentVersion(dir);
    const auto& agent = pool_->Any();
    if (agent.Env().execution.fill == backtest::FillPrice::kNextOpen)
      throw InvalidInput(fmt::format(
          "{}: this agent fills at the next open, and requests carry closes only (fix: serve an "
          "agent trained with --fill close)",
          dir));
    // The fewest bars that give one decision: the state's history, one bar to decide at and one
    // to fill that decision (the answer is the decision after it).
    data::MarketData probe;
    probe.source = "probe";
    // Long enough for the state's history: the window, the covariance and turbulence windows
    // and the indicators' warm-up (the longest finml indicator period is far below 1000).
    const auto& env = agent.Env();
    const std::size_t probe_rows = std::min<std::size_t>(
        limits_.max_window_rows, 1000 + env.window + (env.covariance ? env.covariance_window : 0) +
                                     (env.turbulence ? env.turbulence_window : 0));
    for (std::size_t t = 0; t < probe_rows; ++t) {
      probe.time.push_back(static_cast<data::Timestamp>(t) * data::kSecondsPerDay);
      probe.time_label.push_back(std::to_string(t));
    }
    for (const auto& symbol : agent.Symbols()) {
      data::Bars bars;
      bars.symbol = symbol;
      for (std::size_t t = 0; t < probe_rows; ++t)
        bars.close.push_back(
            100 * std::exp(0.01 * std::sin(static_cast<double>(t + bars.symbol.size()))));
      probe.assets.push_back(bars);
    }
    min_bars_ = agent.Inputs(probe)->first_row + 2;
  }

  const std::string& Name() const override { return name_; }
  const char* Kind() const override { return "agent"; }
  const std::string& Version() const override { return version_; }
  const nlohmann::json& DriftReference() const override { return empty_; }

  nlohmann::json Info() const override {
    const auto& m = pool_->Any().Manifest();
    return {{"name", name_},
            {"kind", Kind()},
            {"version", version_},
            {"agent", m.at("agent")},
            {"env", m.at("env")},
            {"assets", pool_->Any().Symbols()},
            {"input",
             {{"prices", "an object: asset -> closes, oldest first, the same count for each"},
              {"min_bars", min_bars_},
              {"max_bars", limits_.max_window_rows},
              {"dates", "optional"},
              {"holdings",
               "the agent's own, simulated from cash at the first bar sent: send the same number "
               "of bars each time for answers that do not depend on the request's length"}}},
            {"facts", m.at("facts")},
            {"finml_version", ManifestBuild(m).first},
            {"git_commit", ManifestBuild(m).second},
            {"drift_reference", false}};
  }

  nlohmann::json Predict(const nlohmann::json& request, Observation& observed) const override {
    RequireObject(request, "");
    RequireKnownKeys(request, {"prices", "dates"}, "");
    if (!request.contains("prices"))
      throw InvalidRequest("", "missing 'prices' (an object: asset -> closes, oldest first)");
    const auto& prices = request.at("prices");
    RequireObject(prices, "prices");
    const auto& symbols = pool_->Any().Symbols();
    std::vector<std::string> keys;
    for (const auto& item : prices.items()) keys.push_back(item.key());
    for (const auto& key : keys)
      if (std::find(symbols.begin(), symbols.end(), key) == symbols.end())
        throw InvalidRequest("prices." + key,
                             fmt::format("not an asset of this agent (did you mean '{}'?)",
                                         ClosestMatch(key, symbols)));
    data::MarketData md;
    md.source = "request";
    std::size_t rows = 0;
    for (const auto& symbol : symbols) {
      const std::string path = "prices." + symbol;
      if (!prices.contains(symbol))
        throw InvalidRequest(
            path, fmt::format("missing: the agent trades {}", JoinStrings(symbols, ", ")));
      const auto& list = RequireArray(prices.at(symbol), path);
      if (md.assets.empty()) {
        rows = list.size();
        if (rows < min_bars_ || rows > limits_.max_window_rows)
          throw RequestError(422, "wrong_window_length",
                             fmt::format("{}: {} bars; this agent needs {} {}", path, rows,
                                         rows < min_bars_ ? "at least" : "at most",
                                         rows < min_bars_ ? min_bars_ : limits_.max_window_rows),
                             path);
      } else if (list.size() != rows) {
        throw InvalidRequest(path,
                             fmt::format("{} closes; the first asset has {}", list.size(), rows));
      }
      data::Bars bars;
      bars.symbol = symbol;
      for (std::size_t i = 0; i < rows; ++i) {
        const std::string where = fmt::format("{}[{}]", path, i);
        // null: no price that bar (not listed yet, halted), as a gap in a file is.
        if (list[i].is_null()) {
          bars.close.push_back(std::nan(""));
          continue;
        }
        bars.close.push_back(RequireFiniteNumber(list[i], where));
        if (bars.close.back() <= 0)
          throw InvalidValue(where, fmt::format("price {} is not positive", bars.close.back()));
      }
      if (std::all_of(bars.close.begin(), bars.close.end(), [](double v) { return std::isnan(v); }))
        throw InvalidValue(path, "no prices: every close is null");
      if (std::isnan(bars.close.back()))
        throw InvalidValue(path, "the last bar has no price: the answer is about the last close");
      md.assets.push_back(std::move(bars));
    }
    if (request.contains("dates")) {
      const auto& d = RequireArray(request.at("dates"), "dates");
      if (d.size() != rows)
        throw InvalidRequest("dates", fmt::format("{} dates for {} bars", d.size(), rows));
      for (std::size_t i = 0; i < rows; ++i) {
        const std::string where = fmt::format("dates[{}]", i);
        const auto t = data::ParseTimestamp(RequireString(d[i], where));
        if (!t) throw InvalidValue(where, "not an ISO 8601 date");
        if (!md.time.empty() && *t <= md.time.back())
          throw InvalidValue(where, "not after the previous date (oldest first, no duplicates)");
        md.time.push_back(*t);
        md.time_label.push_back(d[i].get<std::string>());
      }
    } else {
      for (std::size_t i = 0; i < rows; ++i) {
        md.time.push_back(static_cast<data::Timestamp>(i));
        md.time_label.push_back(std::to_string(i));
      }
      md.calendar = false;
    }
    auto lease = pool_->Acquire();
    rl::RolloutResult r;
    try {
      r = lease->Run(lease->Inputs(md), 0);
    } catch (const InvalidInput& e) {
      throw InvalidValue("prices", e.what());
    }
    nlohmann::json weights = nlohmann::json::object();
    double cash = 1;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      weights[symbols[i]] = r.next_targets[i];
      cash -= r.next_targets[i];
      observed.predictions.push_back(r.next_targets[i]);
    }
    return {{"model", name_},
            {"version", version_},
            {"kind", Kind()},
            {"decision", md.time_label.back()},
            {"weights", weights},
            {"cash", cash},
            {"note", "target weights at the close of the last bar, to be filled at the next"}};
  }

 private:
  std::string name_, version_;
  ServeLimits limits_;
  std::unique_ptr<ReplicaPool<rl::SavedAgent>> pool_;
  std::size_t min_bars_ = 0;
  nlohmann::json empty_ = nlohmann::json::object();
};

}  // namespace

std::shared_ptr<const Servable> LoadAgentServable(const std::string& dir, const std::string& name,
                                                  const ServeLimits& limits) {
  return std::make_shared<AgentServable>(dir, name, limits);
}

}  // namespace finml::serve
