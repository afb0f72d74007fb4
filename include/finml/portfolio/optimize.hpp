// Portfolio optimisation: every objective PyPortfolioOpt and Riskfolio users reach for, under one
// set of constraints, from one set of estimates. The convex ones are solved by ALGLIB (dense QP
// by BLEIC, LP by dual simplex; chosen in bench/probes/portfolio_qp.sh against cvxopt); risk
// parity, HRP, inverse volatility and equal weight have their own algorithms and take no
// constraints beyond long-only and fully invested.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "finml/portfolio/choices.hpp"
#include "finml/portfolio/estimates.hpp"

namespace finml::portfolio {

// Whether an objective is solved as a convex programme (so takes every constraint).
[[nodiscard]] bool IsOptimised(Objective objective);

// Sum of weights in a group of assets, between `lower` and `upper`.
struct SectorLimit {
  std::string sector;
  std::vector<Eigen::Index> assets;
  double lower = 0, upper = 1;
};

struct Constraints {
  double lower = 0, upper = 1;     // every weight; a negative lower bound allows shorting
  double net = 1;                  // sum of weights: 1 fully invested, 0 market neutral
  std::optional<double> leverage;  // sum of |weights| at most
  std::vector<SectorLimit> sectors;
  Vector current;                  // weights held now (turnover and costs); empty: none
  std::optional<double> turnover;  // sum |w - current| at most
  double cost = 0;                 // penalty per unit of turnover, in the objective's units
  double l2 = 0;                   // gamma in + gamma ||w||^2 (keeps more assets in)

  // Whether anything beyond long-only, fully invested weights in [0, 1] is asked for.
  [[nodiscard]] bool Binding() const;
};

struct ObjectiveOptions {
  Objective objective = Objective::kMaxSharpe;
  double risk_free = 0;                                    // annual
  std::optional<double> target_return, target_volatility;  // annual
  double risk_aversion = 1;
  double cvar_beta = 0.95;        // tail level of CVaR
  double downside_benchmark = 0;  // per-bar return below which semivariance counts
  Vector budgets;                 // risk parity's shares of risk; empty: equal
  double frequency = 252;         // bars per year of the returns
};

// Everything estimated from the returns: annual expected returns and covariance, and the per-bar
// returns themselves (bars x assets, NaN where missing) for CVaR, semivariance and HRP.
struct Estimates {
  Vector expected;
  Matrix covariance;
  Matrix returns;
};

struct Portfolio {
  Vector weights;
  double expected_return = 0, volatility = 0, sharpe = 0;
  Vector risk_contributions;  // shares of the variance, summing to 1
  double diversification_ratio = 0;
  double cvar = 0;           // per bar, of the historical returns at cvar_beta
  double semideviation = 0;  // annual, below downside_benchmark
};

// The figures of given weights.
[[nodiscard]] Portfolio Describe(const Vector& weights, const Estimates& estimates,
                                 const ObjectiveOptions& options);

// Throws an Error naming the cause and the fix when the constraints admit no portfolio, the
// objective is undefined (max Sharpe with no asset above the risk-free rate), or a target is out
// of reach.
[[nodiscard]] Portfolio Optimize(const Estimates& estimates, const ObjectiveOptions& options,
                                 const Constraints& constraints = {});

// `points` portfolios on the efficient frontier under the constraints: from minimum variance to
// the highest achievable return, evenly spaced in return.
[[nodiscard]] std::vector<Portfolio> EfficientFrontier(const Estimates& estimates,
                                                       const ObjectiveOptions& options,
                                                       const Constraints& constraints,
                                                       std::size_t points);

}  // namespace finml::portfolio
