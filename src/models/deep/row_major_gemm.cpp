#include "row_major_gemm.hpp"

#include <limits>

#include "finml/core/error.hpp"

extern "C" {
// The Fortran interface: every BLAS (netlib, OpenBLAS, MKL) exports it, CBLAS is optional.
void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
            const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
            const float* beta, float* c, const int* ldc);
void dgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
            const double* alpha, const double* a, const int* lda, const double* b, const int* ldb,
            const double* beta, double* c, const int* ldc);
}

namespace finml::models::deep {
namespace {

int Dim(std::int64_t v) {
  if (v < 0 || v > std::numeric_limits<int>::max())
    throw InternalError("GEMM dimension beyond the BLAS's 32-bit integers");
  return static_cast<int>(v);
}

// Row-major C = op(A) op(B) is column-major C' = op(B)' op(A)': swap the operands, keep the flags.
template <typename T, typename Fn>
void Call(Fn gemm, bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          T alpha, const T* a, std::int64_t lda, const T* b, std::int64_t ldb, T beta, T* c,
          std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  const char ta = trans_a ? 'T' : 'N', tb = trans_b ? 'T' : 'N';
  const int mm = Dim(m), nn = Dim(n), kk = Dim(k), la = Dim(lda), lb = Dim(ldb), lc = Dim(ldc);
  gemm(&tb, &ta, &nn, &mm, &kk, &alpha, b, &lb, a, &la, &beta, c, &lc);
}

}  // namespace

void RowMajorGemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
                  float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb,
                  float beta, float* c, std::int64_t ldc) {
  Call(sgemm_, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void RowMajorGemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
                  double alpha, const double* a, std::int64_t lda, const double* b,
                  std::int64_t ldb, double beta, double* c, std::int64_t ldc) {
  Call(dgemm_, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace finml::models::deep
