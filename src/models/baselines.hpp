// Classical baselines every forecast must beat: the random walk (no change), the training mean,
// a linear AR(p) on the target's own series fitted by least squares, and ridge regression on the
// (normalised) feature window with its penalty chosen on validation.
#pragma once

#include <Eigen/Dense>

#include "finml/models/forecaster.hpp"

namespace finml::models {

class RandomWalk final : public Forecaster {
 public:
  void Fit(const train::SampleSet&, const train::SampleSet&, const FitContext&) override {}
  [[nodiscard]] std::vector<double> Predict(const train::SampleSet& samples) const override;
  [[nodiscard]] nlohmann::json Describe() const override;
  [[nodiscard]] nlohmann::json Save(const std::string& dir) const override;
  void Load(const JsonReader& state, const std::string& dir) override;
};

class HistoricalMean final : public Forecaster {
 public:
  void Fit(const train::SampleSet& train, const train::SampleSet&, const FitContext&) override;
  [[nodiscard]] std::vector<double> Predict(const train::SampleSet& samples) const override;
  [[nodiscard]] nlohmann::json Describe() const override;
  [[nodiscard]] nlohmann::json Save(const std::string& dir) const override;
  void Load(const JsonReader& state, const std::string& dir) override;

 private:
  double mean_ = 0;
  bool fitted_ = false;
};

// y_t+h = a0 + sum_i a_i z_{t-i+1}, with z the target's own one-period series.
class AutoRegressive final : public Forecaster {
 public:
  explicit AutoRegressive(std::size_t order) : order_(order) {}
  void Fit(const train::SampleSet& train, const train::SampleSet&, const FitContext&) override;
  [[nodiscard]] std::vector<double> Predict(const train::SampleSet& samples) const override;
  [[nodiscard]] nlohmann::json Describe() const override;
  [[nodiscard]] nlohmann::json Save(const std::string& dir) const override;
  void Load(const JsonReader& state, const std::string& dir) override;
  [[nodiscard]] std::size_t RequiredLags() const override { return order_; }
  [[nodiscard]] const Eigen::VectorXd& coefficients() const { return coef_; }

 private:
  std::size_t order_;
  Eigen::VectorXd coef_;       // intercept first
  Eigen::VectorXd std_error_;  // OLS standard errors
  double sigma2_ = 0;
};

class Ridge final : public Forecaster {
 public:
  explicit Ridge(std::vector<double> alphas) : alphas_(std::move(alphas)) {}
  void Fit(const train::SampleSet& train, const train::SampleSet& validation,
           const FitContext&) override;
  [[nodiscard]] std::vector<double> Predict(const train::SampleSet& samples) const override;
  [[nodiscard]] nlohmann::json Describe() const override;
  [[nodiscard]] nlohmann::json Save(const std::string& dir) const override;
  void Load(const JsonReader& state, const std::string& dir) override;

 private:
  std::vector<double> alphas_;
  double alpha_ = 0;
  double intercept_ = 0;
  Eigen::VectorXd coef_;
  std::vector<std::string> names_;
  std::vector<std::pair<double, double>> validation_mse_;
  std::string edge_warning_;  // set when the chosen alpha is an end of a grid of several
};

}  // namespace finml::models
