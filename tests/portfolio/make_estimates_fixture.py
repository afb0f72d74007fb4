#!/usr/bin/python3
"""Reference values for tests/portfolio/test_estimates.cpp, from pandas and scikit-learn (Debian's
python3-pandas, python3-sklearn) with PyPortfolioOpt's definitions written out (its Ledoit-Wolf
single-factor and constant-correlation targets transcribed from pypfopt/risk_models.py):
  /usr/bin/python3 tests/portfolio/make_estimates_fixture.py ../shared/data/pypfopt_stock_prices.csv
Writes tests/portfolio/fixtures/prices_window.csv (600 bars of 6 of its stocks, FB listed midway)
and tests/portfolio/fixtures/estimates_reference.csv (quantity,i,j,value)."""
import sys

import numpy as np
import pandas as pd
from sklearn.covariance import ledoit_wolf, oas

prices = pd.read_csv(sys.argv[1], parse_dates=["date"], index_col="date")
window = prices[["GOOG", "AAPL", "FB", "AMZN", "GE", "JPM"]].iloc[5300:5900]
window.to_csv("tests/portfolio/fixtures/prices_window.csv", date_format="%Y-%m-%d")
returns = window.pct_change().dropna(how="all")
rows = []


def put(name, values):
    values = np.atleast_2d(np.asarray(values, dtype=float))
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            rows.append((name, i, j, repr(float(values[i, j]))))


put("mean", returns.mean() * 252)
put("cagr", (1 + returns).prod() ** (252 / returns.count()) - 1)
put("ewma", (1 + returns.ewm(span=500).mean().iloc[-1]) ** 252 - 1)
with_market = returns.copy()
with_market["mkt"] = returns.mean(axis=1)
cov = with_market.cov()
betas = (cov["mkt"] / cov.loc["mkt", "mkt"]).drop("mkt")
market = (1 + with_market["mkt"]).prod() ** (252 / with_market["mkt"].count()) - 1
put("capm", 0.02 + betas * (market - 0.02))
put("sample", returns.cov().values * 252)
drops = np.fmin(returns - 0.000079, 0)
put("semicovariance", (drops.T @ drops).values / drops.shape[0] * 252)
n = returns.shape[1]
exp = np.zeros((n, n))
for i in range(n):
    for j in range(n):
        x, y = returns.iloc[:, i], returns.iloc[:, j]
        exp[i, j] = ((x - x.mean()) * (y - y.mean())).ewm(span=180).mean().iloc[-1] * 252
put("exponential", exp)
filled = np.nan_to_num(returns.values)
shrunk, delta = ledoit_wolf(filled)
put("ledoit_wolf", shrunk * 252)
put("ledoit_wolf_shrinkage", [delta])
shrunk, delta = oas(filled)
put("oas", shrunk * 252)
put("oas_shrinkage", [delta])


# PyPortfolioOpt's CovarianceShrinkage._ledoit_wolf_single_factor and
# _ledoit_wolf_constant_correlation (pypfopt/risk_models.py) written out, since it is not packaged
# here; X is its self.X (returns) and S its self.S (pandas' pairwise X.cov()).
def ledoit_wolf_single_factor(returns):
    X = np.nan_to_num(returns.values)
    t, n = np.shape(X)
    Xm = X - X.mean(axis=0)
    xmkt = X.mean(axis=1).reshape(t, 1)
    sample = np.cov(np.append(Xm, xmkt, axis=1), rowvar=False) * (t - 1) / t
    betas = sample[0:n, n].reshape(n, 1)
    varmkt = sample[n, n]
    sample = sample[:n, :n]
    F = np.dot(betas, betas.T) / varmkt
    F[np.eye(n) == 1] = np.diag(sample)
    c = np.linalg.norm(sample - F, "fro") ** 2
    y = Xm ** 2
    p = 1 / t * np.sum(np.dot(y.T, y)) - np.sum(sample ** 2)
    rdiag = 1 / t * np.sum(y ** 2) - sum(np.diag(sample) ** 2)
    z = Xm * np.tile(xmkt, (n,))
    v1 = 1 / t * np.dot(y.T, z) - np.tile(betas, (n,)) * sample
    roff1 = (np.sum(v1 * np.tile(betas, (n,)).T) / varmkt
             - np.sum(np.diag(v1) * betas.T) / varmkt)
    v3 = 1 / t * np.dot(z.T, z) - varmkt * sample
    roff3 = (np.sum(v3 * np.dot(betas, betas.T)) / varmkt ** 2
             - np.sum(np.diag(v3).reshape(-1, 1) * betas ** 2) / varmkt ** 2)
    roff = 2 * roff1 - roff3
    r = rdiag + roff
    k = (p - r) / c
    delta = max(0, min(1, k / t))
    return delta * F + (1 - delta) * sample, delta


def ledoit_wolf_constant_correlation(returns):
    X = np.nan_to_num(returns.values)
    t, n = np.shape(X)
    S = returns.cov().values
    var = np.diag(S).reshape(-1, 1)
    std = np.sqrt(var)
    _var = np.tile(var, (n,))
    _std = np.tile(std, (n,))
    r_bar = (np.sum(S / (_std * _std.T)) - n) / (n * (n - 1))
    F = r_bar * (_std * _std.T)
    F[np.eye(n) == 1] = var.reshape(-1)
    Xm = X - X.mean(axis=0)
    y = Xm ** 2
    pi_mat = np.dot(y.T, y) / t - 2 * np.dot(Xm.T, Xm) * S / t + S ** 2
    pi_hat = np.sum(pi_mat)
    term1 = np.dot((Xm ** 3).T, Xm) / t
    help_ = np.dot(Xm.T, Xm) / t
    help_diag = np.diag(help_)
    term2 = np.tile(help_diag, (n, 1)).T * S
    term3 = help_ * _var
    term4 = _var * S
    theta_mat = term1 - term2 - term3 + term4
    theta_mat[np.eye(n) == 1] = np.zeros(n)
    rho_hat = sum(np.diag(pi_mat)) + r_bar * np.sum(np.dot((1 / std), std.T) * theta_mat)
    gamma_hat = np.linalg.norm(S - F, "fro") ** 2
    kappa_hat = (pi_hat - rho_hat) / gamma_hat
    delta = max(0.0, min(1.0, kappa_hat / t))
    return delta * F + (1 - delta) * S, delta


# Annualised as its _format_and_annualize does (its spectral repair leaves these PSD matrices be).
for name, estimator in [("ledoit_wolf_single_factor", ledoit_wolf_single_factor),
                        ("ledoit_wolf_constant_correlation", ledoit_wolf_constant_correlation)]:
    shrunk, delta = estimator(returns)
    assert np.linalg.eigvalsh(shrunk).min() > 0, name
    put(name, shrunk * 252)
    put(name + "_shrinkage", [delta])
pd.DataFrame(rows, columns=["quantity", "i", "j", "value"]).to_csv(
    "tests/portfolio/fixtures/estimates_reference.csv", index=False)
