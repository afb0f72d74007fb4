// Allocations that need no expected returns: equal weight, inverse volatility, and risk budgeting
// (equal risk contribution when the budgets are equal), long-only and fully invested.
#pragma once

#include "finml/portfolio/estimates.hpp"

namespace finml::portfolio {

[[nodiscard]] Vector EqualWeight(Eigen::Index assets);
// Weights in proportion to 1 / volatility.
[[nodiscard]] Vector InverseVolatility(const Matrix& covariance);

// Each asset's share of the portfolio's variance: w_i (Sigma w)_i / w' Sigma w; they sum to 1.
[[nodiscard]] Vector RiskContributions(const Matrix& covariance, const Vector& weights);

struct RiskBudgetResult {
  Vector weights;  // sum to 1, all positive
  std::size_t sweeps = 0;
};

// The long-only weights whose risk contributions equal `budgets` (positive, summing to 1), by
// cyclical coordinate descent on Spinu's convex form (Griveau-Billion, Richard and Roncalli
// 2013): each step solves one asset's first-order condition exactly, so it needs no general
// optimiser and converges for any positive definite covariance.
[[nodiscard]] RiskBudgetResult RiskBudgeting(const Matrix& covariance, const Vector& budgets);

}  // namespace finml::portfolio
