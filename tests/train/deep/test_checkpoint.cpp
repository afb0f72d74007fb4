// Checkpoints of the training loop: a run interrupted after a checkpoint and resumed ends with the
// same weights, losses and random state as one that was never interrupted.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/train/checkpoint.hpp"
#include "train/deep/loop.hpp"

namespace finml::train::deep {
namespace {

namespace fs = std::filesystem;

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("node lost") {}
};

struct RunOutcome {
  std::vector<torch::Tensor> weights;
  LoopResult result;
  std::uint64_t next_random = 0;
};

// Two trainings in a row, as an experiment with two models has; `stop_at_epoch` throws from the
// second one's loss at that epoch, as a lost node would end it.
RunOutcome TwoTrainings(std::int64_t stop_at_epoch = 0, double lr = 0.05, double average = 0) {
  torch::manual_seed(3);
  torch::nn::Linear first(3, 1), second(3, 2);
  const torch::Tensor x = torch::randn({40, 3});
  const torch::Tensor y = x.matmul(torch::ones({3, 2}));
  LoopOptions o;
  o.epochs = 9;
  o.batch = 8;
  o.lr = lr;
  o.patience = 4;
  o.weight_average = average;
  o.label = "first";
  std::mt19937_64 rng(11);
  (void)TrainLoop(
      *first, 40,
      [&](const torch::Tensor& r) {
        return torch::mse_loss(first->forward(x.index_select(0, r)),
                               y.index_select(0, r).slice(1, 0, 1));
      },
      nullptr, o, rng);
  o.label = "second";
  std::int64_t epoch = 0, batches = 0;
  RunOutcome run;
  run.result = TrainLoop(
      *second, 40,
      [&](const torch::Tensor& r) {
        if (batches++ % 5 == 0) ++epoch;
        if (epoch == stop_at_epoch) throw Interrupted();
        return torch::mse_loss(second->forward(x.index_select(0, r)), y.index_select(0, r));
      },
      [&] { return torch::mse_loss(second->forward(x), y).item<double>(); }, o, rng);
  for (const auto& p : first->parameters()) run.weights.push_back(p.detach().clone());
  for (const auto& p : second->parameters()) run.weights.push_back(p.detach().clone());
  run.next_random = rng();
  return run;
}

TEST(Checkpoint, AResumedRunEndsExactlyAsAnUninterruptedOne) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("finml-ckpt-{}", ::getpid());
  fs::remove_all(dir);
  SetCheckpointPlan({});
  const RunOutcome plain = TwoTrainings();

  SetCheckpointPlan({dir.string(), 2, false});
  EXPECT_THROW((void)TwoTrainings(6), Interrupted);  // after the checkpoint of epoch 4
  EXPECT_TRUE(fs::exists(dir / "train-000-first.pt"));
  EXPECT_TRUE(fs::exists(dir / "train-001-second.pt"));

  SetCheckpointPlan({dir.string(), 2, true});
  const RunOutcome resumed = TwoTrainings();
  ASSERT_EQ(resumed.weights.size(), plain.weights.size());
  for (std::size_t k = 0; k < plain.weights.size(); ++k)
    EXPECT_TRUE(torch::equal(resumed.weights[k], plain.weights[k])) << "tensor " << k;
  ASSERT_EQ(resumed.result.history.size(), plain.result.history.size());
  for (std::size_t e = 0; e < plain.result.history.size(); ++e) {
    EXPECT_EQ(resumed.result.history[e].train, plain.result.history[e].train) << e;
    EXPECT_EQ(resumed.result.history[e].validation, plain.result.history[e].validation) << e;
  }
  EXPECT_EQ(resumed.result.best_epoch, plain.result.best_epoch);
  EXPECT_EQ(resumed.next_random, plain.next_random);

  // The experiment changed (another learning rate): the old checkpoints are not restored.
  SetCheckpointPlan({});
  const RunOutcome other = TwoTrainings(0, 0.03);
  SetCheckpointPlan({dir.string(), 2, true});
  const RunOutcome other_resumed = TwoTrainings(0, 0.03);
  for (std::size_t k = 0; k < other.weights.size(); ++k)
    EXPECT_TRUE(torch::equal(other_resumed.weights[k], other.weights[k])) << "tensor " << k;
  EXPECT_FALSE(torch::equal(other.weights.back(), plain.weights.back()));

  // Without resume the same plan trains afresh (and would also end the same).
  SetCheckpointPlan({dir.string(), 2, false});
  const RunOutcome again = TwoTrainings();
  EXPECT_TRUE(torch::equal(again.weights.back(), plain.weights.back()));
  fs::remove_all(dir);
  SetCheckpointPlan({});
}

TEST(Checkpoint, ADamagedCheckpointIsAClearError) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("finml-ckpt-bad-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  WriteFileAtomic((dir / "train-000-first.pt").string(), "not a checkpoint");
  SetCheckpointPlan({dir.string(), 1, true});
  try {
    (void)TwoTrainings();
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("train-000-first.pt: cannot resume from this checkpoint"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("fix: delete it"), std::string::npos);
  }
  fs::remove_all(dir);
  SetCheckpointPlan({});
}

// The weights' moving average is state too: a resumed averaging run ends as an uninterrupted one.
TEST(Checkpoint, AResumedRunWithAWeightAverageEndsExactlyAsAnUninterruptedOne) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("finml-ckpt-avg-{}", ::getpid());
  fs::remove_all(dir);
  SetCheckpointPlan({});
  const RunOutcome plain = TwoTrainings(0, 0.05, 0.9);
  EXPECT_FALSE(torch::equal(plain.weights.back(), TwoTrainings().weights.back()));

  SetCheckpointPlan({dir.string(), 2, false});
  EXPECT_THROW((void)TwoTrainings(6, 0.05, 0.9), Interrupted);
  SetCheckpointPlan({dir.string(), 2, true});
  const RunOutcome resumed = TwoTrainings(0, 0.05, 0.9);
  ASSERT_EQ(resumed.weights.size(), plain.weights.size());
  for (std::size_t k = 0; k < plain.weights.size(); ++k)
    EXPECT_TRUE(torch::equal(resumed.weights[k], plain.weights[k])) << "tensor " << k;
  ASSERT_EQ(resumed.result.history.size(), plain.result.history.size());
  for (std::size_t e = 0; e < plain.result.history.size(); ++e)
    EXPECT_EQ(resumed.result.history[e].validation, plain.result.history[e].validation) << e;
  fs::remove_all(dir);
  SetCheckpointPlan({});
}

}  // namespace
}  // namespace finml::train::deep
