// L2-penalised logistic regression fitted exactly by Newton's method (IRLS with step halving):
// minimises  -sum_i w_i loglik_i + (l2 / 2) * |beta|^2  (the intercept is not penalised), the
// same objective as scikit-learn's LogisticRegression with C = 1 / l2. Standard errors come from
// the inverse of the penalised Hessian (the usual ones when l2 = 0).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "finml/core/json_reader.hpp"

namespace finml::credit {

struct LogisticOptions {
  double l2 = 1.0;
  int max_iterations = 100;
  double tolerance = 1e-10;  // on the largest Newton step, relative to 1 + |beta|
};

struct LogisticModel {
  std::vector<std::string> names;  // features, in column order
  double intercept = 0;
  std::vector<double> coefficients;  // per feature
  double intercept_se = 0;
  std::vector<double> std_errors;
  double log_likelihood = 0;
  bool converged = false;
  int iterations = 0;

  [[nodiscard]] double Logit(const double* row) const;
  [[nodiscard]] double Probability(const double* row) const;
  [[nodiscard]] nlohmann::json ToJson() const;
  // A saved model for `columns` inputs; every field checked (names and coefficients one per
  // column, finite numbers).
  [[nodiscard]] static LogisticModel FromJson(const JsonReader& j, std::size_t columns);
};

// `x`: n rows x p columns, row-major. `weights`: per row, or empty for 1.
[[nodiscard]] LogisticModel FitLogistic(const std::vector<double>& x, std::size_t n, std::size_t p,
                                        const std::vector<int>& y,
                                        const std::vector<double>& weights,
                                        const std::vector<std::string>& names,
                                        const LogisticOptions& options = {});

// Stratified k-fold assignment for any number of classes: fold[i] in [0, k), each fold with the
// class mix of the whole, reproducible from `seed`.
[[nodiscard]] std::vector<std::size_t> StratifiedFolds(const std::vector<int>& y, std::size_t k,
                                                       std::uint64_t seed);

// A stratified hold-out: floor(fraction * count) rows of each class, drawn from `rng` class by
// class in ascending label order. Returns (kept rows, held-out rows), each ascending.
[[nodiscard]] std::pair<std::vector<std::size_t>, std::vector<std::size_t>> StratifiedHoldOut(
    const std::vector<int>& y, double fraction, std::mt19937_64& rng);

}  // namespace finml::credit
