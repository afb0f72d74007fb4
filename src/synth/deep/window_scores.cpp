// The post-hoc GRUs of TimeGAN's scores (synth/window_scores.hpp), as its reference code builds
// them: one GRU layer of max(features / 2, 4) units (TimeGAN: features / 2; four at least so a
// single series gets a usable network), Adam, batches of 128.
#include "finml/synth/window_scores.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "train/deep/fused_adam.hpp"

namespace finml::synth {
namespace {

struct GruHeadImpl : torch::nn::Module {
  GruHeadImpl(std::int64_t in, std::int64_t hidden)
      : gru(register_module("gru",
                            torch::nn::GRU(torch::nn::GRUOptions(in, hidden).batch_first(true)))),
        head(register_module("head", torch::nn::Linear(hidden, 1))) {}
  // (batch, steps, 1): one output per step.
  torch::Tensor forward(const torch::Tensor& x) { return head(std::get<0>(gru->forward(x))); }
  torch::nn::GRU gru;
  torch::nn::Linear head;
};
TORCH_MODULE(GruHead);

// `iterations` Adam steps (learning rate 1e-3) on batches of 128 rows drawn with replacement, as
// TimeGAN's post-hoc models train.
template <typename Loss>
void Train(GruHead& net, std::int64_t rows, std::int64_t iterations, std::mt19937_64& rng,
           Loss loss_of) {
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
  std::uniform_int_distribution<std::int64_t> pick(0, rows - 1);
  std::vector<std::int64_t> batch(128);
  for (std::int64_t it = 0; it < iterations; ++it) {
    for (auto& r : batch) r = pick(rng);
    const torch::Tensor loss = loss_of(torch::tensor(batch, torch::kLong));
    opt.zero_grad();
    loss.backward();
    if (!train::deep::FusedAdamStep(opt)) opt.step();
  }
}

torch::Tensor AsTensor(const Windows& w) {
  return torch::from_blob(
             const_cast<float*>(w.values.data()),
             {static_cast<std::int64_t>(w.count()), static_cast<std::int64_t>(w.length),
              static_cast<std::int64_t>(w.features)},
             torch::kFloat)
      .clone();
}

double Discriminative(const torch::Tensor& real, const torch::Tensor& fake, const ScoreSettings& s,
                      std::mt19937_64& rng) {
  // 80% of each side trains, the rest tests.
  const auto split = [&](const torch::Tensor& x) {
    std::vector<std::int64_t> order(static_cast<std::size_t>(x.size(0)));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    const auto cut = static_cast<std::int64_t>(0.8 * static_cast<double>(order.size()));
    const torch::Tensor idx = torch::tensor(order, torch::kLong);
    return std::pair{x.index_select(0, idx.slice(0, 0, cut)), x.index_select(0, idx.slice(0, cut))};
  };
  // As many windows of each side, so an answer of always one class scores 0.5.
  const std::int64_t n = std::min(real.size(0), fake.size(0));
  const auto [real_train, real_test] = split(real.slice(0, 0, n));
  const auto [fake_train, fake_test] = split(fake.slice(0, 0, n));
  const torch::Tensor x = torch::cat({real_train, fake_train});
  const torch::Tensor y =
      torch::cat({torch::ones({real_train.size(0)}), torch::zeros({fake_train.size(0)})});
  GruHead net(real.size(2), std::max<std::int64_t>(real.size(2) / 2, 4));
  Train(net, x.size(0), s.iterations, rng, [&](const torch::Tensor& idx) {
    // The last step's output sees the whole window.
    const torch::Tensor logit = net->forward(x.index_select(0, idx)).select(1, -1).squeeze(1);
    return torch::binary_cross_entropy_with_logits(logit, y.index_select(0, idx));
  });
  torch::NoGradGuard no_grad;
  const torch::Tensor test = torch::cat({real_test, fake_test});
  const torch::Tensor truth =
      torch::cat({torch::ones({real_test.size(0)}), torch::zeros({fake_test.size(0)})});
  const torch::Tensor guess = (net->forward(test).select(1, -1).squeeze(1) > 0).to(torch::kFloat);
  const double accuracy = (guess == truth).to(torch::kFloat).mean().item<double>();
  return std::abs(accuracy - 0.5);
}

// (inputs, targets): several features, the last one next step from the others; one feature, the
// next value from the past.
std::pair<torch::Tensor, torch::Tensor> NextStep(const torch::Tensor& w) {
  const std::int64_t f = w.size(2), steps = w.size(1);
  if (f > 1)
    return {w.slice(1, 0, steps - 1).slice(2, 0, f - 1), w.slice(1, 1, steps).slice(2, f - 1, f)};
  return {w.slice(1, 0, steps - 1), w.slice(1, 1, steps)};
}

double Predictive(const torch::Tensor& train_on, const torch::Tensor& judge_on,
                  const ScoreSettings& s, std::mt19937_64& rng) {
  const auto [x, y] = NextStep(train_on);
  GruHead net(x.size(2), std::max<std::int64_t>(train_on.size(2) / 2, 4));
  Train(net, x.size(0), s.predictive_iterations, rng, [&](const torch::Tensor& idx) {
    return torch::l1_loss(torch::sigmoid(net->forward(x.index_select(0, idx))),
                          y.index_select(0, idx));
  });
  torch::NoGradGuard no_grad;
  const auto [xt, yt] = NextStep(judge_on);
  return torch::l1_loss(torch::sigmoid(net->forward(xt)), yt).item<double>();
}

}  // namespace
}  // namespace finml::synth

extern "C" void finml_torch_window_scores(const finml::synth::Windows& real,
                                          const finml::synth::Windows& synthetic,
                                          const finml::synth::ScoreSettings& settings, bool floor,
                                          finml::synth::WindowScores& out) {
  using namespace finml::synth;
  torch::manual_seed(settings.seed);
  std::mt19937_64 rng(settings.seed);
  const torch::Tensor r = AsTensor(real), f = AsTensor(synthetic);
  out.discriminative = Discriminative(r, f, settings, rng);
  out.predictive = Predictive(f, r, settings, rng);
  out.predictive_real = floor ? Predictive(r, r, settings, rng) : std::nan("");
}
