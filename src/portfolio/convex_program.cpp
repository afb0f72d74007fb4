#include "convex_program.hpp"

#include <libalglib/optimization.h>

#include "finml/core/error.hpp"

namespace finml::portfolio::detail {
namespace {

using alglib::ae_int_t;

// Above this many general constraints the QP goes to the interior point method (see Solve).
constexpr Eigen::Index kActiveSetRowLimit = 40;

alglib::real_1d_array Array(const Vector& v) {
  alglib::real_1d_array out;
  out.setlength(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) out[i] = v(i);
  return out;
}

alglib::real_2d_array Array(const Matrix& m) {
  alglib::real_2d_array out;
  out.setlength(m.rows(), m.cols());
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) out[i][j] = m(i, j);
  return out;
}

Vector FromArray(const alglib::real_1d_array& a) {
  Vector out(a.length());
  for (ae_int_t i = 0; i < a.length(); ++i) out(i) = a[i];
  return out;
}

void Check(int termination, const std::string& what, const std::string& hint) {
  // ALGLIB: -3 inconsistent constraints (or infeasible), -4 unbounded, other negatives failures.
  FINML_REQUIRE(termination != -3, "{}: no portfolio satisfies the constraints ({})", what, hint);
  FINML_REQUIRE(termination != -4,
                "{}: the objective is unbounded under these constraints (fix: finite bounds or a "
                "leverage limit)",
                what);
  FINML_REQUIRE(termination > 0,
                "{}: the solver stopped without a solution (ALGLIB termination {})", what,
                termination);
}

}  // namespace

Eigen::Index ConvexProgram::AddVariables(Eigen::Index count, double lo, double hi) {
  const Eigen::Index first = variables();
  const Eigen::Index total = first + count;
  linear.conservativeResize(total);
  lower.conservativeResize(total);
  upper.conservativeResize(total);
  linear.tail(count).setZero();
  lower.tail(count).setConstant(lo);
  upper.tail(count).setConstant(hi);
  if (quadratic.size() > 0) {
    Matrix grown = Matrix::Zero(total, total);
    grown.topLeftCorner(first, first) = quadratic;
    quadratic.swap(grown);
  }
  if (rows.rows() > 0) rows.conservativeResize(Eigen::NoChange, total);
  if (rows.rows() > 0) rows.rightCols(count).setZero();
  return first;
}

void ConvexProgram::AddRow(const Vector& a, double lo, double hi) {
  const Eigen::Index r = rows.rows();
  if (r == 0) rows.resize(0, variables());
  rows.conservativeResize(r + 1, variables());
  rows.row(r).setZero();
  rows.row(r).head(a.size()) = a.transpose();
  row_lower.conservativeResize(r + 1);
  row_upper.conservativeResize(r + 1);
  row_lower(r) = lo;
  row_upper(r) = hi;
}

Vector Solve(const ConvexProgram& program, const std::string& what, const std::string& hint) {
  const ae_int_t n = program.variables();
  alglib::real_1d_array x;
  if (program.quadratic.size() == 0) {
    alglib::minlpstate state;
    alglib::minlpreport report;
    alglib::minlpcreate(n, state);
    alglib::minlpsetcost(state, Array(program.linear));
    alglib::minlpsetbc(state, Array(program.lower), Array(program.upper));
    if (program.rows.rows() > 0)
      alglib::minlpsetlc2dense(state, Array(program.rows), Array(program.row_lower),
                               Array(program.row_upper));
    alglib::minlpsetalgodss(state, 0);
    alglib::minlpoptimize(state);
    alglib::minlpresults(state, x, report);
    Check(static_cast<int>(report.terminationtype), what, hint);
    return FromArray(x);
  }
  alglib::minqpstate state;
  alglib::minqpreport report;
  alglib::minqpcreate(n, state);
  alglib::minqpsetquadraticterm(state, Array(program.quadratic));
  alglib::minqpsetlinearterm(state, Array(program.linear));
  alglib::minqpsetbc(state, Array(program.lower), Array(program.upper));
  if (program.rows.rows() > 0)
    alglib::minqpsetlc2dense(state, Array(program.rows), Array(program.row_lower),
                             Array(program.row_upper));
  alglib::real_1d_array scale;
  scale.setlength(n);
  for (ae_int_t i = 0; i < n; ++i) scale[i] = 1;
  alglib::minqpsetscale(state, scale);
  if (program.start.size() == program.variables())
    alglib::minqpsetstartingpoint(state, Array(program.start));
  if (program.rows.rows() > kActiveSetRowLimit) {
    // Many general constraints (a row per scenario in semivariance, two per asset for leverage
    // and turnover): an active-set method adds them one at a time, the interior point method
    // handles them all at once.
    alglib::minqpsetalgodenseipm(state, 1e-10);
  } else {
    // A step tolerance of 1e-10 rather than ALGLIB's default: the default stopped 1e-5
    // (relative) above cvxopt's variance at 2000 assets; this reaches below it
    // (bench/probes/portfolio_qp.sh).
    alglib::minqpsetalgobleic(state, 0, 0, 1e-10, 0);
  }
  alglib::minqpoptimize(state);
  alglib::minqpresults(state, x, report);
  Check(static_cast<int>(report.terminationtype), what, hint);
  return FromArray(x);
}

}  // namespace finml::portfolio::detail
