#!/usr/bin/python3
"""Reference portfolios for tests/portfolio/test_optimize.cpp, solved with cvxopt (Debian's
python3-cvxopt) at tight tolerances:
  /usr/bin/python3 tests/portfolio/make_optimize_fixture.py
Reads tests/portfolio/fixtures/prices_window.csv (6 stocks, 600 bars, FB listed midway) and writes
tests/portfolio/fixtures/optimize_reference.csv as quantity,i,j,value rows (make_estimates_fixture's
layout).

Inputs, written to the fixture so the C++ test optimises exactly these numbers:
  returns  (t, j)  simple returns, pandas' pct_change() with the all-NaN first bar dropped; NaN
                   where an asset has no price (as finml's Estimates.returns);
  mu       (0, j)  returns.mean() * 252 (each asset over its own bars);
  cov      (i, j)  returns.cov() * 252 (pandas' pairwise covariance; checked positive definite).
CVaR and semivariance use the scenarios with NaN counted as a 0 return (as finml does).

Cases (weights as (0, j) rows; `*_objective` and `*_target` as (0, 0) scalars):
  min_variance                 min w'Sw, sum w = 1, 0 <= w <= 1
  max_sharpe                   rf 0.02 via y = kappa w: min y'Sy, (mu - rf)'y = 1, y >= 0;
                               w = y / sum y (the sum row implies w <= 1)
  efficient_return             min w'Sw with mu'w >= target, target halfway from min variance's
                               return to the highest mu (efficient_return_target)
  quadratic_utility            max mu'w - 2 / 2 w'Sw (risk aversion 2)
  long_short_*                 bounds [-0.2, 0.5], sum w = 1 (max Sharpe: -0.2 kappa <= y <=
                               0.5 kappa, sum y = kappa, kappa >= 0)
  sector_*                     bounds [0, 0.3] and assets 0, 1 (GOOG, AAPL: sector A) summing to
                               at most 0.25 (max Sharpe: y <= 0.3 kappa, y0 + y1 <= 0.25 kappa)
  l2_min_variance              min w'Sw + 0.1 ||w||^2, long-only
  leverage_*                   bounds [-0.5, 1], sum w = 1, sum |w| <= 1.5 (t >= w, t >= -w,
                               sum t <= 1.5; max Sharpe scales every row by kappa); the limit
                               binds max Sharpe but not min variance (gross 1.10), so
  tight_leverage_min_variance  is min variance at sum |w| <= 1.05
  min_cvar                     Rockafellar-Uryasev LP at beta 0.95: min alpha + 1 / (0.05 T)
                               sum u, u_t >= -r_t'w - alpha, u >= 0, long-only; min_cvar_objective
                               is the LP's optimal value (the weights may not be unique)
  min_semivariance             PyPortfolioOpt's EfficientSemivariance at benchmark 0: min 252 / T
                               sum n_t^2, n_t >= -r_t'w, n >= 0, long-only; min_semivariance_
                               objective is that annual semivariance
"""
import numpy as np
import pandas as pd
from cvxopt import matrix, solvers

solvers.options.update(
    {"show_progress": False, "abstol": 1e-12, "reltol": 1e-12, "feastol": 1e-12, "maxiters": 500})

prices = pd.read_csv("tests/portfolio/fixtures/prices_window.csv", parse_dates=["date"],
                     index_col="date")
returns = prices.pct_change().dropna(how="all")
mu = (returns.mean() * 252).values
cov = (returns.cov() * 252).values
assert np.linalg.eigvalsh(cov).min() > 0
scenarios = returns.fillna(0).values
T, n = scenarios.shape
RF, BETA, GAMMA, AVERSION = 0.02, 0.95, 0.1, 2.0
rows = []


def put(name, values):
    values = np.atleast_2d(np.asarray(values, dtype=float))
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            rows.append((name, i, j, repr(float(values[i, j]))))


def qp(P, q, G=None, h=None, A=None, b=None):
    args = [matrix(np.asarray(P, dtype=float)), matrix(np.asarray(q, dtype=float))]
    args += [None if G is None else matrix(np.asarray(G, dtype=float)),
             None if h is None else matrix(np.asarray(h, dtype=float))]
    args += [None if A is None else matrix(np.asarray(A, dtype=float)),
             None if b is None else matrix(np.asarray(b, dtype=float))]
    out = solvers.qp(*args)
    assert out["status"] == "optimal", out["status"]
    return np.array(out["x"]).ravel()


def lp(c, G, h, A, b):
    # cvxopt's interior-point LP stops 'unknown' at 1e-11 and below on the CVaR LP; at 1e-10 its
    # optimal value agrees with GLPK's simplex to 1e-13.
    out = solvers.lp(
        matrix(np.asarray(c, dtype=float)), matrix(np.asarray(G, dtype=float)),
        matrix(np.asarray(h, dtype=float)), matrix(np.asarray(A, dtype=float)),
        matrix(np.asarray(b, dtype=float)),
        options={"show_progress": False, "abstol": 1e-10, "reltol": 1e-10, "feastol": 1e-10})
    assert out["status"] == "optimal", out["status"]
    return np.array(out["x"]).ravel()


def box(m, lo, hi, width=None):
    """G x <= h rows for lo <= x[:m] <= hi, x having `width` columns."""
    width = width or m
    eye = np.eye(m, width)
    return np.vstack([-eye, eye]), np.concatenate([-np.full(m, lo), np.full(m, hi)])


