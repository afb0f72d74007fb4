// Every setting of `finml portfolio optimize|frontier|backtest` and of an experiment's
// `portfolio:` section, declared once (core/options.hpp): flags, YAML keys, checks and help all
// come from PortfolioSettings::Schema(). Free of Eigen: experiment files include it, and Eigen
// must not meet <resolv.h>'s `_res` macro in the server's translation units.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "finml/backtest/config.hpp"
#include "finml/core/options.hpp"
#include "finml/data/loader.hpp"
#include "finml/portfolio/choices.hpp"

namespace finml::portfolio {

using NamedValues = std::vector<std::pair<std::string, double>>;

struct PortfolioSettings {
  // Inputs: one of these.
  std::string prices;
  std::string returns;  // simple returns per bar, wide (date + one column per asset)
  // Gaps are kept: assets listed later have no price before, and each estimate uses what exists.
  data::LoadOptions load = [] {
    data::LoadOptions o;
    o.missing = data::MissingPolicy::kKeep;
    return o;
  }();
  std::size_t window =
      0;  // most recent bars of returns used; 0: all (backtest: the trailing window)
  std::string frequency =
      "auto";  // bars per year: auto (from the dates), daily, weekly, monthly, N

  // Estimates.
  ReturnsChoice returns_model = ReturnsChoice::kCagr;
  double returns_span = 500;  // ewma
  RiskModel risk_model = RiskModel::kSample;
  double risk_span = 180;                      // exponential
  double semicovariance_benchmark = 0.000079;  // per bar
  double risk_free = 0;                        // annual
  std::vector<std::string> views;              // Black-Litterman: "AAPL=0.10", "AAPL-MSFT=0.02@0.6"
  std::string market_caps;                     // CSV asset,cap for the prior; empty: equal weights
  double tau = 0.05;
  double market_risk_aversion = 1;  // delta of the market-implied prior

  // Objective.
  Objective objective = Objective::kMaxSharpe;
  std::optional<double> target_return, target_volatility;
  double risk_aversion = 1;
  double cvar_beta = 0.95;
  double downside_benchmark = 0;  // per bar, min_semivariance
  NamedValues budgets;            // risk_parity: ASSET=BUDGET; unnamed assets get 1

  // Constraints.
  std::vector<double> bounds = {0, 1};
  bool market_neutral = false;
  std::optional<double> leverage;
  std::string sectors;          // CSV asset,sector
  NamedValues sector_cap;       // SECTOR=MAX
  NamedValues sector_floor;     // SECTOR=MIN
  std::string current_weights;  // CSV asset,weight
  std::optional<double> turnover;
  double cost_penalty = 0;
  double l2 = 0;

  // Outputs.
  std::size_t points = 30;                // frontier points
  std::optional<double> portfolio_value;  // whole shares for this much money (allocation.csv)
  AllocationMethod allocation = AllocationMethod::kInteger;

  // Backtest.
  std::vector<Objective> objectives = {Objective::kMinVariance, Objective::kMaxSharpe,
                                       Objective::kHrp, Objective::kEqualWeight};
  std::string rebalance = "monthly";  // daily, weekly, monthly, quarterly, or every N bars
  double cost_bps = 10;
  double slippage_bps = 0;
  backtest::FillPrice fill = backtest::FillPrice::kNextClose;
  double initial_capital = 1e6;

  static const options::Schema<PortfolioSettings>& Schema();
};

}  // namespace finml::portfolio
