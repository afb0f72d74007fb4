#include "train/deep/loop.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <numbers>
#include <numeric>
#include <sstream>

#include "dist/deep/gloo.hpp"
#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/fnv1a.hpp"
#include "finml/core/progress.hpp"
#include "finml/dist/world.hpp"
#include "finml/train/checkpoint.hpp"
#include "models/deep/reusable_buffers.hpp"
#include "train/deep/fused_adam.hpp"

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

// Gradients dropped before each batch rather than zeroed: backward then hands each one over
// instead of adding it to zeros, which saves a fill and an add per parameter per batch, ops
// that cost more than their arithmetic on a small network. The values are the same: 0 + g is g. A
// parameter that has had a gradient but is not reached by a batch's loss gets zeros back, as
// zero_grad() would have left it, so the optimiser still steps it.
class DroppedGradients {
 public:
  explicit DroppedGradients(std::vector<torch::Tensor> parameters)
      : parameters_(std::move(parameters)), reached_(parameters_.size(), false) {}

  void Drop() {
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
      reached_[k] = reached_[k] || parameters_[k].grad().defined();
      parameters_[k].mutable_grad().reset();
    }
  }

  void ZeroUnreached() {
    for (std::size_t k = 0; k < parameters_.size(); ++k)
      if (reached_[k] && !parameters_[k].grad().defined())
        parameters_[k].mutable_grad() = torch::zeros_like(parameters_[k]);
  }

 private:
  std::vector<torch::Tensor> parameters_;
  std::vector<bool> reached_;
};

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

// Everything a training needs to continue exactly where it stopped.
struct LoopState {
  std::int64_t epoch = 0;  // epochs done
  bool finished = false;
  double best = std::numeric_limits<double>::infinity();
  std::int64_t stale = 0;
  std::vector<torch::Tensor> best_state;
  // Each epoch shuffles the previous epoch's order, so the order is state too.
  std::vector<std::int64_t> order;
  // With weight_average: the moving average of module.parameters(), and the steps it has seen.
  std::vector<torch::Tensor> average;
  std::int64_t average_steps = 0;
};

// Puts the averaged weights in the module for as long as it lives (validation, a snapshot), then
// the trained ones back.
class AveragedWeights {
 public:
  AveragedWeights(torch::nn::Module& module, const std::vector<torch::Tensor>& average)
      : parameters_(module.parameters()) {
    if (average.empty()) return;
    torch::NoGradGuard no_grad;
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
      trained_.push_back(parameters_[k].detach().clone());
      parameters_[k].copy_(average[k]);
    }
  }
  ~AveragedWeights() {
    torch::NoGradGuard no_grad;
    for (std::size_t k = 0; k < trained_.size(); ++k) parameters_[k].copy_(trained_[k]);
  }
  AveragedWeights(const AveragedWeights&) = delete;
  AveragedWeights& operator=(const AveragedWeights&) = delete;

 private:
  std::vector<torch::Tensor> parameters_, trained_;
};

torch::Tensor BytesTensor(const std::string& bytes) {
  torch::Tensor t = torch::empty({static_cast<std::int64_t>(bytes.size())}, torch::kUInt8);
  std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
  return t;
}

std::string TensorBytes(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return {static_cast<const char*>(c.data_ptr()), static_cast<std::size_t>(c.numel())};
}

// What a checkpoint must have been written by: the same rows, settings and starting weights. A
// resume after the experiment changed (another lr, another candidate) trains afresh instead of
// restoring the other training's weights.
std::string Fingerprint(torch::nn::Module& module, std::int64_t rows, const LoopOptions& o) {
  std::uint64_t hash = kFnv1aStart;
  auto mix = [&](const void* data, std::size_t size) { hash = Fnv1a(data, size, hash); };
  for (const auto& t : Snapshot(module)) {
    const torch::Tensor c = t.contiguous().cpu();
    mix(c.data_ptr(), static_cast<std::size_t>(c.numel() * c.element_size()));
  }
  const std::string settings = fmt::format(
      "{} {} {} {:.17g} {:.17g} {} {} {} {:.17g} {:.17g} {} {:.17g}", rows, o.epochs, o.batch, o.lr,
      o.weight_decay, static_cast<int>(o.optimizer), static_cast<int>(o.schedule), o.step_size,
      o.gamma, o.clip, o.patience, o.min_delta);
  mix(settings.data(), settings.size());
  // Only when set, so checkpoints written before the option existed still resume.
  if (o.weight_average > 0) {
    const std::string average = fmt::format(" {:.17g}", o.weight_average);
    mix(average.data(), average.size());
  }
  return fmt::format("{:016x}", hash);
}

