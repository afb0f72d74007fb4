// Discrete allocation: continuous portfolio weights turned into whole numbers of shares at the
// latest prices, as PyPortfolioOpt's DiscreteAllocation does (greedy_portfolio, lp_portfolio).
#pragma once

#include <optional>
#include <vector>

#include "finml/portfolio/choices.hpp"
#include "finml/portfolio/estimates.hpp"

namespace finml::portfolio {

struct AllocationOptions {
  AllocationMethod method = AllocationMethod::kInteger;
  // Long-short weights only: the short book's value as a fraction of the portfolio value (0.3
  // for 130/30). Unset, the sum of the negative weights' magnitudes.
  std::optional<double> short_ratio;
  // Long-short weights only: spend the short sale's proceeds on the long book as well.
  bool reinvest_shorts = false;
  // kInteger: branch and bound stops here and the best allocation found so far (greedy's at
  // worst) is returned with `optimal` false. Presolving and the root LP relaxation, polynomial in
  // the number of assets, run before the clock can stop them.
  double time_limit_seconds = 10;
};

struct Allocation {
  std::vector<long long> shares;  // per asset, in the weights' order; negative for shorts
  double leftover = 0;            // cash not spent, over both books; never negative
  // Root mean square over assets of target weight minus achieved weight. Each book's holdings
  // are rescaled to its target total (the sum of its weights), so this measures how well the
  // shares follow the weights' proportions; cash left over is `leftover`'s business.
  double rmse = 0;
  // kInteger: GLPK proved every book's allocation optimal. False when the time limit stopped
  // the search first (or, rarely, GLPK's shares overspent by a hair and one was given back),
  // and always for kGreedy.
  bool optimal = false;
};

// Weights with a negative entry are long-short: as in PyPortfolioOpt, the non-negative weights
// and the magnitudes of the negative ones are each scaled to sum to 1 and allocated separately,
// longs with `portfolio_value` (plus the short book's value with reinvest_shorts), shorts with
// portfolio_value x short_ratio. Long-only weights need not sum to 1: the targets are
// w_i x portfolio_value, and what they leave is cash.
[[nodiscard]] Allocation AllocateShares(const Vector& weights, const Vector& latest_prices,
                                        double portfolio_value,
                                        const AllocationOptions& options = {});

}  // namespace finml::portfolio
