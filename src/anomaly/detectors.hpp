// The detectors of the registry (finml/anomaly/detector.hpp), one factory each, and what they
// share: the exact neighbour search (matrices in JSON: finml/core/eigen_json.hpp).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "finml/anomaly/detector.hpp"
#include "finml/core/eigen_json.hpp"

namespace finml::anomaly {

[[nodiscard]] std::unique_ptr<Detector> MakeHbos(const DetectorSettings& s);
[[nodiscard]] std::unique_ptr<Detector> MakeEcod(const DetectorSettings& s);
[[nodiscard]] std::unique_ptr<Detector> MakeCopod(const DetectorSettings& s);
[[nodiscard]] std::unique_ptr<Detector> MakePca(const DetectorSettings& s);
[[nodiscard]] std::unique_ptr<Detector> MakeMcd(const DetectorSettings& s);
[[nodiscard]] std::unique_ptr<Detector> MakeKnn(const DetectorSettings& s);
[[nodiscard]] std::unique_ptr<Detector> MakeLof(const DetectorSettings& s);
[[nodiscard]] std::unique_ptr<Detector> MakeIsolationForest(const DetectorSettings& s);

using finml::MatrixFromJson;
using finml::MatrixJson;

// The `k` nearest rows of `reference` to each row of `queries` (Euclidean), ascending:
// (distances, indices), each queries.rows() x k.
struct Neighbours {
  Eigen::MatrixXd distance;
  Eigen::MatrixXi index;
};

enum class NeighbourSearch {
  kAuto,        // the tree up to kAlwaysTreeFeatures features, and up to kMaxTreeFeatures from
                // kTreeRows records; brute force otherwise
  kBruteForce,  // one matrix product per block of queries: fast in many dimensions
  kTree,        // a k-d tree (nanoflann): prunes in few dimensions, so large sets stay fast
};
// Measured with bench/anomaly_bench.sh: on cardio's 1,831 x 21 the brute force fits LOF in 0.06 s
// and the tree in 0.10 s; on 20,000 x 17 transactions the tree takes 2.2 s.
inline constexpr Eigen::Index kAlwaysTreeFeatures = 16;
inline constexpr Eigen::Index kMaxTreeFeatures = 32;
inline constexpr Eigen::Index kTreeRows = 5000;

// The training records of kNN and LOF and the structure that searches them, built once.
// Both searches are exact; they may order neighbours at equal distances differently.
class NeighbourIndex {
 public:
  NeighbourIndex();
  explicit NeighbourIndex(Matrix reference, NeighbourSearch search = NeighbourSearch::kAuto);
  ~NeighbourIndex();
  NeighbourIndex(NeighbourIndex&&) noexcept;
  NeighbourIndex& operator=(NeighbourIndex&&) noexcept;

  [[nodiscard]] const Matrix& Reference() const;
  // `skip_self`: the queries are the reference rows themselves and each leaves itself out.
  [[nodiscard]] Neighbours Query(const Matrix& queries, Eigen::Index k, bool skip_self) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace finml::anomaly

// Entry point of the torch module (src/anomaly/deep/autoencoder.cpp); call it through
// FINML_MODULE_FUNCTION.
extern "C" finml::anomaly::Detector* finml_torch_make_autoencoder(
    const finml::anomaly::DetectorSettings& settings);
