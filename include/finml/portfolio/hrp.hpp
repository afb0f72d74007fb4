// Hierarchical risk parity (Lopez de Prado 2016), as PyPortfolioOpt's HRPOpt: single-linkage
// clusters of the distance sqrt((1 - correlation) / 2), the assets in the dendrogram's leaf order,
// and weights split down by recursive bisection in inverse proportion to each half's
// inverse-variance variance. No optimiser and no expected returns: it cannot fail to solve.
#pragma once

#include <vector>

#include "finml/portfolio/estimates.hpp"

namespace finml::portfolio {

struct HrpResult {
  Vector weights;                   // per asset, in the returns' column order; they sum to 1
  std::vector<Eigen::Index> order;  // the assets in the dendrogram's leaf order
};

// `returns`: bars x assets, NaN where missing (correlation and covariance are pairwise).
[[nodiscard]] HrpResult HierarchicalRiskParity(const Matrix& returns);

// Single-linkage merges of a distance matrix in scipy's linkage format: row k joins clusters
// (a, b), a < b, at distance d; clusters n, n+1, ... are the merges in order. As scipy computes
// it (a minimum spanning tree, then its edges by distance), so ties break the same way.
struct Merge {
  Eigen::Index a = 0, b = 0;
  double distance = 0;
};
[[nodiscard]] std::vector<Merge> SingleLinkage(const Matrix& distance);

}  // namespace finml::portfolio
