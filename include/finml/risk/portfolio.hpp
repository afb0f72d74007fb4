// Portfolio VaR from a covariance estimate, with its Euler decomposition: marginal VaR (the change
// in VaR per unit of weight) and component VaR (weight x marginal), which add up to the total.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "finml/core/names.hpp"

namespace finml::risk {

enum class CovarianceMethod {
  kSample,      // unbiased sample covariance
  kEwma,        // RiskMetrics: zero-mean, weights (1 - lambda) lambda^age, normalised
  kLedoitWolf,  // Ledoit-Wolf (2004) shrinkage to a scaled identity, as scikit-learn's LedoitWolf
};

struct CovarianceEstimate {
  std::size_t assets = 0, observations = 0;
  std::vector<double> matrix;  // row-major assets x assets
  std::vector<double> mean;    // per asset
  double shrinkage = 0;        // Ledoit-Wolf intensity
};

// `returns[t][i]`: one row per day, one column per asset.
[[nodiscard]] CovarianceEstimate EstimateCovariance(const std::vector<std::vector<double>>& returns,
                                                    CovarianceMethod method, double lambda = 0.94);

struct PortfolioVarResult {
  double volatility = 0;          // of the portfolio return over the horizon
  double var = 0, es = 0;         // in currency (value x return units)
  std::vector<double> marginal;   // dVaR/dweight, currency per unit weight
  std::vector<double> component;  // weight x marginal; sums to var
};

// Parametric (normal) VaR of a portfolio with the given weights and value; the mean enters with
// the horizon, the volatility with its square root. `include_mean` false: zero-mean VaR.
[[nodiscard]] PortfolioVarResult PortfolioVar(const std::vector<double>& weights,
                                              const CovarianceEstimate& covariance, double level,
                                              std::size_t horizon, double value,
                                              bool include_mean = false);

}  // namespace finml::risk

template <>
struct finml::EnumNames<finml::risk::CovarianceMethod> {
  static constexpr std::string_view what = "covariance";
  static constexpr finml::NamedValue<finml::risk::CovarianceMethod> values[] = {
      {finml::risk::CovarianceMethod::kSample, "sample"},
      {finml::risk::CovarianceMethod::kEwma, "ewma"},
      {finml::risk::CovarianceMethod::kLedoitWolf, "ledoit_wolf"},
      {finml::risk::CovarianceMethod::kLedoitWolf, "lw"}};
};
