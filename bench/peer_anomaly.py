#!/usr/bin/env python3
"""The scikit-learn side of the anomaly-detection speed comparison (bench/bench_anomaly.hpp says
what is timed): IsolationForest(100 trees, 256 samples), LocalOutlierFactor(20 neighbours,
novelty=True), PCA with PyOD's score (the distance to each axis over its variance share, summed),
and NearestNeighbors(5) as PyOD's KNN, one thread, on the same CSVs, standardised first.

usage: peer_anomaly.py DIR OUT_JSON [--reps R] [--subset M]
"""
import argparse
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from scipy.spatial.distance import cdist  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors  # noqa: E402


class PyodPca:
    """PyOD's PCA: fit sklearn's PCA; score = sum over axes of cdist(x, axis) / variance ratio."""

    def fit(self, x):
        self.pca = PCA().fit(x)
        return self

    def score_samples(self, x):
        return (cdist(x, self.pca.components_) / self.pca.explained_variance_ratio_).sum(axis=1)


class PyodKnn:
    """PyOD's KNN (largest): distance to the 5th neighbour; fit also scores the training records."""

    def fit(self, x):
        self.nn = NearestNeighbors(n_neighbors=5).fit(x)
        self.train_scores = self.nn.kneighbors(n_neighbors=5)[0][:, -1]
        return self

    def score_samples(self, x):
        return self.nn.kneighbors(x, n_neighbors=5)[0][:, -1]


def make(name):
    if name == "iforest":
        return IsolationForest(n_estimators=100, max_samples=256, random_state=42, n_jobs=1)
    if name == "lof":
        return LocalOutlierFactor(n_neighbors=20, novelty=True, n_jobs=1)
    if name == "pca":
        return PyodPca()
    return PyodKnn()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("out")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--subset", type=int, default=20000)
    a = ap.parse_args()
    out = {"side": "scikit-learn", "sklearn": sklearn.__version__, "numpy": np.__version__, "sets": []}
    for name in ("cardio", "transactions"):
        x = np.loadtxt(os.path.join(a.dir, name + ".csv"), delimiter=",", skiprows=1, ndmin=2)
        sd = x.std(axis=0)
        x = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
        rows = []
        for detector in ("iforest", "pca", "lof", "knn"):
            data = x[: a.subset] if detector in ("lof", "knn") else x
            fit = score = float("inf")
            for _ in range(a.reps):
                model = make(detector)
                t = time.perf_counter()
                model.fit(data)
                fit = min(fit, time.perf_counter() - t)
                t = time.perf_counter()
                s = model.score_samples(data)
                score = min(score, time.perf_counter() - t)
                assert np.isfinite(s).all()
            single = []
            for r in range(min(1000, len(data))):
                one = data[r : r + 1]
                t = time.perf_counter()
                model.score_samples(one)
                single.append(time.perf_counter() - t)
            rows.append({"detector": detector, "rows": len(data), "features": data.shape[1],
                         "fit_seconds": fit, "score_seconds": score,
                         "single_seconds": float(np.median(single))})
            print(f"sklearn {name:<12} {detector:<8} {len(data):8d} rows: fit {fit:.4f} s, "
                  f"score {score:.4f} s, one record {1e6 * np.median(single):.1f} us", flush=True)
        out["sets"].append({"set": name, "detectors": rows})
    json.dump(out, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
