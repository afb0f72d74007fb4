// A fused LSTM layer: the whole sequence's forward and backward passes in one autograd node.
// LibTorch's LSTM records several ops per time step; here the input projection of all steps is
// one GEMM on the system BLAS, each step is one strided GEMM plus one vectorised elementwise pass
// over the gates, and the large buffers are reused across training steps. Gate order i, f, g, o
// as in torch::nn::LSTM. float32 uses a polynomial exp (gate_math.hpp: gates
// within 2e-7 of libm's); float64 uses libm and is the reference the tests hold float32 to.
#pragma once

#include <torch/torch.h>

namespace finml::models::deep {

class WeightTransposes;

// x (batch, time, input), w_ih (4H, input), w_hh (4H, H), bias (4H) -> hidden states
// (batch, time, H), starting from zero state. float32 or float64, CPU tensors.
// `transposes`: where inference keeps the weights' transposes between calls (null: none kept).
[[nodiscard]] torch::Tensor FusedLstm(const torch::Tensor& x, const torch::Tensor& w_ih,
                                      const torch::Tensor& w_hh, const torch::Tensor& bias,
                                      WeightTransposes* transposes = nullptr);

}  // namespace finml::models::deep
