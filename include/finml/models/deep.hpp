// Deep forecasters on LibTorch: mlp, lstm, gru, tcn, transformer and gpt over the sample window.
// They live in the torch module (libfinml_torch.so), loaded the first time one is made; this
// header stays free of torch so the rest of finml compiles and runs without it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "finml/core/params.hpp"
#include "finml/models/forecaster.hpp"

namespace finml::models {

[[nodiscard]] std::vector<std::string> DeepArchitectures();
[[nodiscard]] std::unique_ptr<Forecaster> MakeDeepForecaster(const std::string& architecture,
                                                             ParamReader& params);

// LibTorch's intra-op threads. A server answering requests on many threads sets 1, so that
// concurrent predictions do not oversubscribe the cores. Remembered until the torch module
// loads, so setting it never loads LibTorch by itself.
void SetTorchThreads(int threads);
// The setting above; 0 when never set (LibTorch's own default).
[[nodiscard]] int RequestedTorchThreads();

}  // namespace finml::models

// Entry points of the torch module; call them through FINML_MODULE_FUNCTION.
extern "C" {
finml::models::Forecaster* finml_torch_make_forecaster(const std::string& architecture,
                                                       finml::ParamReader& params);
void finml_torch_set_threads(int threads);
}
