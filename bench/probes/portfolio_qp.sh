#!/usr/bin/env bash
# Issue 16's solver probe: long-only minimum variance on the same covariance with ALGLIB (C++)
# and cvxopt (Python) in one run. Needs libalglib-dev and python3-cvxopt (Debian).
#   bash bench/probes/portfolio_qp.sh [N...]
set -euo pipefail
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++20 "$here/portfolio_qp.cpp" -lalglib -o "$work/probe"
for n in "${@:-250 500 1000}"; do
  "$work/probe" "$n" 7 "$work/cov.csv"
  /usr/bin/python3 - "$work/cov.csv" "$n" <<'PY'
import sys, time
import numpy as np
from cvxopt import matrix, solvers
solvers.options["show_progress"] = False
sigma = np.loadtxt(sys.argv[1], delimiter=",")
n = sigma.shape[0]
start = time.perf_counter()
sol = solvers.qp(matrix(sigma), matrix(np.zeros(n)), matrix(-np.eye(n)), matrix(np.zeros(n)),
                 matrix(np.ones((1, n))), matrix(1.0))
seconds = time.perf_counter() - start
w = np.array(sol["x"]).ravel()
print(f"cvxopt n={n} seconds={seconds:.4f} variance={w @ sigma @ w:.12g} sum={w.sum():.12f} "
      f"status={sol['status']}")
PY
done