// Written aside and renamed, by the rank that writes outputs, or by the rank that trains this
// model alone (a task of a task-parallel map).
void SaveCheckpoint(const std::string& path, const std::string& fingerprint,
                    torch::nn::Module& module, torch::optim::Optimizer& optimizer,
                    const std::mt19937_64& rng, const LoopResult& result, const LoopState& state) {
  if (path.empty() || !(dist::WritesOutputs() || dist::RunsAlone())) return;
  torch::serialize::OutputArchive archive;
  archive.write("fingerprint", BytesTensor(fingerprint));
  archive.write("epoch", torch::tensor(state.epoch));
  archive.write("finished", torch::tensor(static_cast<std::int64_t>(state.finished)));
  archive.write("best", torch::tensor(state.best, torch::kFloat64));
  archive.write("stale", torch::tensor(state.stale));
  archive.write("best_epoch", torch::tensor(result.best_epoch));
  std::vector<double> losses;
  for (const auto& e : result.history) {
    losses.push_back(e.train);
    losses.push_back(e.validation);
  }
  archive.write("history", torch::tensor(losses, torch::kFloat64));
  std::ostringstream generator;
  generator << rng;
  archive.write("rng", BytesTensor(generator.str()));
  archive.write("order", torch::tensor(state.order, torch::kLong));
  // Dropout draws from torch's own generator.
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("torch_rng", generator.get_state());
  }
  std::int64_t k = 0;
  for (const auto& t : Snapshot(module)) archive.write(fmt::format("state{}", k++), t);
  archive.write("best_count", torch::tensor(static_cast<std::int64_t>(state.best_state.size())));
  k = 0;
  for (const auto& t : state.best_state) archive.write(fmt::format("best{}", k++), t);
  if (!state.average.empty()) {
    archive.write("average_steps", torch::tensor(state.average_steps));
    k = 0;
    for (const auto& t : state.average) archive.write(fmt::format("average{}", k++), t);
  }
  torch::serialize::OutputArchive moments;
  optimizer.save(moments);
  archive.write("optimizer", moments);
  std::ostringstream bytes;
  archive.save_to(bytes);
  WriteOwnFileAtomic(path, bytes.str());
}

