#include "finml/rl/environment.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "finml/backtest/strategy.hpp"
#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "finml/features/feature_set.hpp"

namespace finml::rl {
namespace {

// Drops every asset but the traded one (trading) so the book and the state see only it.
data::MarketData TradedAssets(const data::MarketData& market, const EnvSettings& env) {
  if (env.env != EnvKind::kTrading) return market;
  data::MarketData one = market;
  one.assets.clear();
  if (env.asset.empty()) {
    one.assets.push_back(market.assets.front());
    return one;
  }
  for (const auto& bars : market.assets)
    if (bars.symbol == env.asset) one.assets.push_back(bars);
  if (one.assets.empty()) {
    throw InvalidInput(
        fmt::format("{}: no symbol '{}' to trade (did you mean '{}'? fix: --asset "
                    "one of the data's symbols)",
                    market.source, env.asset, ClosestMatch(env.asset, market.Symbols())));
  }
  return one;
}

// FinRL's turbulence: the Mahalanobis distance of bar t's returns from the mean of the `window`
// bars before it, under their covariance (pseudo-inverse), over the assets priced throughout.
std::vector<double> Turbulence(const backtest::Panel& returns, std::size_t window) {
  const std::size_t rows = returns.rows, n = returns.cols;
  std::vector<double> out(rows, std::nan(""));
  for (std::size_t t = window; t < rows; ++t) {
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < n; ++i) {
      bool full = !std::isnan(returns.at(t, i));
      for (std::size_t s = t - window; full && s < t; ++s) full = !std::isnan(returns.at(s, i));
      if (full) kept.push_back(i);
    }
    if (kept.empty()) continue;
    Eigen::MatrixXd history(window, kept.size());
    Eigen::VectorXd today(kept.size());
    for (std::size_t j = 0; j < kept.size(); ++j) {
      today(j) = returns.at(t, kept[j]);
      for (std::size_t s = 0; s < window; ++s) history(s, j) = returns.at(t - window + s, kept[j]);
    }
    const Eigen::RowVectorXd mean = history.colwise().mean();
    const Eigen::MatrixXd centred = history.rowwise() - mean;
    const Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(window - 1);
    const Eigen::VectorXd d = today - mean.transpose();
    const Eigen::VectorXd solved = cov.completeOrthogonalDecomposition().solve(d);
    out[t] = d.dot(solved);
  }
  return out;
}

double Clamp(double v, double lo, double hi) { return std::min(hi, std::max(lo, v)); }

// Euclidean projection onto the probability simplex (Duchi et al. 2008).
void ProjectToSimplex(const float* v, std::size_t n, double* out) {
  std::vector<double> sorted(v, v + n);
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double cumulative = 0, theta = 0;
  for (std::size_t k = 0; k < n; ++k) {
    cumulative += sorted[k];
    const double candidate = (cumulative - 1.0) / static_cast<double>(k + 1);
    if (sorted[k] - candidate > 0) theta = candidate;
  }
  for (std::size_t k = 0; k < n; ++k) out[k] = std::max(0.0, static_cast<double>(v[k]) - theta);
}

}  // namespace

