#include "finml/credit/logistic.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "finml/core/error.hpp"

namespace finml::credit {
namespace {

double Sigmoid(double z) {
  return z >= 0 ? 1 / (1 + std::exp(-z)) : std::exp(z) / (1 + std::exp(z));
}

// log(1 + exp(z)) without overflow.
double Softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

}  // namespace

double LogisticModel::Logit(const double* row) const {
  double z = intercept;
  for (std::size_t j = 0; j < coefficients.size(); ++j) z += coefficients[j] * row[j];
  return z;
}

double LogisticModel::Probability(const double* row) const { return Sigmoid(Logit(row)); }

nlohmann::json LogisticModel::ToJson() const {
  return {{"names", names},
          {"intercept", intercept},
          {"coefficients", coefficients},
          {"intercept_se", intercept_se},
          {"std_errors", std_errors},
          {"log_likelihood", log_likelihood},
          {"converged", converged},
          {"iterations", iterations}};
}

LogisticModel LogisticModel::FromJson(const JsonReader& j, std::size_t columns) {
  LogisticModel m;
  m.names = j["names"].Strings(columns);
  m.intercept = j["intercept"].Number();
  m.coefficients = j["coefficients"].Numbers(columns);
  if (m.names.size() != columns || m.coefficients.size() != columns)
    j["coefficients"].Fail(fmt::format("holds {} coefficients and {} names for {} input columns",
                                       m.coefficients.size(), m.names.size(), columns));
  if (j.Has("intercept_se")) m.intercept_se = j["intercept_se"].Number();
  if (j.Has("std_errors")) m.std_errors = j["std_errors"].Numbers(columns);
  if (j.Has("log_likelihood")) m.log_likelihood = j["log_likelihood"].Number();
  if (j.Has("converged")) m.converged = j["converged"].Bool();
  if (j.Has("iterations")) m.iterations = static_cast<int>(j["iterations"].Integer(0, 1000000));
  return m;
}

LogisticModel FitLogistic(const std::vector<double>& x, std::size_t n, std::size_t p,
                          const std::vector<int>& y, const std::vector<double>& weights,
                          const std::vector<std::string>& names, const LogisticOptions& o) {
  FINML_REQUIRE(n > 0 && x.size() == n * p && y.size() == n, "logistic: inconsistent shapes");
  FINML_REQUIRE(o.l2 >= 0, "logistic: l2 must be >= 0");
  const std::size_t k = p + 1;  // intercept first
  Eigen::MatrixXd X(n, k);
  for (std::size_t i = 0; i < n; ++i) {
    X(i, 0) = 1;
    for (std::size_t j = 0; j < p; ++j) X(i, j + 1) = x[i * p + j];
  }
  Eigen::VectorXd w = Eigen::VectorXd::Ones(n), yv(n);
  for (std::size_t i = 0; i < n; ++i) {
    yv(i) = y[i];
    if (!weights.empty()) w(i) = weights[i];
  }
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(k, o.l2);
  penalty(0) = 0;
  auto objective = [&](const Eigen::VectorXd& b) {
    const Eigen::VectorXd eta = X * b;
    double f = 0;
    for (std::size_t i = 0; i < n; ++i) f += w(i) * (Softplus(eta(i)) - yv(i) * eta(i));
    return f + 0.5 * (penalty.array() * b.array().square()).sum();
  };
  // Start from the base rate so the first step is already sensible.
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(k);
  const double rate = std::clamp((w.array() * yv.array()).sum() / w.sum(), 1e-6, 1 - 1e-6);
  beta(0) = std::log(rate / (1 - rate));
  double f = objective(beta);
  LogisticModel m;
  Eigen::MatrixXd hessian(k, k);
  for (m.iterations = 0; m.iterations < o.max_iterations; ++m.iterations) {
    const Eigen::VectorXd eta = X * beta;
    Eigen::VectorXd mu(n), curvature(n);
    for (std::size_t i = 0; i < n; ++i) {
      mu(i) = Sigmoid(eta(i));
      curvature(i) = w(i) * mu(i) * (1 - mu(i));
    }
    const Eigen::VectorXd gradient = X.transpose() * (w.array() * (mu - yv).array()).matrix() +
                                     (penalty.array() * beta.array()).matrix();
    hessian = X.transpose() * curvature.asDiagonal() * X;
    hessian.diagonal() += penalty;
    // A tiny ridge keeps an unpenalised, perfectly collinear design solvable.
    Eigen::LDLT<Eigen::MatrixXd> solver(hessian + 1e-12 * Eigen::MatrixXd::Identity(k, k));
    const Eigen::VectorXd step = solver.solve(gradient);
    double t = 1;
    Eigen::VectorXd next = beta - step;
    double fn = objective(next);
    while (!(fn <= f + 1e-12 * std::abs(f)) && t > 1e-10) {
      t /= 2;
      next = beta - t * step;
      fn = objective(next);
    }
    const double change = (t * step).cwiseAbs().maxCoeff() / (1 + beta.cwiseAbs().maxCoeff());
    beta = next;
    f = fn;
    if (change < o.tolerance) {
      m.converged = true;
      ++m.iterations;
      break;
    }
  }
  // Curvature at the solution for the standard errors.
  const Eigen::VectorXd eta = X * beta;
  Eigen::VectorXd curvature(n);
  double loglik = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double mu = Sigmoid(eta(i));
    curvature(i) = w(i) * mu * (1 - mu);
    loglik -= w(i) * (Softplus(eta(i)) - yv(i) * eta(i));
  }
  hessian = X.transpose() * curvature.asDiagonal() * X;
  hessian.diagonal() += penalty;
  Eigen::FullPivLU<Eigen::MatrixXd> lu(hessian);
  m.names = names;
  m.intercept = beta(0);
  m.coefficients.assign(beta.data() + 1, beta.data() + k);
  m.log_likelihood = loglik;
  m.std_errors.assign(p, std::nan(""));
  m.intercept_se = std::nan("");
  if (lu.isInvertible()) {
    const Eigen::MatrixXd cov = lu.inverse();
    m.intercept_se = std::sqrt(cov(0, 0));
    for (std::size_t j = 0; j < p; ++j) m.std_errors[j] = std::sqrt(cov(j + 1, j + 1));
  }
  return m;
}

