#!/usr/bin/env bash
# Task-parallel jobs give exactly the serial results under finml launch: a hyperparameter search
# (search.csv, predictions), a Monte Carlo VaR whose simulation is split into blocks (var.csv),
# and credit cross-validation folds (oof_predictions.csv).
# Usage: tasks_equal_launch.sh FINML SEARCH_EXPERIMENT RETURNS_CSV OUT_DIR PORT
set -euo pipefail
# One thread on both sides: float sums in the same order, whatever the machine's cores.
export OMP_NUM_THREADS=1
finml=$1 experiment=$2 returns=$3 out=$4 port=$5
rm -rf "$out" && mkdir -p "$out"
launch=("$finml" launch --nproc 2 --master)
"$finml" run "$experiment" --out "$out/search_serial" > /dev/null 2>&1
# parallel: tasks, so the final fit is rank 0's alone (data-parallel would agree to rounding).
"${launch[@]}" "127.0.0.1:$port" -- "$finml" run "$experiment" --set parallel=tasks \
  --out "$out/search_ranks" \
  > /dev/null 2>&1
var=(risk var --returns "$returns" --method monte_carlo --simulations 25000 --horizon 5
     --window 500 --refit-every 250)
"$finml" "${var[@]}" --out "$out/var_serial" > /dev/null 2>&1
"${launch[@]}" "127.0.0.1:$((port + 1))" -- "$finml" "${var[@]}" --out "$out/var_ranks" \
  > /dev/null 2>&1
credit=(credit train --model logistic --folds 4)
"$finml" "${credit[@]}" --out "$out/credit_serial" > /dev/null 2>&1
"${launch[@]}" "127.0.0.1:$((port + 2))" -- "$finml" "${credit[@]}" --out "$out/credit_ranks" \
  > /dev/null 2>&1
status=0
for f in search_serial/search.csv search_serial/predictions.csv var_serial/var.csv \
         credit_serial/oof_predictions.csv; do
  if ! cmp -s "$out/$f" "$out/${f/serial/ranks}"; then
    echo "FAIL: $f differs on 2 ranks"; status=1
  fi
done
[ $status = 0 ] && echo "search ($(($(wc -l < "$out/search_serial/search.csv") - 1)) trials), Monte Carlo VaR and credit CV identical on 2 ranks"
exit $status
