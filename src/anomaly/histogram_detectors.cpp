// Detectors that treat features one at a time: HBOS, ECOD, COPOD.
#include <algorithm>
#include <cmath>

#include "anomaly/detectors.hpp"
#include "finml/core/error.hpp"

namespace finml::anomaly {
namespace {

class Hbos final : public Detector {
 public:
  explicit Hbos(const DetectorSettings& s) : s_(s) {}

  Eigen::VectorXd Score(const Matrix& x) const override { return Contributions(x).rowwise().sum(); }

  Matrix Contributions(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == edges_.cols(), "hbos: {} features where the model has {}", x.cols(),
                  edges_.cols());
    const Eigen::Index bins = log_density_.rows();
    Matrix parts(x.rows(), x.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const double lowest = log_density_.col(j).minCoeff();
      const double first = edges_(0, j), last = edges_(bins, j);
      const double* e = edges_.col(j).data();
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const double v = x(r, j);
        double s = lowest;
        // np.digitize(right=True): the first edge at or above the value; 0 is below the range
        // (the minimum itself included), bins + 1 above it.
        const auto at = std::lower_bound(e, e + bins + 1, v) - e;
        if (at == 0) {
          if (first - v <= (e[1] - e[0]) * s_.tol) s = log_density_(0, j);
        } else if (at == bins + 1) {
          if (v - last <= (e[bins] - e[bins - 1]) * s_.tol) s = log_density_(bins - 1, j);
        } else {
          s = log_density_(at - 1, j);
        }
        parts(r, j) = -s;
      }
    }
    return parts;
  }

  nlohmann::json State() const override {
    return {{"edges", MatrixJson(edges_)},
            {"log_density", MatrixJson(log_density_)},
            {"counts", MatrixJson(counts_)},
            {"records", records_}};
  }
  void Load(const nlohmann::json& state) override {
    edges_ = MatrixFromJson(state.at("edges"), "hbos edges");
    log_density_ = MatrixFromJson(state.at("log_density"), "hbos log_density");
    FINML_REQUIRE(edges_.rows() == log_density_.rows() + 1 && edges_.cols() == log_density_.cols(),
                  "hbos: edges and densities do not match");
    // Models saved before streaming updates have no counts: they score but cannot update.
    counts_.resize(0, 0);
    records_ = 0;
    if (state.contains("counts")) {
      counts_ = MatrixFromJson(state.at("counts"), "hbos counts");
      records_ = state.at("records").get<double>();
      FINML_REQUIRE(counts_.rows() == log_density_.rows() &&
                        counts_.cols() == log_density_.cols() && records_ >= 1 &&
                        (counts_.array() >= 0).all(),
                    "hbos: the saved counts do not match its bins");
    }
  }

  bool Updatable() const override { return true; }
  void Update(const Matrix& x) override {
    FINML_REQUIRE(counts_.size() > 0,
                  "hbos: this model was saved without its bin counts (fix: fit it again)");
    FINML_REQUIRE(x.cols() == edges_.cols(), "hbos: {} features where the model has {}", x.cols(),
                  edges_.cols());
    const Eigen::Index bins = log_density_.rows();
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const double* e = edges_.col(j).data();
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const double v = x(r, j);
        if (!(v >= e[0] && v <= e[bins])) continue;
        // Bins are [edge_b, edge_b+1), the last one closed, as in Learn.
        auto b = (std::upper_bound(e, e + bins + 1, v) - e) - 1;
        if (b == bins) --b;
        counts_(b, j) += 1;
      }
    }
    records_ += static_cast<double>(x.rows());
    Densities();
  }

 protected:
  void Learn(const Matrix& x) override {
    const auto bins = static_cast<Eigen::Index>(s_.bins);
    edges_.resize(bins + 1, x.cols());
    log_density_.resize(bins, x.cols());
    counts_ = Eigen::MatrixXd::Zero(bins, x.cols());
    const double n = static_cast<double>(x.rows());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      double lo = x.col(j).minCoeff(), hi = x.col(j).maxCoeff();
      if (lo == hi) {  // numpy's histogram widens a constant range by 0.5 each side
        lo -= 0.5;
        hi += 0.5;
      }
      // np.linspace's edges and np.histogram's binning, edge cases included: bins are
      // [edge_b, edge_b+1), the last one closed.
      const double width = (hi - lo) / static_cast<double>(bins);
      for (Eigen::Index b = 0; b < bins; ++b) edges_(b, j) = static_cast<double>(b) * width + lo;
      edges_(bins, j) = hi;
      const double norm = static_cast<double>(bins) / (hi - lo);
      auto count = counts_.col(j);
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const double v = x(r, j);
        auto b = static_cast<Eigen::Index>((v - lo) * norm);
        if (b == bins) --b;
        if (v < edges_(b, j))
          --b;
        else if (b != bins - 1 && v >= edges_(b + 1, j))
          ++b;
        count[b] += 1;
      }
    }
    records_ = n;
    Densities();
  }

 private:
  void Densities() {
    for (Eigen::Index j = 0; j < counts_.cols(); ++j)
      for (Eigen::Index b = 0; b < counts_.rows(); ++b)
        log_density_(b, j) =
            std::log2(counts_(b, j) / (records_ * (edges_(b + 1, j) - edges_(b, j))) + s_.alpha);
  }

  DetectorSettings s_;
  Eigen::MatrixXd edges_, log_density_, counts_;
  double records_ = 0;
};

