// Row-major GEMM on the system BLAS (OpenBLAS on Debian once libopenblas0-pthread is installed;
// the same libblas.so.3 LibTorch multiplies with). Strided operands pass their leading
// dimension, so one time step of a (batch, time, width) buffer is multiplied in place.
#pragma once

#include <cstdint>

namespace finml::models::deep {

// C (m x n, row stride ldc) = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B)
// is k x n; trans_a / trans_b transpose the row-major A (stride lda) and B (stride ldb).
void RowMajorGemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
                  float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb,
                  float beta, float* c, std::int64_t ldc);
void RowMajorGemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
                  double alpha, const double* a, std::int64_t lda, const double* b,
                  std::int64_t ldb, double beta, double* c, std::int64_t ldc);

}  // namespace finml::models::deep