MarketInputs PrepareMarket(const data::MarketData& market_all, const EnvSettings& env,
                           data::Field price) {
  FINML_REQUIRE(!market_all.assets.empty(), "{}: no assets to trade", market_all.source);
  const data::MarketData market = TradedAssets(market_all, env);
  MarketInputs in;
  in.source = market.source;
  in.prices = backtest::MakePricePanel(market, price);
  const std::size_t rows = in.prices.rows(), n = in.prices.assets();
  FINML_REQUIRE(rows >= env.window + 2,
                "{}: {} bars are too few for a state of {} returns (fix: a smaller --window, or "
                "more data)",
                market.source, rows, env.window);

  backtest::Panel returns(rows, n);
  for (std::size_t t = 1; t < rows; ++t)
    for (std::size_t i = 0; i < n; ++i) {
      const double a = in.prices.close.at(t - 1, i), b = in.prices.close.at(t, i);
      if (a > 0 && b > 0) returns.at(t, i) = std::log(b / a);
    }

  std::vector<features::FeatureTable> tables;
  std::size_t warmup = 0;
  for (const auto& bars : market.assets) {
    tables.push_back(features::ComputeFeatures(bars, env.features, price));
    const auto& close = bars.Get(price);
    std::size_t listed = 0;
    while (listed < close.size() && std::isnan(close[listed])) ++listed;
    if (listed > 0) continue;  // assets listed later warm up inside the data, with zeros
    for (const auto& column : tables.back().columns) {
      std::size_t k = 0;
      while (k < column.size() && !std::isfinite(column[k])) ++k;
      warmup = std::max(warmup, k);
    }
  }
  const std::size_t features = tables.front().names.size();
  const std::size_t per_asset = env.window + features;
  const std::size_t cov_size = env.covariance ? n * (n + 1) / 2 : 0;
  in.per_asset = per_asset;
  in.state_size = n * per_asset + cov_size + (env.turbulence ? 1 : 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& symbol = in.prices.symbols[i];
    for (std::size_t k = 0; k < env.window; ++k)
      in.state_names.push_back(fmt::format("{}.return_lag{}", symbol, env.window - 1 - k));
    for (const auto& name : tables[i].names) in.state_names.push_back(symbol + "." + name);
  }
  if (env.covariance)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i; j < n; ++j)
        in.state_names.push_back(
            fmt::format("cov.{}.{}", in.prices.symbols[i], in.prices.symbols[j]));
  if (env.turbulence) in.state_names.push_back("turbulence");

  if (env.turbulence) in.turbulence = Turbulence(returns, env.turbulence_window);
  in.market_return.assign(rows, 0.0);
  for (std::size_t t = 1; t < rows; ++t) {
    double sum = 0;
    std::size_t priced = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isnan(returns.at(t, i))) {
        sum += std::expm1(returns.at(t, i));
        ++priced;
      }
    if (priced > 0) in.market_return[t] = sum / static_cast<double>(priced);
  }
  in.first_row = std::max({env.window, warmup, env.covariance ? env.covariance_window : 0});
  // The first decision needs a bar after it to be filled at.
  FINML_REQUIRE(in.first_row + 2 <= rows,
                "{}: the state needs {} bars of history and the data has {} (fix: fewer or "
                "shorter features, a smaller window)",
                market.source, in.first_row, rows);

  in.state.assign(rows * in.state_size, 0.0f);
  for (std::size_t t = in.first_row; t < rows; ++t) {
    float* row = in.state.data() + t * in.state_size;
    for (std::size_t i = 0; i < n; ++i) {
      float* asset = row + i * per_asset;
      for (std::size_t k = 0; k < env.window; ++k) {
        const double r = returns.at(t + 1 - env.window + k, i);
        asset[k] = std::isnan(r) ? 0.0f : static_cast<float>(r);
      }
      for (std::size_t f = 0; f < features; ++f) {
        const double v = tables[i].columns[f][t];
        asset[env.window + f] = std::isfinite(v) ? static_cast<float>(v) : 0.0f;
      }
    }
    float* cov = row + n * per_asset;
    if (env.covariance) {
      const std::size_t w = env.covariance_window;
      std::size_t k = 0;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i; j < n; ++j) {
          double si = 0, sj = 0, sij = 0;
          std::size_t m = 0;
          for (std::size_t s = t + 1 - w; s <= t; ++s) {
            const double a = returns.at(s, i), b = returns.at(s, j);
            if (std::isnan(a) || std::isnan(b)) continue;
            si += a;
            sj += b;
            sij += a * b;
            ++m;
          }
          cov[k++] = m > 1 ? static_cast<float>((sij - si * sj / static_cast<double>(m)) /
                                                static_cast<double>(m - 1))
                           : 0.0f;
        }
    }
    if (env.turbulence) {
      const double v = in.turbulence[t];
      row[in.state_size - 1] = std::isnan(v) ? 0.0f : static_cast<float>(std::log1p(v));
    }
  }
  return in;
}

