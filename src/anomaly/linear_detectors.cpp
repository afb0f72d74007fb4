// Detectors from the training records' covariance: PCA and the minimum covariance determinant.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "anomaly/detectors.hpp"
#include "finml/core/error.hpp"

namespace finml::anomaly {
namespace {

class Pca final : public Detector {
 public:
  Eigen::VectorXd Score(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == scaler_.mean.size(), "pca: {} features where the model has {}",
                  x.cols(), scaler_.mean.size());
    const Matrix z = scaler_.Apply(x);
    // PyOD's score: the Euclidean distance from the record to each axis vector, divided by that
    // axis' share of the variance.
    const Eigen::VectorXd norms = z.rowwise().squaredNorm();
    const Eigen::MatrixXd dot = z * axes_;  // records x axes
    Eigen::VectorXd score = Eigen::VectorXd::Zero(x.rows());
    for (Eigen::Index a = 0; a < axes_.cols(); ++a)
      score +=
          ((norms - 2 * dot.col(a)).array() + axes_.col(a).squaredNorm()).max(0.0).sqrt().matrix() /
          share_[a];
    return score;
  }

  // Each axis' distance, sqrt(sum_i gap_i^2), shared among the features in proportion to their
  // squared gaps gap_i^2 / distance: the shares add up to the distance.
  Matrix Contributions(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == scaler_.mean.size(), "pca: {} features where the model has {}",
                  x.cols(), scaler_.mean.size());
    const Matrix z = scaler_.Apply(x);
    Matrix parts = Matrix::Zero(x.rows(), x.cols());
    for (Eigen::Index a = 0; a < axes_.cols(); ++a) {
      const Matrix gap2 = (z.rowwise() - axes_.col(a).transpose()).array().square();
      const Eigen::VectorXd distance = gap2.rowwise().sum().cwiseSqrt();
      for (Eigen::Index r = 0; r < x.rows(); ++r)
        if (distance[r] > 0) parts.row(r) += gap2.row(r) / (distance[r] * share_[a]);
    }
    return parts;
  }

  nlohmann::json State() const override {
    return {{"mean", MatrixJson(scaler_.mean)},
            {"scale", MatrixJson(scaler_.scale)},
            {"axes", MatrixJson(axes_)},
            {"share", std::vector<double>(share_.data(), share_.data() + share_.size())}};
  }
  void Load(const nlohmann::json& state) override {
    scaler_.mean = MatrixFromJson(state.at("mean"), "pca mean");
    scaler_.scale = MatrixFromJson(state.at("scale"), "pca scale");
    axes_ = MatrixFromJson(state.at("axes"), "pca axes");
    const auto share = state.at("share").get<std::vector<double>>();
    share_ =
        Eigen::Map<const Eigen::VectorXd>(share.data(), static_cast<Eigen::Index>(share.size()));
    FINML_REQUIRE(scaler_.mean.size() == scaler_.scale.size() &&
                      axes_.rows() == scaler_.mean.size() && axes_.cols() == share_.size() &&
                      (share_.array() > 0).all(),
                  "pca: the saved axes do not fit its features");
  }

 protected:
  void Learn(const Matrix& x) override {
    scaler_ = Standardizer::Fit(x);
    const Matrix z = scaler_.Apply(x);
    const Matrix centred = z.rowwise() - z.colwise().mean();
    // Divide and conquer: on a million records several times faster than Jacobi, as accurate.
    Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinU | Eigen::ComputeThinV);
    // As scikit-learn's PCA(n_components=None): min(n, p) axes, their explained-variance ratios.
    const Eigen::Index keep = std::min(x.rows(), x.cols());
    const Eigen::VectorXd variance = svd.singularValues().head(keep).array().square();
    const double total = centred.array().square().sum();
    axes_ = svd.matrixV().leftCols(keep);
    // The score measures distances to the axis vectors themselves, so their signs matter:
    // scikit-learn's svd_flip makes the largest entry of each left singular vector positive.
    for (Eigen::Index a = 0; a < keep; ++a) {
      Eigen::Index at = 0;
      svd.matrixU().col(a).cwiseAbs().maxCoeff(&at);
      if (svd.matrixU()(at, a) < 0) axes_.col(a) = -axes_.col(a);
    }
    share_ = variance / (total > 0 ? total : 1.0);
    // An axis with no variance would divide by zero: it takes the smallest positive share.
    const double floor =
        std::max(1e-12, (share_.array() > 0).select(share_.array(), 1.0).minCoeff());
    share_ = share_.array().max(floor);
  }

 private:
  Standardizer scaler_;
  Eigen::MatrixXd axes_;  // features x axes
  Eigen::VectorXd share_;
};

