// The Eigen linear layer computes what torch::nn::functional::linear does, values and gradients,
// and its gradients match central finite differences in double precision.
#include <gtest/gtest.h>

#include "train/deep/eigen_linear.hpp"

namespace finml::train::deep {
namespace {

TEST(EigenLinear, MatchesTorchLinearInValuesAndGradients) {
  torch::manual_seed(1);
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    const auto opts = torch::TensorOptions().dtype(dtype).requires_grad(true);
    const torch::Tensor x = torch::randn({17, 9}, opts), w = torch::randn({5, 9}, opts),
                        b = torch::randn({5}, opts);
    const torch::Tensor upstream = torch::randn({17, 5}, torch::TensorOptions().dtype(dtype));
    const torch::Tensor ours = EigenLinear(x, w, b);
    const auto our_grads = torch::autograd::grad({ours}, {x, w, b}, {upstream});
    const torch::Tensor theirs = torch::nn::functional::linear(x, w, b);
    const auto their_grads = torch::autograd::grad({theirs}, {x, w, b}, {upstream});
    const double tol = dtype == torch::kFloat ? 1e-5 : 1e-12;
    EXPECT_TRUE(torch::allclose(ours, theirs, tol, tol));
    for (std::size_t k = 0; k < 3; ++k)
      EXPECT_TRUE(torch::allclose(our_grads[k], their_grads[k], tol, tol)) << "gradient " << k;
  }
}

TEST(EigenLinear, SequencesOfVectorsMatchTorchLinear) {
  // [batch, length, in], as the text encoder's layers see them.
  torch::manual_seed(3);
  const auto opts = torch::TensorOptions().dtype(torch::kFloat).requires_grad(true);
  const torch::Tensor x = torch::randn({3, 7, 8}, opts), w = torch::randn({6, 8}, opts),
                      b = torch::randn({6}, opts);
  const torch::Tensor upstream = torch::randn({3, 7, 6});
  const torch::Tensor ours = EigenLinear(x, w, b);
  ASSERT_EQ(ours.sizes(), (std::vector<std::int64_t>{3, 7, 6}));
  const auto our_grads = torch::autograd::grad({ours}, {x, w, b}, {upstream});
  const torch::Tensor theirs = torch::nn::functional::linear(x, w, b);
  const auto their_grads = torch::autograd::grad({theirs}, {x, w, b}, {upstream});
  EXPECT_TRUE(torch::allclose(ours, theirs, 1e-5, 1e-5));
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_TRUE(torch::allclose(our_grads[k], their_grads[k], 1e-4, 1e-5)) << "gradient " << k;
}

TEST(EigenLinear, BatchedProductsMatchTorchMatmul) {
  torch::manual_seed(4);
  const auto opts = torch::TensorOptions().dtype(torch::kFloat).requires_grad(true);
  const torch::Tensor a = torch::randn({5, 4, 3}, opts), b = torch::randn({5, 3, 6}, opts);
  const torch::Tensor upstream = torch::randn({5, 4, 6});
  const torch::Tensor ours = EigenBatchedMatmul(a, b);
  const auto our_grads = torch::autograd::grad({ours}, {a, b}, {upstream});
  const torch::Tensor theirs = torch::matmul(a, b);
  const auto their_grads = torch::autograd::grad({theirs}, {a, b}, {upstream});
  EXPECT_TRUE(torch::allclose(ours, theirs, 1e-5, 1e-5));
  for (std::size_t k = 0; k < 2; ++k)
    EXPECT_TRUE(torch::allclose(our_grads[k], their_grads[k], 1e-5, 1e-5)) << "gradient " << k;
  // A transposed (non-contiguous) operand, as attention passes keys.
  const torch::Tensor kt = torch::randn({5, 6, 3}, opts).transpose(1, 2);
  EXPECT_TRUE(torch::allclose(EigenBatchedMatmul(a, kt), torch::matmul(a, kt), 1e-5, 1e-5));
}

// The layers' dispatch: LibTorch's own ops, bit for bit, where OpenBLAS or MKL is loaded (as
// scripts/install-deps.sh sets up), Eigen's where the BLAS is netlib's reference one.
TEST(EigenLinear, BestKernelsAreTheBlasOnesWhereTheBlasIsOptimised) {
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({33, 20}), w = torch::randn({7, 20}), b = torch::randn({7});
  const torch::Tensor a = torch::randn({6, 9, 5}), m = torch::randn({6, 5, 9});
  const bool blas = OptimizedBlasLoaded();
  EXPECT_TRUE(torch::equal(BestLinear(x, w, b),
                           blas ? torch::nn::functional::linear(x, w, b) : EigenLinear(x, w, b)));
  EXPECT_TRUE(
      torch::equal(BestBatchedMatmul(a, m), blas ? torch::matmul(a, m) : EigenBatchedMatmul(a, m)));
  EXPECT_TRUE(torch::allclose(BestLinear(x, w, b), EigenLinear(x, w, b), 1e-5, 1e-5));
}

TEST(EigenLinear, GradientsMatchFiniteDifferences) {
  torch::manual_seed(2);
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  torch::Tensor x = torch::randn({4, 3}, opts).requires_grad_(true);
  torch::Tensor w = torch::randn({2, 3}, opts).requires_grad_(true);
  torch::Tensor b = torch::randn({2}, opts).requires_grad_(true);
  const torch::Tensor probe = torch::randn({4, 2}, opts);
  const auto loss = [&] { return (EigenLinear(x, w, b) * probe).sum(); };
  const auto grads = torch::autograd::grad({loss()}, {x, w, b});
  const double h = 1e-6;
  std::vector<torch::Tensor> params = {x, w, b};
  for (std::size_t p = 0; p < 3; ++p) {
    auto flat = params[p].detach().view({-1});
    for (std::int64_t i = 0; i < flat.numel(); ++i) {
      const double keep = flat[i].item<double>();
      torch::NoGradGuard no_grad;
      params[p].view({-1})[i] = keep + h;
      const double up = loss().item<double>();
      params[p].view({-1})[i] = keep - h;
      const double down = loss().item<double>();
      params[p].view({-1})[i] = keep;
      EXPECT_NEAR(grads[p].view({-1})[i].item<double>(), (up - down) / (2 * h), 1e-7)
          << "parameter " << p << " entry " << i;
    }
  }
}

TEST(EigenLinear, NoInputGradientWhenNoneIsWanted) {
  const torch::Tensor x = torch::randn({3, 4});
  FastLinear layer(4, 2);
  const torch::Tensor y = layer->forward(x).sum();
  y.backward();
  EXPECT_FALSE(x.grad().defined());
  EXPECT_TRUE(layer->weight.grad().defined());
  // Other shapes take torch's own path.
  EXPECT_EQ(layer->forward(torch::randn({2, 3, 4})).sizes(), (std::vector<std::int64_t>{2, 3, 2}));
}

}  // namespace
}  // namespace finml::train::deep
