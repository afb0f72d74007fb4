// Data-parallel training over the job's Gloo group, for the one training loop
// (src/train/deep/loop.cpp): weights from rank 0, each rank's shard of every minibatch, gradients
// summed in buckets after each backward. A private header of the torch module.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>

namespace finml::dist::deep {

class DataParallel {
 public:
  // Null in a world of one (or inside a LocalScope): the loop then trains alone.
  [[nodiscard]] static std::unique_ptr<DataParallel> ForThisProcess();
  virtual ~DataParallel() = default;

  [[nodiscard]] virtual int rank() const = 0;
  [[nodiscard]] virtual int size() const = 0;
  // Every rank takes rank 0's parameters and buffers, so all start from the same weights.
  virtual void BroadcastState(torch::nn::Module& module) = 0;
  // This rank's contiguous part of a minibatch's rows (rank r of n takes the r-th of n near-equal
  // slices): the ranks together see each row once per epoch.
  [[nodiscard]] torch::Tensor Shard(const torch::Tensor& rows) const;
  // Replaces every rank's gradients by the mean over all rows of the minibatch: each rank's
  // gradient (of its mean loss over `local_rows`, 0 when it learnt nothing) weighted by its rows.
  // Returns the minibatch's total loss and rows over all ranks; rows 0 means skip the step.
  struct Totals {
    double loss_sum = 0;
    std::int64_t rows = 0;
  };
  virtual Totals AverageGradients(torch::nn::Module& module, double local_loss_mean,
                                  std::int64_t local_rows) = 0;
  // Bytes all-reduced per step (gradients and the two totals), for the scaling bench.
  [[nodiscard]] static std::int64_t BytesPerStep(torch::nn::Module& module);
};

// Gradients are summed in buckets of at most this many bytes (PyTorch DDP's default, 25 MiB), so
// one huge model does not need a second copy of all its gradients at once.
inline constexpr std::int64_t kBucketBytes = 25 * 1024 * 1024;

}  // namespace finml::dist::deep
