// Inference multiplies by transposed weights (row_products.hpp). Transposing them on every call
// cost a small network as much as its products, so a network keeps the copies and rebuilds one
// only when its weight changed: another storage (a load, set_) or a newer version counter (an
// optimiser step, copy_ when the best weights are restored). Safe to share between threads that
// predict at once: a copy in use stays alive while another thread replaces it.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "row_products.hpp"

namespace finml::models::deep {

class WeightTransposes {
 public:
  // The k x n transpose of w (n x k, of scalar type T). Kept only for a contiguous w: a
  // strided one would be copied afresh on every call, each copy a new key.
  template <typename T>
  std::shared_ptr<const std::vector<T>> Of(const torch::Tensor& w) {
    if (!w.is_contiguous()) {
      const torch::Tensor c = w.contiguous();
      return std::make_shared<const std::vector<T>>(
          Transposed(c.data_ptr<T>(), c.size(0), c.size(1)));
    }
    const void* data = w.data_ptr();
    const std::int64_t version = w._version();
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = entries_[w.unsafeGetTensorImpl()];
    if (e.data != data || e.version != version || e.type != w.scalar_type() || !e.copy) {
      e.copy =
          std::make_shared<const std::vector<T>>(Transposed(w.data_ptr<T>(), w.size(0), w.size(1)));
      e.data = data;
      e.version = version;
      e.type = w.scalar_type();
    }
    return std::static_pointer_cast<const std::vector<T>>(e.copy);
  }

 private:
  struct Entry {
    const void* data = nullptr;
    std::int64_t version = -1;
    c10::ScalarType type = c10::ScalarType::Undefined;
    std::shared_ptr<const void> copy;
  };
  std::mutex mutex_;
  // Keyed by the weight's TensorImpl, which the network owns and so outlives its entry.
  std::unordered_map<const c10::TensorImpl*, Entry> entries_;
};

}  // namespace finml::models::deep
