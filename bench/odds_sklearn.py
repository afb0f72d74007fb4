#!/usr/bin/python3
"""scikit-learn's MinCovDet and LocalOutlierFactor under PyOD's benchmark protocol.

The detectors behind PyOD's MCD and LOF figures, run today, so the ODDS table in
bench/RESULTS.md can tell finml's distance from PyOD's published numbers apart from the
distance between PyOD's numbers (10 splits, an older scikit-learn) and the algorithm itself.
Random 60/40 splits (train_test_split with the split index as seed, as PyOD's benchmark),
features standardised on the training part, ROC AUC on the rest; MinCovDet scores by
mahalanobis (PyOD's MCD), LOF with 20 neighbours in novelty mode (PyOD's LOF). The splits are
not finml's (another generator), so both sides estimate the same expectation, not the same
numbers. A few minutes for cardio and letter (FastMCD's 500 starts on more than 500 records).

Usage: /usr/bin/python3 bench/odds_sklearn.py [--splits 100] [--data-dir data] [SET ...]
"""
import argparse
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.covariance import MinCovDet
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", default=["arrhythmia", "cardio", "ionosphere", "letter", "pima"])
    parser.add_argument("--splits", type=int, default=100)
    parser.add_argument("--data-dir", default="data")
    args = parser.parse_args()
    # MinCovDet warns on every near-singular support (cardio's near-constant features).
    warnings.filterwarnings("ignore")
    print(f"scikit-learn {sklearn.__version__}, {args.splits} splits per set")
    print(f"{'data':<12} {'MCD':>8} {'LOF':>8}")
    for name in args.sets:
        frame = pd.read_csv(f"{args.data_dir}/odds_{name}.csv")
        x = frame.drop(columns="label").to_numpy()
        y = frame["label"].to_numpy()
        mcd, lof = [], []
        for split in range(args.splits):
            x_train, x_test, _, y_test = train_test_split(x, y, test_size=0.4, random_state=split)
            scaler = StandardScaler().fit(x_train)
            x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
            mcd.append(roc_auc_score(y_test, MinCovDet(random_state=split).fit(x_train).mahalanobis(x_test)))
            model = LocalOutlierFactor(n_neighbors=20, novelty=True).fit(x_train)
            lof.append(roc_auc_score(y_test, -model.score_samples(x_test)))
        print(f"{name:<12} {np.mean(mcd):>8.4f} {np.mean(lof):>8.4f}", flush=True)


if __name__ == "__main__":
    main()
