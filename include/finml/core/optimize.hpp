// Unconstrained quasi-Newton minimisation (BFGS with a backtracking Armijo line search) on a
// function of a few parameters, with central-difference derivatives. Constraints are handled by
// the caller, by reparametrising onto an unconstrained space; an objective may return +inf or NaN
// for points it cannot evaluate, and the line search backs away from them.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace finml {

using Objective = std::function<double(const std::vector<double>&)>;

struct MinimizeOptions {
  int max_iterations = 2000;
  // Converged when max_i |g_i| * max(|x_i|, 1) <= gradient_tolerance * max(|f|, 1).
  double gradient_tolerance = 1e-9;
  double difference_step = 1e-6;  // relative step for the derivatives
};

struct MinimizeResult {
  std::vector<double> x;
  double value = 0;
  int iterations = 0;
  bool converged = false;
  std::string message;
};

[[nodiscard]] MinimizeResult MinimizeBfgs(const Objective& f, std::vector<double> x0,
                                          const MinimizeOptions& options = {});

// Central differences; coordinate i steps by relative_step * max(|x_i|, 1e-2).
[[nodiscard]] std::vector<double> NumericGradient(const Objective& f, const std::vector<double>& x,
                                                  double relative_step = 1e-6);
// Row-major k x k matrix of second derivatives (symmetrised). Steps are relative_step *
// max(|x_i|, floor): pass a small floor for parameters that are small by nature (a variance
// intercept of 1e-6 must not be stepped by 1e-6).
[[nodiscard]] std::vector<double> NumericHessian(const Objective& f, const std::vector<double>& x,
                                                 double relative_step = 1e-4, double floor = 1e-2);
// Jacobian of a vector function (row-major m x k), by central differences.
[[nodiscard]] std::vector<double> NumericJacobian(
    const std::function<std::vector<double>(const std::vector<double>&)>& f,
    const std::vector<double>& x, std::size_t& rows, double relative_step = 1e-6,
    double floor = 1e-2);

}  // namespace finml
