// Collectives and data-parallel training across ranks. These tests need a world: ctest starts
// them under `finml launch --nproc 2` (tests/dist/dist_tests.cmake); run alone, they skip.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

#include "finml/dist/world.hpp"
#include "train/deep/loop.hpp"

namespace finml::dist {
namespace {

bool InAWorld() {
  const char* size = std::getenv("WORLD_SIZE");
  return size && std::string(size) != "1";
}

#define FINML_NEEDS_RANKS() \
  if (!InAWorld()) GTEST_SKIP() << "needs finml launch --nproc 2"

TEST(Ranks, CollectivesGiveTheAnalyticResults) {
  FINML_NEEDS_RANKS();
  Communicator& comm = Comm();
  const int n = comm.size();
  const int r = comm.rank();
  std::vector<double> values{r + 1.0, 2.0 * (r + 1), 0.5};
  comm.AllReduceSum(values);
  EXPECT_EQ(values[0], n * (n + 1) / 2.0);
  EXPECT_EQ(values[1], n * (n + 1.0));
  EXPECT_EQ(values[2], 0.5 * n);

  std::vector<double> root{static_cast<double>(r), -1.0};
  comm.Broadcast(root, n - 1);
  EXPECT_EQ(root[0], n - 1.0);

  // Lengths differ per rank, one is empty.
  const auto all = comm.AllGather(std::string(static_cast<std::size_t>(r) * 3, 'a' + r));
  ASSERT_EQ(all.size(), static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k)
    EXPECT_EQ(all[static_cast<std::size_t>(k)],
              std::string(static_cast<std::size_t>(k) * 3, 'a' + k));
  comm.Barrier();
}

TEST(Ranks, MapTasksEqualsTheSerialLoop) {
  FINML_NEEDS_RANKS();
  const auto results = MapTasks(7, [](std::size_t i) {
    const std::vector<double> v{static_cast<double>(i * i), static_cast<double>(Comm().size())};
    return PackDoubles(v);
  });
  ASSERT_EQ(results.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) {
    const auto v = UnpackDoubles(results[i]);
    EXPECT_EQ(v[0], static_cast<double>(i * i));
    EXPECT_EQ(v[1], 1.0) << "a task runs alone, in a world of one";
  }
}

TEST(Ranks, ATaskThatThrowsFailsTheMapOnEveryRank) {
  FINML_NEEDS_RANKS();
  try {
    (void)MapTasks(4, [](std::size_t i) -> std::string {
      if (i == 3) throw std::runtime_error("fold 3 has no rows");
      return "ok";
    });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("task 3 failed on rank 1: fold 3 has no rows"),
              std::string::npos)
        << e.what();
  }
}

// A float64 network, so that one process on the full minibatch and two on its halves agree to
// rounding: the gradients differ only in the order of the sums.
struct NetImpl : torch::nn::Module {
  NetImpl() {
    a = register_module("a", torch::nn::Linear(4, 8));
    b = register_module("b", torch::nn::Linear(8, 1));
    to(torch::kFloat64);
  }
  torch::Tensor forward(const torch::Tensor& x) { return b(torch::tanh(a(x))); }
  torch::nn::Linear a{nullptr}, b{nullptr};
};
TORCH_MODULE(Net);

struct Trained {
  std::vector<torch::Tensor> weights;
  train::deep::LoopResult result;
};

Trained Train(std::uint64_t init_seed) {
  torch::manual_seed(static_cast<std::int64_t>(init_seed));
  Net net;
  torch::manual_seed(99);
  const torch::Tensor x = torch::randn({37, 4}, torch::kFloat64);
  const torch::Tensor y = (x.sum(1, true) > 0).to(torch::kFloat64);
  train::LoopOptions o;
  o.epochs = 6;
  o.batch = 10;  // 37 rows: batches of 10, 10, 10 and 7, split 5/5 and 3/4 over two ranks
  o.lr = 0.05;
  o.clip = 0.5;
  o.patience = 3;
  o.data_parallel = true;
  std::mt19937_64 rng(7);
  Trained t;
  t.result = train::deep::TrainLoop(
      *net, 37,
      [&](const torch::Tensor& rows) {
        return torch::mse_loss(net->forward(x.index_select(0, rows)), y.index_select(0, rows));
      },
      [&] { return torch::mse_loss(net->forward(x), y).item<double>(); }, o, rng);
  for (const auto& p : net->parameters()) t.weights.push_back(p.detach().clone());
  return t;
}

TEST(Ranks, DataParallelTrainingEqualsOneProcessOnTheFullBatch) {
  FINML_NEEDS_RANKS();
  Trained serial;
  {
    LocalScope alone;
    serial = Train(1);
  }
  // Each rank starts from different weights: rank 0's must reach every rank.
  const Trained parallel = Train(100 + static_cast<std::uint64_t>(Comm().rank()));
  Trained serial_same_start;
  {
    LocalScope alone;
    serial_same_start = Train(100);
  }
  ASSERT_EQ(parallel.weights.size(), serial_same_start.weights.size());
  for (std::size_t k = 0; k < parallel.weights.size(); ++k)
    EXPECT_LT((parallel.weights[k] - serial_same_start.weights[k]).abs().max().item<double>(),
              1e-6);
  ASSERT_EQ(parallel.result.history.size(), serial_same_start.result.history.size());
  for (std::size_t e = 0; e < parallel.result.history.size(); ++e) {
    EXPECT_NEAR(parallel.result.history[e].train, serial_same_start.result.history[e].train, 1e-9);
    EXPECT_NEAR(parallel.result.history[e].validation,
                serial_same_start.result.history[e].validation, 1e-9);
  }
  EXPECT_EQ(parallel.result.best_epoch, serial_same_start.result.best_epoch);
  // And the test can fail: another start gives other weights.
  EXPECT_GT((serial.weights[0] - serial_same_start.weights[0]).abs().max().item<double>(), 1e-3);
}

// Rank 0's next all-reduce must fail naming rank 1, which `leave` takes out of the job.
void ExpectRankOneNamed(const std::function<void()>& leave) {
  Communicator& comm = Comm();
  comm.Barrier();
  if (comm.rank() == 1) leave();
  std::vector<double> v{1.0};
  try {
    comm.AllReduceSum(v);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("rank 1 never reached it"), std::string::npos) << e.what();
  }
}

// Started by hand (tests/dist/dist_tests.cmake) with FINML_DIST_TIMEOUT short: rank 1 stays
// away from the collective longer than that, and rank 0's error must name it.
TEST(RankFaults, AHungRankIsNamed) {
  FINML_NEEDS_RANKS();
  ExpectRankOneNamed([] {
    std::this_thread::sleep_for(std::chrono::seconds(8));
    std::_Exit(0);
  });
}

TEST(RankFaults, ADeadRankIsNamed) {
  FINML_NEEDS_RANKS();
  ExpectRankOneNamed([] { std::_Exit(3); });
}

}  // namespace
}  // namespace finml::dist
