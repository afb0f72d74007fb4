#include "finml/portfolio/mean_variance.hpp"

#include <libalglib/optimization.h>

#include "finml/core/error.hpp"

namespace finml::portfolio {
namespace {

// min 0.5 x' A x subject to one linear equality a' x = rhs and lower <= x <= upper.
Vector SolveQp(const Matrix& a, const Vector& equality, double rhs, double lower, double upper,
               const std::string& what) {
  const auto n = static_cast<alglib::ae_int_t>(a.rows());
  alglib::real_2d_array quadratic, constraint;
  quadratic.setlength(n, n);
  for (alglib::ae_int_t i = 0; i < n; ++i)
    for (alglib::ae_int_t j = 0; j < n; ++j) quadratic[i][j] = a(i, j);
  constraint.setlength(1, n + 1);
  for (alglib::ae_int_t i = 0; i < n; ++i) constraint[0][i] = equality(i);
  constraint[0][n] = rhs;
  alglib::integer_1d_array kind;
  kind.setlength(1);
  kind[0] = 0;  // equality
  alglib::real_1d_array low, high, scale, linear, x;
  for (auto* v : {&low, &high, &scale, &linear}) v->setlength(n);
  for (alglib::ae_int_t i = 0; i < n; ++i) {
    low[i] = lower;
    high[i] = upper;
    scale[i] = 1;
    linear[i] = 0;
  }
  alglib::minqpstate state;
  alglib::minqpreport report;
  alglib::minqpcreate(n, state);
  alglib::minqpsetquadraticterm(state, quadratic);
  alglib::minqpsetlinearterm(state, linear);
  alglib::minqpsetbc(state, low, high);
  alglib::minqpsetlc(state, constraint, kind);
  alglib::minqpsetscale(state, scale);
  alglib::minqpsetalgobleic(state, 0, 0, 0, 0);  // ALGLIB's own stopping rules
  alglib::minqpoptimize(state);
  alglib::minqpresults(state, x, report);
  FINML_REQUIRE(report.terminationtype > 0,
                "{}: the QP solver stopped without a solution (ALGLIB termination {})", what,
                static_cast<int>(report.terminationtype));
  Vector out(a.rows());
  for (alglib::ae_int_t i = 0; i < n; ++i) out(i) = x[i];
  return out;
}

}  // namespace

Vector MinimumVariance(const Matrix& covariance) {
  FINML_REQUIRE(covariance.rows() > 0 && covariance.rows() == covariance.cols(),
                "minimum variance needs a square covariance");
  const Vector w =
      SolveQp(2 * covariance, Vector::Ones(covariance.rows()), 1, 0, 1, "minimum variance");
  return w.cwiseMax(0.0) / w.cwiseMax(0.0).sum();
}

Vector MaximumSharpe(const Vector& expected, const Matrix& covariance, double risk_free) {
  FINML_REQUIRE(expected.size() == covariance.rows() && covariance.rows() == covariance.cols(),
                "maximum Sharpe: {} expected returns for a {} x {} covariance", expected.size(),
                covariance.rows(), covariance.cols());
  const Vector excess = expected.array() - risk_free;
  FINML_REQUIRE(excess.maxCoeff() > 0,
                "maximum Sharpe: no asset's expected return ({} at best) beats the risk-free rate "
                "{}, so every long-only portfolio has a negative Sharpe ratio (fix: a lower "
                "--risk-free, other expected returns, or minimum variance)",
                expected.maxCoeff(), risk_free);
  const Vector y = SolveQp(2 * covariance, excess, 1, 0, std::numeric_limits<double>::infinity(),
                           "maximum Sharpe");
  return y.cwiseMax(0.0) / y.cwiseMax(0.0).sum();
}

}  // namespace finml::portfolio
