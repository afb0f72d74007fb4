#include "convex_program.hpp"

#include <libalglib/optimization.h>

#include "finml/core/error.hpp"

namespace finml::portfolio::detail {
namespace {

using alglib::ae_int_t;

// Above this many rows a QP goes to the interior point method: an active-set method adds
// constraints one at a time (10 s for a 250-bar semivariance, 1.7 s this way).
constexpr std::size_t kActiveSetRowLimit = 40;

alglib::real_1d_array Array(const Vector& v) {
  alglib::real_1d_array out;
  out.setlength(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) out[i] = v(i);
  return out;
}

Vector FromArray(const alglib::real_1d_array& a) {
  Vector out(a.length());
  for (ae_int_t i = 0; i < a.length(); ++i) out(i) = a[i];
  return out;
}

void RowBounds(const ConvexProgram& p, alglib::real_1d_array& lo, alglib::real_1d_array& hi) {
  lo.setlength(static_cast<ae_int_t>(p.rows.size()));
  hi.setlength(static_cast<ae_int_t>(p.rows.size()));
  for (std::size_t r = 0; r < p.rows.size(); ++r) {
    lo[static_cast<ae_int_t>(r)] = p.rows[r].lo;
    hi[static_cast<ae_int_t>(r)] = p.rows[r].hi;
  }
}

alglib::real_2d_array DenseRows(const ConvexProgram& p) {
  alglib::real_2d_array a;
  a.setlength(static_cast<ae_int_t>(p.rows.size()), p.variables());
  for (std::size_t r = 0; r < p.rows.size(); ++r) {
    for (ae_int_t j = 0; j < p.variables(); ++j) a[static_cast<ae_int_t>(r)][j] = 0;
    for (const auto& [j, v] : p.rows[r].terms) a[static_cast<ae_int_t>(r)][j] += v;
  }
  return a;
}

alglib::sparsematrix SparseRows(const ConvexProgram& p) {
  alglib::sparsematrix a;
  alglib::sparsecreate(static_cast<ae_int_t>(p.rows.size()), p.variables(), a);
  for (std::size_t r = 0; r < p.rows.size(); ++r)
    for (const auto& [j, v] : p.rows[r].terms) alglib::sparseadd(a, static_cast<ae_int_t>(r), j, v);
  alglib::sparseconverttocrs(a);
  return a;
}

alglib::real_2d_array DenseQuadratic(const ConvexProgram& p) {
  alglib::real_2d_array q;
  const ae_int_t n = p.variables();
  q.setlength(n, n);
  for (ae_int_t i = 0; i < n; ++i)
    for (ae_int_t j = 0; j < n; ++j)
      q[i][j] = i < p.quadratic.rows() && j < p.quadratic.cols() ? p.quadratic(i, j) : 0;
  if (p.quadratic_diagonal.size() > 0)
    for (ae_int_t i = 0; i < n; ++i) q[i][i] += p.quadratic_diagonal(i);
  return q;
}

// The upper triangle, as ALGLIB's sparse QP term takes it.
alglib::sparsematrix SparseQuadratic(const ConvexProgram& p) {
  alglib::sparsematrix q;
  const ae_int_t n = p.variables();
  alglib::sparsecreate(n, n, q);
  for (ae_int_t i = 0; i < p.quadratic.rows(); ++i)
    for (ae_int_t j = i; j < p.quadratic.cols(); ++j)
      if (p.quadratic(i, j) != 0) alglib::sparseadd(q, i, j, p.quadratic(i, j));
  if (p.quadratic_diagonal.size() > 0)
    for (ae_int_t i = 0; i < n; ++i)
      if (p.quadratic_diagonal(i) != 0) alglib::sparseadd(q, i, i, p.quadratic_diagonal(i));
  alglib::sparseconverttocrs(q);
  return q;
}

void Check(int termination, const std::string& what, const std::string& hint) {
  // ALGLIB: -3 inconsistent constraints (or infeasible), -4 unbounded, other negatives failures.
  FINML_REQUIRE(termination != -3, "{}: no portfolio satisfies the constraints ({})", what, hint);
  FINML_REQUIRE(termination != -4,
                "{}: the objective is unbounded under these constraints (fix: finite bounds or a "
                "leverage limit)",
                what);
  FINML_REQUIRE(termination > 0,
                "{}: the solver stopped without a solution (ALGLIB termination {}; fix: check the "
                "estimates for extreme values)",
                what, termination);
}

}  // namespace

Eigen::Index ConvexProgram::AddVariables(Eigen::Index count, double lo, double hi) {
  const Eigen::Index first = variables();
  const Eigen::Index total = first + count;
  for (Vector* v : {&linear, &lower, &upper}) v->conservativeResize(total);
  linear.tail(count).setZero();
  lower.tail(count).setConstant(lo);
  upper.tail(count).setConstant(hi);
  if (quadratic_diagonal.size() > 0) {
    quadratic_diagonal.conservativeResize(total);
    quadratic_diagonal.tail(count).setZero();
  }
  return first;
}

void ConvexProgram::AddRow(const Vector& a, double lo, double hi) {
  Row row{{}, lo, hi};
  for (Eigen::Index j = 0; j < a.size(); ++j)
    if (a(j) != 0) row.terms.emplace_back(j, a(j));
  rows.push_back(std::move(row));
}

Vector Solve(const ConvexProgram& program, const std::string& what, const std::string& hint) {
  const ae_int_t n = program.variables();
  const auto m = static_cast<ae_int_t>(program.rows.size());
  alglib::real_1d_array x, row_lo, row_hi;
  RowBounds(program, row_lo, row_hi);
  if (!program.Quadratic()) {
    alglib::minlpstate state;
    alglib::minlpreport report;
    alglib::minlpcreate(n, state);
    alglib::minlpsetcost(state, Array(program.linear));
    alglib::minlpsetbc(state, Array(program.lower), Array(program.upper));
    if (m > 0) alglib::minlpsetlc2(state, SparseRows(program), row_lo, row_hi, m);
    alglib::minlpsetalgodss(state, 0);
    alglib::minlpoptimize(state);
    alglib::minlpresults(state, x, report);
    Check(static_cast<int>(report.terminationtype), what, hint);
    return FromArray(x);
  }
  alglib::minqpstate state;
  alglib::minqpreport report;
  alglib::minqpcreate(n, state);
  alglib::minqpsetlinearterm(state, Array(program.linear));
  alglib::minqpsetbc(state, Array(program.lower), Array(program.upper));
  alglib::real_1d_array scale;
  scale.setlength(n);
  for (ae_int_t i = 0; i < n; ++i) scale[i] = 1;
  alglib::minqpsetscale(state, scale);
  if (program.rows.size() > kActiveSetRowLimit) {
    alglib::minqpsetquadratictermsparse(state, SparseQuadratic(program), true);
    alglib::minqpsetlc2(state, SparseRows(program), row_lo, row_hi, m);
    alglib::minqpsetalgosparseipm(state, 1e-10);
  } else {
    alglib::minqpsetquadraticterm(state, DenseQuadratic(program));
    if (m > 0) alglib::minqpsetlc2dense(state, DenseRows(program), row_lo, row_hi, m);
    if (program.start.size() == n) alglib::minqpsetstartingpoint(state, Array(program.start));
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
