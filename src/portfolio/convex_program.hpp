// The convex programmes behind the optimisers, handed to ALGLIB (Debian libalglib-dev): quadratic
// ones to its dense BLEIC solver, linear ones to its dual simplex. Private to src/portfolio.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "finml/portfolio/estimates.hpp"

namespace finml::portfolio::detail {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// min 0.5 x' Q x + c' x  subject to  lower <= x <= upper and row_lower <= A x <= row_upper.
// An empty Q makes it a linear programme.
struct ConvexProgram {
  Matrix quadratic;
  Vector linear, lower, upper;
  Matrix rows;  // A: one constraint per row, one column per variable
  Vector row_lower, row_upper;
  // Where the active-set solver starts (empty: ALGLIB's choice). From a vertex holding one asset,
  // BLEIC frees the few assets the optimum holds instead of zeroing, one iteration each, the many
  // it drops: 1934 iterations to 166 at 2000 assets (bench/probes/bleic_start.cpp).
  Vector start;

  [[nodiscard]] Eigen::Index variables() const { return linear.size(); }
  // Appends `count` variables with these bounds and no cost; returns the first one's index.
  Eigen::Index AddVariables(Eigen::Index count, double lo, double hi);
  // Appends the row lo <= a' x <= hi (a is padded with zeros to every variable).
  void AddRow(const Vector& a, double lo, double hi);
};

// Throws an Error starting with `what` when ALGLIB reports the constraints inconsistent (with
// `infeasible_hint`), the problem unbounded, or no solution.
[[nodiscard]] Vector Solve(const ConvexProgram& program, const std::string& what,
                           const std::string& infeasible_hint);

}  // namespace finml::portfolio::detail
