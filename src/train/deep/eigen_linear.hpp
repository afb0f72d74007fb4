// A linear layer whose matrix products run in Eigen instead of the BLAS LibTorch calls. Debian's
// LibTorch calls the system's reference BLAS (netlib), where the RL agents' small products spent
// about 78% of a PPO run (perf, `finml rl train` on dowjones30.csv) and the text transformer's
// products 85% of its training; Eigen's own kernels do the same products several times faster. A
// custom autograd function: gradients are checked against torch::nn::functional::linear in
// tests/train/deep/test_eigen_linear.cpp. Shared by the torch module's areas.
#pragma once

#include <torch/torch.h>

namespace finml::train::deep {

// y = x w^T + b for x (..., in), w (out, in), b (out); float or double on the CPU (leading
// dimensions are flattened into one batch). Other types and devices fall back to torch::linear.
[[nodiscard]] torch::Tensor EigenLinear(const torch::Tensor& x, const torch::Tensor& w,
                                        const torch::Tensor& b);

// a (batch, m, k) times b (batch, k, n) -> (batch, m, n), each product in Eigen: attention's
// scores and mixing. float on the CPU; other types and devices fall back to torch::matmul.
[[nodiscard]] torch::Tensor EigenBatchedMatmul(const torch::Tensor& a, const torch::Tensor& b);

// torch::nn::Linear's parameters ("weight", "bias") and initialisation, EigenLinear's products.
class FastLinearImpl : public torch::nn::Module {
 public:
  FastLinearImpl(std::int64_t in, std::int64_t out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
};
TORCH_MODULE(FastLinear);

}  // namespace finml::train::deep