StateScaler StateScaler::Fit(const MarketInputs& in, std::size_t first, std::size_t last) {
  StateScaler s;
  const std::size_t d = in.state_size;
  std::vector<double> sum(d, 0), sq(d, 0);
  first = std::max(first, in.first_row);
  std::size_t count = 0;
  for (std::size_t t = first; t <= last && t < in.rows(); ++t, ++count) {
    const float* row = in.state.data() + t * d;
    for (std::size_t k = 0; k < d; ++k) {
      sum[k] += row[k];
      sq[k] += static_cast<double>(row[k]) * row[k];
    }
  }
  s.mean.assign(d, 0.0f);
  s.scale.assign(d, 1.0f);
  if (count < 2) return s;
  for (std::size_t k = 0; k < d; ++k) {
    const double mean = sum[k] / static_cast<double>(count);
    const double var = std::max(0.0, sq[k] / static_cast<double>(count) - mean * mean);
    s.mean[k] = static_cast<float>(mean);
    s.scale[k] = var > 1e-16 ? static_cast<float>(1.0 / std::sqrt(var)) : 1.0f;
  }
  return s;
}

double TurbulenceThreshold(const MarketInputs& in, const EnvSettings& env, std::size_t first,
                           std::size_t last) {
  if (!env.turbulence) return std::numeric_limits<double>::infinity();
  std::vector<double> seen;
  for (std::size_t t = first; t <= last && t < in.turbulence.size(); ++t)
    if (!std::isnan(in.turbulence[t])) seen.push_back(in.turbulence[t]);
  if (seen.empty()) return std::numeric_limits<double>::infinity();
  std::sort(seen.begin(), seen.end());
  const double pos = env.turbulence_quantile * static_cast<double>(seen.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, seen.size() - 1);
  return seen[lo] + (pos - static_cast<double>(lo)) * (seen[hi] - seen[lo]);
}

ActionSpace MarketActions(const EnvSettings& env, std::size_t assets, bool continuous) {
  if (env.env == EnvKind::kPortfolio) {
    FINML_REQUIRE(continuous,
                  "the portfolio environment takes continuous target weights, and this agent "
                  "acts discretely (fix: ppo, a2c, reinforce or sac for portfolio, or --env "
                  "trading)");
    return {false, env.weights == WeightMap::kLongShort ? assets : assets + 1};
  }
  if (continuous) return {false, 1};
  return {true, env.actions == TradingActions::kFlatLong ? std::size_t{2} : std::size_t{3}};
}

MarketEnv::MarketEnv(std::shared_ptr<const MarketInputs> inputs, const EnvSettings& settings,
                     StateScaler scaler, double turbulence_threshold, Range range,
                     std::size_t copies, bool continuous, bool from_start)
    : inputs_(std::move(inputs)),
      settings_(settings),
      scaler_(std::move(scaler)),
      threshold_(turbulence_threshold),
      range_(range),
      from_start_(from_start),
      space_(MarketActions(settings, inputs_->assets(), continuous)),
      copies_(copies),
      weights_(inputs_->assets()) {
  range_.first = std::max(range_.first, inputs_->first_row);
  FINML_REQUIRE(range_.first < range_.last && range_.last < inputs_->rows(),
                "{}: the environment's bars {}..{} leave nothing to trade (the state needs {} "
                "bars of history first)",
                inputs_->source, range.first, range.last, inputs_->first_row);
  observation_size_ = inputs_->state_size + inputs_->assets() + 1;
  final_.assign(copies_.size() * observation_size_, 0.0f);
  ScaleStates();
}

void MarketEnv::UseActions(bool continuous) {
  space_ = MarketActions(settings_, inputs_->assets(), continuous);
}

