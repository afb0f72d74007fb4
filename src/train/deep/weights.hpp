// A module's weights in one file: written aside and renamed, read back refusing any tensor of
// another shape, type or with non-finite values, so a damaged or foreign file is an InvalidInput
// naming it, never a crash. Shared by the torch module's areas.
#pragma once

#include <torch/torch.h>

#include <string>

namespace finml::train::deep {

void SaveWeights(const torch::nn::Module& module, const std::string& path);
// `what` names the model in messages ("sac agent", "transformer").
void LoadWeights(torch::nn::Module& module, const std::string& path, const std::string& what);

}  // namespace finml::train::deep
