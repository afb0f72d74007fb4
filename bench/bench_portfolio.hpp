// The portfolio-optimisation comparison with bench/peer_cvxopt.py (issue 16), driven by
// bench/portfolio_bench.sh:
//   finml_bench --portfolio_generate=DIR  writes the seeded factor-model covariances and expected
//       returns (DIR/portfolio_cov_<n>.f64, DIR/portfolio_mu_<n>.f64; n x n and n float64,
//       little-endian, no header) and DIR/portfolio.json describing them and the cases
//   finml_bench --portfolio_run=DIR [--portfolio_reps=R] [--portfolio_out=FILE]
//               [--portfolio_only=CASE]
//       solves every case (or only CASE, e.g. min_variance_2000, for a profile) R times (default
//       3) with finml::portfolio, writes the seconds of every repetition to FILE (default
//       DIR/finml.json) and the last repetition's weights to DIR/finml_<case>.f64 (for the
//       frontier: points x n, point-major)
#pragma once

#include <string>

namespace finml_bench {

void WritePortfolioInputs(const std::string& dir);
void RunPortfolio(const std::string& dir, int reps, const std::string& out,
                  const std::string& only = "");

}  // namespace finml_bench
