// The shared LibTorch training loop: early stopping and best-weight restore, the learning-rate
// schedule, clipping, skipped batches, and seeded shuffling.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/deep/fused_lstm.hpp"
#include "models/deep/reusable_buffers.hpp"
#include "train/deep/loop.hpp"

namespace finml::train::deep {
namespace {

// One parameter w and one buffer b, so a restore of both can be seen.
struct ScalarImpl : torch::nn::Module {
  ScalarImpl() {
    w = register_parameter("w", torch::zeros({1}));
    b = register_buffer("b", torch::zeros({1}));
  }
  torch::Tensor w, b;
};
TORCH_MODULE(Scalar);

// loss = slope * w: a constant gradient, so every Adam step moves w by the learning rate.
BatchLoss Linear(Scalar& m, double slope) {
  return [&m, slope](const torch::Tensor&) { return (m->w * slope).sum(); };
}

TEST(TrainLoop, StopsAfterPatienceAndRestoresTheBestEpochsWeightsAndBuffers) {
  Scalar m;
  const std::vector<double> script = {5, 4, 3, 3.5, 3.6, 3.7, 1.0};  // the last is never reached
  std::vector<double> w_at, b_at;
  std::size_t epoch = 0;
  ValidationLoss validate = [&] {
    m->b.fill_(static_cast<double>(epoch + 1));  // a buffer that changes every epoch
    w_at.push_back(m->w.item<double>());
    b_at.push_back(m->b.item<double>());
    return script[epoch++];
  };
  LoopOptions o;
  o.epochs = 7;
  o.batch = 4;
  o.patience = 3;
  std::mt19937_64 rng(1);
  const auto r = TrainLoop(*m, 8, Linear(m, 1.0), validate, o, rng);
  ASSERT_EQ(r.history.size(), 6u) << "three epochs without improvement after epoch 3";
  EXPECT_EQ(r.best_epoch, 3);
  EXPECT_EQ(r.best_validation, 3.0);
  EXPECT_EQ(m->w.item<double>(), w_at[2]);
  EXPECT_EQ(m->b.item<double>(), b_at[2]);
  EXPECT_FALSE(m->is_training());
}

// The fused LSTM's large scratch buffers are pooled for the steps of a training, and go when it
// ends: a service or a run of many models does not keep every training's buffers.
TEST(TrainLoop, ATrainingsPooledBuffersAreReleasedWhenItEnds) {
  models::deep::ReleaseReusableBuffers();
  Scalar m;
  const std::int64_t B = 64, S = 40, I = 3, H = 32;  // 1.3 MB of gates: above the pooling floor
  // A weight that needs its gradient: the training path, whose buffers are pooled.
  const torch::Tensor x = torch::randn({B, S, I}),
                      w_ih = torch::randn({4 * H, I}).requires_grad_(true),
                      w_hh = torch::randn({4 * H, H}) * 0.3, bias = torch::randn({4 * H});
  std::size_t pooled_during = 0;
  const BatchLoss loss = [&](const torch::Tensor&) {
    const auto out = models::deep::FusedLstm(x, w_ih, w_hh, bias);
    pooled_during = std::max(pooled_during, models::deep::PooledBufferCount());
    return (m->w * out.mean()).sum();
  };
  LoopOptions o;
  o.epochs = 2;
  o.batch = 4;
  std::mt19937_64 rng(1);
  (void)TrainLoop(*m, 8, loss, {}, o, rng);
  EXPECT_GT(pooled_during, 0u);
  EXPECT_EQ(models::deep::PooledBufferCount(), 0u);
}

TEST(TrainLoop, MinDeltaDemandsARealImprovement) {
  Scalar m;
  const std::vector<double> script = {5, 4.95, 4.9, 4.85};
  std::size_t epoch = 0;
  LoopOptions o;
  o.epochs = 4;
  o.patience = 2;
  o.min_delta = 0.1;
  std::mt19937_64 rng(1);
  const auto r = TrainLoop(
      *m, 4, Linear(m, 1.0), [&] { return script[epoch++]; }, o, rng);
  EXPECT_EQ(r.best_epoch, 1);
  EXPECT_EQ(r.history.size(), 3u);
}

TEST(TrainLoop, CosineAndStepSchedulesSetEachEpochsRate) {
  for (auto schedule : {ScheduleKind::kCosine, ScheduleKind::kStep}) {
    Scalar m;
    LoopOptions o;
    o.epochs = 6;
    o.batch = 10;  // one step per epoch
    o.lr = 0.01;
    o.clip = 0;
    o.schedule = schedule;
    o.step_size = 2;
    o.gamma = 0.5;
    std::vector<double> w = {0};
    std::mt19937_64 rng(1);
    BatchLoss loss = [&](const torch::Tensor&) {
      w.push_back(m->w.item<double>());
      return (m->w * 1.0).sum();
    };
    (void)TrainLoop(*m, 10, loss, {}, o, rng);
    w.push_back(m->w.item<double>());
    for (int epoch = 1; epoch <= 6; ++epoch) {
      const double expected =
          schedule == ScheduleKind::kCosine
              ? 0.01 * 0.5 * (1 + std::cos(std::numbers::pi * (epoch - 1) / 6.0))
              : 0.01 * std::pow(0.5, (epoch - 1) / 2);
      // Adam's step under a constant gradient is the learning rate itself.
      EXPECT_NEAR(w[epoch] - w[epoch + 1], expected, 1e-6) << "epoch " << epoch;
    }
  }
}

TEST(TrainLoop, ClipsTheGradientNorm) {
  Scalar m;
  LoopOptions o;
  o.epochs = 1;
  o.clip = 0.5;
  std::mt19937_64 rng(1);
  (void)TrainLoop(*m, 4, Linear(m, 1000.0), {}, o, rng);
  EXPECT_NEAR(m->w.grad().norm().item<double>(), 0.5, 1e-6);
  o.clip = 0;
  (void)TrainLoop(*m, 4, Linear(m, 1000.0), {}, o, rng);
  EXPECT_NEAR(m->w.grad().norm().item<double>(), 1000.0, 1e-3);
}

// The loop drops gradients between batches instead of zeroing them. A parameter the loss
// reaches in some batches and not in others must still be stepped (on its moments alone) in
// the batches that miss it, exactly as after zero_grad().
TEST(TrainLoop, DroppedGradientsStepExactlyAsZeroedOnes) {
  struct TwoImpl : torch::nn::Module {
    TwoImpl() {
      w = register_parameter("w", torch::full({3}, 0.5));
      v = register_parameter("v", torch::full({2}, -0.25));
    }
    torch::Tensor w, v;
  };
  // v is reached by calls 0, 2 and 3 only; v's first gradient comes after a call without one.
  const auto loss = [](TwoImpl& m, int call) {
    torch::Tensor l = (m.w * m.w).sum() * (1.0 + 0.1 * call);
    if (call == 2 || call == 3 || call == 6) l = l + (m.v * static_cast<double>(call)).sum();
    return l;
  };
  LoopOptions o;
  o.epochs = 2;
  o.batch = 1;
  o.lr = 0.01;
  TwoImpl looped;
  int call = 0;
  std::mt19937_64 rng(1);
  TrainLoop(
      looped, 4, [&](const torch::Tensor&) { return loss(looped, call++); }, {}, o, rng);
  ASSERT_EQ(call, 8);

  TwoImpl zeroed;
  auto optimizer = MakeOptimizer(zeroed.parameters(), o);
  for (int c = 0; c < 8; ++c) {
    optimizer->zero_grad();
    loss(zeroed, c).backward();
    torch::nn::utils::clip_grad_norm_(zeroed.parameters(), o.clip);  // as the loop does
    optimizer->step();
  }
  EXPECT_TRUE(torch::equal(looped.w, zeroed.w));
  EXPECT_TRUE(torch::equal(looped.v, zeroed.v));
  EXPECT_FALSE(torch::equal(zeroed.v, torch::full({2}, -0.25)));
}

// With weight_average, validation and the kept weights are the moving average of the trained
// weights (TensorFlow's warm-up: decay min(d, (1 + t) / (10 + t)) at step t), and training goes on
// from the trained weights, not the average.
TEST(TrainLoop, AWeightAverageIsValidatedAndKeptWhileTrainingGoesOnFromTheTrainedWeights) {
  const auto run = [](double average, bool with_validation, std::vector<double>& trained,
                      std::vector<double>& validated) {
    Scalar m;
    LoopOptions o;
    o.epochs = 2;
    o.batch = 1;
    o.lr = 0.1;
    o.patience = 5;
    o.weight_average = average;
    std::mt19937_64 rng(1);
    const std::vector<double> script = {1.0, 2.0};  // the first epoch is the best
    std::size_t epoch = 0;
    // Call t sees the weights after t steps; slope 1 + t keeps Adam's steps unequal.
    BatchLoss loss = [&](const torch::Tensor&) {
      const auto t = static_cast<double>(trained.size());
      trained.push_back(m->w.item<double>());
      return (m->w * (1.0 + t)).sum();
    };
    ValidationLoss validate = [&] {
      validated.push_back(m->w.item<double>());
      return script[epoch++];
    };
    (void)TrainLoop(*m, 4, loss, with_validation ? validate : ValidationLoss{}, o, rng);
    return m->w.item<double>();
  };
  std::vector<double> plain, plain_validated;
  const double last = run(0, false, plain, plain_validated);
  ASSERT_EQ(plain.size(), 8u);
  plain.push_back(last);  // the weights after step t are plain[t]
  const auto averaged_after = [&](std::size_t steps) {
    double a = plain[0];
    for (std::size_t t = 1; t <= steps; ++t) {
      const double decay = std::min(0.9, (1.0 + static_cast<double>(t)) / (10.0 + t));
      a = decay * a + (1 - decay) * plain[t];
    }
    return a;
  };

  std::vector<double> trained, validated;
  const double kept = run(0.9, true, trained, validated);
  ASSERT_EQ(trained.size(), 8u);
  for (std::size_t t = 0; t < 8; ++t) EXPECT_FLOAT_EQ(trained[t], plain[t]) << "call " << t;
  ASSERT_EQ(validated.size(), 2u);
  EXPECT_NEAR(validated[0], averaged_after(4), 1e-6);
  EXPECT_NEAR(validated[1], averaged_after(8), 1e-6);
  EXPECT_NEAR(kept, averaged_after(4), 1e-6) << "the best epoch's average is kept";
  EXPECT_GT(std::abs(averaged_after(4) - plain[4]), 1e-3) << "the test must tell them apart";

  trained.clear();
  validated.clear();
  EXPECT_NEAR(run(0.9, false, trained, validated), averaged_after(8), 1e-6)
      << "without validation the last average is kept";
}

TEST(TrainLoop, SkippedBatchesNeitherStepNorCount) {
  Scalar m;
  LoopOptions o;
  o.epochs = 2;
  std::mt19937_64 rng(1);
  const auto r = TrainLoop(
      *m, 4, [](const torch::Tensor&) { return torch::Tensor(); }, {}, o, rng);
  EXPECT_EQ(m->w.item<double>(), 0.0);
  ASSERT_EQ(r.history.size(), 2u);
  EXPECT_TRUE(std::isnan(r.history[0].train));
  EXPECT_EQ(r.best_epoch, 2) << "without validation the last epoch is kept";
}

TEST(TrainLoop, TheSameSeedVisitsRowsInTheSameOrder) {
  auto visits = [](std::uint64_t seed) {
    Scalar m;
    LoopOptions o;
    o.epochs = 3;
    o.batch = 3;
    std::vector<std::int64_t> seen;
    std::mt19937_64 rng(seed);
    BatchLoss loss = [&](const torch::Tensor& idx) {
      for (std::int64_t i = 0; i < idx.size(0); ++i) seen.push_back(idx[i].item<std::int64_t>());
      return (m->w * 1.0).sum();
    };
    (void)TrainLoop(*m, 10, loss, {}, o, rng);
    return seen;
  };
  const auto a = visits(7);
  EXPECT_EQ(a.size(), 30u);
  EXPECT_EQ(a, visits(7));
  EXPECT_NE(a, visits(8));
  for (std::size_t e = 0; e < 3; ++e) {
    std::vector<std::int64_t> epoch(a.begin() + e * 10, a.begin() + (e + 1) * 10);
    std::sort(epoch.begin(), epoch.end());
    for (std::int64_t i = 0; i < 10; ++i) EXPECT_EQ(epoch[i], i) << "every row once per epoch";
  }
}

}  // namespace
}  // namespace finml::train::deep
