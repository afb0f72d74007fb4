#include "finml/backtest/backtest.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/loader.hpp"
#include "finml/eval/metrics.hpp"

namespace finml::backtest {
namespace {

// A rank IC this high on a bar nobody can trade is far beyond what real forecasts reach
// (|rank IC| of 0.05-0.1 is already strong for daily returns).
constexpr double kLookaheadRankIc = 0.3;

SignalQuality MeasureSignal(const PricePanel& prices, const Panel& score, FillPrice fill) {
  const Panel& fill_panel = fill == FillPrice::kNextOpen ? prices.open : prices.close;
  std::vector<double> s, forward, s_next, next_bar;
  std::vector<std::size_t> date;
  for (std::size_t t = 0; t + 1 < prices.rows(); ++t) {
    for (std::size_t i = 0; i < prices.assets(); ++i) {
      const double x = score.at(t, i);
      if (std::isnan(x)) continue;
      // The part of the next bar no decision can trade: up to the next open when fills are at
      // the open, the whole next close-to-close bar when they are at the close.
      const double bar = fill_panel.at(t + 1, i) / prices.close.at(t, i) - 1.0;
      if (std::isfinite(bar)) {
        s_next.push_back(x);
        next_bar.push_back(bar);
      }
      if (t + 2 >= prices.rows()) continue;
      const double held = fill_panel.at(t + 2, i) / fill_panel.at(t + 1, i) - 1.0;
      if (!std::isfinite(held)) continue;
      s.push_back(x);
      forward.push_back(held);
      date.push_back(t);
    }
  }
  SignalQuality q;
  q.observations = s.size();
  if (s.size() >= 3) {
    q.ic = eval::Pearson(s, forward);
    q.rank_ic = eval::Pearson(eval::Ranks(s), eval::Ranks(forward));
  }
  if (s_next.size() >= 3) {
    q.next_bar_ic = eval::Pearson(s_next, next_bar);
    q.next_bar_rank_ic = eval::Pearson(eval::Ranks(s_next), eval::Ranks(next_bar));
    // Short samples reach |rank IC| 0.3 by chance: demand three standard errors as well.
    const double chance = 3.0 / std::sqrt(static_cast<double>(s_next.size()));
    q.lookahead_suspected = std::abs(q.next_bar_rank_ic) > std::max(kLookaheadRankIc, chance);
  }
  if (prices.assets() >= 3 && !s.empty()) {
    auto ic = eval::InformationCoefficients(forward, s, date, 3);
    if (ic.dates > 0) {
      q.ic_mean = ic.ic_mean;
      q.rank_ic_mean = ic.rank_ic_mean;
      q.rank_icir = ic.rank_icir;
    }
  }
  return q;
}

// A benchmark from its own price file (an index, an ETF): bought with the capital at its close on
// the first fill bar and held, valued at its last close at or before each bar (so a holiday of
// the index's market carries its price; a later price is never used).
std::vector<double> FileBenchmark(const std::string& path, const PricePanel& prices,
                                  std::size_t first, double capital, std::string& name) {
  FINML_REQUIRE(prices.calendar,
                "benchmark file {}: the prices have no dates to match it by (fix: a symbol of "
                "the prices, or none)",
                path);
  data::LoadOptions load;
  load.missing = data::MissingPolicy::kDrop;
  const data::MarketData market = data::LoadMarketData(path, load);
  FINML_REQUIRE(market.assets.size() == 1 && market.calendar,
                "benchmark file {}: expected one dated price series, found {} asset(s){} (fix: "
                "a date,close file, or choose one with a symbol of the prices)",
                path, market.assets.size(), market.calendar ? "" : " without dates");
  const auto& asset = market.assets.front();
  const auto& close = asset.Has(data::Field::kAdjClose) ? asset.Get(data::Field::kAdjClose)
                                                        : asset.Get(data::Field::kClose);
  name = fmt::format("{} ({})", asset.symbol.empty() ? "benchmark" : asset.symbol,
                     std::filesystem::path(path).filename().string());
  // A daily close stamped at midnight is known only once that day has traded: against intraday
  // bars it counts from the next midnight, never from the morning of its own day.
  auto intraday = [](const std::vector<data::Timestamp>& time) {
    return std::any_of(time.begin(), time.end(),
                       [](data::Timestamp t) { return t % data::kSecondsPerDay != 0; });
  };
  const data::Timestamp known_after =
      intraday(prices.time) && !intraday(market.time) ? data::kSecondsPerDay : 0;
  std::vector<double> equity(prices.rows() - first, capital);
  std::size_t j = 0;
  double bought = NAN;
  for (std::size_t k = 1; k < equity.size(); ++k) {
    const data::Timestamp t = prices.time[first + k];
    while (j < market.time.size() && market.time[j] + known_after <= t) ++j;
    FINML_REQUIRE(j > 0,
                  "benchmark file {} starts on {}, after the backtest's first fill on {} (fix: a "
                  "benchmark that covers the whole period)",
                  path, market.time_label.front(), prices.time_label[first + k]);
    // A week without a price is a benchmark that stopped, not a holiday.
    FINML_REQUIRE(t - market.time[j - 1] - known_after <= 7 * data::kSecondsPerDay,
                  "benchmark file {} has no price between {} and {}, a bar of the backtest (fix: "
                  "a benchmark that covers the whole period, through {})",
                  path, market.time_label[j - 1], prices.time_label[first + k],
                  prices.time_label.back());
    const double price = close[j - 1];
    if (std::isnan(bought)) bought = price;
    equity[k] = capital * price / bought;
  }
  return equity;
}

bool LooksLikeFile(const std::string& benchmark) {
  std::error_code ec;
  return benchmark.find('/') != std::string::npos || benchmark.ends_with(".csv") ||
         std::filesystem::is_regular_file(benchmark, ec);
}

double Mean(const std::vector<double>& v, std::size_t from) {
  if (v.size() <= from) return 0;
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from), v.end(), 0.0) /
         static_cast<double>(v.size() - from);
}

}  // namespace

