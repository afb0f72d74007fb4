// Stress tests of today's portfolio: historical windows replayed on its weights (each asset's
// return over the window, and the worst point of the buy-and-hold path inside it), and
// hypothetical shocks per asset.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "finml/data/market_data.hpp"

namespace finml::risk {

struct HistoricalScenario {
  std::string name;
  data::Timestamp start = 0, end = 0;  // inclusive; the move is measured from the close before
};

struct ShockScenario {
  std::string name;
  std::vector<std::pair<std::string, double>> shocks;  // symbol -> return, e.g. -0.2
};

// "AA=0.5,KO=-0.2": symbol and finite number pairs (weights, shocks); `context` names the source.
[[nodiscard]] std::vector<std::pair<std::string, double>> ParseSymbolValues(
    const std::string& text, const std::string& context);

// Named crises, replayed when the data covers them.
[[nodiscard]] const std::vector<HistoricalScenario>& BuiltinScenarios();
// "name=2008-09-12:2008-11-20"
[[nodiscard]] HistoricalScenario ParseHistoricalScenario(const std::string& text);
// "name:AAPL=-0.2,MSFT=-0.15" or "AAPL=-0.2" (named after its shocks: "AAPL -20%")
[[nodiscard]] ShockScenario ParseShockScenario(const std::string& text);
// The name of a shock scenario given without one: its moves, "AAPL -20%, MSFT -15%".
[[nodiscard]] std::string DescribeShocks(const std::vector<std::pair<std::string, double>>& shocks);

struct StressOutcome {
  std::string name, kind;   // kind: historical or hypothetical
  std::string first, last;  // dates of the replayed window (historical)
  double portfolio_return = 0, pnl = 0;
  double worst_return = 0;  // historical: the lowest point of the path inside the window
  std::vector<std::pair<std::string, double>> asset_returns;
  bool covered = true;  // historical: false when the data does not span the window
};

// `weights`: symbol -> weight of `value`. Symbols must exist in `prices`.
[[nodiscard]] std::vector<StressOutcome> RunStress(
    const data::MarketData& prices, const std::vector<std::pair<std::string, double>>& weights,
    double value, const std::vector<HistoricalScenario>& historical,
    const std::vector<ShockScenario>& shocks, data::Field field = data::Field::kClose);

[[nodiscard]] nlohmann::json StressJson(const std::vector<StressOutcome>& outcomes);

}  // namespace finml::risk
