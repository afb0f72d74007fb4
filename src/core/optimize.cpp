#include "finml/core/optimize.hpp"

#include <algorithm>
#include <cmath>

namespace finml {
namespace {

double Step(double x, double relative, double floor = 1e-2) {
  return relative * std::max(std::abs(x), floor);
}

bool Bad(double v) { return !std::isfinite(v); }

}  // namespace

std::vector<double> NumericGradient(const Objective& f, const std::vector<double>& x,
                                    double relative_step) {
  std::vector<double> g(x.size());
  std::vector<double> p = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double h = Step(x[i], relative_step);
    p[i] = x[i] + h;
    const double up = f(p);
    p[i] = x[i] - h;
    const double down = f(p);
    p[i] = x[i];
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

std::vector<double> NumericHessian(const Objective& f, const std::vector<double>& x,
                                   double relative_step, double floor) {
  const std::size_t k = x.size();
  std::vector<double> h(k * k);
  std::vector<double> p = x;
  const double f0 = f(x);
  std::vector<double> step(k);
  for (std::size_t i = 0; i < k; ++i) step[i] = Step(x[i], relative_step, floor);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i; j < k; ++j) {
      double value;
      if (i == j) {
        p[i] = x[i] + step[i];
        const double up = f(p);
        p[i] = x[i] - step[i];
        const double down = f(p);
        value = (up - 2 * f0 + down) / (step[i] * step[i]);
      } else {
        auto at = [&](double si, double sj) {
          p[i] = x[i] + si * step[i];
          p[j] = x[j] + sj * step[j];
          const double v = f(p);
          p[i] = x[i];
          p[j] = x[j];
          return v;
        };
        value = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * step[i] * step[j]);
      }
      p[i] = x[i];
      h[i * k + j] = h[j * k + i] = value;
    }
  }
  return h;
}

std::vector<double> NumericJacobian(
    const std::function<std::vector<double>(const std::vector<double>&)>& f,
    const std::vector<double>& x, std::size_t& rows, double relative_step, double floor) {
  const std::size_t k = x.size();
  std::vector<double> p = x;
  std::vector<double> jac;
  for (std::size_t i = 0; i < k; ++i) {
    const double h = Step(x[i], relative_step, floor);
    p[i] = x[i] + h;
    const auto up = f(p);
    p[i] = x[i] - h;
    const auto down = f(p);
    p[i] = x[i];
    if (i == 0) {
      rows = up.size();
      jac.assign(rows * k, 0.0);
    }
    for (std::size_t r = 0; r < rows; ++r) jac[r * k + i] = (up[r] - down[r]) / (2 * h);
  }
  return jac;
}

MinimizeResult MinimizeBfgs(const Objective& f, std::vector<double> x, const MinimizeOptions& o) {
  const std::size_t k = x.size();
  MinimizeResult r;
  double fx = f(x);
  if (Bad(fx)) {
    r.x = x;
    r.value = fx;
    r.message = "the objective cannot be evaluated at the starting point";
    return r;
  }
  std::vector<double> g = NumericGradient(f, x, o.difference_step);
  // Inverse Hessian approximation, row-major; starts as the identity.
  std::vector<double> hinv(k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i) hinv[i * k + i] = 1;
  auto converged = [&](const std::vector<double>& grad, const std::vector<double>& at, double val) {
    double worst = 0;
    for (std::size_t i = 0; i < k; ++i)
      worst = std::max(worst, std::abs(grad[i]) * std::max(std::abs(at[i]), 1.0));
    return worst <= o.gradient_tolerance * std::max(std::abs(val), 1.0);
  };
  int stalls = 0, flat_steps = 0;
  for (r.iterations = 0; r.iterations < o.max_iterations; ++r.iterations) {
    if (converged(g, x, fx)) {
      r.converged = true;
      r.message = "gradient below tolerance";
      break;
    }
    std::vector<double> d(k, 0.0);
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) d[i] -= hinv[i * k + j] * g[j];
    double slope = 0;
    for (std::size_t i = 0; i < k; ++i) slope += g[i] * d[i];
    if (slope >= 0) {  // not a descent direction: restart from steepest descent
      std::fill(hinv.begin(), hinv.end(), 0.0);
      for (std::size_t i = 0; i < k; ++i) {
        hinv[i * k + i] = 1;
        d[i] = -g[i];
      }
      slope = 0;
      for (std::size_t i = 0; i < k; ++i) slope -= g[i] * g[i];
    }
    double t = 1;
    std::vector<double> xn(k);
    double fn = fx;
    bool accepted = false;
    for (int ls = 0; ls < 60; ++ls) {
      for (std::size_t i = 0; i < k; ++i) xn[i] = x[i] + t * d[i];
      fn = f(xn);
      if (!Bad(fn) && fn <= fx + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) {
      // No decrease along the direction: at the optimum to working precision, or a bad model of
      // the curvature. Retry once from steepest descent, then stop.
      if (++stalls > 1) {
        r.converged = converged(g, x, fx) || std::abs(slope) < 1e-12 * std::max(std::abs(fx), 1.0);
        r.message = "line search found no further decrease";
        break;
      }
      std::fill(hinv.begin(), hinv.end(), 0.0);
      for (std::size_t i = 0; i < k; ++i) hinv[i * k + i] = 1;
      continue;
    }
    stalls = 0;
    // Progress below a few ulps of f for several steps in a row: the numeric gradient's noise
    // floor has been reached, and further steps only shuffle rounding errors.
    flat_steps = fx - fn <= 1e-14 * std::max(std::abs(fx), 1.0) ? flat_steps + 1 : 0;
    if (flat_steps >= 5) {
      x = xn;
      fx = fn;
      r.converged = true;
      r.message = "objective unchanged to machine precision";
      ++r.iterations;
      break;
    }
    std::vector<double> gn = NumericGradient(f, xn, o.difference_step);
    std::vector<double> s(k), y(k);
    double sy = 0;
    for (std::size_t i = 0; i < k; ++i) {
      s[i] = xn[i] - x[i];
      y[i] = gn[i] - g[i];
      sy += s[i] * y[i];
    }
    if (sy > 1e-18) {
      if (r.iterations == 0) {
        // Scale the first approximation to the observed curvature (Nocedal & Wright 6.20).
        double yy = 0;
        for (double v : y) yy += v * v;
        for (std::size_t i = 0; i < k; ++i) hinv[i * k + i] = sy / yy;
      }
      std::vector<double> hy(k, 0.0);
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j) hy[i] += hinv[i * k + j] * y[j];
      double yhy = 0;
      for (std::size_t i = 0; i < k; ++i) yhy += y[i] * hy[i];
      const double rho = 1 / sy;
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j)
          hinv[i * k + j] += rho * ((1 + rho * yhy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j]);
    }
    x = xn;
    fx = fn;
    g = gn;
  }
  if (!r.converged && r.message.empty()) r.message = "iteration limit reached";
  r.x = x;
  r.value = fx;
  return r;
}

}  // namespace finml
