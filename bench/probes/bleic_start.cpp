// Where finml's long-only minimum variance spends its time (bench/portfolio_bench.sh runs this
// on the covariance it benchmarks): the QP exactly as src/portfolio/convex_program.cpp hands it
// to ALGLIB (Q = 2 Sigma, 0 <= w <= 1, 1'w = 1, unit scale, BLEIC with step tolerance 1e-10),
// solved from ALGLIB's default starting point and again from a vertex (all weight on the
// lowest-variance asset), with BLEIC's iteration counts and the cost of one dense n x n
// matrix-vector product, the operation each iteration repeats. One JSON object per line.
//   bleic_start N COV.f64     (COV: n x n float64 as finml_bench --portfolio_generate writes it)
#include <libalglib/linalg.h>
#include <libalglib/optimization.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bleic_start N COV.f64\n");
    return 2;
  }
  const int n = std::stoi(argv[1]);
  const auto size = static_cast<std::size_t>(n);
  std::vector<double> c(size * size);
  std::ifstream file(argv[2], std::ios::binary);
  file.read(reinterpret_cast<char*>(c.data()), static_cast<std::streamsize>(c.size() * 8));
  if (!file) {
    std::fprintf(stderr, "%s: expected %d x %d float64\n", argv[2], n, n);
    return 1;
  }
  const auto cov = [&](int i, int j) { return c[static_cast<std::size_t>(i) * size + j]; };
  for (const std::string start : {"default", "vertex"}) {
    // Timed like finml's Solve: from the matrix in memory, copies into ALGLIB included.
    const auto t0 = std::chrono::steady_clock::now();
    alglib::real_2d_array a, rows;
    a.setlength(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) a[i][j] = 2 * cov(i, j);
    alglib::real_1d_array lower, upper, linear, scale, row_lower, row_upper, x;
    lower.setlength(n);
    upper.setlength(n);
    linear.setlength(n);
    scale.setlength(n);
    for (int i = 0; i < n; ++i) lower[i] = 0, upper[i] = 1, linear[i] = 0, scale[i] = 1;
    rows.setlength(1, n);
    for (int i = 0; i < n; ++i) rows[0][i] = 1;
    row_lower.setlength(1);
    row_upper.setlength(1);
    row_lower[0] = row_upper[0] = 1;
    alglib::minqpstate state;
    alglib::minqpreport report;
    alglib::minqpcreate(n, state);
    alglib::minqpsetquadraticterm(state, a);
    alglib::minqpsetlinearterm(state, linear);
    alglib::minqpsetbc(state, lower, upper);
    alglib::minqpsetlc2dense(state, rows, row_lower, row_upper);
    alglib::minqpsetscale(state, scale);
    if (start == "vertex") {
      int best = 0;
      for (int i = 1; i < n; ++i)
        if (cov(i, i) < cov(best, best)) best = i;
      alglib::real_1d_array x0;
      x0.setlength(n);
      for (int i = 0; i < n; ++i) x0[i] = i == best ? 1 : 0;
      alglib::minqpsetstartingpoint(state, x0);
    }
    alglib::minqpsetalgobleic(state, 0, 0, 1e-10, 0);
    alglib::minqpoptimize(state);
    alglib::minqpresults(state, x, report);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double variance = 0;
    int nonzero = 0;
    for (int i = 0; i < n; ++i) {
      nonzero += x[i] > 0;
      for (int j = 0; j < n; ++j) variance += x[i] * cov(i, j) * x[j];
    }
    // One product of Q with a dense vector, the operation BLEIC repeats.
    alglib::real_1d_array y, dense;
    y.setlength(n);
    dense.setlength(n);
    for (int i = 0; i < n; ++i) dense[i] = 1.0 / n;
    const int calls = n <= 500 ? 400 : 40;
    const auto t1 = std::chrono::steady_clock::now();
    for (int k = 0; k < calls; ++k) alglib::rmatrixsymv(n, 1.0, a, 0, 0, true, dense, 0, 0.0, y, 0);
    const double symv =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() / calls;
    std::printf(
        "{\"n\": %d, \"start\": \"%s\", \"seconds\": %.6f, \"termination\": %d, \"inner\": %d, "
        "\"outer\": %d, \"nonzero\": %d, \"variance\": %.17g, \"symv_seconds\": %.9f}\n",
        n, start.c_str(), seconds, static_cast<int>(report.terminationtype),
        static_cast<int>(report.inneriterationscount),
        static_cast<int>(report.outeriterationscount), nonzero, variance, symv);
  }
}
