// Probe for issue 16's solver choice: long-only minimum variance (weights >= 0, sum 1) on a
// factor-model covariance, with ALGLIB's dense QP solvers (Debian libalglib-dev). Writes the
// covariance for the cvxopt side of portfolio_qp.sh and prints seconds and the objective.
//   portfolio_qp N SEED COV.csv
#include <libalglib/optimization.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const int n = std::stoi(argv[1]);
  std::mt19937_64 rng(std::stoull(argv[2]));
  std::normal_distribution<double> z(0, 1);
  const int factors = 10;
  // Sigma = B B' + D: 10 factors, idiosyncratic variances 0.01 .. 0.09 (annual).
  std::vector<double> b(static_cast<std::size_t>(n * factors)), d(static_cast<std::size_t>(n));
  for (auto& v : b) v = 0.1 * z(rng);
  for (auto& v : d) v = 0.01 + 0.08 * std::uniform_real_distribution<double>(0, 1)(rng);
  alglib::real_2d_array a;
  a.setlength(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = i == j ? d[static_cast<std::size_t>(i)] : 0;
      for (int f = 0; f < factors; ++f)
        s += b[static_cast<std::size_t>(i * factors + f)] *
             b[static_cast<std::size_t>(j * factors + f)];
      a[i][j] = s;
    }
  std::ofstream out(argv[3]);
  out.precision(17);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) out << a[i][j] << (j + 1 < n ? ',' : '\n');
  out.close();
  for (const std::string algo : {"denseipm", "bleic", "quickqp"}) {
    const auto start = std::chrono::steady_clock::now();
    alglib::minqpstate state;
    alglib::minqpreport rep;
    alglib::real_1d_array x, lower, upper, linear, scale;
    lower.setlength(n);
    upper.setlength(n);
    linear.setlength(n);
    scale.setlength(n);
    for (int i = 0; i < n; ++i) lower[i] = 0, upper[i] = 1, linear[i] = 0, scale[i] = 1;
    alglib::real_2d_array c;
    c.setlength(1, n + 1);
    for (int i = 0; i <= n; ++i) c[0][i] = 1;
    alglib::integer_1d_array ct;
    ct.setlength(1);
    ct[0] = 0;
    alglib::minqpcreate(n, state);
    alglib::minqpsetquadraticterm(state, a);
    alglib::minqpsetlinearterm(state, linear);
    alglib::minqpsetbc(state, lower, upper);
    alglib::minqpsetscale(state, scale);
    if (algo == "quickqp") {
      // QuickQP takes box constraints only: sum 1 as a stiff penalty is not the same problem.
      continue;
    }
    alglib::minqpsetlc(state, c, ct);
    if (algo == "denseipm") alglib::minqpsetalgodenseipm(state, 1e-10);
    if (algo == "bleic") alglib::minqpsetalgobleic(state, 0, 0, 0, 0);
    alglib::minqpoptimize(state);
    alglib::minqpresults(state, x, rep);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double variance = 0, sum = 0;
    for (int i = 0; i < n; ++i) {
      sum += x[i];
      for (int j = 0; j < n; ++j) variance += x[i] * a[i][j] * x[j];
    }
    std::printf("alglib-%s n=%d seconds=%.4f variance=%.12g sum=%.12f termination=%d\n",
                algo.c_str(), n, seconds, variance, sum, static_cast<int>(rep.terminationtype));
  }
}
