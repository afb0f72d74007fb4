#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nanoflann.hpp>
#include <numeric>
#include <queue>

#include "anomaly/detectors.hpp"
#include "finml/core/error.hpp"
#include "finml/core/modules.hpp"

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
    s.Add("mcd_trials", &S::mcd_trials,
          "mcd: random starts on up to 500 records (more: 500 over subsets)")
        .Min(1)
        .Max(100000);
    s.Add("ae_hidden", &S::ae_hidden,
          "autoencoder: encoder layer widths (mirrored by the decoder)");
    s.Add("ae_dropout", &S::ae_dropout, "autoencoder: dropout after each hidden layer")
        .Min(0)
        .Below(1);
    s.Add("ae_epochs", &S::ae_epochs, "autoencoder: most epochs").Min(1).Max(100000);
    s.Add("ae_batch", &S::ae_batch, "autoencoder: records per minibatch").Min(1).Max(1 << 20);
    s.Add("ae_lr", &S::ae_lr, "autoencoder: Adam's learning rate").Above(0).Max(1);
    s.Add("ae_patience", &S::ae_patience, "autoencoder: epochs without improvement before stopping")
        .Min(1);
    s.Add("ae_validation", &S::ae_validation,
          "autoencoder: share of the training records that stops training early")
        .Above(0)
        .Below(0.5);
    s.Add("ae_update_epochs", &S::ae_update_epochs, "autoencoder: epochs over each streamed batch")
        .Min(1)
        .Max(10000);
    s.Rule(
        "ae_hidden",
        [](const S& x) {
          return !x.ae_hidden.empty() &&
                 std::all_of(x.ae_hidden.begin(), x.ae_hidden.end(),
                             [](std::int64_t w) { return w >= 1 && w <= 4096; });
        },
        "needs 1 or more widths from 1 to 4096");
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
    case DetectorKind::kAutoencoder: {
      auto* make = FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_autoencoder);
      return std::unique_ptr<Detector>(make(s));
    }
  }
  throw InvalidInput("unknown anomaly detector");
}

Matrix Detector::Contributions(const Matrix& records) const {
  const Eigen::VectorXd full = Score(records);
  Matrix parts(records.rows(), records.cols());
  Matrix occluded = records;
  for (Eigen::Index j = 0; j < records.cols(); ++j) {
    occluded.col(j).setZero();
    parts.col(j) = full - Score(occluded);
    occluded.col(j) = records.col(j);
  }
  return parts;
}

double CheapestLevel(const std::vector<int>& y, const std::vector<double>& score,
                     double false_alarm, const std::vector<double>& miss) {
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return score[a] > score[b]; });
  double cost = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    if (y[i] == 1) cost += miss[i];
  double best = cost, level = std::numeric_limits<double>::infinity();
  // Lowering the level one distinct score at a time flags that score's rows.
  for (std::size_t i = 0; i < order.size();) {
    const double at = score[order[i]];
    for (; i < order.size() && score[order[i]] == at; ++i)
      cost += y[order[i]] == 1 ? -miss[order[i]] : false_alarm;
    if (cost < best) {
      best = cost;
      level = at;
    }
  }
  return level;
}

std::vector<Eigen::Index> StrongestParts(const Matrix& parts, Eigen::Index row, std::size_t count) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(parts.cols()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return parts(row, a) > parts(row, b); });
  order.resize(std::min(order.size(), count));
  return order;
}

std::string FormatParts(const Matrix& parts, Eigen::Index row,
                        const std::vector<std::string>& names, std::size_t count) {
  std::string out;
  for (const Eigen::Index j : StrongestParts(parts, row, count))
    out += fmt::format("{}{}={:+.3g}", out.empty() ? "" : ";", names[static_cast<std::size_t>(j)],
                       parts(row, j));
  return out;
}

void Detector::Update(const Matrix& /*batch*/) {
  throw InvalidInput(
      "this detector cannot learn from new records incrementally (fix: fit it again on the "
      "longer history, or update only hbos, ecod and copod)");
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

// Each score's position among the training scores (ties count half): comparable across
// detectors, and computable for one record alone.
double Median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

Eigen::VectorXd RankAmong(const Eigen::VectorXd& training, const Eigen::VectorXd& scores) {
  std::vector<double> sorted(training.data(), training.data() + training.size());
  std::sort(sorted.begin(), sorted.end());
  Eigen::VectorXd out(scores.size());
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), scores[i]);
    const auto hi = std::upper_bound(sorted.begin(), sorted.end(), scores[i]);
    out[i] = (static_cast<double>(lo - sorted.begin()) + 0.5 * static_cast<double>(hi - lo)) /
             static_cast<double>(sorted.size());
  }
  return out;
}

