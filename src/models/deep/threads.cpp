#include "threads.hpp"

#include <torch/torch.h>

#include <algorithm>

#include "finml/models/deep.hpp"

namespace finml::models::deep {

void ApplyRequestedTorchThreads() {
  if (const int threads = RequestedTorchThreads(); threads > 0) finml_torch_set_threads(threads);
}

}  // namespace finml::models::deep

extern "C" void finml_torch_set_threads(int threads) {
  const int wanted = std::max(threads, 1);
  if (torch::get_num_threads() != wanted) torch::set_num_threads(wanted);
}
