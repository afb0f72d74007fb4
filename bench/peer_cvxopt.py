"""cvxopt peer of finml's portfolio optimisers (issue 16), on the inputs that
`finml_bench --portfolio_generate=DIR` wrote. Debian's python3-cvxopt and numpy: run with
/usr/bin/python3.

Usage: peer_cvxopt.py DIR REPS REPS_2000 OUT.json [PREFIX]
  Solves every case of DIR/portfolio.json REPS times (REPS_2000 times for the 2000-asset ones),
  writes the seconds and solver statuses of every repetition (and the last one's iteration
  counts) to OUT.json and the last repetition's weights to DIR/PREFIX_<case>.f64 (PREFIX: cvxopt
  unless given; the frontier: points x n, point-major).

The problems, long-only and fully invested, as a cvxopt user writes them (solvers.qp with its
default tolerances: abstol 1e-7, reltol 1e-6, feastol 1e-7, maxiters 100; the default KKT
solver; G = -I as a sparse matrix):
  min_variance  min w' Sigma w                s.t. w >= 0, 1'w = 1
  max_sharpe    min y' Sigma y                s.t. y >= 0, (mu - rf)'y = 1;  w = y / 1'y
  frontier      the minimum-variance portfolio, then for 50 targets evenly spaced from its
                return to max(mu): min w' Sigma w  s.t. w >= 0, mu'w >= target, 1'w = 1
A repetition is timed from the numpy arrays in memory to the weights as a numpy array: building
the cvxopt matrices, the solves, recovering w. finml's side likewise times Optimize or
EfficientFrontier from its Eigen inputs to its Portfolio result.
"""

import json
import os
import platform
import sys
import time

import numpy as np
import cvxopt
from cvxopt import matrix, solvers, spmatrix

solvers.options["show_progress"] = False


def qp(sigma2, g, h, a, b):
    n = sigma2.size[0]
    sol = solvers.qp(sigma2, matrix(0.0, (n, 1)), g, h, a, b)
    return np.array(sol["x"]).ravel(), sol["status"], sol["iterations"]


def min_variance(sigma, mu, rf):
    n = len(mu)
    x, status, its = qp(matrix(2.0 * sigma), spmatrix(-1.0, range(n), range(n)),
                        matrix(0.0, (n, 1)), matrix(1.0, (1, n)), matrix(1.0))
    return x, [status], [its]


def max_sharpe(sigma, mu, rf):
    n = len(mu)
    y, status, its = qp(matrix(2.0 * sigma), spmatrix(-1.0, range(n), range(n)),
                        matrix(0.0, (n, 1)), matrix((mu - rf).tolist(), (1, n)), matrix(1.0))
    return y / y.sum(), [status], [its]


def frontier(sigma, mu, rf, points):
    n = len(mu)
    sigma2 = matrix(2.0 * sigma)
    ones = matrix(1.0, (1, n))
    w0, status, its = qp(sigma2, spmatrix(-1.0, range(n), range(n)), matrix(0.0, (n, 1)),
                         ones, matrix(1.0))
    statuses, iterations = [status], [its]
    # Rows 0..n-1: -w <= 0; row n: -mu'w <= -target.
    g = spmatrix(np.concatenate([-np.ones(n), -mu]).tolist(),
                 list(range(n)) + [n] * n, list(range(n)) * 2)
    out = []
    for target in np.linspace(mu @ w0, mu.max(), points):
        h = matrix(0.0, (n + 1, 1))
        h[n] = -target
        w, status, its = qp(sigma2, g, h, ones, matrix(1.0))
        out.append(w)
        statuses.append(status)
        iterations.append(its)
    return np.array(out), statuses, iterations


def main():
    work, reps, reps_large, out_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    prefix = sys.argv[5] if len(sys.argv) > 5 else "cvxopt"
    with open(os.path.join(work, "portfolio.json")) as f:
        config = json.load(f)
    rf, points = config["risk_free"], config["frontier_points"]
    inputs = {}
    for s in config["sizes"]:
        n = s["n"]
        sigma = np.fromfile(os.path.join(work, s["covariance"])).reshape(n, n)
        mu = np.fromfile(os.path.join(work, s["expected"]))
        inputs[n] = (sigma, mu)
    # The BLAS and LAPACK cvxopt's modules were linked against, as loaded: its Cholesky and
    # triangular solves are where its time goes.
    with open("/proc/self/maps") as f:
        libs = sorted({os.path.realpath(l.split()[-1]) for l in f
                       if "/lib" in l and ("libblas" in l or "liblapack" in l or "openblas" in l)})
    result = {"about": f"cvxopt {cvxopt.__version__} solvers.qp (default tolerances), numpy "
                       f"{np.__version__}, Python {platform.python_version()}",
              "blas": libs, "reps": reps, "reps_large": reps_large, "cases": {}}
    for case in config["cases"]:
        name, kind, n = case["name"], case["kind"], case["n"]
        sigma, mu = inputs[n]
        seconds, all_statuses = [], []
        for r in range(reps if n <= 500 else reps_large):
            start = time.perf_counter()
            if kind == "min_variance":
                w, statuses, iterations = min_variance(sigma, mu, rf)
            elif kind == "max_sharpe":
                w, statuses, iterations = max_sharpe(sigma, mu, rf)
            else:
                w, statuses, iterations = frontier(sigma, mu, rf, points)
            seconds.append(time.perf_counter() - start)
            all_statuses += statuses
            print(f"{prefix} {name} rep {r + 1}: {seconds[-1]:.4f} s", file=sys.stderr, flush=True)
        np.ascontiguousarray(w, dtype=np.float64).tofile(os.path.join(work, f"{prefix}_{name}.f64"))
        result["cases"][name] = {"seconds": seconds, "statuses": all_statuses,
                                 "iterations": iterations}
    with open(out_path, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
