// The fused Adam and AdamW step against LibTorch's own: the same parameters and moments bit for
// bit, mixed freely with LibTorch's steps, and nothing done where it does not apply.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>

#include "train/deep/fused_adam.hpp"

namespace finml::train::deep {
namespace {

std::vector<torch::Tensor> Parameters(std::uint64_t seed) {
  torch::manual_seed(seed);
  // Lengths below, at and past the vector widths, and a matrix.
  std::vector<torch::Tensor> out;
  for (auto shape : std::vector<std::vector<std::int64_t>>{{1}, {7}, {9}, {17}, {150, 3}, {67}})
    out.push_back(torch::randn(shape).requires_grad_(true));
  return out;
}

// Besides the default betas (0.9, 0.999) without decay, the GANs' (0.5, 0.9) with a decay of
// 0.05 and (0, 0.9) with 1e-6.
std::unique_ptr<torch::optim::Optimizer> Make(bool adamw, double weight_decay,
                                              std::vector<torch::Tensor> params) {
  const auto betas = weight_decay == 0      ? std::make_tuple(0.9, 0.999)
                     : weight_decay == 0.05 ? std::make_tuple(0.5, 0.9)
                                            : std::make_tuple(0.0, 0.9);
  if (adamw)
    return std::make_unique<torch::optim::AdamW>(
        std::move(params),
        torch::optim::AdamWOptions(3e-3).weight_decay(weight_decay).betas(betas));
  return std::make_unique<torch::optim::Adam>(
      std::move(params), torch::optim::AdamOptions(3e-3).weight_decay(weight_decay).betas(betas));
}

// Steps 0..count-1 with gradients from a seeded stream; parameter 2 gets none at step 3, as a
// parameter the loss misses. `fused(step)` says which steps take the fused path.
std::vector<torch::Tensor> Train(bool adamw, double weight_decay, int count,
                                 const std::function<bool(int)>& fused, int* fused_steps) {
  std::vector<torch::Tensor> params = Parameters(5);
  auto optimizer = Make(adamw, weight_decay, params);
  torch::manual_seed(9);
  for (int step = 0; step < count; ++step) {
    for (std::size_t k = 0; k < params.size(); ++k) {
      const double scale = step % 4 == 1 ? 50.0 : 0.02;
      params[k].mutable_grad() = torch::randn(params[k].sizes()) * scale;
      if (k == 2 && step == 3) params[k].mutable_grad().reset();
    }
    if (fused(step) && FusedAdamStep(*optimizer))
      ++*fused_steps;
    else
      optimizer->step();
  }
  for (auto& p : params) p = p.detach().clone();
  return params;
}

bool FusedArithmeticIsExpected() {
  // Where ATen vectorises with FMA (AVX2 or AVX-512), the fused step must match it; it was built
  // and checked on such CPUs, so there it must be used, not quietly declined.
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

TEST(FusedAdam, EqualsLibTorchsStepBitForBit) {
  for (bool adamw : {false, true})
    for (double weight_decay : {0.0, 0.05, 1e-6}) {
      int fused = 0, none = 0;
      const auto reference = Train(
          adamw, weight_decay, 12, [](int) { return false; }, &none);
      const auto all_fused = Train(
          adamw, weight_decay, 12, [](int) { return true; }, &fused);
      int mixed_fused = 0;
      const auto mixed = Train(
          adamw, weight_decay, 12, [](int step) { return step % 3 != 1; }, &mixed_fused);
      if (fused == 0) {
        EXPECT_FALSE(FusedArithmeticIsExpected()) << "declined where ATen uses FMA";
        GTEST_SKIP() << "this ATen's arithmetic is not one the fused step reproduces";
      }
      EXPECT_EQ(fused, 12);
      for (std::size_t k = 0; k < reference.size(); ++k) {
        EXPECT_TRUE(torch::equal(all_fused[k], reference[k]))
            << (adamw ? "AdamW" : "Adam") << " decay " << weight_decay << " parameter " << k;
        EXPECT_TRUE(torch::equal(mixed[k], reference[k]))
            << (adamw ? "AdamW" : "Adam") << " decay " << weight_decay << " parameter " << k;
      }
    }
}

TEST(FusedAdam, BumpsTheVersionAsTheInPlaceOpsWould) {
  torch::Tensor p = torch::randn({20}).requires_grad_(true);
  torch::optim::Adam adam({p}, torch::optim::AdamOptions(1e-3));
  p.mutable_grad() = torch::ones({20});
  const auto before = p._version();
  if (!FusedAdamStep(adam)) GTEST_SKIP() << "the fused step declines this ATen";
  EXPECT_GT(p._version(), before);
}

TEST(FusedAdam, DeclinesWhatItCannotMatchAndChangesNothing) {
  const auto declined = [](torch::optim::Optimizer& optimizer, const torch::Tensor& p) {
    const torch::Tensor before = p.detach().clone();
    const bool used = FusedAdamStep(optimizer);
    return !used && torch::equal(p.detach(), before) && optimizer.state().empty();
  };
  torch::Tensor p = torch::randn({10}).requires_grad_(true);
  p.mutable_grad() = torch::ones({10});
  torch::optim::SGD sgd({p}, torch::optim::SGDOptions(0.1));
  EXPECT_TRUE(declined(sgd, p));
  torch::optim::Adam amsgrad({p}, torch::optim::AdamOptions(1e-3).amsgrad(true));
  EXPECT_TRUE(declined(amsgrad, p));
  torch::Tensor d = torch::randn({10}, torch::kDouble).requires_grad_(true);
  d.mutable_grad() = torch::ones({10}, torch::kDouble);
  torch::optim::Adam doubles({d}, torch::optim::AdamOptions(1e-3));
  EXPECT_TRUE(declined(doubles, d));
  torch::Tensor wide = torch::randn({6, 4}).t().requires_grad_(true);  // not contiguous
  wide.mutable_grad() = torch::ones({4, 6});
  torch::optim::Adam strided({wide}, torch::optim::AdamOptions(1e-3));
  EXPECT_TRUE(declined(strided, wide));
}

}  // namespace
}  // namespace finml::train::deep