double PrecisionAtN(const std::vector<int>& y, const std::vector<double>& score) {
  const auto n = static_cast<std::size_t>(std::count(y.begin(), y.end(), 1));
  if (n == 0) return std::nan("");
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  double hits = 0;
  for (std::size_t i = 0; i < n; ++i) hits += y[order[i]];
  return hits / static_cast<double>(n);
}

namespace {

Neighbours BruteForce(const Matrix& reference, const Matrix& queries, Eigen::Index k,
                      bool skip_self) {
  const Eigen::Index n = reference.rows();
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

// Rows of the (column-major) reference are the points.
using Tree = nanoflann::KDTreeEigenMatrixAdaptor<Matrix, -1, nanoflann::metric_L2_Simple, true>;

}  // namespace

struct NeighbourIndex::Impl {
  Matrix reference;  // the tree refers to it: both live here, never moved
  std::unique_ptr<Tree> tree;
};

NeighbourIndex::NeighbourIndex() : impl_(std::make_unique<Impl>()) {}
NeighbourIndex::~NeighbourIndex() = default;
NeighbourIndex::NeighbourIndex(NeighbourIndex&&) noexcept = default;
NeighbourIndex& NeighbourIndex::operator=(NeighbourIndex&&) noexcept = default;

NeighbourIndex::NeighbourIndex(Matrix reference, NeighbourSearch search)
    : impl_(std::make_unique<Impl>()) {
  impl_->reference = std::move(reference);
  const bool tree =
      search == NeighbourSearch::kTree ||
      (search == NeighbourSearch::kAuto &&
       (impl_->reference.cols() <= kAlwaysTreeFeatures ||
        (impl_->reference.cols() <= kMaxTreeFeatures && impl_->reference.rows() >= kTreeRows)));
  if (tree && impl_->reference.rows() > 0) {
    impl_->tree = std::make_unique<Tree>(impl_->reference.cols(), std::cref(impl_->reference), 16);
    impl_->tree->index->buildIndex();
  }
}

const Matrix& NeighbourIndex::Reference() const { return impl_->reference; }

Neighbours NeighbourIndex::Query(const Matrix& queries, Eigen::Index k, bool skip_self) const {
  const Matrix& reference = impl_->reference;
  const Eigen::Index n = reference.rows();
  FINML_REQUIRE(k >= 1 && k + (skip_self ? 1 : 0) <= n,
                "{} neighbours asked of {} training records (fix: fewer neighbours)", k, n);
  FINML_REQUIRE(queries.cols() == reference.cols(), "{} features where the model has {}",
                queries.cols(), reference.cols());
  if (!impl_->tree) return BruteForce(reference, queries, k, skip_self);
  Neighbours out{Eigen::MatrixXd(queries.rows(), k), Eigen::MatrixXi(queries.rows(), k)};
  const Eigen::Index wanted = k + (skip_self ? 1 : 0);
  std::vector<Eigen::Index> index(static_cast<std::size_t>(wanted));
  std::vector<double> d2(static_cast<std::size_t>(wanted));
  std::vector<double> point(static_cast<std::size_t>(queries.cols()));
  std::vector<std::pair<double, Eigen::Index>> found;
  for (Eigen::Index q = 0; q < queries.rows(); ++q) {
    for (Eigen::Index j = 0; j < queries.cols(); ++j)
      point[static_cast<std::size_t>(j)] = queries(q, j);
    const auto got = impl_->tree->index->knnSearch(point.data(), static_cast<std::size_t>(wanted),
                                                   index.data(), d2.data());
    found.clear();
    for (std::size_t i = 0; i < got; ++i)
      if (!(skip_self && index[i] == q)) found.emplace_back(d2[i], index[i]);
    // Sorted as the brute force sorts them: by distance, then index.
    std::sort(found.begin(), found.end());
    for (Eigen::Index i = 0; i < k; ++i) {
      out.distance(q, i) = std::sqrt(found[static_cast<std::size_t>(i)].first);
      out.index(q, i) = static_cast<int>(found[static_cast<std::size_t>(i)].second);
    }
  }
  return out;
}

}  // namespace finml::anomaly
