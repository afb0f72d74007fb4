// Detectors from distances to the nearest training records: kNN and LOF.
#include <algorithm>
#include <cmath>

#include "anomaly/detectors.hpp"
#include "finml/core/error.hpp"

namespace finml::anomaly {
namespace {

class Knn final : public Detector {
 public:
  explicit Knn(const DetectorSettings& s) : k_(s.knn_k) {}

  Eigen::VectorXd Score(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == index_.Reference().cols(), "knn: {} features where the model has {}",
                  x.cols(), index_.Reference().cols());
    return index_.Query(x, k_, false).distance.col(k_ - 1);
  }
  nlohmann::json State() const override {
    return {{"k", k_}, {"train", MatrixJson(index_.Reference())}};
  }
  void Load(const nlohmann::json& state) override {
    k_ = state.at("k").get<Eigen::Index>();
    Matrix train = MatrixFromJson(state.at("train"), "knn train");
    FINML_REQUIRE(k_ >= 1 && k_ <= train.rows(), "knn: k {} out of range", k_);
    index_ = NeighbourIndex(std::move(train));
  }

 protected:
  void Learn(const Matrix& x) override {
    FINML_REQUIRE(x.rows() > k_, "knn: {} training records for k = {} (fix: a smaller --knn-k)",
                  x.rows(), k_);
    index_ = NeighbourIndex(x);
  }
  Eigen::VectorXd ScoreTraining(const Matrix& x) const override {
    return index_.Query(x, k_, true).distance.col(k_ - 1);
  }

 private:
  Eigen::Index k_;
  NeighbourIndex index_;
};

// scikit-learn's LocalOutlierFactor(novelty=True): a record's reachability distance to a
// training neighbour o is max(k-distance(o), d); its local reachability density the inverse of the
// mean of those (plus 1e-10); its LOF the neighbours' mean density over its own.
class Lof final : public Detector {
 public:
  explicit Lof(const DetectorSettings& s) : k_(s.lof_k) {}

  Eigen::VectorXd Score(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == index_.Reference().cols(), "lof: {} features where the model has {}",
                  x.cols(), index_.Reference().cols());
    return Factor(index_.Query(x, k_, false));
  }
  nlohmann::json State() const override {
    return {{"k", k_},
            {"train", MatrixJson(index_.Reference())},
            {"k_distance",
             std::vector<double>(k_distance_.data(), k_distance_.data() + k_distance_.size())},
            {"density", std::vector<double>(density_.data(), density_.data() + density_.size())}};
  }
  void Load(const nlohmann::json& state) override {
    k_ = state.at("k").get<Eigen::Index>();
    Matrix train = MatrixFromJson(state.at("train"), "lof train");
    const auto kd = state.at("k_distance").get<std::vector<double>>();
    const auto dens = state.at("density").get<std::vector<double>>();
    FINML_REQUIRE(k_ >= 1 && k_ < train.rows() &&
                      static_cast<Eigen::Index>(kd.size()) == train.rows() &&
                      kd.size() == dens.size(),
                  "lof: the saved densities do not fit its training records");
    k_distance_ = Eigen::Map<const Eigen::VectorXd>(kd.data(), train.rows());
    density_ = Eigen::Map<const Eigen::VectorXd>(dens.data(), train.rows());
    index_ = NeighbourIndex(std::move(train));
  }

 protected:
  void Learn(const Matrix& x) override {
    // scikit-learn caps k at n - 1.
    k_ = std::min<Eigen::Index>(k_, x.rows() - 1);
    index_ = NeighbourIndex(x);
    const Neighbours nb = index_.Query(x, k_, true);
    k_distance_ = nb.distance.col(k_ - 1);
    density_ = Density(nb);
  }
  Eigen::VectorXd ScoreTraining(const Matrix& x) const override {
    return Factor(index_.Query(x, k_, true));
  }

 private:
  Eigen::VectorXd Density(const Neighbours& nb) const {
    Eigen::VectorXd density(nb.distance.rows());
    for (Eigen::Index r = 0; r < nb.distance.rows(); ++r) {
      double reach = 0;
      for (Eigen::Index i = 0; i < k_; ++i)
        reach += std::max(k_distance_[nb.index(r, i)], nb.distance(r, i));
      density[r] = 1 / (reach / static_cast<double>(k_) + 1e-10);
    }
    return density;
  }
  Eigen::VectorXd Factor(const Neighbours& nb) const {
    const Eigen::VectorXd own = Density(nb);
    Eigen::VectorXd factor(own.size());
    for (Eigen::Index r = 0; r < own.size(); ++r) {
      double sum = 0;
      for (Eigen::Index i = 0; i < k_; ++i) sum += density_[nb.index(r, i)];
      factor[r] = sum / static_cast<double>(k_) / own[r];
    }
    return factor;
  }

  Eigen::Index k_;
  NeighbourIndex index_;
  Eigen::VectorXd k_distance_, density_;
};

}  // namespace

std::unique_ptr<Detector> MakeKnn(const DetectorSettings& s) { return std::make_unique<Knn>(s); }
std::unique_ptr<Detector> MakeLof(const DetectorSettings& s) { return std::make_unique<Lof>(s); }

}  // namespace finml::anomaly
