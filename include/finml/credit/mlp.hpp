// A feed-forward default classifier on LibTorch: ReLU hidden layers with dropout, one logit out,
// binary cross-entropy (weighted when rows carry weights), Adam, and early stopping on a
// stratified validation slice of the training rows, restoring the best weights. Seeded. The
// network lives in the torch module; its options are read here, without torch.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <vector>

namespace finml::credit {

class Classifier;

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

}  // namespace finml::credit

// Entry point of the torch module; call it through FINML_MODULE_FUNCTION.
extern "C" finml::credit::Classifier* finml_torch_make_mlp_classifier(
    const finml::credit::MlpOptions& options);
