#include "baselines.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "finml/core/error.hpp"

namespace finml::models {
namespace {

Eigen::MatrixXd FlatWindows(const train::SampleSet& s) {
  const std::size_t width = s.lookback * s.num_features();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(s.size()), static_cast<Eigen::Index>(width));
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < width; ++j) x(i, j) = s.x[i * width + j];
  return x;
}

Eigen::VectorXd Targets(const train::SampleSet& s) {
  return Eigen::Map<const Eigen::VectorXd>(s.y.data(), static_cast<Eigen::Index>(s.size()));
}

}  // namespace

std::vector<double> RandomWalk::Predict(const train::SampleSet& samples) const {
  return samples.no_change;
}

nlohmann::json RandomWalk::Describe() const {
  return {{"type", "random_walk"}, {"forecast", "no change from the decision time"}};
}

void HistoricalMean::Fit(const train::SampleSet& train, const train::SampleSet&,
                         const FitContext&) {
  FINML_REQUIRE(train.size() > 0, "historical_mean: no training samples");
  mean_ = 0;
  for (double v : train.y) mean_ += v;
  mean_ /= static_cast<double>(train.size());
  fitted_ = true;
}

std::vector<double> HistoricalMean::Predict(const train::SampleSet& samples) const {
  if (!fitted_) throw InternalError("historical_mean: predict before fit");
  return std::vector<double>(samples.size(), mean_);
}

nlohmann::json HistoricalMean::Describe() const {
  return {{"type", "historical_mean"}, {"mean", mean_}};
}

void AutoRegressive::Fit(const train::SampleSet& train, const train::SampleSet&,
                         const FitContext&) {
  FINML_REQUIRE(order_ >= 1, "ar: order p must be at least 1");
  FINML_REQUIRE(train.ar_lags >= order_, "ar: samples carry {} lags, the model needs {}",
                train.ar_lags, order_);
  const auto n = static_cast<Eigen::Index>(train.size());
  const auto k = static_cast<Eigen::Index>(order_ + 1);
  FINML_REQUIRE(n > k, "ar({}): {} training samples are too few", order_, n);
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    x(i, 0) = 1.0;
    for (Eigen::Index j = 1; j < k; ++j) x(i, j) = train.own_lags[i * train.ar_lags + (j - 1)];
  }
  Eigen::VectorXd y = Targets(train);
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  FINML_REQUIRE(qr.rank() == k, "ar({}): the lag matrix is rank deficient (constant series?)",
                order_);
  coef_ = qr.solve(y);
  Eigen::VectorXd resid = y - x * coef_;
  sigma2_ = resid.squaredNorm() / static_cast<double>(n - k);
  Eigen::MatrixXd xtx_inv = (x.transpose() * x).inverse();
  std_error_ = (sigma2_ * xtx_inv.diagonal()).cwiseSqrt();
}

std::vector<double> AutoRegressive::Predict(const train::SampleSet& samples) const {
  if (coef_.size() == 0) throw InternalError("ar: predict before fit");
  std::vector<double> out(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    double v = coef_(0);
    for (std::size_t j = 0; j < order_; ++j)
      v += coef_(j + 1) * samples.own_lags[i * samples.ar_lags + j];
    out[i] = v;
  }
  return out;
}

nlohmann::json AutoRegressive::Describe() const {
  std::vector<double> c(coef_.data(), coef_.data() + coef_.size());
  std::vector<double> se(std_error_.data(), std_error_.data() + std_error_.size());
  return {{"type", "ar"},
          {"p", order_},
          {"coefficients", c},
          {"std_errors", se},
          {"residual_variance", sigma2_},
          {"note", "coefficients[0] is the intercept, coefficients[i] multiplies lag i"}};
}