std::vector<std::size_t> StratifiedFolds(const std::vector<int>& y, std::size_t k,
                                         std::uint64_t seed) {
  FINML_REQUIRE(k >= 2, "cross-validation needs at least 2 folds");
  std::vector<std::size_t> fold(y.size());
  std::mt19937_64 rng(seed);
  std::size_t next = 0;
  // Classes from the largest value down (for 0/1: the events first), each dealt round-robin.
  std::vector<int> classes(y.begin(), y.end());
  std::sort(classes.begin(), classes.end(), std::greater<>());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  for (int cls : classes) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (y[i] == cls) members.push_back(i);
    FINML_REQUIRE(members.size() >= k, "only {} rows of class {} for {} folds", members.size(), cls,
                  k);
    std::shuffle(members.begin(), members.end(), rng);
    // Round-robin, continuing where the other class stopped, so fold sizes differ by at most one.
    for (std::size_t i : members) fold[i] = next++ % k;
  }
  return fold;
}

std::pair<std::vector<std::size_t>, std::vector<std::size_t>> StratifiedHoldOut(
    const std::vector<int>& y, double fraction, std::mt19937_64& rng) {
  std::map<int, std::vector<std::size_t>> by_class;
  for (std::size_t i = 0; i < y.size(); ++i) by_class[y[i]].push_back(i);
  std::vector<std::size_t> kept, held;
  for (auto& [label, rows] : by_class) {
    std::shuffle(rows.begin(), rows.end(), rng);
    const auto n =
        static_cast<std::size_t>(std::floor(fraction * static_cast<double>(rows.size())));
    held.insert(held.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n));
    kept.insert(kept.end(), rows.begin() + static_cast<std::ptrdiff_t>(n), rows.end());
  }
  std::sort(kept.begin(), kept.end());
  std::sort(held.begin(), held.end());
  return {kept, held};
}

}  // namespace finml::credit
