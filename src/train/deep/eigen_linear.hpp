// Linear layers and attention's batched products on the faster of two kernels. Debian's LibTorch
// multiplies with whatever the system registers as libblas.so.3. With netlib's reference BLAS the
// RL agents' small products spent about 78% of a PPO run (perf, `finml rl train` on
// dowjones30.csv) and the text transformer's products 85% of its training, and Eigen's own kernels
// (a custom autograd function, gradients checked against torch::nn::functional::linear in
// tests/train/deep/test_eigen_linear.cpp) do them several times faster. OpenBLAS, which
// scripts/install-deps.sh registers, beats Eigen built without AVX: the transformer ran at 0.6x
// PyTorch-on-OpenBLAS through Eigen (bench/RESULTS.md, 2026-12-02). So BestLinear and
// BestBatchedMatmul call LibTorch's ops when an optimised BLAS is loaded and Eigen's otherwise.
// Shared by the torch module's areas.
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

// True when the process's BLAS is OpenBLAS or MKL (found by symbol), not netlib's reference one.
// FINML_LINEAR_PRODUCTS=eigen or =blas overrides it (benches).
[[nodiscard]] bool OptimizedBlasLoaded();

// torch::nn::functional::linear and torch::matmul where OptimizedBlasLoaded(), else EigenLinear
// and EigenBatchedMatmul.
[[nodiscard]] torch::Tensor BestLinear(const torch::Tensor& x, const torch::Tensor& w,
                                       const torch::Tensor& b);
[[nodiscard]] torch::Tensor BestBatchedMatmul(const torch::Tensor& a, const torch::Tensor& b);

// torch::nn::Linear's parameters ("weight", "bias") and initialisation, BestLinear's products.
class FastLinearImpl : public torch::nn::Module {
 public:
  FastLinearImpl(std::int64_t in, std::int64_t out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
};
TORCH_MODULE(FastLinear);

}  // namespace finml::train::deep
