// The LibTorch autoencoder detector: it learns the training records' shape (anomalies reconstruct
// worse), its parts add up to its score, it saves, loads and streams, and a seed fixes it.
#include <gtest/gtest.h>

#include <random>

#include "finml/anomaly/detector.hpp"
#include "finml/core/error.hpp"
#include "finml/credit/metrics.hpp"

namespace finml::anomaly {
namespace {

// Records on a 2-dimensional plane inside 6 features; anomalies leave the plane.
struct Data {
  Matrix train, test;
  std::vector<int> y;
};

Data Plane() {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd basis(2, 6);
  for (Eigen::Index i = 0; i < basis.size(); ++i) basis.data()[i] = normal(rng);
  auto draw = [&](Eigen::Index n, bool anomalous) {
    Matrix m(n, 6);
    for (Eigen::Index r = 0; r < n; ++r) {
      Eigen::RowVector2d z(normal(rng), normal(rng));
      m.row(r) = z * basis;
      if (anomalous)
        for (Eigen::Index j = 0; j < 6; ++j) m(r, j) += 2.0 * normal(rng);
      else
        for (Eigen::Index j = 0; j < 6; ++j) m(r, j) += 0.05 * normal(rng);
    }
    return m;
  };
  Data d;
  d.train = draw(600, false);
  d.test.resize(200, 6);
  d.test.topRows(180) = draw(180, false);
  d.test.bottomRows(20) = draw(20, true);
  d.y.assign(200, 0);
  for (int i = 180; i < 200; ++i) d.y[static_cast<std::size_t>(i)] = 1;
  return d;
}

DetectorSettings Small() {
  DetectorSettings s;
  s.ae_hidden = {8, 2};
  s.ae_dropout = 0;
  s.ae_epochs = 60;
  s.ae_lr = 3e-3;
  return s;
}

TEST(Autoencoder, LearnsThePlaneAndSavesLoadsAndStreams) {
  const Data d = Plane();
  auto ae = MakeDetector(DetectorKind::kAutoencoder, Small());
  ae->Fit(d.train);
  const Eigen::VectorXd score = ae->Score(d.test);
  const std::vector<double> v(score.data(), score.data() + score.size());
  EXPECT_GT(credit::RocAuc(d.y, v), 0.95);
  const Matrix parts = ae->Contributions(d.test);
  EXPECT_LT((parts.rowwise().sum() - score).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_TRUE((parts.array() >= 0).all());

  // The same seed trains the same network; the state round-trips exactly.
  auto again = MakeDetector(DetectorKind::kAutoencoder, Small());
  again->Fit(d.train);
  EXPECT_EQ(again->Score(d.test), score);
  auto loaded = MakeDetector(DetectorKind::kAutoencoder, DetectorSettings{});
  loaded->Load(ae->State());
  EXPECT_EQ(loaded->Score(d.test), score);
  EXPECT_EQ(loaded->Score(d.test.topRows(1))[0], score[0]);  // one record as in a batch

  // Streaming: more epochs on records like the training ones change the network a little.
  ASSERT_TRUE(loaded->Updatable());
  loaded->Update(d.train.topRows(200));
  const Eigen::VectorXd updated = loaded->Score(d.test);
  EXPECT_NE(updated, score);
  const std::vector<double> u(updated.data(), updated.data() + updated.size());
  EXPECT_GT(credit::RocAuc(d.y, u), 0.9);

  // A damaged state is refused.
  auto state = ae->State();
  state["parameters"][0]["values"].erase(0);
  auto broken = MakeDetector(DetectorKind::kAutoencoder, DetectorSettings{});
  EXPECT_THROW(broken->Load(state), InvalidInput);
  EXPECT_THROW((void)ae->Score(Matrix::Zero(2, 5)), InvalidInput);
}

}  // namespace
}  // namespace finml::anomaly