void MarketEnv::StartEpisode(std::size_t c) {
  Copy& copy = copies_[c];
  const std::size_t span = range_.last - range_.first;
  const std::size_t length = settings_.episode_length;
  if (from_start_ || length == 0 || length >= span) {
    copy.row = range_.first;
    copy.end = range_.last;
  } else {
    std::uniform_int_distribution<std::size_t> start(range_.first, range_.last - length);
    copy.row = start(rng_);
    copy.end = copy.row + length;
  }
  copy.book = std::make_unique<backtest::Book>(
      inputs_->prices, settings_.execution,
      settings_.execution.rebalance.value_or(backtest::Rebalance::kAlways));
  copy.equity = settings_.execution.initial_capital;
  copy.position = 0;
  copy.dsr_a = copy.dsr_b = 0;
  if (settings_.reward == RewardKind::kDifferentialSharpe) {
    // Moments that start at zero make the first 1/eta rewards several times their later size:
    // start from the market's moments over the 1/eta bars before the episode (its past only).
    const auto span = static_cast<std::size_t>(std::ceil(1.0 / settings_.dsr_eta));
    const std::size_t from = copy.row > span ? copy.row - span : 1;
    std::size_t count = 0;
    for (std::size_t t = from; t <= copy.row; ++t, ++count) {
      copy.dsr_a += inputs_->market_return[t];
      copy.dsr_b += inputs_->market_return[t] * inputs_->market_return[t];
    }
    if (count > 0) {
      copy.dsr_a /= static_cast<double>(count);
      copy.dsr_b /= static_cast<double>(count);
    }
  }
  if (c == 0 && record_) {
    targets_ = backtest::Panel(inputs_->rows(), inputs_->assets());
    equity_.assign(1, copy.equity);
  }
}

void MarketEnv::Observe(std::size_t c, float* out) const {
  const Copy& copy = copies_[c];
  const std::size_t d = inputs_->state_size, n = inputs_->assets();
  std::copy_n(scaled_.data() + (copy.row - range_.first) * d, d, out);
  const auto& shares = copy.book->Shares();
  const auto& marks = copy.book->Marks();
  double invested = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = shares[i] != 0 && copy.equity > 0 ? shares[i] * marks[i] / copy.equity : 0;
    out[d + i] = static_cast<float>(w);
    invested += w;
  }
  out[d + n] = static_cast<float>(1.0 - invested);
}

void MarketEnv::Reset(std::uint64_t seed, float* observations) {
  rng_.seed(seed);
  risk_off_bars_ = 0;
  for (std::size_t c = 0; c < copies_.size(); ++c) {
    StartEpisode(c);
    Observe(c, observations + c * observation_size_);
  }
}

void MarketEnv::ScaleStates() {
  const std::size_t d = inputs_->state_size;
  scaled_.resize((range_.last - range_.first + 1) * d);
  for (std::size_t t = range_.first; t <= range_.last; ++t) {
    const float* row = inputs_->state.data() + t * d;
    float* out = scaled_.data() + (t - range_.first) * d;
    for (std::size_t k = 0; k < d; ++k) out[k] = (row[k] - scaler_.mean[k]) * scaler_.scale[k];
  }
}

void MarketEnv::Rescale(StateScaler scaler, double turbulence_threshold, float* observations) {
  scaler_ = std::move(scaler);
  threshold_ = turbulence_threshold;
  ScaleStates();
  for (std::size_t c = 0; c < copies_.size(); ++c) Observe(c, observations + c * observation_size_);
}

void MarketEnv::TargetWeights(const float* raw, double current, double* w) const {
  const std::size_t n = inputs_->assets();
  // A network that diverged gives NaN: read it as no preference (0) rather than a full book.
  float clean[1024];
  std::vector<float> large;
  const std::size_t size = space_.discrete ? 1 : space_.size;
  float* action = clean;
  if (size > 1024) {
    large.resize(size);
    action = large.data();
  }
  for (std::size_t k = 0; k < size; ++k) action[k] = std::isfinite(raw[k]) ? raw[k] : 0.0f;
  if (settings_.env == EnvKind::kPortfolio) {
    if (settings_.weights == WeightMap::kSoftmax) {
      const float top = *std::max_element(action, action + n + 1);
      double total = 0;
      for (std::size_t i = 0; i < n; ++i)
        total += w[i] = std::exp(static_cast<double>(action[i] - top));
      total += std::exp(static_cast<double>(action[n] - top));  // the cash slot
      for (std::size_t i = 0; i < n; ++i) w[i] /= total;
    } else if (settings_.weights == WeightMap::kSimplex) {
      std::vector<double> all(n + 1);
      ProjectToSimplex(action, n + 1, all.data());
      std::copy_n(all.begin(), n, w);
    } else {
      double gross = 0;
      for (std::size_t i = 0; i < n; ++i) gross += std::abs(w[i] = Clamp(action[i], -1, 1));
      if (gross > 1)
        for (std::size_t i = 0; i < n; ++i) w[i] /= gross;
    }
    return;
  }
  const double lo = settings_.actions == TradingActions::kShortFlatLong ? -1.0 : 0.0;
  if (!space_.discrete) {
    w[0] = std::isnan(action[0]) ? 0.0 : Clamp(action[0], lo, 1.0);
    return;
  }
  const auto k = static_cast<int>(action[0]);
  switch (settings_.actions) {
    case TradingActions::kShortFlatLong:
      w[0] = static_cast<double>(k - 1);
      break;
    case TradingActions::kFlatLong:
      w[0] = k == 1 ? 1.0 : 0.0;
      break;
    case TradingActions::kSteps:
      w[0] = Clamp(current + static_cast<double>(k - 1) * settings_.position_step, 0.0, 1.0);
      break;
  }
}

