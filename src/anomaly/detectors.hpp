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
// (distances, indices), each queries.rows() x k. `skip_self`: queries are the reference rows
// themselves and each leaves itself out.
struct Neighbours {
  Eigen::MatrixXd distance;
  Eigen::MatrixXi index;
};
[[nodiscard]] Neighbours NearestNeighbours(const Matrix& reference, const Matrix& queries,
                                           Eigen::Index k, bool skip_self);

}  // namespace finml::anomaly
