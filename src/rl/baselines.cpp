#include "finml/rl/baselines.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "finml/backtest/performance.hpp"
#include "finml/core/error.hpp"
#include "finml/models/forecaster.hpp"
#include "finml/portfolio/walk_forward.hpp"
#include "finml/train/normalizer.hpp"

namespace finml::rl {
namespace {

using backtest::Panel;

bool Priced(const MarketInputs& in, std::size_t t, std::size_t i) {
  return !std::isnan(in.prices.close.at(t, i));
}

Panel BuyAndHold(const MarketInputs& in, std::size_t start) {
  const std::size_t n = in.assets();
  Panel targets(in.rows(), n);
  std::size_t listed = 0;
  for (std::size_t i = 0; i < n; ++i) listed += Priced(in, start, i) ? 1 : 0;
  for (std::size_t i = 0; i < n; ++i)
    targets.at(start, i) = Priced(in, start, i) ? 1.0 / static_cast<double>(listed) : 0.0;
  return targets;
}

// A walk-forward track traded from `start`: the book of its latest decision at or before
// `start` (made from data up to that decision only), then its own decisions.
Panel FromStart(const Panel& weights, std::size_t start, std::size_t last) {
  Panel targets(weights.rows, weights.cols);
  std::size_t latest = start + 1;
  for (std::size_t t = 0; t <= start; ++t)
    if (std::any_of(weights.row(t), weights.row(t) + weights.cols,
                    [](double w) { return !std::isnan(w); }))
      latest = t;
  // Before its first decision the track holds cash, so it still trades the same bars.
  for (std::size_t i = 0; i < weights.cols; ++i) {
    const double w = latest <= start ? weights.at(latest, i) : 0.0;
    targets.at(start, i) = std::isnan(w) ? 0.0 : w;
  }
  for (std::size_t t = start + 1; t < last; ++t)
    for (std::size_t i = 0; i < weights.cols; ++i) targets.at(t, i) = weights.at(t, i);
  return targets;
}

using Decision = std::pair<std::size_t, std::size_t>;  // (bar, asset)

// The samples of `decisions` for finml's forecasters: each asset's block of the state as its
// features, and with `horizon` > 0 the log return over the `horizon` bars after the fill at t+1
// as the target.
train::SampleSet Pooled(const MarketInputs& in, const std::vector<Decision>& decisions,
                        std::size_t horizon) {
  train::SampleSet s;
  s.lookback = 1;
  for (std::size_t f = 0; f < in.per_asset; ++f)
    s.feature_names.push_back(in.state_names[f].substr(in.state_names[f].find('.') + 1));
  s.x.reserve(decisions.size() * in.per_asset);
  for (const auto& [t, i] : decisions) {
    const float* block = in.state.data() + t * in.state_size + i * in.per_asset;
    s.x.insert(s.x.end(), block, block + in.per_asset);
    s.y.push_back(horizon > 0 ? std::log(in.prices.close.at(t + 1 + horizon, i) /
                                         in.prices.close.at(t + 1, i))
                              : std::nan(""));
    s.asset.push_back(i);
    s.decision_row.push_back(t);
  }
  return s;
}

// Decisions t in [from, to) whose outcome over the horizon after the fill is known by `to`.
std::vector<Decision> Known(const MarketInputs& in, std::size_t horizon, std::size_t from,
                            std::size_t to) {
  std::vector<Decision> keep;
  // A decision at t is filled at the close of t+1: what it can earn starts there.
  for (std::size_t t = std::max(from, in.first_row);
       t + 1 + horizon <= to && t + 1 + horizon < in.rows(); ++t)
    for (std::size_t i = 0; i < in.assets(); ++i)
      if (Priced(in, t + 1, i) && Priced(in, t + 1 + horizon, i)) keep.emplace_back(t, i);
  return keep;
}

// finml's ridge forecaster on z-scored per-asset inputs, fitted on the training decisions with
// its penalty chosen on the validation ones.
struct FittedRidge {
  train::Normalizer scaler{train::NormalizerKind::kZScore};
  std::unique_ptr<models::Forecaster> ridge;
};

FittedRidge FitRidge(const MarketInputs& in, std::size_t horizon, std::size_t train_last,
                     std::size_t validation_last) {
  train::SampleSet train = Pooled(in, Known(in, horizon, in.first_row, train_last), horizon);
  train::SampleSet validation =
      Pooled(in, Known(in, horizon, train_last, validation_last), horizon);
  FINML_REQUIRE(train.size() > in.per_asset,
                "{}: {} training samples are too few for the forecaster baseline's {} inputs "
                "(fix: a later --train-end, or a shorter --baseline-rebalance)",
                in.source, train.size(), in.per_asset);
  FittedRidge fit;
  fit.scaler.Fit(train);
  fit.scaler.Apply(train);
  fit.scaler.Apply(validation);
  const std::vector<double> grid = validation.size() > 0
                                       ? std::vector<double>{1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0}
                                       : std::vector<double>{1e-4};
  fit.ridge = models::MakeForecaster("ridge", nlohmann::json{{"alpha", grid}});
  fit.ridge->Fit(train, validation, {});
  return fit;
}

// The forecasts of `decisions`, in their order.
std::vector<double> Forecasts(const FittedRidge& fit, const MarketInputs& in,
                              const std::vector<Decision>& decisions) {
  train::SampleSet s = Pooled(in, decisions, 0);
  fit.scaler.Apply(s);
  return fit.ridge->Predict(s);
}

}  // namespace

std::vector<BaselineTrack> BaselineTargets(const data::MarketData& market, const MarketInputs& in,
                                           const EnvSettings& env, const RlSettings& settings,
                                           const std::vector<BaselineWindow>& windows) {
  FINML_REQUIRE(!windows.empty(), "no trading window");
  const std::size_t start = windows.front().start, last = windows.back().end;
  const std::size_t n = in.assets();
  std::vector<BaselineTrack> out;
  out.push_back({"buy_and_hold", BuyAndHold(in, start),
                 n > 1 ? "equal weights bought on the first trading bar and held"
                       : "the asset bought on the first trading bar and held"});

  if (n > 1) {
    portfolio::PortfolioSettings ps;
    ps.objectives = {portfolio::Objective::kEqualWeight, portfolio::Objective::kMinVariance};
    ps.rebalance = settings.baseline_rebalance;
    ps.window = settings.baseline_window;
    ps.bounds = {0, 1};
    const portfolio::ReturnsData data =
        portfolio::ReturnsDataFrom(market, in.source, false, "auto", data::Field::kClose);
    portfolio::WalkForward walk;
    try {
      walk = portfolio::WalkForwardWeights(data, ps);
    } catch (const Error& e) {
      throw InvalidInput(fmt::format(
          "the equal weight and minimum variance baselines: {} (in finml rl the settings are "
          "--baseline-window and --baseline-rebalance)",
          e.what()));
    }
    const char* names[] = {"equal_weight", "min_variance"};
    const char* what[] = {
        "equal weights, re-balanced {}",
        "minimum variance (long-only, sample covariance of the trailing {} bars), re-balanced {}"};
    for (std::size_t k = 0; k < walk.tracks.size(); ++k) {
      out.push_back({names[k], FromStart(walk.tracks[k].weights, start, last),
                     k == 0 ? fmt::format(fmt::runtime(what[0]), settings.baseline_rebalance)
                            : fmt::format(fmt::runtime(what[1]), settings.baseline_window,
                                          settings.baseline_rebalance)});
    }
  }

  // The forecast is of the return over the holding period: the names are re-chosen as often as
  // the other baselines re-balance.
  const std::size_t horizon =
      RebalanceBars(settings.baseline_rebalance,
                    backtest::InferPeriodsPerYear(in.prices.time, in.prices.calendar));
  Panel forecast_targets(in.rows(), n);
  // The baseline may go short only where the agent may.
  const bool can_short = env.env == EnvKind::kTrading
                             ? env.actions == TradingActions::kShortFlatLong
                             : env.weights == WeightMap::kLongShort;
  // Holding every asset would be equal_weight under another name: a top_k that reaches the number
  // of assets holds the better half instead, and the description says so.
  const bool top_k_reaches_all = n > 1 && settings.top_k >= n;
  const std::size_t k_held = top_k_reaches_all ? std::max<std::size_t>(1, n / 2) : settings.top_k;
  std::vector<std::pair<double, std::size_t>> ranked;
  for (const BaselineWindow& w : windows) {
    const FittedRidge fit = FitRidge(in, horizon, w.train_last, w.start);
    std::vector<Decision> decisions;
    for (std::size_t t = w.start; t < w.end; t += horizon)
      for (std::size_t i = 0; i < n; ++i)
        if (Priced(in, t, i)) decisions.emplace_back(t, i);
    const std::vector<double> forecast = Forecasts(fit, in, decisions);
    for (std::size_t k = 0; k < decisions.size();) {
      const std::size_t t = decisions[k].first;
      ranked.clear();
      for (; k < decisions.size() && decisions[k].first == t; ++k)
        ranked.emplace_back(forecast[k], decisions[k].second);
      if (n == 1) {
        const double f = ranked.front().first;
        forecast_targets.at(t, 0) = f > 0 ? 1.0 : (can_short && f < 0 ? -1.0 : 0.0);
        continue;
      }
      for (std::size_t i = 0; i < n; ++i) forecast_targets.at(t, i) = 0;
      std::sort(ranked.begin(), ranked.end(), std::greater<>());
      const std::size_t held = std::min(k_held, ranked.size());
      for (std::size_t j = 0; j < held; ++j)
        forecast_targets.at(t, ranked[j].second) = 1.0 / static_cast<double>(held);
    }
  }
  const std::string period = horizon == 1 ? std::string("bar") : fmt::format("{} bars", horizon);
  out.push_back(
      {n > 1 ? fmt::format("ridge_top{}", k_held) : "ridge_sign", std::move(forecast_targets),
       n > 1
           ? fmt::format(
                 "a ridge forecast of each asset's log return over the {} after the fill from the "
                 "state's per-asset inputs (fitted on the training bars, penalty chosen "
                 "on validation); the top {} held in equal weights, re-chosen every {}{}",
                 period, k_held, period,
                 top_k_reaches_all
                     ? fmt::format(" (top_k {} would hold all {} assets, which is equal_weight)",
                                   settings.top_k, n)
                     : std::string())
           : fmt::format("a ridge forecast of the log return over the {} after the fill; long when "
                         "positive{}, re-decided every {}",
                         period, can_short ? ", short when negative" : ", flat otherwise",
                         period)});
  return out;
}

}  // namespace finml::rl
