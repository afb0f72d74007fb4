// What `finml fraud train` saves and `finml fraud score` and the service load: the feature
// pipeline and the fitted models (include/finml/anomaly/fraud.hpp says what they are).
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "anomaly/fraud_features.hpp"
#include "finml/anomaly/detector.hpp"
#include "finml/anomaly/fraud.hpp"
#include "finml/credit/classifier.hpp"

namespace finml::anomaly {

inline constexpr const char* kFraudFormat = "finml-fraud/1";

// What turns a file into model inputs, saved with the model so scoring repeats it exactly.
struct Pipeline {
  FeatureSpec spec;
  std::vector<std::string> names;  // raw features, then one rate per categorical column
  TargetEncoder encoder;
  Eigen::RowVectorXd median;  // fills missing cells
  Standardizer scaler;        // for logistic and iforest

  [[nodiscard]] Eigen::MatrixXd Inputs(const RawFeatures& raw, const Eigen::MatrixXd& rates) const {
    Eigen::MatrixXd x(raw.x.rows(), raw.x.cols() + rates.cols());
    x << raw.x, rates;
    for (Eigen::Index r = 0; r < x.rows(); ++r)
      for (Eigen::Index c = 0; c < x.cols(); ++c)
        if (std::isnan(x(r, c))) x(r, c) = median[c];
    return x;
  }
};

inline std::vector<double> RowMajor(const Eigen::MatrixXd& m) {
  std::vector<double> v(static_cast<std::size_t>(m.size()));
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      v.data(), m.rows(), m.cols()) = m;
  return v;
}

// One fitted model of the comparison.
struct Fitted {
  FraudModel kind;
  std::unique_ptr<credit::Classifier> classifier;  // gbdt, logistic, combined
  std::unique_ptr<Detector> detector;              // iforest, and combined's extra feature
  double threshold = 0;
};

// Scores of rows already turned into inputs (`x` raw, `z` standardised).
[[nodiscard]] std::vector<double> ScoreRows(const Fitted& f, const Eigen::MatrixXd& x,
                                            const Eigen::MatrixXd& z);
// Each input's part in each row's score (rows x inputs, the combined model's forest score last):
// SHAP values for the trees, coefficient x (value - training mean) for the logistic model,
// occlusion for the forest.
[[nodiscard]] Eigen::MatrixXd Parts(const Fitted& f, const Eigen::MatrixXd& x,
                                    const Eigen::MatrixXd& z);

}  // namespace finml::anomaly