// Rows at a time for the sums over records below: a million records' temporaries (136 MB each)
// were mapped and faulted in afresh at every C-step; up to this many records take one block, as
// one matrix did before.
constexpr Eigen::Index kBlockRows = 4096;

// Squared Mahalanobis distances of `x` rows from `location` under `precision`.
Eigen::VectorXd Mahalanobis(const Matrix& x, const Eigen::RowVectorXd& location,
                            const Eigen::MatrixXd& precision) {
  Eigen::VectorXd out(x.rows());
  for (Eigen::Index first = 0; first < x.rows(); first += kBlockRows) {
    const Eigen::Index rows = std::min(kBlockRows, x.rows() - first);
    const Matrix centred = x.middleRows(first, rows).rowwise() - location;
    out.segment(first, rows) = ((centred * precision).array() * centred.array()).rowwise().sum();
  }
  return out;
}

struct Estimate {
  Eigen::RowVectorXd location;
  Eigen::MatrixXd covariance, precision;
  double log_det = 0;
};

Matrix RowsOf(const Matrix& x, const std::vector<Eigen::Index>& rows) {
  Matrix out(static_cast<Eigen::Index>(rows.size()), x.cols());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
  return out;
}

// Mean and (biased) covariance of the rows `support`, with the pseudo-inverse (scikit-learn's
// pinvh: eigenvalues below p * epsilon of the largest count as zero) and the log-determinant.
// As scikit-learn's fast_logdet, a covariance is singular (log-determinant -inf, which stops the
// C-steps) only when its determinant is not positive in floating point: a support on which a
// feature is nearly constant keeps concentrating. Counting those as singular earlier stopped
// FastMCD at the first such support and gave cardio's MCD 0.87 against scikit-learn's 0.82.
Estimate EstimateOn(const Matrix& x, const std::vector<Eigen::Index>& support) {
  Estimate e;
  const auto count = static_cast<Eigen::Index>(support.size());
  const auto block = [&](Eigen::Index first) {
    const auto begin = support.begin() + first;
    return RowsOf(x, {begin, begin + std::min(kBlockRows, count - first)});
  };
  Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(x.cols());
  for (Eigen::Index first = 0; first < count; first += kBlockRows)
    sum += block(first).colwise().sum();
  e.location = sum / static_cast<double>(count);
  e.covariance = Eigen::MatrixXd::Zero(x.cols(), x.cols());
  for (Eigen::Index first = 0; first < count; first += kBlockRows) {
    const Matrix centred = block(first).rowwise() - e.location;
    e.covariance += centred.transpose() * centred;
  }
  e.covariance /= static_cast<double>(count);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(e.covariance);
  const Eigen::VectorXd values = eig.eigenvalues();
  const double cut = std::max(values.maxCoeff(), 0.0) * static_cast<double>(x.cols()) *
                     std::numeric_limits<double>::epsilon();
  Eigen::VectorXd inverse = Eigen::VectorXd::Zero(values.size());
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    if (values[i] > cut) inverse[i] = 1 / values[i];
    e.log_det += values[i] > 0 ? std::log(values[i]) : -std::numeric_limits<double>::infinity();
  }
  e.precision = eig.eigenvectors() * inverse.asDiagonal() * eig.eigenvectors().transpose();
  return e;
}

