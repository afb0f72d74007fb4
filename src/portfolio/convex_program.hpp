// The convex programmes behind the optimisers, handed to ALGLIB (Debian libalglib-dev): quadratic
// ones to its dense active-set solver (BLEIC) or, with many constraint rows, its sparse interior
// point method; linear ones to its dual simplex. Private to src/portfolio.
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "finml/portfolio/estimates.hpp"

namespace finml::portfolio::detail {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// lo <= sum of coefficient x variable <= hi, naming only the variables it involves: the scenario
// programmes (CVaR, semivariance) have a row and a variable per bar, and dense rows would need
// bars^2 memory.
struct Row {
  std::vector<std::pair<Eigen::Index, double>> terms;
  double lo = -kInfinity, hi = kInfinity;
};

// min 0.5 x' Q x + c' x  subject to  lower <= x <= upper and every row.
// Q is the dense block `quadratic` over the first variables plus `quadratic_diagonal` (when not
// empty); neither: a linear programme.
struct ConvexProgram {
  Matrix quadratic;
  Vector quadratic_diagonal;
  Vector linear, lower, upper;
  std::vector<Row> rows;
  // Where the active-set solver starts (empty: ALGLIB's choice). From a vertex holding one asset,
  // BLEIC frees the few assets the optimum holds instead of zeroing, one iteration each, the many
  // it drops: 1934 iterations to 166 at 2000 assets (bench/probes/bleic_start.cpp).
  Vector start;

  [[nodiscard]] Eigen::Index variables() const { return linear.size(); }
  [[nodiscard]] bool Quadratic() const {
    return quadratic.size() > 0 || quadratic_diagonal.size() > 0;
  }
  // Appends `count` variables with these bounds and no cost; returns the first one's index.
  Eigen::Index AddVariables(Eigen::Index count, double lo, double hi);
  // Appends lo <= a' x <= hi (a's non-zeros, over the first a.size() variables).
  void AddRow(const Vector& a, double lo, double hi);
  void AddRow(Row row) { rows.push_back(std::move(row)); }
};

// Throws an Error starting with `what` when ALGLIB reports the constraints inconsistent (with
// `infeasible_hint`), the problem unbounded, or no solution.
[[nodiscard]] Vector Solve(const ConvexProgram& program, const std::string& what,
                           const std::string& infeasible_hint);

}  // namespace finml::portfolio::detail
