// Dense matrices in saved models: a JSON list of rows, read back refusing ragged rows, text and
// non-finite values with InvalidInput naming the field. Header-only, for the areas that save Eigen
// state (anomaly detectors, synthetic-data baselines).
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finml/core/error.hpp"

namespace finml {

inline nlohmann::json MatrixJson(const Eigen::MatrixXd& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    std::vector<double> row(static_cast<std::size_t>(m.cols()));
    for (Eigen::Index c = 0; c < m.cols(); ++c) row[static_cast<std::size_t>(c)] = m(r, c);
    rows.push_back(row);
  }
  return rows;
}

inline Eigen::MatrixXd MatrixFromJson(const nlohmann::json& j, const std::string& what) {
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

// As MatrixFromJson, and the shape must be rows x cols.
inline Eigen::MatrixXd MatrixFromJson(const nlohmann::json& j, const std::string& what,
                                      Eigen::Index rows, Eigen::Index cols) {
  Eigen::MatrixXd m = MatrixFromJson(j, what);
  FINML_REQUIRE(m.rows() == rows && m.cols() == cols, "{}: {} x {} where {} x {} is expected", what,
                m.rows(), m.cols(), rows, cols);
  return m;
}

}  // namespace finml
