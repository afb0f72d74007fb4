// A feed-forward default classifier on LibTorch: ReLU hidden layers with dropout, one logit out,
// binary cross-entropy (weighted when rows carry weights), trained on the shared loop (optimiser,
// schedule, clipping, early stopping on a stratified validation slice of the training rows with
// the best weights restored). Seeded. The
// network lives in the torch module; its options are read here, without torch.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "finml/train/loop_options.hpp"

namespace finml::credit {

class Classifier;

struct MlpOptions {
  std::vector<int> hidden = {32, 16};
  double dropout = 0.1;
  double validation = 0.15;  // stratified share of the training rows for early stopping
  std::uint64_t seed = 42;
  // Tabular defaults: small batches, many short epochs, patient early stopping.
  train::LoopOptions loop = [] {
    train::LoopOptions l;
    l.lr = 1e-3;
    l.weight_decay = 1e-4;
    l.batch = 64;
    l.epochs = 300;
    l.patience = 25;
    return l;
  }();
  [[nodiscard]] nlohmann::json ToJson() const;  // the parameters and the seed
  static const options::Schema<MlpOptions>& Schema();
};

}  // namespace finml::credit

// Entry point of the torch module; call it through FINML_MODULE_FUNCTION.
extern "C" finml::credit::Classifier* finml_torch_make_mlp_classifier(
    const finml::credit::MlpOptions& options);