// The `h` rows closest to `e`.
std::vector<Eigen::Index> Closest(const Matrix& x, const Estimate& e, Eigen::Index h) {
  const Eigen::VectorXd d = Mahalanobis(x, e.location, e.precision);
  std::vector<Eigen::Index> order(static_cast<std::size_t>(x.rows()));
  std::iota(order.begin(), order.end(), 0);
  // The h closest in linear time, then only they sorted (a partial sort of a million records
  // for half of them cost a heap of half a million); ties by row, so the order is defined.
  const auto closer = [&](Eigen::Index a, Eigen::Index b) {
    return d[a] < d[b] || (d[a] == d[b] && a < b);
  };
  std::nth_element(order.begin(), order.begin() + (h - 1), order.end(), closer);
  order.resize(static_cast<std::size_t>(h));
  std::sort(order.begin(), order.end(), closer);
  return order;
}

// C-steps from `support` until the determinant stops falling (or `steps` of them).
Estimate Concentrate(const Matrix& x, const std::vector<Eigen::Index>& support, Eigen::Index h,
                     int steps) {
  Estimate e = EstimateOn(x, support);
  for (int i = 0; i < steps && std::isfinite(e.log_det); ++i) {
    Estimate next = EstimateOn(x, Closest(x, e, h));
    if (!(next.log_det < e.log_det)) break;
    e = std::move(next);
  }
  return e;
}

// The `keep` estimates of lowest determinant (scikit-learn's select_candidates), the earlier
// first among equals (only singular ones tie; numpy's argsort leaves their order open).
std::vector<Estimate> Lowest(std::vector<Estimate> estimates, std::size_t keep) {
  std::stable_sort(estimates.begin(), estimates.end(),
                   [](const Estimate& a, const Estimate& b) { return a.log_det < b.log_det; });
  estimates.resize(std::min(keep, estimates.size()));
  return estimates;
}

// `trials` random supports of `h` rows of `x`, two C-steps each.
std::vector<Estimate> RandomStarts(const Matrix& x, Eigen::Index h, std::int64_t trials,
                                   std::mt19937_64& rng) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(x.rows()));
  std::iota(order.begin(), order.end(), 0);
  std::vector<Estimate> estimates;
  for (std::int64_t t = 0; t < trials; ++t) {
    std::shuffle(order.begin(), order.end(), rng);
    estimates.push_back(Concentrate(x, {order.begin(), order.begin() + h}, h, 2));
  }
  return estimates;
}

// Each of `starts` concentrated on `x` to convergence (30 C-steps at most), starting from the
// `h` rows of `x` closest to it.
std::vector<Estimate> Refine(const Matrix& x, const std::vector<Estimate>& starts, Eigen::Index h) {
  std::vector<Estimate> estimates;
  for (const Estimate& start : starts)
    estimates.push_back(Concentrate(x, Closest(x, start, h), h, 30));
  return estimates;
}

// The raw FastMCD estimate (Rousseeuw and Van Driessen 1999) as scikit-learn's fast_mcd finds
// it: on up to 500 records, `trials` random starts of two C-steps, the 10 lowest refined on all
// records. On more, the records split into subsets of about 300 (at most 5: the paper's cap,
// which scikit-learn lifts, so up to 1,500 records the two run the same steps), 500 starts spread
// over them, each subset's 10 best refined on a merged sample of up to 1,500 records; from 1,500
// the best of those (10 above 1,500) refined once more on all records. One feature takes the
// same path (scikit-learn computes the exact shortest half there).
Estimate FastMcd(const Matrix& x, Eigen::Index h, std::int64_t trials, std::mt19937_64& rng) {
  const Eigen::Index n = x.rows();
  if (n <= 500) return Lowest(Refine(x, Lowest(RandomStarts(x, h, trials, rng), 10), h), 1)[0];
  const Eigen::Index subsets = std::min<Eigen::Index>(5, n / 300);
  const Eigen::Index subset_rows = n > 1500 ? 300 : n / subsets;
  const auto share = [&](Eigen::Index rows) {
    return static_cast<Eigen::Index>(
        // In scikit-learn's order of operations: the product's rounding can add a row.
        std::ceil(static_cast<double>(rows) * (static_cast<double>(h) / static_cast<double>(n))));
  };
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<Estimate> candidates;
  for (Eigen::Index s = 0; s < subsets; ++s) {
    const auto first = order.begin() + s * subset_rows;
    const Matrix subset = RowsOf(x, {first, first + subset_rows});
    for (Estimate& e : Lowest(RandomStarts(subset, share(subset_rows),
                                           std::max<std::int64_t>(10, 500 / subsets), rng),
                              10))
      candidates.push_back(std::move(e));
  }
  const Eigen::Index merged_rows = std::min<Eigen::Index>(1500, n);
  std::shuffle(order.begin(), order.end(), rng);
  const Matrix merged = RowsOf(x, {order.begin(), order.begin() + merged_rows});
  std::vector<Estimate> best =
      Lowest(Refine(merged, candidates, share(merged_rows)), n > 1500 ? 10 : 1);
  if (n >= 1500) best = Lowest(Refine(x, best, h), 1);
  return best[0];
}

