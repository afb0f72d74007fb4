"""Writes stylized_oracle.json: stylised-fact and table metrics computed by statsmodels, SciPy and NumPy on
fixed inputs, which tests/synth/test_stylized_facts.cpp compares finml's own against.

Run with Debian's Python (numpy, scipy, statsmodels): /usr/bin/python3 stylized_oracle.py
"""
import json
import os

import numpy as np
from scipy import stats
from statsmodels.tsa.stattools import acf

rng = np.random.default_rng(7)
a = (0.01 * rng.standard_t(4, size=600)).round(8)
b = (0.012 * rng.standard_t(6, size=350) + 0.001).round(8)


def rolling_sum(x, k):
    return np.convolve(x, np.ones(k), mode="valid")


def leverage(r, lags):
    return [float(np.corrcoef(r[:-k], r[k:] ** 2)[0, 1]) for k in range(1, lags + 1)]


def hill(x, share):
    pos = np.sort(x[x > 0])[::-1]
    k = min(max(int(share * len(x)), 10), len(pos) - 1)
    return float(k / np.sum(np.log(pos[:k] / pos[k])))


out = {
    "a": a.tolist(),
    "b": b.tolist(),
    "wasserstein_ab": float(stats.wasserstein_distance(a, b)),
    "wasserstein_ab_5": float(stats.wasserstein_distance(rolling_sum(a, 5), rolling_sum(b, 5))),
    "acf_a": acf(a, nlags=30, fft=False, adjusted=False)[1:].tolist(),
    "acf_abs_a": acf(np.abs(a), nlags=30, fft=False, adjusted=False)[1:].tolist(),
    "acf_sq_b": acf(b ** 2, nlags=30, fft=False, adjusted=False)[1:].tolist(),
    "leverage_a": leverage(a, 30),
    "skew_a": float(stats.skew(a)),
    "kurtosis_a": float(stats.kurtosis(a, fisher=True, bias=True)),
    "hill_right_a": hill(a, 0.05),
    "hill_left_a": hill(-a, 0.05),
    "ks_ab": float(stats.ks_2samp(a, b).statistic),
    "ks_a_rounded": float(stats.ks_2samp(a.round(2), b.round(2)).statistic),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "stylized_oracle.json"), "w") as f:
    json.dump(out, f)
