// A fused LSTM layer: the whole sequence's forward and backward passes in one autograd node,
// computed with Eigen. LibTorch's LSTM records several ops per time step and, on Debian, runs its
// GEMMs on reference BLAS; here the input projection of all steps is one GEMM and each step is
// one GEMM plus one elementwise pass. Gate order i, f, g, o as in torch::nn::LSTM.
#pragma once

#include <torch/torch.h>

namespace finml::models::deep {

// x (batch, time, input), w_ih (4H, input), w_hh (4H, H), bias (4H) -> hidden states
// (batch, time, H), starting from zero state. float32 or float64, CPU tensors.
[[nodiscard]] torch::Tensor FusedLstm(const torch::Tensor& x, const torch::Tensor& w_ih,
                                      const torch::Tensor& w_hh, const torch::Tensor& bias);

}  // namespace finml::models::deep
