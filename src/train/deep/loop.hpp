// The one training loop of every LibTorch model in finml (forecasters, the credit MLP, and the
// RL, NLP and GAN learners to come): optimiser and learning-rate schedule, gradient clipping,
// seeded shuffling, early stopping on a validation loss with the best weights restored, a
// per-epoch progress line on a terminal, and the loss history reports chart.
//
// The caller owns the data and the loss: the loop hands it the rows of each minibatch. A private
// header of the torch module, shared by its areas.
//
// Under `finml launch` the loop is data-parallel: rank 0's weights go to every rank, each rank
// computes the loss on its slice of every minibatch, and the gradients are averaged over all the
// minibatch's rows before the step, so every rank takes the step one process would take on the
// whole minibatch (equal up to the order of float sums) when the loss is a mean over rows. With a
// checkpoint plan (train/checkpoint.hpp) it saves its state every N epochs and resumes from it.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "finml/train/loop_options.hpp"

namespace finml::train::deep {

using train::LoopOptions;
using train::OptimizerKind;
using train::ScheduleKind;

struct EpochLosses {
  double train = 0;
  double validation = 0;  // NaN without validation
};

struct LoopResult {
  std::vector<EpochLosses> history;
  std::int64_t best_epoch = 0;  // 1-based; the last epoch without validation
  std::optional<double> best_validation;
};

// The mean loss of the minibatch made of `rows` (a long tensor on the model's device), with
// autograd; an undefined tensor skips the batch (nothing to learn from, e.g. zero weights).
using BatchLoss = std::function<torch::Tensor(const torch::Tensor& rows)>;
// The validation loss of the current weights; called in eval mode without gradients.
using ValidationLoss = std::function<double()>;

// Trains `module` on `rows` samples for up to options.epochs epochs. Each epoch visits every row
// once in an order drawn from `rng` (one generator through every phase of a fit keeps runs
// reproducible). With `validate`, stops after `patience` epochs without improvement and restores
// the weights (parameters and buffers) of the best epoch. Leaves the module in eval mode.
// `optimizer`: one that lives across calls (an RL learner's, whose Adam moments must survive each
// update); by default the loop makes its own for this call, over the module's parameters.
LoopResult TrainLoop(torch::nn::Module& module, std::int64_t rows, const BatchLoss& batch_loss,
                     const ValidationLoss& validate, const LoopOptions& options,
                     std::mt19937_64& rng, torch::Device device = torch::kCPU,
                     torch::optim::Optimizer* optimizer = nullptr);

// The optimiser the options name (Adam or AdamW, learning rate, weight decay) over `parameters`.
[[nodiscard]] std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(
    std::vector<torch::Tensor> parameters, const LoopOptions& options);

}  // namespace finml::train::deep