def min_variance(lo, hi, sector=None, gamma=0.0, leverage=None):
    """min w'Sw + gamma ||w||^2 with sum w = 1, lo <= w <= hi, an optional (assets, cap) and gross
    leverage (auxiliaries t_i >= |w_i|)."""
    k = 2 * n if leverage else n
    P = np.zeros((k, k))
    P[:n, :n] = 2 * cov + 2 * gamma * np.eye(n)
    G, h = box(n, lo, hi, k)
    if sector:
        a = np.zeros(k)
        a[sector[0]] = 1
        G, h = np.vstack([G, a]), np.append(h, sector[1])
    if leverage:
        eye = np.eye(n)
        G = np.vstack([G, np.hstack([eye, -eye]), np.hstack([-eye, -eye]),
                       np.concatenate([np.zeros(n), np.ones(n)])])
        h = np.concatenate([h, np.zeros(2 * n), [leverage]])
    A = np.zeros((1, k))
    A[0, :n] = 1
    return qp(P, np.zeros(k), G, h, A, [1.0])[:n]


def max_sharpe(lo, hi, sector=None, leverage=None):
    """The y-transform: variables (y, [t], kappa); every weight row scaled by kappa."""
    k = (2 * n if leverage else n) + 1
    kappa = k - 1
    P = np.zeros((k, k))
    P[:n, :n] = 2 * cov
    G, h = [], []

    def row(a, bound):  # a'(y, t) <= bound * kappa
        g = np.zeros(k)
        g[:len(a)] = a
        g[kappa] = -bound
        G.append(g)
        h.append(0.0)

    for i in range(n):
        e = np.eye(n)[i]
        row(-e, -lo)
        row(e, hi)
    if sector:
        a = np.zeros(n)
        a[sector[0]] = 1
        row(a, sector[1])
    if leverage:  # t >= |y| (so t >= 0), sum t <= leverage kappa
        e = np.eye(2 * n)
        for i in range(n):
            row(e[i] - e[n + i], 0)
            row(-e[i] - e[n + i], 0)
        row(np.concatenate([np.zeros(n), np.ones(n)]), leverage)
    g = np.zeros(k)
    g[kappa] = -1  # kappa >= 0
    G.append(g)
    h.append(0.0)
    A = np.zeros((2, k))
    A[0, :n] = mu - RF
    A[1, :n] = 1
    A[1, kappa] = -1
    x = qp(P, np.zeros(k), np.array(G), np.array(h), A, [1.0, 0.0])
    return x[:n] / x[kappa]


put("mu", mu)
put("cov", cov)
put("returns", returns.values)

w = min_variance(0, 1)
put("min_variance", w)
put("max_sharpe", max_sharpe(0, 1))
target = (mu @ w + mu.max()) / 2
put("efficient_return_target", [target])
G, h = box(n, 0, 1)
put("efficient_return", qp(2 * cov, np.zeros(n), np.vstack([G, -mu]), np.append(h, -target),
                           np.ones((1, n)), [1.0]))
put("quadratic_utility", qp(AVERSION * cov, -mu, G, h, np.ones((1, n)), [1.0]))

put("long_short_min_variance", min_variance(-0.2, 0.5))
put("long_short_max_sharpe", max_sharpe(-0.2, 0.5))
SECTOR = ([0, 1], 0.25)
put("sector_min_variance", min_variance(0, 0.3, SECTOR))
put("sector_max_sharpe", max_sharpe(0, 0.3, SECTOR))
put("l2_min_variance", min_variance(0, 1, gamma=GAMMA))
put("leverage_min_variance", min_variance(-0.5, 1, leverage=1.5))  # gross 1.10: not binding
put("tight_leverage_min_variance", min_variance(-0.5, 1, leverage=1.05))
put("leverage_max_sharpe", max_sharpe(-0.5, 1, leverage=1.5))

# min CVaR: variables (w, alpha, u).
k = n + 1 + T
c = np.concatenate([np.zeros(n), [1.0], np.full(T, 1 / ((1 - BETA) * T))])
Gw, hw = box(n, 0, 1, k)
Gu = np.hstack([-scenarios, -np.ones((T, 1)), -np.eye(T)])  # -r'w - alpha - u <= 0
Gp = np.hstack([np.zeros((T, n + 1)), -np.eye(T)])          # -u <= 0
A = np.concatenate([np.ones(n), np.zeros(1 + T)])[None, :]
x = lp(c, np.vstack([Gw, Gu, Gp]), np.concatenate([hw, np.zeros(2 * T)]), A, [1.0])
put("min_cvar", x[:n])
put("min_cvar_objective", [c @ x])

# min semivariance: variables (w, s), s_t >= -r_t'w (benchmark 0), s >= 0.
k = n + T
P = np.zeros((k, k))
P[n:, n:] = 2 * 252 / T * np.eye(T)
Gw, hw = box(n, 0, 1, k)
Gs = np.hstack([-scenarios, -np.eye(T)])
Gp = np.hstack([np.zeros((T, n)), -np.eye(T)])
A = np.concatenate([np.ones(n), np.zeros(T)])[None, :]
x = qp(P, np.zeros(k), np.vstack([Gw, Gs, Gp]), np.concatenate([hw, np.zeros(2 * T)]), A, [1.0])
put("min_semivariance", x[:n])
put("min_semivariance_objective", [252 / T * np.sum(np.minimum(scenarios @ x[:n], 0) ** 2)])

pd.DataFrame(rows, columns=["quantity", "i", "j", "value"]).to_csv(
    "tests/portfolio/fixtures/optimize_reference.csv", index=False)
