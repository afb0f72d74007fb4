#include "threads.hpp"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "finml/models/deep.hpp"

namespace finml::models::deep {

void ApplyRequestedTorchThreads() {
  if (const int threads = RequestedTorchThreads(); threads > 0) finml_torch_set_threads(threads);
}

}  // namespace finml::models::deep

extern "C" void finml_torch_set_threads(int threads) {
  const int wanted = std::max(threads, 1);
  if (torch::get_num_threads() != wanted) torch::set_num_threads(wanted);
  // The fused recurrent kernels multiply on the system BLAS, which keeps its own threads:
  // OpenBLAS starts one per core unless told otherwise. Debian's LibTorch never tells it (it is
  // built for a generic BLAS), so a thread limit set here reaches it by name where it exists.
  using SetThreads = void (*)(int);
  static const SetThreads openblas_set_threads = [] {
    SetThreads fn = nullptr;
    if (void* symbol = dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))
      std::memcpy(&fn, &symbol, sizeof fn);  // POSIX guarantees the two have one size
    return fn;
  }();
  // Only on a change: OpenBLAS must not resize its pool while another thread (a service
  // replica) is inside one of its calls, and every forecaster's construction comes here.
  static std::mutex mutex;
  static int current = 0;
  std::lock_guard<std::mutex> lock(mutex);
  if (openblas_set_threads && current != wanted) {
    openblas_set_threads(wanted);
    current = wanted;
  }
}
