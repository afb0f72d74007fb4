// Network definitions shared by the deep forecasters, in the LibTorch idiom (XxxImpl plus
// TORCH_MODULE). Inputs are windows (batch, time, feature), oldest step first; every network
// returns one prediction per window, shape (batch). Causal networks can also predict at every
// step, (batch, time), each from the steps up to it.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

namespace finml::models::deep {

struct SequenceNetOptions {
  std::string architecture;  // mlp | lstm | gru | tcn | transformer | gpt
  std::int64_t features = 1;
  std::int64_t window = 5;
  std::int64_t hidden = 50;
  std::int64_t layers = 2;
  double dropout = 0.0;
  std::int64_t heads = 4;          // transformer, gpt
  std::int64_t feedforward = 128;  // transformer, gpt
  std::int64_t kernel = 3;         // tcn
  bool fused = false;              // lstm, gru: finml's fused kernel instead of torch's
};

// The interface the forecaster trains; each architecture below implements it.
class SequenceNetImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& windows) = 0;
  [[nodiscard]] virtual bool causal() const { return false; }
  virtual torch::Tensor forward_all(const torch::Tensor& windows) { return forward(windows); }
};

[[nodiscard]] std::shared_ptr<SequenceNetImpl> MakeNet(const SequenceNetOptions& options);

}  // namespace finml::models::deep
