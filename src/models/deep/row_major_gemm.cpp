#include "row_major_gemm.hpp"

#include <algorithm>
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
void sgemv_(const char* trans, const int* m, const int* n, const float* alpha, const float* a,
            const int* lda, const float* x, const int* incx, const float* beta, float* y,
            const int* incy);
void dgemv_(const char* trans, const int* m, const int* n, const double* alpha, const double* a,
            const int* lda, const double* x, const int* incx, const double* beta, double* y,
            const int* incy);
}

namespace finml::models::deep {
namespace {

int Dim(std::int64_t v) {
  if (v < 0 || v > std::numeric_limits<int>::max())
    throw InternalError("GEMM dimension beyond the BLAS's 32-bit integers");
  return static_cast<int>(v);
}

// Up to this many rows of C are computed as matrix-vector products: a GEMM packs B afresh on
// every call, which for one window's step (1 x 50 times 50 x 200) took most of a prediction.
constexpr std::int64_t kMaxGemvRows = 4;

// Row-major C = op(A) op(B) is column-major C' = op(B)' op(A)': swap the operands, keep the flags.
// Row i of C is op(B)' times row i of op(A): a GEMV on B as the BLAS sees it (column-major), 'T'
// where B is stored n x k row-major (trans_b), 'N' where it is k x n.
template <typename T, typename Gemm, typename Gemv>
void Call(Gemm gemm, Gemv gemv, bool trans_a, bool trans_b, std::int64_t m, std::int64_t n,
          std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
          T beta, T* c, std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  const int mm = Dim(m), nn = Dim(n), kk = Dim(k), la = Dim(lda), lb = Dim(ldb), lc = Dim(ldc);
  if (m <= kMaxGemvRows && k > 0) {
    const char tb = trans_b ? 'T' : 'N';
    const int rows = trans_b ? kk : nn, cols = trans_b ? nn : kk, one = 1;
    const int step = trans_a ? la : 1;  // along a row of op(A)
    for (std::int64_t i = 0; i < m; ++i) {
      T* y = c + i * ldc;
      // Some BLAS versions scale y by beta = 0 rather than clear it, keeping a NaN of an
      // uninitialised buffer.
      if (beta == T(0)) std::fill(y, y + n, T(0));
      gemv(&tb, &rows, &cols, &alpha, b, &lb, trans_a ? a + i : a + i * lda, &step, &beta, y, &one);
    }
    return;
  }
  const char ta = trans_a ? 'T' : 'N', tb = trans_b ? 'T' : 'N';
  gemm(&tb, &ta, &nn, &mm, &kk, &alpha, b, &lb, a, &la, &beta, c, &lc);
}

}  // namespace

void RowMajorGemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
                  float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb,
                  float beta, float* c, std::int64_t ldc) {
  Call(sgemm_, sgemv_, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void RowMajorGemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
                  double alpha, const double* a, std::int64_t lda, const double* b,
                  std::int64_t ldb, double beta, double* c, std::int64_t ldc) {
  Call(dgemm_, dgemv_, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace finml::models::deep
