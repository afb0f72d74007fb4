"""Credit-scoring peers on finml's own folds: scikit-learn's LogisticRegression and
RandomForestClassifier and Python XGBoost (Debian python3-sklearn, python3-xgboost).

Usage:
  peer_credit.py run DATA.csv FOLDS.csv OUT.json
      FOLDS.csv: row,fold (1-based rows) as finml wrote them. Trains every peer on every fold,
      times the fits, writes AUCs per fold and seconds.
  peer_credit.py check DATA.csv FINML_RUN_DIR MODEL [TOLERANCE]
      Reads finml's oof_predictions.csv (its folds and probabilities), trains the matching peer on
      the same folds and exits 1 if finml's mean AUC is more than TOLERANCE below the peer's
      (77 when the peer library is missing). Used by ctest.

Inputs are prepared like finml's one_hot encoding: numeric columns standardised with the
training fold's mean and sample sd, categorical columns one-hot with the training categories.
The target is Class == "Bad" (German credit); other data sets: set FINML_TARGET / FINML_POSITIVE.
"""

import json
import os
import sys
import time

try:
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    import xgboost
except ImportError as e:
    print(f"peer libraries missing ({e}): skipped", file=sys.stderr)
    sys.exit(77)

TARGET = os.environ.get("FINML_TARGET", "Class")
POSITIVE = os.environ.get("FINML_POSITIVE", "Bad")


def design(train, test):
    numeric = [c for c in train.columns if pd.api.types.is_numeric_dtype(train[c])]
    categorical = [c for c in train.columns if c not in numeric]
    mean, sd = train[numeric].mean(), train[numeric].std(ddof=1).replace(0, 1)
    parts_train, parts_test = [(train[numeric] - mean) / sd], [(test[numeric] - mean) / sd]
    for c in categorical:
        cats = sorted(train[c].dropna().unique())
        parts_train.append(pd.get_dummies(pd.Categorical(train[c], categories=cats), prefix=c))
        parts_test.append(pd.get_dummies(pd.Categorical(test[c], categories=cats), prefix=c))
    return (pd.concat([p.reset_index(drop=True) for p in parts_train], axis=1).to_numpy(float),
            pd.concat([p.reset_index(drop=True) for p in parts_test], axis=1).to_numpy(float))


PEERS = {
    # finml logistic: l2 = 1 on standardised inputs == scikit-learn C = 1.
    "logistic": ("sklearn LogisticRegression(C=1)",
                 lambda seed: LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10,
                                                 max_iter=1000)),
    "rf": ("sklearn RandomForestClassifier(300 trees)",
           lambda seed: RandomForestClassifier(n_estimators=300, random_state=seed, n_jobs=1)),
    "gbdt": ("xgboost.XGBClassifier(300 rounds, eta 0.05, depth 4, subsample/colsample 0.8, hist)",
             lambda seed: xgboost.XGBClassifier(n_estimators=300, learning_rate=0.05, max_depth=4,
                                                subsample=0.8, colsample_bytree=0.8,
                                                tree_method="hist", n_jobs=1, random_state=seed)),
}


def cross_validate(data, folds, model):
    x_all = data.drop(columns=[TARGET])
    y_all = (data[TARGET].astype(str) == POSITIVE).astype(int).to_numpy()
    aucs, seconds = [], 0.0
    for k in sorted(set(folds)):
        test = folds == k
        x_train, x_test = design(x_all[~test], x_all[test])
        peer = PEERS[model][1](42)
        start = time.perf_counter()
        peer.fit(x_train, y_all[~test])
        p = peer.predict_proba(x_test)[:, 1]
        seconds += time.perf_counter() - start
        aucs.append(roc_auc_score(y_all[test], p))
    return aucs, seconds


def main():
    mode = sys.argv[1]
    data = pd.read_csv(sys.argv[2])
    if mode == "run":
        folds_df = pd.read_csv(sys.argv[3])
        folds = folds_df.sort_values("row")["fold"].to_numpy()
        out = {"peers": {}, "versions": {"sklearn": __import__("sklearn").__version__,
                                         "xgboost": xgboost.__version__}}
        for model, (label, _) in PEERS.items():
            aucs, seconds = cross_validate(data, folds, model)
            out["peers"][model] = {"peer": label, "auc": aucs, "seconds": seconds}
        with open(sys.argv[4], "w") as f:
            json.dump(out, f, indent=2)
        return 0
    run_dir, model = sys.argv[3], sys.argv[4]
    tolerance = float(sys.argv[5]) if len(sys.argv) > 5 else 0.01
    oof = pd.read_csv(os.path.join(run_dir, "oof_predictions.csv"))
    folds = oof.sort_values("row")["fold"].to_numpy()
    mine = [roc_auc_score(g["y"], g["probability"]) for _, g in oof.groupby("fold")]
    theirs, _ = cross_validate(data, folds, model)
    print(f"{model}: finml AUC {np.mean(mine):.4f} (folds {', '.join(f'{a:.4f}' for a in mine)}); "
          f"{PEERS[model][0]} {np.mean(theirs):.4f} "
          f"(folds {', '.join(f'{a:.4f}' for a in theirs)})")
    if np.mean(mine) < np.mean(theirs) - tolerance:
        print(f"FAIL: finml is more than {tolerance} below the peer")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
