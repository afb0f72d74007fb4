// The fused LSTM kernel against torch::nn::LSTM (forward and gradients, float64) and against
// finite differences of its own forward pass.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/deep/fused_gru.hpp"
#include "models/deep/fused_lstm.hpp"
#include "models/deep/gate_math.hpp"
#include "models/deep/weight_transposes.hpp"

namespace finml::models::deep {
namespace {

struct Case {
  std::int64_t batch, time, input, hidden;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << "batch " << c.batch << " time " << c.time << " input " << c.input << " hidden "
      << c.hidden;
}

torch::nn::LSTM Reference(const Case& c) {
  torch::manual_seed(3);
  auto lstm = torch::nn::LSTM(torch::nn::LSTMOptions(c.input, c.hidden).batch_first(true));
  lstm->to(torch::kDouble);
  return lstm;
}

class FusedLstmTest : public ::testing::TestWithParam<Case> {};

TEST_P(FusedLstmTest, MatchesTorchLstmForwardAndGradients) {
  const Case c = GetParam();
  auto lstm = Reference(c);
  auto params = lstm->named_parameters();
  torch::Tensor x = torch::randn({c.batch, c.time, c.input}, torch::kDouble).requires_grad_(true);
  torch::Tensor weights = torch::randn({c.batch, c.time, c.hidden}, torch::kDouble);

  torch::Tensor ref = std::get<0>(lstm->forward(x));
  (ref * weights).sum().backward();
  torch::Tensor ref_dx = x.grad().clone();
  x.grad().zero_();

  torch::Tensor w_ih = params["weight_ih_l0"].detach().clone().requires_grad_(true);
  torch::Tensor w_hh = params["weight_hh_l0"].detach().clone().requires_grad_(true);
  torch::Tensor bias =
      (params["bias_ih_l0"] + params["bias_hh_l0"]).detach().clone().requires_grad_(true);
  torch::Tensor out = FusedLstm(x, w_ih, w_hh, bias);
  EXPECT_TRUE(torch::allclose(out, ref, 1e-12, 1e-12));
  (out * weights).sum().backward();
  EXPECT_TRUE(torch::allclose(x.grad(), ref_dx, 1e-10, 1e-12));
  EXPECT_TRUE(torch::allclose(w_ih.grad(), params["weight_ih_l0"].grad(), 1e-10, 1e-12));
  EXPECT_TRUE(torch::allclose(w_hh.grad(), params["weight_hh_l0"].grad(), 1e-10, 1e-12));
  EXPECT_TRUE(torch::allclose(bias.grad(), params["bias_ih_l0"].grad(), 1e-10, 1e-12));
}

TEST_P(FusedLstmTest, GradientsMatchFiniteDifferences) {
  const Case c = GetParam();
  torch::manual_seed(5);
  std::vector<torch::Tensor> inputs = {torch::randn({c.batch, c.time, c.input}, torch::kDouble),
                                       torch::randn({4 * c.hidden, c.input}, torch::kDouble) * 0.5,
                                       torch::randn({4 * c.hidden, c.hidden}, torch::kDouble) * 0.5,
                                       torch::randn({4 * c.hidden}, torch::kDouble) * 0.5};
  torch::Tensor weights = torch::randn({c.batch, c.time, c.hidden}, torch::kDouble);
  auto loss = [&](const std::vector<torch::Tensor>& in) {
    return (FusedLstm(in[0], in[1], in[2], in[3]) * weights).sum();
  };
  std::vector<torch::Tensor> leaves;
  for (const auto& t : inputs) leaves.push_back(t.clone().requires_grad_(true));
  loss(leaves).backward();
  const double eps = 1e-6;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    torch::Tensor flat = inputs[k].view(-1);
    torch::Tensor analytic = leaves[k].grad().view(-1);
    for (std::int64_t j = 0; j < flat.numel(); ++j) {
      std::vector<torch::Tensor> plus = inputs, minus = inputs;
      plus[k] = inputs[k].clone();
      minus[k] = inputs[k].clone();
      plus[k].view(-1)[j] += eps;
      minus[k].view(-1)[j] -= eps;
      double numeric = (loss(plus).item<double>() - loss(minus).item<double>()) / (2 * eps);
      EXPECT_NEAR(analytic[j].item<double>(), numeric, 1e-7 * std::max(1.0, std::abs(numeric)))
          << "input " << k << " element " << j;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, FusedLstmTest,
                         ::testing::Values(Case{1, 1, 1, 1}, Case{2, 3, 2, 3}, Case{3, 5, 4, 2}),
                         [](const auto& info) {
                           const Case& c = info.param;
                           return "b" + std::to_string(c.batch) + "t" + std::to_string(c.time) +
                                  "i" + std::to_string(c.input) + "h" + std::to_string(c.hidden);
                         });

// float32 runs the vectorised polynomial gates; float64 (libm) is its reference. Inputs and
// weights are the same float32 values on both sides, so only the kernels' arithmetic differs.
TEST(FusedLstm, Float32MatchesTheFloat64ReferenceWithinTolerance) {
  torch::manual_seed(11);
  // H = 21: above the 8 lanes and not a multiple of them, so the last chunk overlaps the one
  // before.
  const std::int64_t B = 37, S = 9, I = 5, H = 21;
  std::vector<torch::Tensor> in32 = {torch::randn({B, S, I}), torch::randn({4 * H, I}) * 0.4,
                                     torch::randn({4 * H, H}) * 0.4, torch::randn({4 * H}) * 0.4};
  torch::Tensor weights = torch::randn({B, S, H});
  std::vector<torch::Tensor> leaves32, leaves64;
  for (const auto& t : in32) {
    leaves32.push_back(t.clone().requires_grad_(true));
    leaves64.push_back(t.to(torch::kDouble).requires_grad_(true));
  }
  torch::Tensor out32 = FusedLstm(leaves32[0], leaves32[1], leaves32[2], leaves32[3]);
  torch::Tensor out64 = FusedLstm(leaves64[0], leaves64[1], leaves64[2], leaves64[3]);
  EXPECT_LT((out32.to(torch::kDouble) - out64).abs().max().item<double>(), 2e-6);
  (out32 * weights).sum().backward();
  (out64 * weights.to(torch::kDouble)).sum().backward();
  for (std::size_t k = 0; k < in32.size(); ++k) {
    torch::Tensor g64 = leaves64[k].grad();
    const double scale = std::max(1.0, g64.abs().max().item<double>());
    EXPECT_LT((leaves32[k].grad().to(torch::kDouble) - g64).abs().max().item<double>(),
              2e-5 * scale)
        << "input " << k;
  }
}

TEST(FusedLstm, GateMathStaysWithinItsStatedErrorOfLibm) {
  double exp_rel = 0, sigmoid_abs = 0, tanh_abs = 0;
  for (float x = -100.0f; x < 100.0f; x += 1.0f / 1024) {
    const double xd = x;
    if (x > -87.0f && x < 88.0f)
      exp_rel = std::max(exp_rel, std::abs(gate_math::Exp(x) - std::exp(xd)) / std::exp(xd));
    sigmoid_abs =
        std::max(sigmoid_abs, std::abs(gate_math::Sigmoid(x) - 1.0 / (1.0 + std::exp(-xd))));
    tanh_abs = std::max(tanh_abs, std::abs(gate_math::Tanh(x) - std::tanh(xd)));
  }
  EXPECT_LT(exp_rel, 1.5e-7);
  EXPECT_LT(sigmoid_abs, 1.5e-7);
  EXPECT_LT(tanh_abs, 2e-7);
  EXPECT_LT(gate_math::Sigmoid(-1000.0f), 1e-37f);  // exp saturates at exp(88)
  EXPECT_EQ(gate_math::Sigmoid(1000.0f), 1.0f);
  EXPECT_EQ(gate_math::Tanh(1000.0f), 1.0f);
  EXPECT_EQ(gate_math::Tanh(-1000.0f), -1.0f);
}

// Large buffers are pooled across calls: one still held (here the first call's output and its
// autograd record) must never be handed out again and overwritten.
TEST(FusedLstm, AHeldResultSurvivesLaterCallsThatReuseBuffers) {
  torch::manual_seed(2);
  const std::int64_t B = 64, S = 40, I = 3, H = 32;  // 1.3 MB of gates: above the pooling floor
  torch::Tensor w_ih = torch::randn({4 * H, I}).requires_grad_(true);
  torch::Tensor w_hh = torch::randn({4 * H, H}) * 0.3, bias = torch::randn({4 * H});
  torch::Tensor x1 = torch::randn({B, S, I}), x2 = torch::randn({B, S, I});
  torch::Tensor first = FusedLstm(x1, w_ih, w_hh, bias);
  const torch::Tensor first_copy = first.detach().clone();
  torch::Tensor last_step = first.select(1, S - 1);  // a view: holds the storage alone later
  for (int k = 0; k < 3; ++k) (void)FusedLstm(x2, w_ih, w_hh, bias).sum().backward();
  EXPECT_TRUE(torch::equal(first.detach(), first_copy));
  first = torch::Tensor();
  for (int k = 0; k < 3; ++k) (void)FusedLstm(x2, w_ih, w_hh, bias);
  EXPECT_TRUE(torch::equal(last_step.detach(), first_copy.select(1, S - 1)));
  // The same call gives the same bits whether its buffers are new or reused.
  torch::Tensor again = FusedLstm(x1, w_ih, w_hh, bias);
  EXPECT_TRUE(torch::equal(again.detach(), first_copy));
}

// Random inputs (batch B, S steps, I inputs) and the weights of an LSTM and a GRU layer of H.
struct RecurrentCase {
  RecurrentCase(std::uint64_t seed, std::int64_t B, std::int64_t S, std::int64_t I,
                std::int64_t H) {
    torch::manual_seed(seed);
    x = torch::randn({B, S, I});
    w_ih = torch::randn({4 * H, I}), w_hh = torch::randn({4 * H, H}) * 0.3;
    bias = torch::randn({4 * H});
    g_ih = torch::randn({3 * H, I}), g_hh = torch::randn({3 * H, H}) * 0.3;
    b_ih = torch::randn({3 * H}), b_hh = torch::randn({3 * H});
  }
  torch::Tensor x, w_ih, w_hh, bias, g_ih, g_hh, b_ih, b_hh;
};

// Without a gradient the kernels multiply row by row: a window's output has the same bits alone,
// in a batch, and at any place in it (a BLAS's blocking would change the last bits).
TEST(FusedRecurrent, InferenceDoesNotDependOnTheBatch) {
  auto [x, w_ih, w_hh, bias, g_ih, g_hh, b_ih, b_hh] = RecurrentCase(8, 37, 7, 3, 21);
  torch::NoGradGuard no_grad;
  const torch::Tensor lstm = FusedLstm(x, w_ih, w_hh, bias);
  const torch::Tensor gru = FusedGru(x, g_ih, g_hh, b_ih, b_hh);
  for (std::int64_t b : {0L, 5L, 36L}) {
    torch::Tensor alone = x.slice(0, b, b + 1);
    EXPECT_TRUE(torch::equal(FusedLstm(alone, w_ih, w_hh, bias)[0], lstm[b])) << b;
    EXPECT_TRUE(torch::equal(FusedGru(alone, g_ih, g_hh, b_ih, b_hh)[0], gru[b])) << b;
  }
  torch::Tensor shifted = x.slice(0, 3);  // every row three places earlier, in a batch of 34
  EXPECT_TRUE(torch::equal(FusedLstm(shifted, w_ih, w_hh, bias), lstm.slice(0, 3)));
  EXPECT_TRUE(torch::equal(FusedGru(shifted, g_ih, g_hh, b_ih, b_hh), gru.slice(0, 3)));
  // And the same numbers as training's forward pass on the BLAS, to float rounding.
  torch::Tensor trained = [&] {
    torch::GradMode::set_enabled(true);
    torch::Tensor w = w_ih.clone().requires_grad_(true);
    torch::Tensor out = FusedLstm(x, w, w_hh, bias).detach();
    torch::GradMode::set_enabled(false);
    return out;
  }();
  EXPECT_LT((trained - lstm).abs().max().item<double>(), 1e-5);
}

// Inference keeps the weights' transposes between calls; a weight changed in place (an optimiser
// step), replaced by a load (set_) or given in another type must not be served stale.
TEST(FusedRecurrent, KeptTransposesFollowEveryChangeOfTheWeights) {
  const std::int64_t I = 3, H = 10;
  auto [x, w_ih, w_hh, bias, g_ih, g_hh, b_ih, b_hh] = RecurrentCase(9, 4, 6, I, H);
  torch::NoGradGuard no_grad;
  WeightTransposes kept;
  auto same_as_fresh = [&] {
    return torch::equal(FusedLstm(x, w_ih, w_hh, bias, &kept), FusedLstm(x, w_ih, w_hh, bias)) &&
           torch::equal(FusedGru(x, g_ih, g_hh, b_ih, b_hh, &kept),
                        FusedGru(x, g_ih, g_hh, b_ih, b_hh));
  };
  ASSERT_TRUE(same_as_fresh());
  const torch::Tensor before = FusedLstm(x, w_ih, w_hh, bias, &kept);
  w_hh.mul_(0.5);  // in place: same storage, newer version
  g_ih.add_(0.1);
  EXPECT_TRUE(same_as_fresh());
  EXPECT_FALSE(torch::equal(FusedLstm(x, w_ih, w_hh, bias, &kept), before));
  w_ih.set_(torch::randn({4 * H, I}));  // new storage, as a load gives
  g_hh.set_(torch::randn({3 * H, H}) * 0.3);
  EXPECT_TRUE(same_as_fresh());
  // A strided weight is transposed afresh each call (each contiguous copy would be a new key).
  const torch::Tensor strided = torch::randn({H, 4 * H}).t();
  EXPECT_TRUE(torch::equal(FusedLstm(x, w_ih, strided, bias, &kept),
                           FusedLstm(x, w_ih, strided.contiguous(), bias)));
  // The same cache for float64 weights of another network.
  torch::Tensor x64 = x.to(torch::kDouble), w_ih64 = w_ih.to(torch::kDouble),
                w_hh64 = w_hh.to(torch::kDouble), bias64 = bias.to(torch::kDouble);
  EXPECT_TRUE(torch::equal(FusedLstm(x64, w_ih64, w_hh64, bias64, &kept),
                           FusedLstm(x64, w_ih64, w_hh64, bias64)));
}

TEST(FusedLstm, RejectsMismatchedShapes) {
  torch::Tensor x = torch::randn({2, 3, 4});
  EXPECT_THROW((void)FusedLstm(x, torch::randn({8, 3}), torch::randn({8, 2}), torch::randn({8})),
               std::exception);
}

}  // namespace
}  // namespace finml::models::deep
