#!/usr/bin/python3
"""Reference values for tests/portfolio/test_estimates.cpp, from pandas and scikit-learn (Debian's
python3-pandas, python3-sklearn) with PyPortfolioOpt's definitions written out:
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
pd.DataFrame(rows, columns=["quantity", "i", "j", "value"]).to_csv(
    "tests/portfolio/fixtures/estimates_reference.csv", index=False)
