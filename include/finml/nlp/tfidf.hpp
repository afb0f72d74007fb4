// The classical text baseline: TF-IDF word n-grams with scikit-learn's TfidfVectorizer semantics
// (token pattern \b\w\w+\b on lowercased text, smooth idf ln((1+n)/(1+df))+1, optional sublinear
// tf, rows scaled to unit L2 norm), and an L2-penalised multinomial logistic regression on them,
// minimising  sum_i -log p(y_i | x_i) + |W|^2 / (2C)  (intercepts unpenalised) as scikit-learn's
// LogisticRegression(multi_class="multinomial") does. credit::FitLogistic is Newton's method on a
// dense Hessian, (p+1)^2 numbers: 800 MB for 10,000 n-grams, so this fit uses ALGLIB's L-BFGS on
// the sparse rows instead.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "finml/core/json_reader.hpp"
#include "finml/nlp/settings.hpp"

namespace finml::nlp {

struct SparseRows {
  std::vector<std::size_t> offsets{0};  // row r: entries offsets[r] .. offsets[r+1]
  std::vector<std::int32_t> columns;
  std::vector<double> values;
  std::size_t cols = 0;
  [[nodiscard]] std::size_t rows() const { return offsets.size() - 1; }
};

// scikit-learn's default analyzer: lowercased (ASCII and Latin-1 letters), runs of two or more
// word characters (every non-ASCII byte counts as one: Python's \w also excludes non-ASCII
// punctuation such as the en dash), then n-grams of them joined by one space.
[[nodiscard]] std::vector<std::string> Terms(std::string_view text, int ngram_max);

class TfidfVectorizer {
 public:
  [[nodiscard]] static TfidfVectorizer Fit(const std::vector<std::string>& texts,
                                           const TfidfSettings& settings);
  [[nodiscard]] SparseRows Transform(const std::vector<std::string>& texts) const;
  [[nodiscard]] const std::vector<std::string>& Vocabulary() const { return terms_; }
  [[nodiscard]] nlohmann::json ToJson() const;
  [[nodiscard]] static TfidfVectorizer FromJson(const JsonReader& j);

 private:
  int ngram_max_ = 1;
  bool sublinear_ = false;
  std::vector<std::string> terms_;  // sorted, as scikit-learn's vocabulary_
  std::vector<double> idf_;
  std::unordered_map<std::string, std::int32_t> index_;
};

struct SoftmaxRegression {
  std::size_t classes = 0, features = 0;
  std::vector<double> weights;  // classes x features, row-major
  std::vector<double> intercepts;
  bool converged = false;
  int iterations = 0;

  // Class probabilities of row r of `x`, into out[0 .. classes).
  void Probabilities(const SparseRows& x, std::size_t r, double* out) const;
  [[nodiscard]] nlohmann::json ToJson() const;
  [[nodiscard]] static SoftmaxRegression FromJson(const JsonReader& j);
};

// `sample_weights`: one per row, or empty for 1.
[[nodiscard]] SoftmaxRegression FitSoftmax(const SparseRows& x, const std::vector<int>& y,
                                           std::size_t classes, double c,
                                           const std::vector<double>& sample_weights = {});

}  // namespace finml::nlp
