// The fused GRU kernel against torch::nn::GRU (forward and gradients, float64), against finite
// differences of its own forward pass, and float32 against its float64 reference.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/deep/fused_gru.hpp"
#include "models/deep/networks.hpp"

namespace finml::models::deep {
namespace {

struct Case {
  std::int64_t batch, time, input, hidden;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << "batch " << c.batch << " time " << c.time << " input " << c.input << " hidden "
      << c.hidden;
}

class FusedGruTest : public ::testing::TestWithParam<Case> {};

TEST_P(FusedGruTest, MatchesTorchGruForwardAndGradients) {
  const Case c = GetParam();
  torch::manual_seed(3);
  auto gru = torch::nn::GRU(torch::nn::GRUOptions(c.input, c.hidden).batch_first(true));
  gru->to(torch::kDouble);
  auto params = gru->named_parameters();
  torch::Tensor x = torch::randn({c.batch, c.time, c.input}, torch::kDouble).requires_grad_(true);
  torch::Tensor weights = torch::randn({c.batch, c.time, c.hidden}, torch::kDouble);

  torch::Tensor ref = std::get<0>(gru->forward(x));
  (ref * weights).sum().backward();
  torch::Tensor ref_dx = x.grad().clone();
  x.grad().zero_();

  std::vector<std::string> names = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};
  std::vector<torch::Tensor> mine;
  for (const auto& n : names) mine.push_back(params[n].detach().clone().requires_grad_(true));
  torch::Tensor out = FusedGru(x, mine[0], mine[1], mine[2], mine[3]);
  EXPECT_TRUE(torch::allclose(out, ref, 1e-12, 1e-12));
  (out * weights).sum().backward();
  EXPECT_TRUE(torch::allclose(x.grad(), ref_dx, 1e-10, 1e-12));
  for (std::size_t k = 0; k < names.size(); ++k)
    EXPECT_TRUE(torch::allclose(mine[k].grad(), params[names[k]].grad(), 1e-10, 1e-12)) << names[k];
}

TEST_P(FusedGruTest, GradientsMatchFiniteDifferences) {
  const Case c = GetParam();
  torch::manual_seed(5);
  const std::int64_t G = 3 * c.hidden;
  std::vector<torch::Tensor> inputs = {torch::randn({c.batch, c.time, c.input}, torch::kDouble),
                                       torch::randn({G, c.input}, torch::kDouble) * 0.5,
                                       torch::randn({G, c.hidden}, torch::kDouble) * 0.5,
                                       torch::randn({G}, torch::kDouble) * 0.5,
                                       torch::randn({G}, torch::kDouble) * 0.5};
  torch::Tensor weights = torch::randn({c.batch, c.time, c.hidden}, torch::kDouble);
  auto loss = [&](const std::vector<torch::Tensor>& in) {
    return (FusedGru(in[0], in[1], in[2], in[3], in[4]) * weights).sum();
  };
  std::vector<torch::Tensor> leaves;
  for (const auto& t : inputs) leaves.push_back(t.clone().requires_grad_(true));
  loss(leaves).backward();
  const double eps = 1e-6;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    torch::Tensor analytic = leaves[k].grad().view(-1);
    for (std::int64_t j = 0; j < inputs[k].numel(); ++j) {
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

INSTANTIATE_TEST_SUITE_P(Shapes, FusedGruTest,
                         ::testing::Values(Case{1, 1, 1, 1}, Case{2, 3, 2, 3}, Case{3, 5, 4, 2}),
                         [](const auto& info) {
                           const Case& c = info.param;
                           return "b" + std::to_string(c.batch) + "t" + std::to_string(c.time) +
                                  "i" + std::to_string(c.input) + "h" + std::to_string(c.hidden);
                         });

TEST(FusedGru, Float32MatchesTheFloat64ReferenceWithinTolerance) {
  torch::manual_seed(11);
  // H = 21: above the 8 lanes and not a multiple of them, so the last chunk overlaps the one
  // before.
  const std::int64_t B = 37, S = 9, I = 5, H = 21;
  std::vector<torch::Tensor> in32 = {torch::randn({B, S, I}), torch::randn({3 * H, I}) * 0.4,
                                     torch::randn({3 * H, H}) * 0.4, torch::randn({3 * H}) * 0.4,
                                     torch::randn({3 * H}) * 0.4};
  torch::Tensor weights = torch::randn({B, S, H});
  std::vector<torch::Tensor> leaves32, leaves64;
  for (const auto& t : in32) {
    leaves32.push_back(t.clone().requires_grad_(true));
    leaves64.push_back(t.to(torch::kDouble).requires_grad_(true));
  }
  torch::Tensor out32 = FusedGru(leaves32[0], leaves32[1], leaves32[2], leaves32[3], leaves32[4]);
  torch::Tensor out64 = FusedGru(leaves64[0], leaves64[1], leaves64[2], leaves64[3], leaves64[4]);
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

// The fused network keeps torch::nn::GRU's parameters, so either implementation's weights load
// into the other and predict the same (float32 tolerance: the gates' exp differs from libm's).
TEST(FusedGru, NetworkSharesTorchGruWeightsAndPredictions) {
  SequenceNetOptions s;
  s.architecture = "gru";
  s.features = 3;
  s.window = 12;
  s.hidden = 16;
  s.layers = 2;
  s.fused = false;
  torch::manual_seed(4);
  auto torch_net = MakeNet(s);
  s.fused = true;
  torch::manual_seed(4);
  auto fused_net = MakeNet(s);
  auto a = torch_net->named_parameters(), b = fused_net->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& item : a) EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
  torch_net->eval();
  fused_net->eval();
  torch::Tensor x = torch::randn({7, 12, 3});
  torch::NoGradGuard no_grad;
  EXPECT_LT((torch_net->forward(x) - fused_net->forward(x)).abs().max().item<double>(), 1e-5);
}

TEST(FusedGru, RejectsMismatchedShapes) {
  torch::Tensor x = torch::randn({2, 3, 4});
  EXPECT_THROW((void)FusedGru(x, torch::randn({6, 3}), torch::randn({6, 2}), torch::randn({6}),
                              torch::randn({6})),
               std::exception);
}

}  // namespace
}  // namespace finml::models::deep
