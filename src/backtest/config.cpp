#include "finml/backtest/config.hpp"
#include "finml/backtest/strategy.hpp"

#include "finml/core/error.hpp"
#include "finml/core/params.hpp"
#include "finml/core/strings.hpp"

namespace finml::backtest {
Rebalance BacktestConfig::EffectiveRebalance() const {
  if (execution.rebalance) return *execution.rebalance;
  return FindStrategy(strategy.name).rebalance;
}

const std::vector<std::string>& BacktestConfigKeys() {
  static const std::vector<std::string> keys = {
      "strategy", "long_above", "short_below", "top_k", "n_drop", "fast", "slow", "rsi_period",
      "rsi_lower", "rsi_upper", "rsi_exit", "allow_short", "position_weight", "gross", "fill",
      "rebalance", "cost_bps", "min_fee", "slippage_bps", "initial_capital", "max_weight",
      "max_leverage", "min_trade_value", "benchmark", "periods_per_year", "risk_free",
      "rolling_window"};
  return keys;
}

BacktestConfig ParseBacktestConfig(const nlohmann::json& object, const std::string& context) {
  ParamReader p(context, object);
  BacktestConfig c;
  StrategyConfig& s = c.strategy;
  ExecutionConfig& e = c.execution;
  auto fail = [&](const std::string& what) {
    return ConfigError(fmt::format("{}: {}", context, what));
  };
  try {
    s.name = FindStrategy(p.Get<std::string>("strategy", s.name)).name;
  } catch (const ConfigError& err) {
    throw fail(err.what());
  }
  s.long_above = p.Get<double>("long_above", s.long_above);
  // null (as ToJson writes an unset threshold) means no shorting, like leaving the key out.
  if (p.Has("short_below") && !object.at("short_below").is_null())
    s.short_below = p.Get<double>("short_below", 0.0);
  else if (p.Has("short_below"))
    (void)p.Raw("short_below");
  else
    (void)p.Get<double>("short_below", 0.0);
  s.top_k = p.Get<std::size_t>("top_k", s.top_k);
  s.n_drop = p.Get<std::size_t>("n_drop", s.n_drop);
  s.fast = p.Get<std::size_t>("fast", s.fast);
  s.slow = p.Get<std::size_t>("slow", s.slow);
  s.rsi_period = p.Get<std::size_t>("rsi_period", s.rsi_period);
  s.rsi_lower = p.Get<double>("rsi_lower", s.rsi_lower);
  s.rsi_upper = p.Get<double>("rsi_upper", s.rsi_upper);
  s.rsi_exit = p.Get<double>("rsi_exit", s.rsi_exit);
  s.allow_short = p.Get<bool>("allow_short", s.allow_short);
  s.position_weight = p.Get<double>("position_weight", s.position_weight);
  s.gross = p.Get<double>("gross", s.gross);

  std::string fill = p.Get<std::string>("fill", "close");
  if (fill == "open") {
    e.fill = FillPrice::kNextOpen;
  } else if (fill != "close") {
    throw fail(fmt::format("fill '{}' is not known (valid: open, close: the next bar's price)",
                           fill));
  }
  if (p.Has("rebalance")) {
    std::string r = p.Get<std::string>("rebalance", "");
    if (r == "on_change") e.rebalance = Rebalance::kOnChange;
    else if (r == "always") e.rebalance = Rebalance::kAlways;
    else throw fail(fmt::format("rebalance '{}' is not known (valid: on_change, always)", r));
  }
  e.cost_bps = p.Get<double>("cost_bps", e.cost_bps);
  e.min_fee = p.Get<double>("min_fee", e.min_fee);
  e.slippage_bps = p.Get<double>("slippage_bps", e.slippage_bps);
  e.initial_capital = p.Get<double>("initial_capital", e.initial_capital);
  e.max_weight = p.Get<double>("max_weight", e.max_weight);
  e.max_leverage = p.Get<double>("max_leverage", e.max_leverage);
  e.min_trade_value = p.Get<double>("min_trade_value", e.min_trade_value);
  c.benchmark = p.Get<std::string>("benchmark", c.benchmark);
  c.periods_per_year = p.Get<double>("periods_per_year", c.periods_per_year);
  c.risk_free = p.Get<double>("risk_free", c.risk_free);
  c.rolling_window = p.Get<std::size_t>("rolling_window", c.rolling_window);
  p.Finish();

  auto require = [&](bool ok, const std::string& what) {
    if (!ok) throw fail(what);
  };
  require(s.top_k >= 1, "top_k must be at least 1");
  require(s.n_drop >= 1 && s.n_drop <= s.top_k, "n_drop must be between 1 and top_k");
  require(s.fast >= 1 && s.slow > s.fast, "sma_cross needs 1 <= fast < slow");
  require(s.rsi_period >= 2, "rsi_period must be at least 2");
  require(0 < s.rsi_lower && s.rsi_lower < s.rsi_exit && s.rsi_exit < s.rsi_upper &&
              s.rsi_upper < 100,
          "RSI levels need 0 < rsi_lower < rsi_exit < rsi_upper < 100");
  require(!s.short_below || *s.short_below <= s.long_above,
          "short_below must not exceed long_above");
  require(s.position_weight >= 0, "position_weight must be >= 0 (0: the strategy's own size)");
  require(s.gross > 0, "gross must be > 0");
  require(e.cost_bps >= 0 && e.min_fee >= 0 && e.slippage_bps >= 0 && e.min_trade_value >= 0,
          "costs, fees, slippage and min_trade_value must be >= 0");
  require(e.initial_capital > 0, "initial_capital must be > 0");
  require(e.max_weight > 0 && e.max_leverage > 0, "max_weight and max_leverage must be > 0");
  require(c.periods_per_year >= 0, "periods_per_year must be >= 0 (0: inferred)");
  require(c.rolling_window >= 2, "rolling_window must be at least 2");
  return c;
}

nlohmann::json BacktestConfig::ToJson() const {
  const StrategyConfig& s = strategy;
  const ExecutionConfig& e = execution;
  return {{"strategy", s.name},
          {"long_above", s.long_above},
          {"short_below", s.short_below ? nlohmann::json(*s.short_below) : nlohmann::json()},
          {"top_k", s.top_k},
          {"n_drop", s.n_drop},
          {"fast", s.fast},
          {"slow", s.slow},
          {"rsi_period", s.rsi_period},
          {"rsi_lower", s.rsi_lower},
          {"rsi_upper", s.rsi_upper},
          {"rsi_exit", s.rsi_exit},
          {"allow_short", s.allow_short},
          {"position_weight", s.position_weight},
          {"gross", s.gross},
          {"fill", e.fill == FillPrice::kNextOpen ? "open" : "close"},
          {"rebalance", EffectiveRebalance() == Rebalance::kAlways ? "always" : "on_change"},
          {"cost_bps", e.cost_bps},
          {"min_fee", e.min_fee},
          {"slippage_bps", e.slippage_bps},
          {"initial_capital", e.initial_capital},
          {"max_weight", e.max_weight},
          {"max_leverage", e.max_leverage},
          {"min_trade_value", e.min_trade_value},
          {"benchmark", benchmark},
          {"periods_per_year", periods_per_year},
          {"risk_free", risk_free},
          {"rolling_window", rolling_window}};
}

}  // namespace finml::backtest
