// The named choices of portfolio optimisation (objectives, risk models, expected returns, share
// allocation), apart from the code that implements them: settings and experiment files name them
// without pulling in Eigen.
#pragma once

#include <string_view>

#include "finml/core/names.hpp"

namespace finml::portfolio {

enum class Objective {
  kMinVariance,
  kMaxSharpe,
  kEfficientReturn,   // min variance at or above a target return
  kEfficientRisk,     // max return at a target volatility
  kQuadraticUtility,  // max mu'w - risk_aversion / 2 w' Sigma w
  kMinCvar,           // min conditional value at risk of the historical scenarios (an LP)
  kMinSemivariance,   // min downside variance below a benchmark return
  kRiskParity,        // equal (or budgeted) risk contributions
  kHrp,               // hierarchical risk parity (Lopez de Prado)
  kInverseVolatility,
  kEqualWeight,
  kMaxDiversification,  // max w' sigma / sqrt(w' Sigma w) (Choueifaty and Coignard)
};

enum class RiskModel {
  kSample,                  // pairwise sample covariance x frequency
  kSemicovariance,          // of min(r - benchmark, 0), over all bars
  kExponential,             // exponentially weighted (span) pairwise covariance
  kLedoitWolf,              // shrunk toward a constant variance (Ledoit and Wolf 2004)
  kLedoitWolfSingleFactor,  // toward Sharpe's single-index model, market = equal weight (2003)
  kLedoitWolfConstantCorrelation,  // toward the pairwise variances at their mean correlation
  kOracleApproximating,            // OAS (Chen, Wiesel, Eldar and Hero 2010)
};

// Where the expected returns come from: a historical estimate, or Black-Litterman (a
// market-implied prior blended with views).
enum class ReturnsChoice { kMean, kCagr, kEwma, kCapm, kBlackLitterman };

enum class AllocationMethod {
  // Round each target down to whole shares, then keep buying one share of the most underweight
  // asset that the cash left still pays for (PyPortfolioOpt's greedy_portfolio).
  kGreedy,
  // The exact integer programme of PyPortfolioOpt's lp_portfolio, solved by GLPK: minimise
  // r + sum_i |w_i V - x_i p_i| over whole shares x_i >= 0 with r = V - p'x >= 0. Greedy's
  // allocation is its starting point, so it is never worse than kGreedy by that measure.
  kInteger,
};

}  // namespace finml::portfolio

template <>
struct finml::EnumNames<finml::portfolio::Objective> {
  static constexpr std::string_view what = "objective";
  using O = finml::portfolio::Objective;
  static constexpr finml::NamedValue<O> values[] = {
      {O::kMinVariance, "min_variance"},
      {O::kMaxSharpe, "max_sharpe"},
      {O::kEfficientReturn, "efficient_return"},
      {O::kEfficientRisk, "efficient_risk"},
      {O::kQuadraticUtility, "quadratic_utility"},
      {O::kMinCvar, "min_cvar"},
      {O::kMinSemivariance, "min_semivariance"},
      {O::kRiskParity, "risk_parity"},
      {O::kHrp, "hrp"},
      {O::kInverseVolatility, "inverse_volatility"},
      {O::kEqualWeight, "equal_weight"},
      {O::kMaxDiversification, "max_diversification"}};
};

template <>
struct finml::EnumNames<finml::portfolio::ReturnsChoice> {
  static constexpr std::string_view what = "returns model";
  using R = finml::portfolio::ReturnsChoice;
  static constexpr finml::NamedValue<R> values[] = {{R::kMean, "mean"},
                                                    {R::kCagr, "cagr"},
                                                    {R::kEwma, "ewma"},
                                                    {R::kCapm, "capm"},
                                                    {R::kBlackLitterman, "black_litterman"}};
};

template <>
struct finml::EnumNames<finml::portfolio::AllocationMethod> {
  static constexpr std::string_view what = "allocation method";
  using A = finml::portfolio::AllocationMethod;
  static constexpr finml::NamedValue<A> values[] = {{A::kInteger, "integer"},
                                                    {A::kGreedy, "greedy"}};
};

template <>
struct finml::EnumNames<finml::portfolio::RiskModel> {
  static constexpr std::string_view what = "risk model";
  using R = finml::portfolio::RiskModel;
  static constexpr finml::NamedValue<R> values[] = {
      {R::kSample, "sample"},
      {R::kSemicovariance, "semicovariance"},
      {R::kExponential, "exponential"},
      {R::kLedoitWolf, "ledoit_wolf"},
      {R::kLedoitWolfSingleFactor, "ledoit_wolf_single_factor"},
      {R::kLedoitWolfConstantCorrelation, "ledoit_wolf_constant_correlation"},
      {R::kOracleApproximating, "oracle_approximating"}};
};
