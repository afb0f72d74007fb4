#include "train/deep/loop.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "finml/core/progress.hpp"

namespace finml::train::deep {
namespace {

double ScheduledRate(const LoopOptions& o, std::int64_t epoch) {
  double lr = o.lr;
  if (o.schedule == ScheduleKind::kCosine) {
    lr *= 0.5 * (1.0 + std::cos(std::numbers::pi * static_cast<double>(epoch - 1) /
                                static_cast<double>(o.epochs)));
  } else if (o.schedule == ScheduleKind::kStep) {
    lr *= std::pow(o.gamma, static_cast<double>((epoch - 1) / o.step_size));
  }
  return lr;
}

std::vector<torch::Tensor> Snapshot(torch::nn::Module& module) {
  std::vector<torch::Tensor> copy;
  for (const auto& p : module.parameters()) copy.push_back(p.detach().clone());
  for (const auto& b : module.buffers()) copy.push_back(b.detach().clone());
  return copy;
}

void Restore(torch::nn::Module& module, const std::vector<torch::Tensor>& state) {
  torch::NoGradGuard no_grad;
  std::size_t k = 0;
  for (auto& p : module.parameters()) p.copy_(state[k++]);
  for (auto& b : module.buffers()) b.copy_(state[k++]);
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(std::vector<torch::Tensor> parameters,
                                                       const LoopOptions& o) {
  if (o.optimizer == OptimizerKind::kAdamW) {
    return std::make_unique<torch::optim::AdamW>(
        std::move(parameters), torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
  }
  return std::make_unique<torch::optim::Adam>(
      std::move(parameters), torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
}

LoopResult TrainLoop(torch::nn::Module& module, std::int64_t rows, const BatchLoss& batch_loss,
                     const ValidationLoss& validate, const LoopOptions& o, std::mt19937_64& rng,
                     torch::Device device, torch::optim::Optimizer* given) {
  LoopResult result;
  std::unique_ptr<torch::optim::Optimizer> own;
  if (!given) own = MakeOptimizer(module.parameters(), o);
  torch::optim::Optimizer* optimizer = given ? given : own.get();
  std::vector<std::int64_t> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), 0);
  double best = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best_state;
  std::int64_t stale = 0;
  Progress bar(o.label, static_cast<std::size_t>(o.epochs), o.progress);
  for (std::int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const double lr = ScheduledRate(o, epoch);
    for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);
    module.train();
    std::shuffle(order.begin(), order.end(), rng);
    const torch::Tensor perm = torch::tensor(order, torch::kLong).to(device);
    double total = 0;
    std::int64_t counted = 0;
    for (std::int64_t b = 0; b < rows; b += o.batch) {
      const torch::Tensor idx = perm.slice(0, b, std::min(rows, b + o.batch));
      optimizer->zero_grad();
      torch::Tensor loss = batch_loss(idx);
      if (!loss.defined()) continue;
      loss.backward();
      if (o.clip > 0) torch::nn::utils::clip_grad_norm_(module.parameters(), o.clip);
      optimizer->step();
      total += loss.item<double>() * static_cast<double>(idx.size(0));
      counted += idx.size(0);
    }
    EpochLosses losses;
    losses.train = counted > 0 ? total / static_cast<double>(counted) : std::nan("");
    losses.validation = std::nan("");
    if (validate) {
      module.eval();
      torch::NoGradGuard no_grad;
      losses.validation = validate();
    }
    result.history.push_back(losses);
    bar.Update(
        static_cast<std::size_t>(epoch),
        fmt::format("epoch {} loss {:.4f} val {:.4f}", epoch, losses.train, losses.validation));
    if (!validate) continue;
    if (losses.validation < best - o.min_delta) {
      best = losses.validation;
      result.best_epoch = epoch;
      best_state = Snapshot(module);
      stale = 0;
    } else if (++stale >= o.patience) {
      break;
    }
  }
  if (validate && !best_state.empty()) {
    Restore(module, best_state);
    result.best_validation = best;
  }
  if (!validate) result.best_epoch = static_cast<std::int64_t>(result.history.size());
  module.eval();
  bar.Finish(fmt::format("{} epochs, best {} (val loss {:.4f})", result.history.size(),
                         result.best_epoch, best));
  return result;
}

}  // namespace finml::train::deep
