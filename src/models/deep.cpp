// The core's side of the deep forecasters: the names it knows and the door to the torch module.
#include "finml/models/deep.hpp"

#include <atomic>

#include "finml/core/modules.hpp"

namespace finml::models {
namespace {

std::atomic<int> requested_threads{0};

}  // namespace

std::vector<std::string> DeepArchitectures() {
  return {"mlp", "lstm", "gru", "tcn", "transformer", "gpt"};
}

std::unique_ptr<Forecaster> MakeDeepForecaster(const std::string& architecture,
                                               ParamReader& params) {
  auto* make = FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_make_forecaster);
  return std::unique_ptr<Forecaster>(make(architecture, params));
}

void SetTorchThreads(int threads) {
  requested_threads = threads;
  if (ModuleLoaded(Module::kTorch))
    FINML_MODULE_FUNCTION(Module::kTorch, finml_torch_set_threads)(threads);
}

int RequestedTorchThreads() { return requested_threads; }

}  // namespace finml::models
