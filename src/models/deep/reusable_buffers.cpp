#include "reusable_buffers.hpp"

#include <vector>

namespace finml::models::deep {
namespace {

// Below this a new tensor costs less than the search; above the cap, old free buffers make room.
constexpr std::int64_t kMinPooledBytes = 1 << 20;
constexpr std::size_t kMaxPooled = 32;

// Handed out as new tensors over the pooled storage (never the pooled tensor itself, whose
// autograd record would then be shared): free once only the pool holds the storage.
bool Free(const torch::Tensor& t) { return t.storage().use_count() == 1; }

torch::Tensor Over(const torch::Tensor& pooled, at::IntArrayRef shape,
                   const torch::TensorOptions& options) {
  torch::Tensor out = torch::empty({0}, options);
  out.set_(pooled.storage(), 0, shape);
  return out;
}

std::vector<torch::Tensor>& Pool() {
  thread_local std::vector<torch::Tensor> pool;
  return pool;
}

}  // namespace

torch::Tensor ReusableEmpty(at::IntArrayRef shape, const torch::TensorOptions& options) {
  std::int64_t numel = 1;
  for (std::int64_t d : shape) numel *= d;
  const auto dtype = options.dtype();
  if (numel * static_cast<std::int64_t>(dtype.itemsize()) < kMinPooledBytes)
    return torch::empty(shape, options);
  std::vector<torch::Tensor>& pool = Pool();
  for (const torch::Tensor& t : pool)
    if (t.numel() == numel && t.dtype() == dtype && t.device() == options.device() && Free(t))
      return Over(t, shape, options);
  torch::Tensor fresh = torch::empty({numel}, options);
  if (pool.size() < kMaxPooled) {
    pool.push_back(fresh);
  } else {
    for (torch::Tensor& t : pool)
      if (Free(t)) {
        t = fresh;
        break;
      }
  }
  return Over(fresh, shape, options);
}

void ReleaseReusableBuffers() { std::vector<torch::Tensor>().swap(Pool()); }

std::size_t PooledBufferCount() { return Pool().size(); }

}  // namespace finml::models::deep
