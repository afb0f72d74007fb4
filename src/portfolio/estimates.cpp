#include "finml/portfolio/estimates.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "finml/core/error.hpp"

namespace finml::portfolio {
namespace {

bool Valid(double v) { return std::isfinite(v); }

// pandas' ewm(span).mean() at the last bar (adjust=True, ignore_na=False): weights fall with the
// distance from the end counted in bars, missing bars included, and missing values are skipped.
double EwmLast(Eigen::Index bars, double span, const std::function<double(Eigen::Index)>& value) {
  const double decay = 1 - 2 / (span + 1);
  double weight = 1, sum = 0, total = 0;
  for (Eigen::Index t = bars - 1; t >= 0; --t, weight *= decay) {
    const double v = value(t);
    if (!Valid(v)) continue;
    sum += weight * v;
    total += weight;
  }
  return total > 0 ? sum / total : NAN;
}

double ColumnMean(const Matrix& r, Eigen::Index j) {
  double sum = 0, n = 0;
  for (Eigen::Index t = 0; t < r.rows(); ++t)
    if (Valid(r(t, j))) sum += r(t, j), ++n;
  return n > 0 ? sum / n : NAN;
}

double Cagr(const Matrix& r, Eigen::Index j, double frequency) {
  double log_growth = 0, n = 0;
  for (Eigen::Index t = 0; t < r.rows(); ++t)
    if (Valid(r(t, j))) log_growth += std::log1p(r(t, j)), ++n;
  return n > 0 ? std::expm1(log_growth * frequency / n) : NAN;
}

// Each pair's sums over the bars where both have returns: its means over those bars, and the
// co-moment and both second moments about them.
struct PairMoments {
  double count = 0, xy = 0, xx = 0, yy = 0;
};

PairMoments Moments(const Matrix& r, Eigen::Index i, Eigen::Index j) {
  PairMoments m;
  double si = 0, sj = 0;
  for (Eigen::Index t = 0; t < r.rows(); ++t)
    if (Valid(r(t, i)) && Valid(r(t, j))) si += r(t, i), sj += r(t, j), ++m.count;
  if (m.count == 0) return m;
  const double mi = si / m.count, mj = sj / m.count;
  for (Eigen::Index t = 0; t < r.rows(); ++t) {
    if (!Valid(r(t, i)) || !Valid(r(t, j))) continue;
    const double a = r(t, i) - mi, b = r(t, j) - mj;
    m.xy += a * b;
    m.xx += a * a;
    m.yy += b * b;
  }
  return m;
}

// A symmetric matrix of one statistic of each pair's moments.
template <typename Statistic>
Matrix Pairwise(const Matrix& r, Statistic statistic) {
  const Eigen::Index n = r.cols();
  Matrix c(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j <= i; ++j) c(i, j) = c(j, i) = statistic(Moments(r, i, j));
  return c;
}

}  // namespace

Matrix PairwiseCovariance(const Matrix& r) {
  return Pairwise(r, [](const PairMoments& m) { return m.count > 1 ? m.xy / (m.count - 1) : NAN; });
}

Matrix PairwiseCorrelation(const Matrix& r) {
  return Pairwise(r, [](const PairMoments& m) {
    return m.count > 1 && m.xx > 0 && m.yy > 0 ? m.xy / std::sqrt(m.xx * m.yy) : NAN;
  });
}

Matrix MissingAsZero(const Matrix& r) {
  return r.unaryExpr([](double v) { return Valid(v) ? v : 0.0; });
}

namespace {

// The filled returns with each column centred.
Matrix CentredFilled(const Matrix& r) {
  Matrix x = MissingAsZero(r);
  x.rowwise() -= x.colwise().mean();
  return x;
}

// Ledoit and Wolf (2004) toward mu I, as scikit-learn's ledoit_wolf.
RiskEstimate LedoitWolf(const Matrix& returns) {
  const Matrix x = CentredFilled(returns);
  const double n = static_cast<double>(x.rows()), p = static_cast<double>(x.cols());
  const Matrix emp = x.transpose() * x / n;
  const Matrix x2 = x.array().square().matrix();
  const Vector trace_terms = x2.colwise().sum().transpose() / n;
  const double mu = trace_terms.sum() / p;
  const double beta_sum = (x2.transpose() * x2).sum();
  const double delta_sum = (x.transpose() * x).array().square().sum() / (n * n);
  double beta = (beta_sum / n - delta_sum) / (p * n);
  double delta = (delta_sum - 2 * mu * trace_terms.sum() + p * mu * mu) / p;
  beta = std::min(beta, delta);
  RiskEstimate e;
  e.shrinkage = beta == 0 ? 0 : beta / delta;
  e.covariance = (1 - e.shrinkage) * emp;
  e.covariance.diagonal().array() += e.shrinkage * mu;
  return e;
}

// Ledoit and Wolf (2003) toward Sharpe's single-factor model, as PyPortfolioOpt's
// _ledoit_wolf_single_factor (itself after their covMarket.m), quirks included.
RiskEstimate LedoitWolfSingleFactor(const Matrix& returns) {
  const Matrix filled = MissingAsZero(returns);
  const Matrix x = CentredFilled(returns);
  const double t = static_cast<double>(x.rows());
  // The market is the equal-weight mean of the uncentred returns; its covariances (betas, varmkt)
  // centre it, but PyPortfolioOpt's z below does not, and its numbers are the reference.
  const Vector market = filled.rowwise().mean();
  const Vector market_centred = market.array() - market.mean();
  const Matrix sample = x.transpose() * x / t;
  const Vector betas = x.transpose() * market_centred / t;
  const double varmkt = market_centred.squaredNorm() / t;
  Matrix target = betas * betas.transpose() / varmkt;
  target.diagonal() = sample.diagonal();
  const double c = (sample - target).squaredNorm();
  const Matrix y = x.array().square().matrix();
  const double p = (y.transpose() * y).sum() / t - sample.array().square().sum();
  const double rdiag = y.array().square().sum() / t - sample.diagonal().array().square().sum();
  const Matrix z = (x.array().colwise() * market.array()).matrix();
  const Matrix v1 = y.transpose() * z / t - betas.asDiagonal() * sample;
  const double roff1 =
      (v1 * betas).sum() / varmkt - (v1.diagonal().array() * betas.array()).sum() / varmkt;
  const Matrix v3 = z.transpose() * z / t - varmkt * sample;
  const double roff3 =
      (v3.array() * (betas * betas.transpose()).array()).sum() / (varmkt * varmkt) -
      (v3.diagonal().array() * betas.array().square()).sum() / (varmkt * varmkt);
  const double r = rdiag + 2 * roff1 - roff3;
  RiskEstimate e;
  // c = 0: the sample is already the target (one asset), so the intensity is moot.
  e.shrinkage = c == 0 ? 0 : std::clamp((p - r) / c / t, 0.0, 1.0);
  e.covariance = e.shrinkage * target + (1 - e.shrinkage) * sample;
  return e;
}

// Ledoit and Wolf (2004, "Honey, I shrunk...") toward the constant-correlation matrix, as
// PyPortfolioOpt's _ledoit_wolf_constant_correlation: its sample covariance is pandas' pairwise
// one (ddof 1) while the moments behind the intensity use the filled returns over all bars.
RiskEstimate LedoitWolfConstantCorrelation(const Matrix& returns) {
  const Matrix s = PairwiseCovariance(returns);
  // One asset has no correlation to average: the sample is the target.
  if (s.rows() < 2) return {s, 0, false};
  const Matrix x = CentredFilled(returns);
  const double t = static_cast<double>(x.rows());
  const Eigen::Index n = s.rows();
  const Vector var = s.diagonal();
  const Vector sd = var.cwiseSqrt();
  const Matrix sd_outer = sd * sd.transpose();
  const double r_bar = ((s.array() / sd_outer.array()).sum() - static_cast<double>(n)) /
                       static_cast<double>(n * (n - 1));
  Matrix target = r_bar * sd_outer;
  target.diagonal() = var;
  const Matrix y = x.array().square().matrix();
  const Matrix xx = x.transpose() * x;
  const Matrix pi =
      ((y.transpose() * y).array() / t - 2 * xx.array() * s.array() / t + s.array().square())
          .matrix();
  const Matrix help = xx / t;
  const Matrix cubed = x.array().cube().matrix();
  Matrix theta = cubed.transpose() * x / t;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      theta(i, j) += -help(i, i) * s(i, j) - help(i, j) * var(i) + var(i) * s(i, j);
  theta.diagonal().setZero();
  double weighted = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) weighted += (1 / sd(i)) * sd(j) * theta(i, j);
  const double rho = pi.trace() + r_bar * weighted;
  const double gamma = (s - target).squaredNorm();
  RiskEstimate e;
  // gamma = 0: the sample is already the target (one asset), so the intensity is moot.
  e.shrinkage = gamma == 0 ? 0 : std::clamp((pi.sum() - rho) / gamma / t, 0.0, 1.0);
  e.covariance = e.shrinkage * target + (1 - e.shrinkage) * s;
  return e;
}

// Oracle approximating shrinkage toward mu I, as scikit-learn's oas.
RiskEstimate Oas(const Matrix& returns) {
  const Matrix x = CentredFilled(returns);
  const double n = static_cast<double>(x.rows()), p = static_cast<double>(x.cols());
  const Matrix emp = x.transpose() * x / n;
  const double mu = emp.trace() / p;
  const double alpha = emp.array().square().mean();
  const double num = alpha + mu * mu;
  const double den = (n + 1) * (alpha - mu * mu / p);
  RiskEstimate e;
  e.shrinkage = den == 0 ? 1.0 : std::min(num / den, 1.0);
  e.covariance = (1 - e.shrinkage) * emp;
  e.covariance.diagonal().array() += e.shrinkage * mu;
  return e;
}

}  // namespace

