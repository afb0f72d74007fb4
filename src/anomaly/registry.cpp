#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>

#include "anomaly/detectors.hpp"
#include "finml/core/error.hpp"

namespace finml::anomaly {

const options::Schema<DetectorSettings>& DetectorSettings::Schema() {
  static const auto schema = [] {
    using S = DetectorSettings;
    options::Schema<S> s;
    s.Add("bins", &S::bins, "hbos: equal-width bins per feature").Min(2).Max(10000);
    s.Add("alpha", &S::alpha, "hbos: added to each bin's density before the log").Above(0).Max(1);
    s.Add("tol", &S::tol, "hbos: share of a bin width outside the training range still in it")
        .Min(0)
        .Max(10);
    s.Add("knn_k", &S::knn_k, "knn: the neighbour whose distance is the score").Min(1).Max(10000);
    s.Add("lof_k", &S::lof_k, "lof: neighbours of each record").Min(1).Max(10000);
    s.Add("trees", &S::trees, "iforest: trees").Min(1).Max(100000);
    s.Add("max_samples", &S::max_samples, "iforest: records drawn for each tree")
        .Min(2)
        .Max(1 << 24);
    s.Add("mcd_trials", &S::mcd_trials, "mcd: random starting subsets").Min(1).Max(100000);
    s.Add("seed", &S::seed, "seed of the random detectors (iforest, mcd)");
    return s;
  }();
  return schema;
}

std::unique_ptr<Detector> MakeDetector(DetectorKind kind, const DetectorSettings& s) {
  switch (kind) {
    case DetectorKind::kHbos:
      return MakeHbos(s);
    case DetectorKind::kEcod:
      return MakeEcod(s);
    case DetectorKind::kCopod:
      return MakeCopod(s);
    case DetectorKind::kPca:
      return MakePca(s);
    case DetectorKind::kMcd:
      return MakeMcd(s);
    case DetectorKind::kKnn:
      return MakeKnn(s);
    case DetectorKind::kLof:
      return MakeLof(s);
    case DetectorKind::kIsolationForest:
      return MakeIsolationForest(s);
  }
  throw InvalidInput("unknown anomaly detector");
}

void Detector::Fit(const Matrix& train) {
  FINML_REQUIRE(train.rows() >= 2 && train.cols() >= 1,
                "an anomaly detector needs at least 2 training records with 1 feature ({} x {})",
                train.rows(), train.cols());
  FINML_REQUIRE(train.allFinite(), "the training records hold a missing or infinite value");
  Learn(train);
  training_scores_ = ScoreTraining(train);
}

Standardizer Standardizer::Fit(const Matrix& train) {
  Standardizer s;
  s.mean = train.colwise().mean();
  // Population standard deviation, as scikit-learn's StandardScaler.
  s.scale = ((train.rowwise() - s.mean).array().square().colwise().sum() /
             static_cast<double>(train.rows()))
                .sqrt()
                .matrix();
  for (Eigen::Index j = 0; j < s.scale.size(); ++j)
    if (!(s.scale[j] > 0)) s.scale[j] = 1;
  return s;
}

Matrix Standardizer::Apply(const Matrix& x) const {
  return (x.rowwise() - mean).array().rowwise() / scale.array();
}

nlohmann::json MatrixJson(const Eigen::MatrixXd& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    std::vector<double> row(static_cast<std::size_t>(m.cols()));
    for (Eigen::Index c = 0; c < m.cols(); ++c) row[static_cast<std::size_t>(c)] = m(r, c);
    rows.push_back(row);
  }
  return rows;
}

Eigen::MatrixXd MatrixFromJson(const nlohmann::json& j, const std::string& what) {
  FINML_REQUIRE(j.is_array(), "{}: a list of rows expected", what);
  Eigen::MatrixXd m;
  for (std::size_t r = 0; r < j.size(); ++r) {
    FINML_REQUIRE(j[r].is_array(), "{}: row {} is not a list", what, r);
    if (r == 0)
      m.resize(static_cast<Eigen::Index>(j.size()), static_cast<Eigen::Index>(j[0].size()));
    FINML_REQUIRE(static_cast<Eigen::Index>(j[r].size()) == m.cols(),
                  "{}: row {} has {} values where {} are expected", what, r, j[r].size(), m.cols());
    for (std::size_t c = 0; c < j[r].size(); ++c) {
      FINML_REQUIRE(j[r][c].is_number(), "{}: row {} value {} is not a number", what, r, c);
      m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = j[r][c].get<double>();
    }
  }
  FINML_REQUIRE(m.allFinite(), "{}: a value is not finite", what);
  return m;
}

Neighbours NearestNeighbours(const Matrix& reference, const Matrix& queries, Eigen::Index k,
                             bool skip_self) {
  const Eigen::Index n = reference.rows();
  FINML_REQUIRE(k >= 1 && k + (skip_self ? 1 : 0) <= n,
                "{} neighbours asked of {} training records (fix: fewer neighbours)", k, n);
  Neighbours out{Eigen::MatrixXd(queries.rows(), k), Eigen::MatrixXi(queries.rows(), k)};
  const Eigen::VectorXd reference_norms = reference.rowwise().squaredNorm();
  // Blocks of queries bound the distance matrix's memory.
  constexpr Eigen::Index kBlock = 256;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  for (Eigen::Index first = 0; first < queries.rows(); first += kBlock) {
    const Eigen::Index rows = std::min(kBlock, queries.rows() - first);
    const Matrix block = queries.middleRows(first, rows);
    Eigen::MatrixXd d2 = (-2.0 * block * reference.transpose()).eval();
    d2.colwise() += block.rowwise().squaredNorm();
    d2.rowwise() += reference_norms.transpose();
    for (Eigen::Index q = 0; q < rows; ++q) {
      std::iota(order.begin(), order.end(), 0);
      const auto self = first + q;
      const auto by_distance = [&](Eigen::Index a, Eigen::Index b) {
        // Ties broken by index keep results independent of the sort.
        return d2(q, a) < d2(q, b) || (d2(q, a) == d2(q, b) && a < b);
      };
      if (skip_self) order.erase(order.begin() + self);
      std::partial_sort(order.begin(), order.begin() + k, order.end(), by_distance);
      for (Eigen::Index i = 0; i < k; ++i) {
        const Eigen::Index j = order[static_cast<std::size_t>(i)];
        out.distance(first + q, i) = std::sqrt(std::max(0.0, d2(q, j)));
        out.index(first + q, i) = static_cast<int>(j);
      }
      if (skip_self) order.push_back(0);  // restore the size for the next query
    }
  }
  return out;
}

}  // namespace finml::anomaly
