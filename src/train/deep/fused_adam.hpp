// Adam's and AdamW's step in one pass per parameter, with LibTorch's arithmetic.
#pragma once

#include <torch/torch.h>

namespace finml::train::deep {

// One step of `optimizer`, which must be a torch::optim::Adam or AdamW, in one loop over each
// parameter's elements instead of LibTorch's eight tensor ops per parameter (each a dispatch that
// costs more than its arithmetic on a small network: the step was a quarter of the default GRU's
// training time). The state is LibTorch's own (step count and moments), so checkpoints, a later
// optimizer.step() and this function can follow one another.
//
// It reproduces LibTorch's results bit for bit, which depends on whether this process's ATen
// fuses its multiply-adds: that is found once, by running both on a probe parameter. Returns
// false, having changed nothing, where it cannot match: another optimiser, amsgrad, a parameter
// or gradient that is not a contiguous float32 CPU tensor, a sparse gradient, or an ATen whose
// arithmetic none of its variants reproduces. The caller then calls optimizer.step().
bool FusedAdamStep(torch::optim::Optimizer& optimizer);

}  // namespace finml::train::deep