Matrix PriceMatrix(const data::MarketData& market, data::Field field) {
  Matrix prices(static_cast<Eigen::Index>(market.rows()),
                static_cast<Eigen::Index>(market.assets.size()));
  for (std::size_t j = 0; j < market.assets.size(); ++j) {
    const auto& column = market.assets[j].Get(field);
    for (std::size_t t = 0; t < market.rows(); ++t)
      prices(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(j)) =
          t < column.size() ? column[t] : NAN;
  }
  return prices;
}

Matrix SimpleReturns(const Matrix& prices) {
  std::vector<Eigen::Index> keep;
  Matrix r(std::max<Eigen::Index>(prices.rows() - 1, 0), prices.cols());
  for (Eigen::Index t = 1; t < prices.rows(); ++t) {
    bool any = false;
    for (Eigen::Index j = 0; j < prices.cols(); ++j) {
      const double a = prices(t - 1, j), b = prices(t, j);
      r(t - 1, j) = Valid(a) && Valid(b) && a != 0 ? b / a - 1 : NAN;
      any = any || Valid(r(t - 1, j));
    }
    if (any) keep.push_back(t - 1);
  }
  Matrix out(static_cast<Eigen::Index>(keep.size()), prices.cols());
  for (std::size_t k = 0; k < keep.size(); ++k)
    out.row(static_cast<Eigen::Index>(k)) = r.row(keep[k]);
  return out;
}

