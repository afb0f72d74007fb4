// A fused GRU layer, like fused_lstm.hpp: the whole sequence in one autograd node, the input
// projection of all steps as one GEMM, one strided GEMM per step on the system BLAS and one
// vectorised pass over the gates. Equations and gate order (r, z, n) as torch::nn::GRU:
//   r = sigmoid(x W_ir' + b_ir + h W_hr' + b_hr),  z likewise,
//   n = tanh(x W_in' + b_in + r * (h W_hn' + b_hn)),  h' = (1 - z) * n + z * h.
// float32 uses gate_math.hpp's polynomial exp; float64 uses libm and is the tests' reference.
#pragma once

#include <torch/torch.h>

namespace finml::models::deep {

class WeightTransposes;

// x (batch, time, input), w_ih (3H, input), w_hh (3H, H), b_ih (3H), b_hh (3H) -> hidden states
// (batch, time, H), starting from zero state. float32 or float64, CPU tensors.
// `transposes`: where inference keeps the weights' transposes between calls (null: none kept).
[[nodiscard]] torch::Tensor FusedGru(const torch::Tensor& x, const torch::Tensor& w_ih,
                                     const torch::Tensor& w_hh, const torch::Tensor& b_ih,
                                     const torch::Tensor& b_hh,
                                     WeightTransposes* transposes = nullptr);

}  // namespace finml::models::deep