class Mcd final : public Detector {
 public:
  explicit Mcd(const DetectorSettings& s) : s_(s) {}

  Eigen::VectorXd Score(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == location_.size(), "mcd: {} features where the model has {}", x.cols(),
                  location_.size());
    return Mahalanobis(x, location_, precision_);
  }
  // The quadratic form split by feature: c_i (P c)_i for the centred record c; some may be
  // negative (a feature that makes another's deviation less surprising).
  Matrix Contributions(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == location_.size(), "mcd: {} features where the model has {}", x.cols(),
                  location_.size());
    const Matrix centred = x.rowwise() - location_;
    return (centred * precision_).array() * centred.array();
  }

  nlohmann::json State() const override {
    return {{"location", MatrixJson(location_)}, {"precision", MatrixJson(precision_)}};
  }
  void Load(const nlohmann::json& state) override {
    location_ = MatrixFromJson(state.at("location"), "mcd location");
    precision_ = MatrixFromJson(state.at("precision"), "mcd precision");
    FINML_REQUIRE(precision_.rows() == location_.size() && precision_.cols() == location_.size(),
                  "mcd: location and precision do not match");
  }

 protected:
  // FastMCD's raw estimate, then scikit-learn's reweighting (rows within the 97.5% chi-square
  // quantile, the estimate recomputed on them).
  void Learn(const Matrix& x) override {
    const Eigen::Index n = x.rows(), p = x.cols();
    const Eigen::Index h = std::min(n, (n + p + 1 + 1) / 2);
    std::mt19937_64 rng(s_.seed);
    const Estimate best = FastMcd(x, h, s_.mcd_trials, rng);
    // Consistency correction, as scikit-learn: scale so that the median distance is the
    // chi-square median, then keep the rows within the 97.5% quantile.
    Eigen::VectorXd d = Mahalanobis(x, best.location, best.precision);
    const double median = Median(ToVector(d));
    const double chi2_median = ChiSquareQuantile(0.5, p);
    const double correction = median > 0 ? median / chi2_median : 1.0;
    d /= correction;
    const double cut = ChiSquareQuantile(0.975, p);
    std::vector<Eigen::Index> inliers;
    for (Eigen::Index i = 0; i < n; ++i)
      if (d[i] < cut) inliers.push_back(i);
    const Estimate reweighted = inliers.size() > static_cast<std::size_t>(p) || inliers.size() >= 2
                                    ? EstimateOn(x, inliers)
                                    : best;
    location_ = reweighted.location;
    precision_ = reweighted.precision;
  }

 private:
  // Wilson-Hilferty's approximation: enough for a cut-off and a scale.
  static double ChiSquareQuantile(double p, Eigen::Index k) {
    const double z = p == 0.5 ? 0.0 : (p == 0.975 ? 1.959963984540054 : 0.0);
    const double kk = static_cast<double>(k);
    const double a = 2.0 / (9.0 * kk);
    return kk * std::pow(1 - a + z * std::sqrt(a), 3);
  }

  DetectorSettings s_;
  Eigen::RowVectorXd location_;
  Eigen::MatrixXd precision_;
};

}  // namespace

std::unique_ptr<Detector> MakePca(const DetectorSettings& /*s*/) { return std::make_unique<Pca>(); }
std::unique_ptr<Detector> MakeMcd(const DetectorSettings& s) { return std::make_unique<Mcd>(s); }

}  // namespace finml::anomaly