// The training values of each feature, sorted, and the sign of each feature's skewness: the
// empirical tails ECOD and COPOD score by.
class TailDetector : public Detector {
 public:
  Eigen::VectorXd Score(const Matrix& x) const override { return Contributions(x).rowwise().sum(); }

  Matrix Contributions(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == sorted_.cols(), "{}: {} features where the model has {}", name(),
                  x.cols(), sorted_.cols());
    const Eigen::Index n = sorted_.rows();
    Matrix parts(x.rows(), x.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const double* begin = sorted_.col(j).data();
      const double* end = begin + n;
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const double v = x(r, j);
        // Tail probabilities with the record counted among the training records, as PyOD's
        // scoring (which appends the scored records to the training ones) counts it.
        const double below = static_cast<double>(std::upper_bound(begin, end, v) - begin);
        const double above = static_cast<double>(end - std::lower_bound(begin, end, v));
        const double left = -std::log((below + 1) / static_cast<double>(n + 1));
        const double right = -std::log((above + 1) / static_cast<double>(n + 1));
        const double skewed = skew_sign_[j] < 0 ? left : (skew_sign_[j] > 0 ? right : left + right);
        parts(r, j) = Combine(left, right, skewed);
      }
    }
    return parts;
  }

  bool Updatable() const override { return true; }
  void Update(const Matrix& x) override {
    FINML_REQUIRE(x.cols() == sorted_.cols(), "{}: {} features where the model has {}", name(),
                  x.cols(), sorted_.cols());
    Matrix merged(sorted_.rows() + x.rows(), sorted_.cols());
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      Eigen::VectorXd batch = x.col(j);
      std::sort(batch.data(), batch.data() + batch.size());
      std::merge(sorted_.col(j).data(), sorted_.col(j).data() + sorted_.rows(), batch.data(),
                 batch.data() + batch.size(), merged.col(j).data());
    }
    sorted_ = std::move(merged);
    Skewness();
  }

  nlohmann::json State() const override {
    return {{"sorted", MatrixJson(sorted_)}, {"skew_sign", skew_sign_}};
  }
  void Load(const nlohmann::json& state) override {
    sorted_ = MatrixFromJson(state.at("sorted"), std::string(name()) + " sorted");
    skew_sign_ = state.at("skew_sign").get<std::vector<int>>();
    FINML_REQUIRE(static_cast<Eigen::Index>(skew_sign_.size()) == sorted_.cols(),
                  "{}: skewness signs and features do not match", name());
  }

 protected:
  [[nodiscard]] virtual const char* name() const = 0;
  [[nodiscard]] virtual double Combine(double left, double right, double skewed) const = 0;

  void Learn(const Matrix& x) override {
    sorted_ = x;
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      std::sort(sorted_.col(j).data(), sorted_.col(j).data() + x.rows());
    Skewness();
  }

 private:
  // The moments do not depend on the order of the values, so the sorted ones serve.
  void Skewness() {
    skew_sign_.assign(static_cast<std::size_t>(sorted_.cols()), 0);
    const double n = static_cast<double>(sorted_.rows());
    for (Eigen::Index j = 0; j < sorted_.cols(); ++j) {
      const auto column = sorted_.col(j).array();
      const double mean = column.mean();
      const double m2 = (column - mean).square().sum() / n;
      const double m3 = (column - mean).cube().sum() / n;
      const double skew = m2 > 0 ? m3 / std::pow(m2, 1.5) : 0.0;
      skew_sign_[static_cast<std::size_t>(j)] = skew > 0 ? 1 : (skew < 0 ? -1 : 0);
    }
  }

  Eigen::MatrixXd sorted_;
  std::vector<int> skew_sign_;
};

class Ecod final : public TailDetector {
 protected:
  const char* name() const override { return "ecod"; }
  double Combine(double left, double right, double skewed) const override {
    return std::max({left, right, skewed});
  }
};

class Copod final : public TailDetector {
 protected:
  const char* name() const override { return "copod"; }
  double Combine(double left, double right, double skewed) const override {
    return std::max(skewed, (left + right) / 2);
  }
};

}  // namespace

std::unique_ptr<Detector> MakeHbos(const DetectorSettings& s) { return std::make_unique<Hbos>(s); }
std::unique_ptr<Detector> MakeEcod(const DetectorSettings& /*s*/) {
  return std::make_unique<Ecod>();
}
std::unique_ptr<Detector> MakeCopod(const DetectorSettings& /*s*/) {
  return std::make_unique<Copod>();
}

}  // namespace finml::anomaly
