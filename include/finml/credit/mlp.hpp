// A feed-forward default classifier on LibTorch: ReLU hidden layers with dropout, one logit out,
// binary cross-entropy (weighted when rows carry weights), Adam, and early stopping on a
// stratified validation slice of the training rows, restoring the best weights. Seeded.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace finml::credit {

struct MlpOptions {
  std::vector<int> hidden = {32, 16};
  double dropout = 0.1;
  double lr = 1e-3;
  double weight_decay = 1e-4;
  int batch = 64;
  int epochs = 300;
  int patience = 25;
  double validation = 0.15;
  std::uint64_t seed = 42;
  [[nodiscard]] nlohmann::json ToJson() const;
};
[[nodiscard]] MlpOptions ParseMlpOptions(const nlohmann::json& params, std::uint64_t seed);

class MlpClassifier {
 public:
  MlpClassifier();
  ~MlpClassifier();
  MlpClassifier(MlpClassifier&&) noexcept;
  MlpClassifier& operator=(MlpClassifier&&) noexcept;

  static MlpClassifier Fit(const std::vector<double>& x, std::size_t n, std::size_t p,
                           const std::vector<int>& y, const std::vector<double>& weights,
                           const MlpOptions& options);
  [[nodiscard]] std::vector<double> Predict(const std::vector<double>& x, std::size_t n) const;
  [[nodiscard]] int EpochsRun() const;
  void Save(const std::string& path) const;
  static MlpClassifier Load(const std::string& path, std::size_t features, const MlpOptions& options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace finml::credit
