// A linear layer whose matrix products run in Eigen instead of the BLAS LibTorch calls. Debian's
// LibTorch calls the system's reference BLAS (netlib), where the agents' small products spent
// about 78% of a PPO run (perf, `finml rl train` on dowjones30.csv); Eigen's own kernels do the
// same products several times faster. A custom autograd function: gradients are checked against
// torch::nn::functional::linear in tests/rl/deep/test_eigen_linear.cpp.
#pragma once

#include <torch/torch.h>

namespace finml::rl::deep {

// y = x w^T + b for x (batch, in), w (out, in), b (out); float or double on the CPU. Other
// shapes, types and devices fall back to torch::linear.
[[nodiscard]] torch::Tensor EigenLinear(const torch::Tensor& x, const torch::Tensor& w,
                                        const torch::Tensor& b);

// torch::nn::Linear's parameters ("weight", "bias") and initialisation, EigenLinear's products.
class FastLinearImpl : public torch::nn::Module {
 public:
  FastLinearImpl(std::int64_t in, std::int64_t out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
};
TORCH_MODULE(FastLinear);

}  // namespace finml::rl::deep
