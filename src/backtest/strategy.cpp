#include "finml/backtest/strategy.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "finml/core/error.hpp"
#include "finml/eval/metrics.hpp"
#include "finml/features/indicators.hpp"

namespace finml::backtest {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// An asset's closes with halts bridged by the last price, so indicators keep their history;
// leading gaps (not listed yet) stay NaN.
features::Series BridgedCloses(const PricePanel& prices, std::size_t asset) {
  features::Series x(prices.rows());
  double last = kNaN;
  for (std::size_t t = 0; t < x.size(); ++t) {
    const double c = prices.close.at(t, asset);
    if (!std::isnan(c)) last = c;
    x[t] = last;
  }
  return x;
}

void PlanSmaCross(const StrategyConfig& s, const PricePanel& prices, double size, TargetPlan& plan) {
  for (std::size_t i = 0; i < prices.assets(); ++i) {
    const auto close = BridgedCloses(prices, i);
    const auto fast = features::Sma(close, s.fast);
    const auto slow = features::Sma(close, s.slow);
    for (std::size_t t = 0; t < close.size(); ++t) {
      const double gap = fast[t] - slow[t];
      if (std::isnan(gap)) continue;
      plan.score.at(t, i) = gap;
      plan.weight.at(t, i) = gap > 0 ? size : (s.allow_short ? -size : 0.0);
    }
  }
}

void PlanRsiReversion(const StrategyConfig& s, const PricePanel& prices, double size,
                      TargetPlan& plan) {
  for (std::size_t i = 0; i < prices.assets(); ++i) {
    const auto rsi = features::Rsi(BridgedCloses(prices, i), s.rsi_period);
    int side = 0;
    for (std::size_t t = 0; t < rsi.size(); ++t) {
      const double r = rsi[t];
      if (std::isnan(r)) continue;
      if (side > 0 && r > s.rsi_exit) side = 0;
      if (side < 0 && r < s.rsi_exit) side = 0;
      if (r < s.rsi_lower) side = 1;
      if (s.allow_short && r > s.rsi_upper) side = -1;
      plan.score.at(t, i) = 50.0 - r;  // oversold scores high: what the rule bets on
      plan.weight.at(t, i) = side * size;
    }
  }
}

// Assets with a score on row t, best first (ties: lower column first, so runs are reproducible).
std::vector<std::size_t> RankedByScore(const double* score, std::size_t n) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(score[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  return order;
}

void PlanTopK(const StrategyConfig& s, const Panel& scores, double size, TargetPlan& plan) {
  for (std::size_t t = 0; t < scores.rows; ++t) {
    const auto ranked = RankedByScore(scores.row(t), scores.cols);
    if (ranked.empty()) continue;
    for (std::size_t i = 0; i < scores.cols; ++i) plan.weight.at(t, i) = 0.0;
    for (std::size_t j = 0; j < std::min(s.top_k, ranked.size()); ++j)
      plan.weight.at(t, ranked[j]) = size;
  }
}

// Qlib's TopkDropoutStrategy (method_sell="bottom", method_buy="top"): rank the holdings and the
// best non-held names together, sell the holdings among the n_drop worst, and buy enough of the
// best non-held names to get back to k. A holding without a score ranks last.
void PlanTopKDropout(const StrategyConfig& s, const Panel& scores, double size, TargetPlan& plan) {
  std::vector<char> held(scores.cols, 0);
  for (std::size_t t = 0; t < scores.rows; ++t) {
    const double* score = scores.row(t);
    const auto ranked = RankedByScore(score, scores.cols);
    if (ranked.empty()) continue;
    auto key = [&](std::size_t i) {
      return std::isnan(score[i]) ? -std::numeric_limits<double>::infinity() : score[i];
    };
    std::vector<std::size_t> last;
    for (std::size_t i = 0; i < scores.cols; ++i)
      if (held[i]) last.push_back(i);
    std::stable_sort(last.begin(), last.end(),
                     [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
    std::vector<std::size_t> today;
    const std::size_t want = s.n_drop + s.top_k > last.size() ? s.n_drop + s.top_k - last.size() : 0;
    for (std::size_t i : ranked) {
      if (today.size() >= want) break;
      if (!held[i]) today.push_back(i);
    }
    std::vector<std::size_t> comb = last;
    comb.insert(comb.end(), today.begin(), today.end());
    std::stable_sort(comb.begin(), comb.end(),
                     [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
    std::vector<char> bottom(scores.cols, 0);
    for (std::size_t j = comb.size() > s.n_drop ? comb.size() - s.n_drop : 0; j < comb.size(); ++j)
      bottom[comb[j]] = 1;
    std::size_t sold = 0;
    for (std::size_t i : last) {
      if (!bottom[i]) continue;
      held[i] = 0;
      ++sold;
    }
    const std::size_t buy_count = std::min(today.size(), sold + s.top_k - std::min(s.top_k, last.size()));
    for (std::size_t j = 0; j < buy_count; ++j) held[today[j]] = 1;
    for (std::size_t i = 0; i < scores.cols; ++i) plan.weight.at(t, i) = held[i] ? size : 0.0;
  }
}

void PlanLongShort(const StrategyConfig& s, const Panel& scores, TargetPlan& plan) {
  for (std::size_t t = 0; t < scores.rows; ++t) {
    const double* score = scores.row(t);
    std::vector<std::size_t> scored;
    std::vector<double> values;
    for (std::size_t i = 0; i < scores.cols; ++i) {
      if (std::isnan(score[i])) continue;
      scored.push_back(i);
      values.push_back(score[i]);
    }
    if (scored.size() < 2) continue;
    auto ranks = eval::Ranks(values);
    const double mean = std::accumulate(ranks.begin(), ranks.end(), 0.0) / ranks.size();
    double total = 0;
    for (double& r : ranks) total += std::abs(r -= mean);
    for (std::size_t i = 0; i < scores.cols; ++i) plan.weight.at(t, i) = 0.0;
    if (total == 0) continue;
    for (std::size_t j = 0; j < scored.size(); ++j)
      plan.weight.at(t, scored[j]) = s.gross * ranks[j] / total;
  }
}

void ApplyLimits(const ExecutionConfig& e, TargetPlan& plan) {
  Panel& w = plan.weight;
  for (std::size_t t = 0; t < w.rows; ++t) {
    double gross = 0;
    bool any = false;
    for (std::size_t i = 0; i < w.cols; ++i) {
      double& x = w.at(t, i);
      if (std::isnan(x)) continue;
      any = true;
      if (std::abs(x) > e.max_weight) {
        x = std::copysign(e.max_weight, x);
        ++plan.clipped;
      }
      gross += std::abs(x);
    }
    if (!any) continue;
    ++plan.decisions;
    if (gross <= e.max_leverage * (1 + 1e-12)) continue;
    ++plan.scaled_rows;
    const double scale = e.max_leverage / gross;
    for (std::size_t i = 0; i < w.cols; ++i) w.at(t, i) *= scale;  // NaN stays NaN
  }
}

}  // namespace

TargetPlan PlanTargets(const BacktestConfig& config, const PricePanel& prices,
                       const Panel* scores) {
  const StrategyConfig& s = config.strategy;
  const std::size_t n = prices.assets();
  FINML_REQUIRE(n > 0 && prices.rows() > 0, "the price data is empty");
  FINML_REQUIRE(!NeedsSignals(s.kind) || scores != nullptr,
                "strategy '{}' trades on signals: give a signals file (date,symbol,score)",
                StrategyName(s.kind));
  if (scores && (scores->rows != prices.rows() || scores->cols != n))
    throw InternalError("PlanTargets: scores and prices differ in shape");
  TargetPlan plan;
  plan.weight = Panel(prices.rows(), n);
  plan.score = scores ? *scores : Panel(prices.rows(), n);
  auto size_or = [&](double natural) { return s.position_weight > 0 ? s.position_weight : natural; };
  const double per_asset = size_or(1.0 / static_cast<double>(n));
  switch (s.kind) {
    case StrategyKind::kThreshold:
      for (std::size_t k = 0; k < scores->values.size(); ++k) {
        const double x = scores->values[k];
        if (std::isnan(x)) continue;
        double w = 0;
        if (x > s.long_above) w = per_asset;
        else if (s.short_below && x < *s.short_below) w = -per_asset;
        plan.weight.values[k] = w;
      }
      break;
    case StrategyKind::kTopK:
      PlanTopK(s, *scores, size_or(1.0 / static_cast<double>(s.top_k)), plan);
      break;
    case StrategyKind::kTopKDropout:
      PlanTopKDropout(s, *scores, size_or(1.0 / static_cast<double>(s.top_k)), plan);
      break;
    case StrategyKind::kLongShort:
      FINML_REQUIRE(n >= 2, "strategy 'long_short' needs at least two assets");
      PlanLongShort(s, *scores, plan);
      break;
    case StrategyKind::kSmaCross:
      PlanSmaCross(s, prices, per_asset, plan);
      break;
    case StrategyKind::kRsiReversion:
      PlanRsiReversion(s, prices, per_asset, plan);
      break;
    case StrategyKind::kWeights:
      plan.weight = *scores;
      break;
  }
  ApplyLimits(config.execution, plan);
  return plan;
}

}  // namespace finml::backtest
