// Large scratch and saved-for-backward tensors reused across training steps. A fresh 50 MB
// tensor per step is mapped and faulted in page by page, which took a fifth of a large LSTM fit
// (bench/RESULTS.md); a buffer nobody else holds any more is handed out again instead.
#pragma once

#include <torch/torch.h>

namespace finml::models::deep {

// An uninitialised contiguous tensor of `shape`: a pooled one of the same size and type that no
// tensor, view or autograd record still references, else a new one (pooled if it is large).
// Per thread, so concurrent trainings never share one.
[[nodiscard]] torch::Tensor ReusableEmpty(at::IntArrayRef shape,
                                          const torch::TensorOptions& options);

// Drops this thread's pool: buffers still in use live on with their holders, the rest are freed.
// The shared training loop calls it when a training ends, so a long process (a service, a run of
// many models) does not keep one training's buffers, up to 32 of them, for good.
void ReleaseReusableBuffers();
// Buffers in this thread's pool (for tests).
[[nodiscard]] std::size_t PooledBufferCount();

}  // namespace finml::models::deep