void MarketEnv::Decide(const float* action, double* weights) const {
  const Copy& copy = copies_.front();
  TargetWeights(action, copy.position, weights);
  const std::size_t t = copy.row;
  const bool risk_off = !inputs_->turbulence.empty() && inputs_->turbulence[t] > threshold_;
  for (std::size_t i = 0; i < inputs_->assets(); ++i)
    if (risk_off || std::isnan(inputs_->prices.close.at(t, i))) weights[i] = 0;
  (void)backtest::LimitWeights(settings_.execution, weights, inputs_->assets());
}

void MarketEnv::Step(const float* actions, float* observations, float* rewards,
                     std::uint8_t* dones) {
  const std::size_t n = inputs_->assets();
  const std::size_t action_size = space_.discrete ? 1 : space_.size;
  for (std::size_t c = 0; c < copies_.size(); ++c) {
    Copy& copy = copies_[c];
    const std::size_t t = copy.row;
    TargetWeights(actions + c * action_size, copy.position, weights_.data());
    copy.position = weights_[0];
    const bool risk_off = !inputs_->turbulence.empty() && inputs_->turbulence[t] > threshold_;
    if (risk_off && c == 0) ++risk_off_bars_;
    for (std::size_t i = 0; i < n; ++i) {
      if (risk_off) weights_[i] = 0;
      // No price at the decision (a halt, a holiday of its market, not listed yet): no
      // instruction, so a held position is kept as the backtester keeps it.
      if (std::isnan(inputs_->prices.close.at(t, i))) weights_[i] = std::nan("");
    }
    (void)backtest::LimitWeights(settings_.execution, weights_.data(), n);
    if (c == 0 && record_)
      for (std::size_t i = 0; i < n; ++i) targets_.at(t, i) = weights_[i];
    const backtest::Book::Bar bar = copy.book->Advance(t + 1, weights_.data());
    bool done = t + 1 >= copy.end;
    double growth;
    copy.truncated = done;
    if (bar.equity > 0) {
      growth = std::log(bar.equity / copy.equity);
    } else {
      growth = std::log(1e-6);  // ruined: the episode ends with a large penalty
      done = true;
      copy.truncated = false;
    }
    double reward = growth;
    if (settings_.reward == RewardKind::kDifferentialSharpe) {
      // Moody and Saffell's differential Sharpe ratio: the first-order effect of this bar's
      // return on an exponentially weighted Sharpe ratio.
      const double r = std::expm1(growth), eta = settings_.dsr_eta;
      const double da = r - copy.dsr_a, db = r * r - copy.dsr_b;
      const double var = copy.dsr_b - copy.dsr_a * copy.dsr_a;
      reward = var > 1e-12 ? (copy.dsr_b * da - 0.5 * copy.dsr_a * db) / std::pow(var, 1.5) : 0.0;
      copy.dsr_a += eta * da;
      copy.dsr_b += eta * db;
    }
    rewards[c] = static_cast<float>(settings_.reward_scale * reward);
    copy.equity = bar.equity;
    copy.row = t + 1;
    if (c == 0 && record_) equity_.push_back(bar.equity);
    dones[c] = done ? 1 : 0;
    if (done) Observe(c, final_.data() + c * observation_size_);
    if (done && !(c == 0 && record_ && from_start_)) StartEpisode(c);
    Observe(c, observations + c * observation_size_);
  }
}

}  // namespace finml::rl
