// The inputs of portfolio optimisation, estimated from a price history: expected returns and a
// risk model, as PyPortfolioOpt defines them (so its users get its numbers). Prices are rows of
// bars x assets with NaN where an asset has no price yet (listed later) or that bar; returns are
// simple, and each statistic uses the bars where its assets have returns.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "finml/data/market_data.hpp"
#include "finml/portfolio/choices.hpp"

namespace finml::portfolio {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

// The loaded prices as bars x assets (the field of each asset; NaN where it has none).
[[nodiscard]] Matrix PriceMatrix(const data::MarketData& market,
                                 data::Field field = data::Field::kClose);

// Simple returns p_t / p_{t-1} - 1 (NaN where either price is missing); bars where no asset has a
// return are dropped.
[[nodiscard]] Matrix SimpleReturns(const Matrix& prices);

enum class ReturnsModel {
  kMean,  // arithmetic mean x frequency
  kCagr,  // compounded: prod(1 + r)^(frequency / count) - 1
  kEwma,  // exponentially weighted mean (span), compounded: (1 + m)^frequency - 1
  kCapm,  // risk_free + beta x (market CAGR - risk_free), market = equal-weight of the assets
};

struct ReturnsOptions {
  ReturnsModel model = ReturnsModel::kCagr;
  double frequency = 252;  // bars per year
  double span = 500;       // kEwma: bars
  double risk_free = 0;    // kCapm: annual
};

// One expected annual return per asset, from its returns (bars x assets, NaN where missing).
[[nodiscard]] Vector ExpectedReturns(const Matrix& returns, const ReturnsOptions& options);

struct RiskOptions {
  RiskModel model = RiskModel::kSample;
  double frequency = 252;
  double span = 180;            // kExponential: bars
  double benchmark = 0.000079;  // kSemicovariance: per-bar return below which is downside
};

struct RiskEstimate {
  Matrix covariance;     // annualised
  double shrinkage = 0;  // the shrinkage models' intensity in [0, 1]
  // The smallest eigenvalue was negative (pairwise estimates can be) and was clipped to zero.
  bool repaired = false;
};

// Shrinkage models need every asset on every bar: missing returns count as 0, as PyPortfolioOpt
// does (its constant-correlation target still starts from the pairwise sample covariance); prefer
// a window where all assets trade.
[[nodiscard]] RiskEstimate EstimateRisk(const Matrix& returns, const RiskOptions& options);

// Returns with missing values as 0 (numpy's nan_to_num): what the shrinkage estimators and the
// scenario objectives (CVaR, semivariance) see.
[[nodiscard]] Matrix MissingAsZero(const Matrix& returns);

// pandas' DataFrame.cov() and .corr(): each pair over the bars where both have returns, per bar
// (not annualised), nothing repaired.
[[nodiscard]] Matrix PairwiseCovariance(const Matrix& returns);
[[nodiscard]] Matrix PairwiseCorrelation(const Matrix& returns);

// The nearest positive semidefinite matrix by clipping negative eigenvalues to zero; `repaired`
// says whether anything was clipped.
[[nodiscard]] Matrix RepairPsd(const Matrix& covariance, bool* repaired = nullptr);

}  // namespace finml::portfolio