void Ridge::Fit(const train::SampleSet& train, const train::SampleSet& validation,
                const FitContext&) {
  FINML_REQUIRE(!alphas_.empty(), "ridge: give at least one alpha");
  for (double a : alphas_) FINML_REQUIRE(a >= 0, "ridge: alpha must be >= 0 (got {})", a);
  FINML_REQUIRE(train.num_features() > 0, "ridge: no features; add a features section");
  names_.clear();
  for (std::size_t step = 0; step < train.lookback; ++step) {
    for (const auto& f : train.feature_names) {
      std::size_t lag = train.lookback - 1 - step;
      names_.push_back(lag == 0 ? f : fmt::format("{}[t-{}]", f, lag));
    }
  }
  Eigen::MatrixXd x = FlatWindows(train);
  Eigen::VectorXd y = Targets(train);
  // The intercept is not penalised: centre both sides and recover it afterwards.
  Eigen::RowVectorXd x_mean = x.colwise().mean();
  double y_mean = y.mean();
  Eigen::MatrixXd xc = x.rowwise() - x_mean;
  Eigen::VectorXd yc = y.array() - y_mean;
  Eigen::MatrixXd gram = xc.transpose() * xc;
  Eigen::VectorXd xty = xc.transpose() * yc;
  auto solve = [&](double alpha) {
    Eigen::MatrixXd a = gram;
    a.diagonal().array() += alpha * static_cast<double>(train.size());
    return Eigen::VectorXd(a.ldlt().solve(xty));
  };
  validation_mse_.clear();
  double best = std::numeric_limits<double>::infinity();
  alpha_ = alphas_.front();
  if (alphas_.size() > 1) {
    FINML_REQUIRE(validation.size() > 0, "ridge: choosing alpha needs validation samples");
    Eigen::MatrixXd xv = FlatWindows(validation);
    Eigen::VectorXd yv = Targets(validation);
    for (double alpha : alphas_) {
      Eigen::VectorXd beta = solve(alpha);
      double icpt = y_mean - x_mean.dot(beta);
      double mse = ((xv * beta).array() + icpt - yv.array()).square().mean();
      validation_mse_.emplace_back(alpha, mse);
      if (mse < best) {
        best = mse;
        alpha_ = alpha;
      }
    }
  }
  coef_ = solve(alpha_);
  intercept_ = y_mean - x_mean.dot(coef_);
  edge_warning_.clear();
  if (alphas_.size() > 1) {
    const auto [lowest, highest] = std::minmax_element(alphas_.begin(), alphas_.end());
    if (alpha_ == *highest || (alpha_ == *lowest && *lowest > 0)) {
      edge_warning_ = fmt::format(
          "ridge: the chosen alpha {:g} is the {} of the grid, so the best may lie beyond it (fix: "
          "a grid reaching {}, params: {{alpha: [...]}}; on returns the largest often wins, as "
          "the coefficients shrink towards zero and the forecast towards the training mean)",
          alpha_, alpha_ == *highest ? "largest" : "smallest",
          alpha_ == *highest ? "higher" : "lower");
    }
  }
}

std::vector<double> Ridge::Predict(const train::SampleSet& samples) const {
  if (coef_.size() == 0) throw InternalError("ridge: predict before fit");
  FINML_REQUIRE(
      static_cast<Eigen::Index>(samples.lookback * samples.num_features()) == coef_.size(),
      "ridge: fitted on {} inputs, given {}", coef_.size(),
      samples.lookback * samples.num_features());
  Eigen::VectorXd p = (FlatWindows(samples) * coef_).array() + intercept_;
  return std::vector<double>(p.data(), p.data() + p.size());
}

nlohmann::json Ridge::Describe() const {
  nlohmann::json coefs = nlohmann::json::object();
  for (std::size_t j = 0; j < names_.size(); ++j) coefs[names_[j]] = coef_(j);
  nlohmann::json grid = nlohmann::json::array();
  for (auto [a, mse] : validation_mse_) grid.push_back({{"alpha", a}, {"validation_mse", mse}});
  return {{"type", "ridge"},
          {"alpha", alpha_},
          {"intercept", intercept_},
          {"coefficients", coefs},
          {"alpha_search", grid},
          {"alpha_at_grid_edge",
           edge_warning_.empty() ? nlohmann::json(false) : nlohmann::json(edge_warning_)},
          {"note",
           "alpha scales the penalty per training sample (objective: mean squared error "
           "+ alpha * |beta|^2); features are normalised on training data"}};
}

namespace {
std::vector<double> ToVector(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }
Eigen::VectorXd FromVector(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}
}  // namespace

nlohmann::json RandomWalk::Save(const std::string&) const { return nlohmann::json::object(); }
void RandomWalk::Load(const JsonReader&, const std::string&) {}

nlohmann::json HistoricalMean::Save(const std::string&) const { return {{"mean", mean_}}; }
void HistoricalMean::Load(const JsonReader& state, const std::string&) {
  mean_ = state["mean"].Number();
  fitted_ = true;
}

nlohmann::json AutoRegressive::Save(const std::string&) const {
  return {{"coefficients", ToVector(coef_)},
          {"std_errors", ToVector(std_error_)},
          {"residual_variance", sigma2_}};
}
void AutoRegressive::Load(const JsonReader& state, const std::string&) {
  coef_ = FromVector(state["coefficients"].Numbers(order_ + 1));
  if (coef_.size() != static_cast<Eigen::Index>(order_ + 1))
    state["coefficients"].Fail(fmt::format("has {} entries; p = {} needs {} (intercept first)",
                                           coef_.size(), order_, order_ + 1));
  std_error_ = FromVector(state["std_errors"].Numbers(order_ + 1));
  sigma2_ = state["residual_variance"].Number(0, std::numeric_limits<double>::max());
}

nlohmann::json Ridge::Save(const std::string&) const {
  return {{"alpha", alpha_},
          {"intercept", intercept_},
          {"coefficients", ToVector(coef_)},
          {"inputs", names_}};
}
void Ridge::Load(const JsonReader& state, const std::string&) {
  constexpr std::size_t kMaxInputs = 10000000;
  alpha_ = state["alpha"].Number(0, std::numeric_limits<double>::max());
  intercept_ = state["intercept"].Number();
  coef_ = FromVector(state["coefficients"].Numbers(kMaxInputs));
  names_ = state["inputs"].Strings(kMaxInputs);
  if (names_.size() != static_cast<std::size_t>(coef_.size()))
    state["coefficients"].Fail(
        fmt::format("has {} entries for {} inputs", coef_.size(), names_.size()));
}

}  // namespace finml::models
