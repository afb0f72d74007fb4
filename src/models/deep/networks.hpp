// Network definitions shared by the deep forecasters. Inputs are windows (batch, time, feature),
// oldest step first; every network returns one prediction per window, shape (batch).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

namespace finml::models::deep {

struct NetSpec {
  std::string architecture;  // mlp | lstm | gru | tcn | transformer | gpt
  std::int64_t features = 1;
  std::int64_t window = 5;
  std::int64_t hidden = 50;
  std::int64_t layers = 2;
  double dropout = 0.0;
  std::int64_t heads = 4;        // transformer
  std::int64_t feedforward = 128;  // transformer
  std::int64_t kernel = 3;       // tcn
  bool fused = false;            // lstm: the fused Eigen kernel instead of torch::nn::LSTM
};

class SequenceNet : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& windows) = 0;
  // Causal networks predict at every step, (batch, time); the others only at the last.
  [[nodiscard]] virtual bool causal() const { return false; }
  virtual torch::Tensor forward_all(const torch::Tensor& windows) { return forward(windows); }
};

[[nodiscard]] std::shared_ptr<SequenceNet> MakeNet(const NetSpec& spec);

}  // namespace finml::models::deep
