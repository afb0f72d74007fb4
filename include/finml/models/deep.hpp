// Deep forecasters on LibTorch: mlp, lstm, gru, tcn and transformer over the sample window.
// This header stays free of torch so the rest of finml compiles without it.
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
// concurrent predictions do not oversubscribe the cores.
void SetTorchThreads(int threads);

}  // namespace finml::models
