// y += x * w' for inference, one output row at a time: each output element adds its products in
// order, one after another, as a plain loop would, whatever the number of rows. A BLAS blocks its
// work by the matrices' shapes (OpenBLAS's edge kernels add in another order), so a row's result
// would depend on the rows beside it and a window predicted alone would differ in its last bits
// from the same window predicted in a batch. No fused multiply-add either: every CPU gives the
// same bits.
#pragma once

#include <cstdint>
#include <vector>

namespace finml::models::deep {

// w (n x k, row-major, as torch stores weights) transposed to k x n, the layout AddRowProducts
// reads.
template <typename T>
std::vector<T> Transposed(const T* w, std::int64_t n, std::int64_t k) {
  std::vector<T> out(static_cast<std::size_t>(n * k));
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t p = 0; p < k; ++p) out[static_cast<std::size_t>(p * n + j)] = w[j * k + p];
  return out;
}

// y (rows x n, row stride ldy) += x (rows x k, row stride ldx) * wt (k x n, contiguous).
void AddRowProducts(std::int64_t rows, std::int64_t n, std::int64_t k, const float* x,
                    std::int64_t ldx, const float* wt, float* y, std::int64_t ldy);
void AddRowProducts(std::int64_t rows, std::int64_t n, std::int64_t k, const double* x,
                    std::int64_t ldx, const double* wt, double* y, std::int64_t ldy);

}  // namespace finml::models::deep
