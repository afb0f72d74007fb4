// How a backtest turns scores into positions and positions into fills. Every setting is declared
// once (BacktestConfig::Schema); the `backtest:` section of an experiment file, the flags of
// `finml backtest` and its --set overrides are all read by that declaration, so the interfaces
// accept exactly the same settings with the same checks.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/core/options.hpp"

namespace finml::backtest {

// A decision taken at the close of bar t is filled at bar t+1: at its open or at its close.
enum class FillPrice { kNextOpen, kNextClose };
// on_change: an asset trades only when its target weight differs from the last one filled, so
// positions drift with prices in between (how a desk runs top-k books); always: every target is
// restored each signal date (a weight-driven backtest).
enum class Rebalance { kOnChange, kAlways };

struct StrategyConfig {
  std::string name = "threshold";     // a name from Strategies() (backtest/strategy.hpp)
  double long_above = 0;              // threshold: long when score > long_above
  std::optional<double> short_below;  // threshold: short when score < short_below; unset: flat
  std::size_t top_k = 5;              // topk, topk_dropout
  std::size_t n_drop = 1;             // topk_dropout: most names replaced per signal date
  std::size_t fast = 20, slow = 50;   // sma_cross
  std::size_t rsi_period = 14;        // rsi_reversion
  double rsi_lower = 30, rsi_upper = 70, rsi_exit = 50;
  bool allow_short = false;  // sma_cross, rsi_reversion: take the opposite side too
  // Weight of one position; 0 means the strategy's natural size (1/assets, 1/k).
  double position_weight = 0;
  double gross = 1;  // long_short: sum of |weights|
  static const options::Schema<StrategyConfig>& Schema();
};

struct ExecutionConfig {
  FillPrice fill = FillPrice::kNextClose;
  std::optional<Rebalance> rebalance;  // unset: always for `weights`, on_change otherwise
  double cost_bps = 5;                 // commission per side, in basis points of the fill value
  double min_fee = 0;                  // per order, in currency
  double slippage_bps = 0;             // fills this much worse than the quoted price
  double initial_capital = 1e6;
  double max_weight = 1;       // per asset, |weight|
  double max_leverage = 1;     // sum of |weights| of one decision
  double min_trade_value = 0;  // orders smaller than this (currency) are not sent
  static const options::Schema<ExecutionConfig>& Schema();
};

struct BacktestConfig {
  StrategyConfig strategy;
  ExecutionConfig execution;
  // Empty: buy-and-hold of the asset (one asset) or equal-weight buy-and-hold (a panel);
  // "none": no benchmark; otherwise a symbol in the price data, bought and held.
  std::string benchmark;
  double periods_per_year = 0;  // 0: inferred from the calendar's spacing
  double risk_free = 0;         // annual rate for Sharpe and Sortino
  // The tearsheet's rolling volatility, Sharpe and beta: calendar (6M, 1Y, 90D) or bars (126).
  std::string rolling_window = "6M";

  [[nodiscard]] Rebalance EffectiveRebalance() const;
  [[nodiscard]] nlohmann::json ToJson() const;
  // Flat keys: the strategy's and the execution's, then the rest.
  static const options::Schema<BacktestConfig>& Schema();
};

// `path` names the settings in errors ("backtest").
[[nodiscard]] BacktestConfig ParseBacktestConfig(const ConfigNode& node,
                                                 const std::string& path = "backtest");
[[nodiscard]] BacktestConfig ParseBacktestConfig(const nlohmann::json& object,
                                                 const std::string& path = "backtest");

}  // namespace finml::backtest

template <>
struct finml::EnumNames<finml::backtest::FillPrice> {
  static constexpr std::string_view what = "fill";
  static constexpr finml::NamedValue<finml::backtest::FillPrice> values[] = {
      {finml::backtest::FillPrice::kNextClose, "close"},
      {finml::backtest::FillPrice::kNextOpen, "open"}};
};

template <>
struct finml::EnumNames<finml::backtest::Rebalance> {
  static constexpr std::string_view what = "rebalance";
  static constexpr finml::NamedValue<finml::backtest::Rebalance> values[] = {
      {finml::backtest::Rebalance::kOnChange, "on_change"},
      {finml::backtest::Rebalance::kAlways, "always"}};
};
