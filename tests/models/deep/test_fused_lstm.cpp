// The fused LSTM kernel against torch::nn::LSTM (forward and gradients, float64) and against
// finite differences of its own forward pass.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/deep/fused_lstm.hpp"

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

TEST(FusedLstm, RejectsMismatchedShapes) {
  torch::Tensor x = torch::randn({2, 3, 4});
  EXPECT_THROW((void)FusedLstm(x, torch::randn({8, 3}), torch::randn({8, 2}), torch::randn({8})),
               std::exception);
}

}  // namespace
}  // namespace finml::models::deep