// False when there is no checkpoint to resume from.
bool LoadCheckpoint(const std::string& path, const std::string& fingerprint,
                    torch::nn::Module& module, torch::optim::Optimizer& optimizer,
                    std::mt19937_64& rng, LoopResult& result, LoopState& state) {
  if (path.empty() || !CurrentCheckpointPlan().resume || !std::filesystem::exists(path))
    return false;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    auto read = [&](const std::string& key) {
      torch::Tensor t;
      archive.read(key, t);
      return t;
    };
    if (TensorBytes(read("fingerprint")) != fingerprint) {
      std::fprintf(stderr,
                   "finml: %s was written by another training (other settings, data or starting "
                   "weights): training afresh\n",
                   path.c_str());
      return false;
    }
    state.epoch = read("epoch").item<std::int64_t>();
    state.finished = read("finished").item<std::int64_t>() != 0;
    state.best = read("best").item<double>();
    state.stale = read("stale").item<std::int64_t>();
    result.best_epoch = read("best_epoch").item<std::int64_t>();
    const torch::Tensor losses = read("history");
    result.history.clear();
    for (std::int64_t i = 0; i + 1 < losses.numel(); i += 2)
      result.history.push_back({losses[i].item<double>(), losses[i + 1].item<double>()});
    std::istringstream generator(TensorBytes(read("rng")));
    generator >> rng;
    const torch::Tensor order = read("order").contiguous();
    if (order.numel() != static_cast<std::int64_t>(state.order.size()))
      throw InvalidInput(fmt::format("it was written for {} training rows, not {}", order.numel(),
                                     state.order.size()));
    std::memcpy(state.order.data(), order.data_ptr<std::int64_t>(),
                state.order.size() * sizeof(std::int64_t));
    {
      auto generator = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(read("torch_rng"));
    }
    std::vector<torch::Tensor> saved;
    const std::size_t expected = module.parameters().size() + module.buffers().size();
    for (std::size_t k = 0; k < expected; ++k) saved.push_back(read(fmt::format("state{}", k)));
    std::vector<torch::Tensor> current = module.parameters();
    for (const auto& b : module.buffers()) current.push_back(b);
    for (std::size_t k = 0; k < expected; ++k)
      if (!saved[k].sizes().equals(current[k].sizes()))
        throw InvalidInput("its tensor shapes differ from this model's");
    Restore(module, saved);
    state.best_state.clear();
    const auto best_count = read("best_count").item<std::int64_t>();
    for (std::int64_t k = 0; k < best_count; ++k)
      state.best_state.push_back(read(fmt::format("best{}", k)));
    if (!state.average.empty()) {  // the fingerprint has said the checkpoint averaged too
      state.average_steps = read("average_steps").item<std::int64_t>();
      for (std::size_t k = 0; k < state.average.size(); ++k)
        state.average[k] = read(fmt::format("average{}", k));
    }
    torch::serialize::InputArchive moments;
    archive.read("optimizer", moments);
    optimizer.load(moments);
  } catch (const std::exception& e) {
    throw IoError(
        fmt::format("{}: cannot resume from this checkpoint: {} (fix: delete it to "
                    "train this model afresh, or run without --resume)",
                    path, std::string(e.what()).substr(0, std::string(e.what()).find('\n'))));
  }
  return true;
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
  // However the training ends, the fused recurrent kernels' scratch buffers go with it.
  struct ReleaseBuffers {
    ~ReleaseBuffers() { models::deep::ReleaseReusableBuffers(); }
  } release_buffers;
  std::unique_ptr<torch::optim::Optimizer> own;
  if (!given) own = MakeOptimizer(module.parameters(), o);
  torch::optim::Optimizer* optimizer = given ? given : own.get();
  // Under finml launch, every rank trains the same model on its shard of each minibatch.
  const auto parallel = o.data_parallel ? dist::deep::DataParallel::ForThisProcess() : nullptr;
  const std::string checkpoint = o.checkpoints ? NextCheckpointFile(o.label) : std::string();
  const std::int64_t every = CurrentCheckpointPlan().every;
  LoopState state;
  state.order.resize(static_cast<std::size_t>(rows));
  std::iota(state.order.begin(), state.order.end(), 0);
  // Ranks start from rank 0's weights, so they agree on the fingerprint too.
  if (parallel) parallel->BroadcastState(module);
  if (o.weight_average > 0)
    for (const auto& p : module.parameters()) state.average.push_back(p.detach().clone());
  const std::string fingerprint = checkpoint.empty() ? std::string() : Fingerprint(module, rows, o);
  const bool resumed =
      LoadCheckpoint(checkpoint, fingerprint, module, *optimizer, rng, result, state);
  if (parallel) {
    // Every rank must resume from the same point, or their collectives would not match.
    const std::string point = fmt::format("{} {} {}", resumed, state.epoch, state.finished);
    const auto points = dist::Comm().AllGather(point);
    for (std::size_t r = 1; r < points.size(); ++r)
      if (points[r] != points[0])
        throw IoError(fmt::format(
            "{}: rank {} would resume from '{}' (resumed, epoch, finished) and rank 0 from '{}' "
            "(fix: give every rank the same checkpoint directory, on a shared filesystem)",
            checkpoint, r, points[r], points[0]));
    parallel->BroadcastState(module);
    // What each step costs the network: shown on a terminal, or to a bench that asks.
    if (parallel->rank() == 0 && (o.progress || std::getenv("FINML_DIST_VERBOSE")))
      std::fprintf(stderr, "%s: data-parallel on %d ranks, %lld bytes all-reduced per step\n",
                   o.label.empty() ? "training" : o.label.c_str(), parallel->size(),
                   static_cast<long long>(dist::deep::DataParallel::BytesPerStep(module)));
  }
  std::vector<torch::Tensor> trained;  // not optimizer->parameters(), which LibTorch warns of
  for (const auto& group : optimizer->param_groups())
    trained.insert(trained.end(), group.params().begin(), group.params().end());
  DroppedGradients gradients(std::move(trained));
  // What the average follows, listed once rather than walking the module after every step.
  const std::vector<torch::Tensor> averaged =
      state.average.empty() ? std::vector<torch::Tensor>() : module.parameters();
  std::vector<std::int64_t>& order = state.order;
  Progress bar(o.label, static_cast<std::size_t>(o.epochs),
               o.progress && (!parallel || parallel->rank() == 0));
  for (std::int64_t epoch = state.epoch + 1; epoch <= o.epochs && !state.finished; ++epoch) {
    const double lr = ScheduledRate(o, epoch);
    for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);
    module.train();
    std::shuffle(order.begin(), order.end(), rng);
    const torch::Tensor perm = torch::tensor(order, torch::kLong).to(device);
    double total = 0;
    std::int64_t counted = 0;
    for (std::int64_t b = 0; b < rows; b += o.batch) {
      const torch::Tensor idx = perm.slice(0, b, std::min(rows, b + o.batch));
      if (!parallel) {
        gradients.Drop();
        torch::Tensor loss = batch_loss(idx);
        if (!loss.defined()) continue;
        loss.backward();
        gradients.ZeroUnreached();
        total += loss.item<double>() * static_cast<double>(idx.size(0));
        counted += idx.size(0);
      } else {
        optimizer->zero_grad();
        const torch::Tensor shard = parallel->Shard(idx);
        torch::Tensor loss = shard.size(0) > 0 ? batch_loss(shard) : torch::Tensor();
        double mean = 0;
        std::int64_t learnt = 0;
        if (loss.defined()) {
          loss.backward();
          mean = loss.item<double>();
          learnt = shard.size(0);
        }
        const auto totals = parallel->AverageGradients(module, mean, learnt);
        if (totals.rows == 0) continue;
        total += totals.loss_sum;
        counted += totals.rows;
      }
      if (o.clip > 0) torch::nn::utils::clip_grad_norm_(module.parameters(), o.clip);
      if (!FusedAdamStep(*optimizer)) optimizer->step();
      if (!state.average.empty()) {
        // TensorFlow's warm-up: the first steps' average does not cling to the initial weights.
        ++state.average_steps;
        const auto steps = static_cast<double>(state.average_steps);
        const double decay = std::min(o.weight_average, (1 + steps) / (10 + steps));
        torch::NoGradGuard no_grad;
        for (std::size_t k = 0; k < averaged.size(); ++k)
          state.average[k].lerp_(averaged[k].detach(), 1 - decay);
      }
    }
    EpochLosses losses;
    losses.train = counted > 0 ? total / static_cast<double>(counted) : std::nan("");
    losses.validation = std::nan("");
    if (validate) {
      // Every rank validates on all the rows: the weights are the same, so is the decision.
      module.eval();
      const AveragedWeights averaged(module, state.average);
      {
        torch::NoGradGuard no_grad;
        losses.validation = validate();
      }
      if (losses.validation < state.best - o.min_delta) {
        state.best = losses.validation;
        result.best_epoch = epoch;
        state.best_state = Snapshot(module);
        state.stale = 0;
      } else if (++state.stale >= o.patience) {
        state.finished = true;
      }
    }
    result.history.push_back(losses);
    state.epoch = epoch;
    bar.Update(
        static_cast<std::size_t>(epoch),
        fmt::format("epoch {} loss {:.4f} val {:.4f}", epoch, losses.train, losses.validation));
    if (every > 0 && epoch % every == 0 && !state.finished && epoch < o.epochs)
      SaveCheckpoint(checkpoint, fingerprint, module, *optimizer, rng, result, state);
  }
  if (!resumed || !state.finished) {
    state.finished = true;
    // The finished state holds the last epoch's weights (the best are restored below), so a
    // resumed run restores exactly what this one ends with.
    SaveCheckpoint(checkpoint, fingerprint, module, *optimizer, rng, result, state);
  }
  if (validate && !state.best_state.empty()) {
    Restore(module, state.best_state);
    result.best_validation = state.best;
  } else if (!state.average.empty()) {
    torch::NoGradGuard no_grad;
    const auto parameters = module.parameters();
    for (std::size_t k = 0; k < parameters.size(); ++k) parameters[k].copy_(state.average[k]);
  }
  if (!validate) result.best_epoch = static_cast<std::int64_t>(result.history.size());
  module.eval();
  bar.Finish(fmt::format("{} epochs, best {} (val loss {:.4f})", result.history.size(),
                         result.best_epoch, state.best));
  return result;
}

}  // namespace finml::train::deep