Vector ExpectedReturns(const Matrix& returns, const ReturnsOptions& o) {
  FINML_REQUIRE(returns.rows() >= 2, "expected returns need at least 2 bars of returns (got {})",
                returns.rows());
  const Eigen::Index n = returns.cols();
  Vector mu(n);
  switch (o.model) {
    case ReturnsModel::kMean:
      for (Eigen::Index j = 0; j < n; ++j) mu(j) = ColumnMean(returns, j) * o.frequency;
      break;
    case ReturnsModel::kCagr:
      for (Eigen::Index j = 0; j < n; ++j) mu(j) = Cagr(returns, j, o.frequency);
      break;
    case ReturnsModel::kEwma:
      for (Eigen::Index j = 0; j < n; ++j) {
        const double m =
            EwmLast(returns.rows(), o.span, [&](Eigen::Index t) { return returns(t, j); });
        mu(j) = std::pow(1 + m, o.frequency) - 1;
      }
      break;
    case ReturnsModel::kCapm: {
      // The market is the equal-weight mean of the assets' returns on each bar.
      Matrix with_market(returns.rows(), n + 1);
      with_market.leftCols(n) = returns;
      for (Eigen::Index t = 0; t < returns.rows(); ++t) {
        double s = 0, c = 0;
        for (Eigen::Index j = 0; j < n; ++j)
          if (Valid(returns(t, j))) s += returns(t, j), ++c;
        with_market(t, n) = c > 0 ? s / c : NAN;
      }
      const Matrix cov = PairwiseCovariance(with_market);
      const double market = Cagr(with_market, n, o.frequency);
      for (Eigen::Index j = 0; j < n; ++j)
        mu(j) = o.risk_free + cov(j, n) / cov(n, n) * (market - o.risk_free);
      break;
    }
  }
  return mu;
}

