#include "finml/portfolio/hrp.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "finml/core/error.hpp"

namespace finml::portfolio {
namespace {

// The leaves under a cluster, left subtree first (scipy's to_tree(...).pre_order()).
void Leaves(const std::vector<Merge>& merges, Eigen::Index n, Eigen::Index cluster,
            std::vector<Eigen::Index>& out) {
  // Iterative: a chain of 2000 assets would recurse 2000 deep.
  std::vector<Eigen::Index> stack = {cluster};
  while (!stack.empty()) {
    const Eigen::Index c = stack.back();
    stack.pop_back();
    if (c < n) {
      out.push_back(c);
      continue;
    }
    const Merge& m = merges[static_cast<std::size_t>(c - n)];
    stack.push_back(m.b);
    stack.push_back(m.a);
  }
}

// The variance of a group of assets held in inverse proportion to their variances.
double ClusterVariance(const Matrix& cov, const std::vector<Eigen::Index>& items) {
  Vector w(static_cast<Eigen::Index>(items.size()));
  for (std::size_t k = 0; k < items.size(); ++k)
    w(static_cast<Eigen::Index>(k)) = 1 / cov(items[k], items[k]);
  w /= w.sum();
  double v = 0;
  for (std::size_t a = 0; a < items.size(); ++a)
    for (std::size_t b = 0; b < items.size(); ++b)
      v += w(static_cast<Eigen::Index>(a)) * cov(items[a], items[b]) *
           w(static_cast<Eigen::Index>(b));
  return v;
}

}  // namespace

std::vector<Merge> SingleLinkage(const Matrix& distance) {
  const Eigen::Index n = distance.rows();
  // Prim's algorithm exactly as scipy's mst_single_linkage: each step records the last vertex
  // added and the nearest vertex outside, at that vertex's distance to the tree.
  std::vector<Merge> edges;
  std::vector<bool> merged(static_cast<std::size_t>(n), false);
  Vector nearest = Vector::Constant(n, INFINITY);
  Eigen::Index x = 0;
  for (Eigen::Index k = 0; k + 1 < n; ++k) {
    merged[static_cast<std::size_t>(x)] = true;
    double best = INFINITY;
    Eigen::Index y = -1;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (merged[static_cast<std::size_t>(i)]) continue;
      nearest(i) = std::min(nearest(i), distance(x, i));
      if (nearest(i) < best || y < 0) {
        best = nearest(i);
        y = i;
      }
    }
    edges.push_back({x, y, best});
    x = y;
  }
  std::stable_sort(edges.begin(), edges.end(),
                   [](const Merge& l, const Merge& r) { return l.distance < r.distance; });
  // scipy's label(): union-find, each merge a new cluster id, its two roots smaller first.
  std::vector<Eigen::Index> parent(static_cast<std::size_t>(2 * n - 1));
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](Eigen::Index v) {
    while (parent[static_cast<std::size_t>(v)] != v) v = parent[static_cast<std::size_t>(v)];
    return v;
  };
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const Eigen::Index ra = find(edges[k].a), rb = find(edges[k].b);
    const Eigen::Index id = n + static_cast<Eigen::Index>(k);
    parent[static_cast<std::size_t>(ra)] = parent[static_cast<std::size_t>(rb)] = id;
    edges[k].a = std::min(ra, rb);
    edges[k].b = std::max(ra, rb);
  }
  return edges;
}

HrpResult HierarchicalRiskParity(const Matrix& returns) {
  const Eigen::Index n = returns.cols();
  FINML_REQUIRE(n >= 2, "hierarchical risk parity needs at least 2 assets (got {})", n);
  const Matrix corr = PairwiseCorrelation(returns), cov = PairwiseCovariance(returns);
  FINML_REQUIRE(corr.allFinite() && cov.allFinite(),
                "hierarchical risk parity: some pair of assets never has returns on the same "
                "bars, or an asset never moves (fix: a window where all assets trade)");
  const Matrix distance = ((1.0 - corr.array()) / 2.0).max(0.0).min(1.0).sqrt().matrix();
  const std::vector<Merge> merges = SingleLinkage(distance);
  HrpResult result;
  Leaves(merges, n, 2 * n - 2, result.order);

  // PyPortfolioOpt's bisection: halves of the ordered list (not the tree's own clusters).
  result.weights = Vector::Ones(n);
  std::vector<std::vector<Eigen::Index>> clusters = {result.order};
  while (!clusters.empty()) {
    std::vector<std::vector<Eigen::Index>> halves;
    for (const auto& c : clusters) {
      if (c.size() < 2) continue;
      const auto middle = c.begin() + static_cast<std::ptrdiff_t>(c.size() / 2);
      halves.emplace_back(c.begin(), middle);
      halves.emplace_back(middle, c.end());
    }
    for (std::size_t k = 0; k + 1 < halves.size(); k += 2) {
      const double left = ClusterVariance(cov, halves[k]),
                   right = ClusterVariance(cov, halves[k + 1]);
      const double alpha = 1 - left / (left + right);
      for (Eigen::Index i : halves[k]) result.weights(i) *= alpha;
      for (Eigen::Index i : halves[k + 1]) result.weights(i) *= 1 - alpha;
    }
    clusters = std::move(halves);
  }
  return result;
}

}  // namespace finml::portfolio
