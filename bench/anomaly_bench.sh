#!/usr/bin/env bash
# Anomaly detection speed against scikit-learn (issue 20): fit, score and one-record time of
# iforest, pca, lof and knn on ODDS cardio and on about a million synthetic transactions' fraud
# features (lof and knn on the first 20,000), one thread per side, sides alternating over
# ROUNDS rounds (default 2), the best of each kept. Prints the table for bench/RESULTS.md.
# Usage: bash bench/anomaly_bench.sh [BUILD_DIR]   (builds finml_bench there first)
set -euo pipefail
build=${1:-build}
rows=${FINML_ANOMALY_ROWS:-1000000}
rounds=${FINML_BENCH_ROUNDS:-2}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
flock /tmp/finml-build.lock cmake --build "$build" --target finml_bench -j2 >/dev/null
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
"$build/finml_bench" --anomaly_generate="$tmp" --anomaly_rows="$rows"
for round in $(seq "$rounds"); do
  "$build/finml_bench" --anomaly_run="$tmp" --anomaly_out="$tmp/finml_$round.json" --anomaly_reps=2
  /usr/bin/python3 "$here/peer_anomaly.py" "$tmp" "$tmp/sklearn_$round.json" --reps 2
done
/usr/bin/python3 - "$tmp" "$rounds" <<'PY'
import json, sys
d, rounds = sys.argv[1], int(sys.argv[2])
def best(side):
    runs = [json.load(open(f"{d}/{side}_{r}.json")) for r in range(1, rounds + 1)]
    out = {}
    for run in runs:
        for s in run["sets"]:
            for r in s["detectors"]:
                k = (s["set"], r["detector"])
                prev = out.get(k)
                out[k] = r if prev is None else {**r, **{m: min(prev[m], r[m]) for m in ("fit_seconds", "score_seconds", "single_seconds")}}
    return out, runs[0]
f, fr = best("finml")
s, sr = best("sklearn")
print(f"scikit-learn {sr['sklearn']}, NumPy {sr['numpy']}; finml {fr['finml_version']}; best of {rounds} rounds x 2 repetitions")
print("| data | detector | rows x features | fit finml / sklearn (s) | ratio | score all finml / sklearn (s) | ratio | fit + score ratio | one record finml / sklearn (µs) | ratio |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for k in f:
    a, b = f[k], s[k]
    total = (b['fit_seconds'] + b['score_seconds']) / (a['fit_seconds'] + a['score_seconds'])
    print(f"| {k[0]} | {k[1]} | {a['rows']:,} x {a['features']} | {a['fit_seconds']:.4f} / {b['fit_seconds']:.4f} | "
          f"{b['fit_seconds'] / a['fit_seconds']:.1f}x | {a['score_seconds']:.4f} / {b['score_seconds']:.4f} | "
          f"{b['score_seconds'] / a['score_seconds']:.1f}x | {total:.1f}x | {1e6 * a['single_seconds']:.1f} / {1e6 * b['single_seconds']:.1f} | "
          f"{b['single_seconds'] / a['single_seconds']:.1f}x |")
PY