Matrix RepairPsd(const Matrix& covariance, bool* repaired) {
  Eigen::SelfAdjointEigenSolver<Matrix> eig(covariance);
  const bool negative = eig.eigenvalues().minCoeff() < 0;
  if (repaired) *repaired = negative;
  if (!negative) return covariance;
  const Vector clipped = eig.eigenvalues().cwiseMax(0.0);
  Matrix fixed = eig.eigenvectors() * clipped.asDiagonal() * eig.eigenvectors().transpose();
  return (fixed + fixed.transpose()) / 2;  // exactly symmetric
}

RiskEstimate EstimateRisk(const Matrix& returns, const RiskOptions& o) {
  FINML_REQUIRE(returns.rows() >= 2, "a risk model needs at least 2 bars of returns (got {})",
                returns.rows());
  RiskEstimate e;
  const Eigen::Index n = returns.cols();
  switch (o.model) {
    case RiskModel::kSample:
      e.covariance = PairwiseCovariance(returns);
      break;
    case RiskModel::kSemicovariance: {
      // Missing returns are no downside (numpy's fmin(NaN, 0) = 0), over all bars.
      const Matrix drops = returns.unaryExpr(
          [&](double v) { return Valid(v) ? std::min(v - o.benchmark, 0.0) : 0.0; });
      e.covariance = drops.transpose() * drops / static_cast<double>(returns.rows());
      break;
    }
    case RiskModel::kExponential: {
      // Each pair: the exponentially weighted mean of (x - mean x)(y - mean y), with each mean
      // over the asset's own bars, as PyPortfolioOpt's exp_cov.
      Vector mean(n);
      for (Eigen::Index j = 0; j < n; ++j) mean(j) = ColumnMean(returns, j);
      e.covariance.resize(n, n);
      for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j <= i; ++j)
          e.covariance(i, j) = e.covariance(j, i) =
              EwmLast(returns.rows(), o.span, [&](Eigen::Index t) {
                return (returns(t, i) - mean(i)) * (returns(t, j) - mean(j));
              });
      break;
    }
    case RiskModel::kLedoitWolf:
      e = LedoitWolf(returns);
      break;
    case RiskModel::kLedoitWolfSingleFactor:
      e = LedoitWolfSingleFactor(returns);
      break;
    case RiskModel::kLedoitWolfConstantCorrelation:
      e = LedoitWolfConstantCorrelation(returns);
      break;
    case RiskModel::kOracleApproximating:
      e = Oas(returns);
      break;
  }
  // A price that never moves is harmless to most models (a riskless asset) but has no
  // correlation, which the constant-correlation target divides by.
  for (Eigen::Index j = 0; j < returns.cols() && !e.covariance.allFinite(); ++j)
    FINML_REQUIRE(!(PairwiseCovariance(returns.col(j))(0, 0) == 0),
                  "asset {} (column {} of the returns) has the same return on every bar, a price "
                  "that never moves, so its correlations are undefined (fix: drop it, e.g. --drop "
                  "NAME, or another --risk-model)",
                  j, j + 1);
  FINML_REQUIRE(e.covariance.allFinite(),
                "the covariance has undefined entries: some pair of assets never has returns on "
                "the same bars (fix: a window where they overlap)");
  // Products such as x' x come out symmetric only to rounding; solvers that read one triangle or
  // test symmetry need it exact (an ulp at most, far below any reference tolerance).
  e.covariance = ((e.covariance + e.covariance.transpose()) * (o.frequency / 2)).eval();
  e.covariance = RepairPsd(e.covariance, &e.repaired);
  return e;
}

}  // namespace finml::portfolio
