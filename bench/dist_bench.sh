#!/usr/bin/env bash
# Scale-out on this machine: 1 rank against 2 (loopback Gloo, the same 2 cores), and the cost of
# the all-reduce that data-parallel training adds to each step. The README's cost model for 8 and
# 64 nodes starts from these figures.
# Usage: bash bench/dist_bench.sh [BUILD_DIR]   (from the repository root)
set -euo pipefail
build=${1:-build}
finml=$build/finml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
port=29700

echo "## all-reduce on 2 ranks (finml dist check: fastest of 30 rounds)"
"$finml" launch --nproc 2 --master 127.0.0.1:$port -- "$finml" dist check \
  --bytes 8,4096,65536,262144,1048576,4194304,16777216 --rounds 30

seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }

echo
echo "## data-parallel: one LSTM on the Dow 30 panel (examples/dow30_lstm_panel.yaml, 4 epochs)"
lstm=(run examples/dow30_lstm_panel.yaml --set models[1].params.epochs=4
      --set models[1].params.patience=10)
for round in 1 2; do
  one=$(seconds "$finml" "${lstm[@]}" --out "$out/one" --overwrite)
  two=$(FINML_DIST_VERBOSE=1 /usr/bin/time -f %e "$finml" launch --nproc 2 --master 127.0.0.1:$((port + round)) -- \
        "$finml" "${lstm[@]}" --set parallel=data --out "$out/two" --overwrite 2>"$out/two.err" >/dev/null
        tail -1 "$out/two.err")
  echo "round $round: 1 rank ${one} s, 2 ranks ${two} s"
done
grep -m1 "bytes all-reduced per step" "$out/two.err" || true

echo
echo "## task-parallel: the same panel walk-forward, 3 expanding folds x (ridge, LSTM 3 epochs)"
wf=(run examples/dow30_lstm_panel.yaml --set split.method=walk_forward --set split.folds=3
    --set split.min_train=1500 --set models[1].params.epochs=3 --set models[1].params.patience=10)
for round in 1 2; do
  one=$(seconds "$finml" "${wf[@]}" --out "$out/wf1" --overwrite)
  two=$(seconds "$finml" launch --nproc 2 --master 127.0.0.1:$((port + 10 + round)) -- \
        "$finml" "${wf[@]}" --set parallel=tasks --out "$out/wf2" --overwrite)
  echo "round $round: 1 rank ${one} s, 2 ranks ${two} s"
done
cmp -s "$out/wf1/predictions.csv" "$out/wf2/predictions.csv" && echo "predictions identical"

echo
echo "## Monte Carlo VaR, 200,000 GARCH-t paths of 10 days per estimate (data/dem2gbp.csv)"
var=(risk var --returns data/dem2gbp.csv --method monte_carlo --simulations 200000 --horizon 10
     --window 1500 --refit-every 250)
one=$(seconds "$finml" "${var[@]}" --out "$out/v1" --overwrite)
two=$(seconds "$finml" launch --nproc 2 --master 127.0.0.1:$((port + 20)) -- "$finml" "${var[@]}" \
      --out "$out/v2" --overwrite)
echo "1 rank ${one} s, 2 ranks ${two} s"
cmp -s "$out/v1/var.csv" "$out/v2/var.csv" && echo "var.csv identical"
