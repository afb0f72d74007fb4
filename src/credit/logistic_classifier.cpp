#include "logistic_classifier.hpp"

#include "finml/core/error.hpp"

namespace finml::credit {
namespace {

class LogisticClassifier final : public Classifier {
 public:
  explicit LogisticClassifier(LogisticOptions options) : options_(options) {}

  void Fit(const std::vector<double>& x, std::size_t n, std::size_t p, const std::vector<int>& y,
           const std::vector<double>& weights, const std::vector<std::string>& names) override {
    model_ = FitLogistic(x, n, p, y, weights, names, options_);
  }

  std::vector<double> Predict(const std::vector<double>& x, std::size_t n) const override {
    const std::size_t p = model_.coefficients.size();
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = model_.Probability(x.data() + i * p);
    return out;
  }

  std::vector<double> Contributions(const std::vector<double>& x, std::size_t n,
                                    const std::vector<double>& mean) const override {
    const std::size_t p = model_.coefficients.size();
    std::vector<double> out(n * p);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < p; ++j)
        out[i * p + j] = model_.coefficients[j] * (x[i * p + j] - mean[j]);
    return out;
  }

  nlohmann::json Options() const override {
    return {{"l2", options_.l2}, {"max_iterations", options_.max_iterations}};
  }

  nlohmann::json Describe(const std::vector<std::string>&) const override {
    return {{"logistic", model_.ToJson()}};
  }

  const LogisticModel* Linear() const override { return &model_; }

  nlohmann::json Save(const std::string&) const override { return {{"logistic", model_.ToJson()}}; }

  void Load(const JsonReader& state, const std::string&, std::size_t columns) override {
    model_ = LogisticModel::FromJson(state["logistic"], columns);
  }

 private:
  LogisticOptions options_;
  LogisticModel model_;
};

}  // namespace

const options::Schema<LogisticOptions>& LogisticSchema() {
  static const auto schema = [] {
    options::Schema<LogisticOptions> s;
    s.Add("l2", &LogisticOptions::l2, "L2 penalty (scikit-learn's C = 1 / l2)").Min(0);
    s.Add("max_iterations", &LogisticOptions::max_iterations, "most Newton steps").Min(1);
    return s;
  }();
  return schema;
}

std::unique_ptr<Classifier> MakeLogisticClassifier(const LogisticOptions& options) {
  return std::make_unique<LogisticClassifier>(options);
}

}  // namespace finml::credit
