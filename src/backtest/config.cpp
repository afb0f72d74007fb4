#include "finml/backtest/config.hpp"

#include "finml/backtest/analytics.hpp"
#include "finml/backtest/strategy.hpp"
#include "finml/core/error.hpp"

namespace finml::backtest {
Rebalance BacktestConfig::EffectiveRebalance() const {
  if (execution.rebalance) return *execution.rebalance;
  return FindStrategy(strategy.name).rebalance;
}

const options::Schema<StrategyConfig>& StrategyConfig::Schema() {
  static const auto schema = [] {
    using S = StrategyConfig;
    options::Schema<S> s;
    s.Add("strategy", &S::name,
          "threshold, topk, topk_dropout, long_short, weights, sma_cross or rsi_reversion")
        .Names([](const std::string& n) { return FindStrategy(n).name; });
    s.Add("long_above", &S::long_above, "threshold: long when score > this");
    s.Add("short_below", &S::short_below, "threshold: short when score < this (null: never short)");
    s.Add("top_k", &S::top_k, "topk, topk_dropout: names held").Min(1);
    s.Add("n_drop", &S::n_drop, "topk_dropout: most names replaced per date").Min(1);
    s.Add("fast", &S::fast, "sma_cross: fast moving-average window").Min(1);
    s.Add("slow", &S::slow, "sma_cross: slow moving-average window").Min(2);
    s.Add("rsi_period", &S::rsi_period, "rsi_reversion: RSI window").Min(2);
    s.Add("rsi_lower", &S::rsi_lower, "rsi_reversion: enter long below this").Above(0).Below(100);
    s.Add("rsi_upper", &S::rsi_upper, "rsi_reversion: enter short above this (allow_short)")
        .Above(0)
        .Below(100);
    s.Add("rsi_exit", &S::rsi_exit, "rsi_reversion: leave once RSI crosses this")
        .Above(0)
        .Below(100);
    s.Add("allow_short", &S::allow_short, "sma_cross, rsi_reversion: take the opposite side too");
    s.Add("position_weight", &S::position_weight,
          "weight of one position (0: the strategy's own size, 1/assets or 1/k)")
        .Min(0);
    s.Add("gross", &S::gross, "long_short: sum of |weights|").Above(0);
    s.Rule(
        "n_drop", [](const S& x) { return x.n_drop <= x.top_k; }, "n_drop must not exceed top_k");
    s.Rule(
        "slow", [](const S& x) { return x.fast < x.slow; }, "sma_cross needs fast < slow");
    s.Rule(
        "rsi_exit", [](const S& x) { return x.rsi_lower < x.rsi_exit && x.rsi_exit < x.rsi_upper; },
        "RSI levels need rsi_lower < rsi_exit < rsi_upper");
    s.Rule(
        "short_below", [](const S& x) { return !x.short_below || *x.short_below <= x.long_above; },
        "short_below must not exceed long_above");
    return s;
  }();
  return schema;
}

const options::Schema<ExecutionConfig>& ExecutionConfig::Schema() {
  static const auto schema = [] {
    using E = ExecutionConfig;
    options::Schema<E> s;
    s.Add("fill", &E::fill, "fill at the next bar's open or close");
    s.Add("rebalance", &E::rebalance,
          "on_change (trade an asset when its target changes) or always (restore every weight "
          "each date)")
        .DefaultText("always for weights, on_change for the others");
    s.Add("cost_bps", &E::cost_bps, "commission per side, basis points of the fill value").Min(0);
    s.Add("min_fee", &E::min_fee, "smallest commission per order, in currency").Min(0);
    s.Add("slippage_bps", &E::slippage_bps, "fills this much worse than the quoted price").Min(0);
    s.Add("initial_capital", &E::initial_capital, "starting cash").Above(0).Flag("--capital");
    s.Add("max_weight", &E::max_weight, "largest |weight| of one asset").Above(0);
    s.Add("max_leverage", &E::max_leverage, "largest sum of |weights| of one decision").Above(0);
    s.Add("min_trade_value", &E::min_trade_value, "orders worth less than this are not sent")
        .Min(0);
    return s;
  }();
  return schema;
}

const options::Schema<BacktestConfig>& BacktestConfig::Schema() {
  static const auto schema = [] {
    using B = BacktestConfig;
    options::Schema<B> s;
    s.Embed(&B::strategy, StrategyConfig::Schema());
    s.Embed(&B::execution, ExecutionConfig::Schema());
    s.Add("benchmark", &B::benchmark,
          "a symbol to buy and hold, a price file (an index: date,close) held from the first "
          "fill, or none (default: the asset, or equal weight of a panel)");
    s.Add("periods_per_year", &B::periods_per_year, "bars per year (0: inferred from the dates)")
        .Min(0);
    s.Add("risk_free", &B::risk_free, "annual risk-free rate for Sharpe and Sortino");
    s.Add("rolling_window", &B::rolling_window,
          "window of the tearsheet's rolling volatility, Sharpe and beta: a calendar length "
          "(6M, 1Y, 13W, 90D) or a number of bars (126)");
    // The strategy decides the default, so the effective settings say which one applies.
    s.Finish([](B& b, const ConfigNode&, const std::string&) {
      (void)RollingWindow::Parse(b.rolling_window);
      if (!b.execution.rebalance) b.execution.rebalance = b.EffectiveRebalance();
    });
    return s;
  }();
  return schema;
}

BacktestConfig ParseBacktestConfig(const ConfigNode& node, const std::string& path) {
  return BacktestConfig::Schema().Parse(node, path);
}

BacktestConfig ParseBacktestConfig(const nlohmann::json& object, const std::string& path) {
  return ParseBacktestConfig(ConfigNode::FromJson(object, path), path);
}

nlohmann::json BacktestConfig::ToJson() const { return Schema().ToJson(*this); }

}  // namespace finml::backtest