BacktestResult RunBacktest(const PricePanel& prices, const SignalPanel* signals,
                           const BacktestConfig& config, bool record_trades,
                           std::size_t not_before_row) {
  BacktestResult r;
  r.config = config;
  const Panel* scores = signals ? &signals->score : nullptr;
  if (signals && !NeedsSignals(config.strategy.name)) {
    throw ConfigError(
        fmt::format("strategy '{}' computes its own signal from prices; drop the "
                    "signals file or pick a signal strategy",
                    config.strategy.name));
  }
  TargetPlan plan = PlanTargets(config, prices, scores);
  // Starting later: the position held at that bar is the last one decided at or before it, so a
  // strategy that decides monthly still starts on the day, holding what it chose.
  if (not_before_row > 0 && not_before_row < plan.weight.rows) {
    for (std::size_t i = 0; i < plan.weight.cols; ++i) {
      double& start = plan.weight.at(not_before_row, i);
      for (std::size_t t = not_before_row; t-- > 0 && std::isnan(start);)
        if (!std::isnan(plan.weight.at(t, i))) start = plan.weight.at(t, i);
    }
    for (std::size_t t = 0; t < not_before_row; ++t)
      for (std::size_t i = 0; i < plan.weight.cols; ++i) plan.weight.at(t, i) = NAN;
  }
  r.decisions = plan.decisions;
  r.clipped_weights = plan.clipped;
  r.scaled_decisions = plan.scaled_rows;
  r.engine =
      Simulate(prices, plan.weight, config.execution, config.EffectiveRebalance(), record_trades);
  const std::size_t first = r.engine.first_row;
  r.annualisation = InferAnnualisation(prices.time, prices.calendar);
  if (config.periods_per_year > 0) {
    r.annualisation.periods_per_year = config.periods_per_year;
    r.annualisation.inferred = false;
  }
  r.periods_per_year = r.annualisation.periods_per_year;
  r.rolling = RollingWindow::Parse(config.rolling_window);

  if (config.benchmark != "none") {
    std::vector<std::size_t> assets;
    if (config.benchmark.empty()) {
      assets.resize(prices.assets());
      std::iota(assets.begin(), assets.end(), 0);
      r.benchmark_name =
          prices.assets() == 1 ? prices.symbols[0] + " buy-and-hold" : "equal-weight buy-and-hold";
    } else if (std::find(prices.symbols.begin(), prices.symbols.end(), config.benchmark) ==
                   prices.symbols.end() &&
               LooksLikeFile(config.benchmark)) {
      r.benchmark = FileBenchmark(config.benchmark, prices, first, config.execution.initial_capital,
                                  r.benchmark_name);
      r.benchmark_file = config.benchmark;
    } else {
      auto it = std::find(prices.symbols.begin(), prices.symbols.end(), config.benchmark);
      FINML_REQUIRE(it != prices.symbols.end(),
                    "benchmark '{}' is not a symbol of {} (did you mean '{}'? or use 'none')",
                    config.benchmark, prices.source,
                    ClosestMatch(config.benchmark, prices.symbols));
      assets.push_back(static_cast<std::size_t>(it - prices.symbols.begin()));
      r.benchmark_name = config.benchmark + " buy-and-hold";
    }
    if (!assets.empty())
      r.benchmark = BuyAndHold(prices, first, config.execution.fill, assets,
                               config.execution.initial_capital);
  }
  std::vector<data::Timestamp> time;
  if (prices.calendar)
    time.assign(prices.time.begin() + static_cast<std::ptrdiff_t>(first), prices.time.end());
  const std::vector<double>* bench = r.benchmark.empty() ? nullptr : &r.benchmark;
  r.performance =
      ComputePerformance(r.engine.equity, bench, time, r.periods_per_year, config.risk_free);
  if (bench)
    r.benchmark_performance =
        ComputePerformance(r.benchmark, nullptr, time, r.periods_per_year, config.risk_free);
  r.signal = MeasureSignal(prices, plan.score, config.execution.fill);

  const auto& e = r.engine;
  r.total_fees = std::accumulate(e.fees.begin(), e.fees.end(), 0.0);
  r.total_slippage = std::accumulate(e.slippage.begin(), e.slippage.end(), 0.0);
  r.mean_turnover = Mean(e.turnover, 1);
  r.mean_gross_exposure = Mean(e.gross_exposure, 1);
  r.mean_net_exposure = Mean(e.net_exposure, 1);
  std::size_t invested = 0;
  for (std::size_t k = 1; k < e.gross_exposure.size(); ++k) invested += e.gross_exposure[k] > 0;
  r.time_in_market =
      e.gross_exposure.size() > 1
          ? static_cast<double>(invested) / static_cast<double>(e.gross_exposure.size() - 1)
          : 0.0;

  // threshold sizes each position at 1/assets of the price file: signals for a few of its
  // symbols leave most of the capital idle, which a user rarely means.
  if (signals && config.strategy.name == "threshold" && config.strategy.position_weight <= 0 &&
      prices.assets() > 1) {
    std::size_t covered = 0;
    for (std::size_t i = 0; i < prices.assets(); ++i) {
      bool any = false;
      for (std::size_t t = 0; t < signals->score.rows && !any; ++t)
        any = std::isfinite(signals->score.at(t, i));
      covered += any;
    }
    if (covered > 0 && covered < prices.assets())
      r.warnings.push_back(fmt::format(
          "the signals score {} of the prices' {} symbols, and threshold holds each at 1/{} of "
          "equity, so at most {:.0f}% is ever invested (fix: --symbols with those {}, or --set "
          "position_weight={:.4g})",
          covered, prices.assets(), prices.assets(),
          100.0 * static_cast<double>(covered) / static_cast<double>(prices.assets()), covered,
          1.0 / static_cast<double>(covered)));
  }
  if (signals && signals->after_last_bar > 0) {
    r.unexecuted_signals = signals->after_last_bar;
    r.warnings.push_back(
        fmt::format("{} signal(s) dated after the last price bar (first: {}) cannot be traded yet",
                    signals->after_last_bar, signals->first_after));
  }
  if (e.halted_orders > 0) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < prices.assets(); ++i)
      if (e.halted_by_asset[i] > 0)
        names.push_back(fmt::format("{} ({})", prices.symbols[i], e.halted_by_asset[i]));
    r.warnings.push_back(fmt::format(
        "{} order(s) found no price at their fill bar (halted or not listed) and waited: {}",
        e.halted_orders, JoinStrings(names, ", ")));
  }
  // max_leverage caps each decision; between decisions positions move with prices and can pass
  // it. A reader of the exposure chart should not have to find that out alone.
  if (!e.gross_exposure.empty()) {
    const auto peak = std::max_element(e.gross_exposure.begin(), e.gross_exposure.end());
    const double limit = config.execution.max_leverage;
    if (*peak > limit * 1.01)
      r.warnings.push_back(fmt::format(
          "gross exposure reached {:.1f}% of equity on {}, above max_leverage {:.0f}%: positions "
          "drift with prices between decisions (rebalance {}; 'always' restores the weights every "
          "bar)",
          100 * *peak,
          prices.time_label[first + static_cast<std::size_t>(peak - e.gross_exposure.begin())],
          100 * limit, EnumName(config.EffectiveRebalance())));
  }
  if (r.signal.lookahead_suspected) {
    r.warnings.push_back(fmt::format(
        "possible look-ahead: the signal's rank IC with the next bar's return, which no decision "
        "can trade, is {:.3f}; check that each score uses only data up to its date",
        r.signal.next_bar_rank_ic));
  }
  if (r.clipped_weights > 0 || r.scaled_decisions > 0) {
    r.warnings.push_back(
        fmt::format("limits applied: {} weight(s) cut to max_weight {}, {} decision(s) scaled to "
                    "max_leverage {}",
                    r.clipped_weights, config.execution.max_weight, r.scaled_decisions,
                    config.execution.max_leverage));
  }
  return r;
}

std::vector<BacktestResult> RunSideBySide(const PricePanel& prices, const SignalPanel* signals,
                                          const std::vector<BacktestConfig>& configs) {
  std::vector<BacktestResult> results;
  std::size_t common = 0;
  for (const auto& c : configs) {
    // Rule strategies next to signal ones compute their own signal from the same prices.
    const bool wants = signals && NeedsSignals(c.strategy.name);
    results.push_back(RunBacktest(prices, wants ? signals : nullptr, c));
    common = std::max(common, results.back().engine.first_row);
  }
  for (std::size_t i = 0; i < configs.size(); ++i) {
    if (results[i].engine.first_row == common) continue;
    const bool wants = signals && NeedsSignals(configs[i].strategy.name);
    results[i] = RunBacktest(prices, wants ? signals : nullptr, configs[i], true, common);
  }
  return results;
}

}  // namespace finml::backtest
