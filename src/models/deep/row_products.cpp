#include "row_products.hpp"

#include <algorithm>

#include "gate_math.hpp"

namespace finml::models::deep {
namespace {

// A block of output columns stays in registers while the k products are added into it.
// Always inlined, so that each CPU clone below compiles it for its own instruction set.
template <typename T, std::int64_t Columns>
[[gnu::always_inline]] inline void AddBlock(std::int64_t k, const T* __restrict x,
                                            const T* __restrict wt, std::int64_t n, T* __restrict y,
                                            std::int64_t width) {
  T acc[Columns];
  for (std::int64_t c = 0; c < Columns; ++c) acc[c] = c < width ? y[c] : T(0);
  for (std::int64_t p = 0; p < k; ++p) {
    const T xp = x[p];
    const T* w = wt + p * n;
    if (width == Columns) {
      for (std::int64_t c = 0; c < Columns; ++c) acc[c] += xp * w[c];
    } else {
      for (std::int64_t c = 0; c < width; ++c) acc[c] += xp * w[c];
    }
  }
  for (std::int64_t c = 0; c < width; ++c) y[c] = acc[c];
}

// Rows output rows of one full block of Columns at once: each weight loaded serves every row.
// Each output element still adds its k products in order, so the bits are AddBlock's.
template <typename T, std::int64_t Rows, std::int64_t Columns>
[[gnu::always_inline]] inline void AddRowsBlock(std::int64_t k, const T* __restrict x,
                                                std::int64_t ldx, const T* __restrict wt,
                                                std::int64_t n, T* __restrict y, std::int64_t ldy) {
  T acc[Rows][Columns];
  for (std::int64_t r = 0; r < Rows; ++r)
    for (std::int64_t c = 0; c < Columns; ++c) acc[r][c] = y[r * ldy + c];
  for (std::int64_t p = 0; p < k; ++p) {
    const T* w = wt + p * n;
    for (std::int64_t r = 0; r < Rows; ++r) {
      const T xp = x[r * ldx + p];
      for (std::int64_t c = 0; c < Columns; ++c) acc[r][c] += xp * w[c];
    }
  }
  for (std::int64_t r = 0; r < Rows; ++r)
    for (std::int64_t c = 0; c < Columns; ++c) y[r * ldy + c] = acc[r][c];
}

template <typename T, std::int64_t Columns, std::int64_t Rows, std::int64_t RowColumns>
[[gnu::always_inline]] inline void Run(std::int64_t rows, std::int64_t n, std::int64_t k,
                                       const T* x, std::int64_t ldx, const T* wt, T* y,
                                       std::int64_t ldy) {
  std::int64_t r = 0;
  // Several rows (the input projection of a window's steps, a batch): blocks of rows, so the
  // weights stream from cache once per block rather than once per row.
  const std::int64_t full = n - n % RowColumns;
  for (; r + Rows <= rows; r += Rows) {
    for (std::int64_t c0 = 0; c0 < full; c0 += RowColumns)
      AddRowsBlock<T, Rows, RowColumns>(k, x + r * ldx, ldx, wt + c0, n, y + r * ldy + c0, ldy);
    for (std::int64_t q = r; q < r + Rows; ++q)
      for (std::int64_t c0 = full; c0 < n; c0 += Columns)
        AddBlock<T, Columns>(k, x + q * ldx, wt + c0, n, y + q * ldy + c0,
                             std::min(Columns, n - c0));
  }
  for (; r < rows; ++r)
    for (std::int64_t c0 = 0; c0 < n; c0 += Columns)
      AddBlock<T, Columns>(k, x + r * ldx, wt + c0, n, y + r * ldy + c0, std::min(Columns, n - c0));
}

}  // namespace

FINML_CPU_CLONES void AddRowProducts(std::int64_t rows, std::int64_t n, std::int64_t k,
                                     const float* x, std::int64_t ldx, const float* wt, float* y,
                                     std::int64_t ldy) {
  Run<float, 64, 3, 32>(rows, n, k, x, ldx, wt, y, ldy);
}

FINML_CPU_CLONES void AddRowProducts(std::int64_t rows, std::int64_t n, std::int64_t k,
                                     const double* x, std::int64_t ldx, const double* wt, double* y,
                                     std::int64_t ldy) {
  Run<double, 32, 3, 16>(rows, n, k, x, ldx, wt, y, ldy);
}

}  // namespace finml::models::deep
