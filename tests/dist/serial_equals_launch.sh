#!/usr/bin/env bash
# A walk-forward with a torch model gives the serial results under finml launch: exactly when the
# fits are split across ranks (parallel: tasks), to float rounding when each torch model trains
# data-parallel (parallel: data). Rank 1 writes nothing. Then checkpoints: a run resumed from a
# finished run's checkpoints restores every training and predicts exactly the same.
# Usage: serial_equals_launch.sh FINML EXPERIMENT OUT_DIR PORT
set -euo pipefail
# One thread on both sides: float sums in the same order, whatever the machine's cores.
export OMP_NUM_THREADS=1
finml=$1 experiment=$2 out=$3 port=$4
rm -rf "$out" && mkdir -p "$out"
"$finml" run "$experiment" --out "$out/serial" > /dev/null 2>&1
"$finml" launch --nproc 2 --master "127.0.0.1:$port" -- \
  "$finml" run "$experiment" --set parallel=tasks --out "$out/tasks" > "$out/tasks.log" 2>&1
"$finml" launch --nproc 2 --master "127.0.0.1:$((port + 1))" -- \
  "$finml" run "$experiment" --set parallel=data --out "$out/data" > "$out/data.log" 2>&1
status=0
if ! cmp -s "$out/serial/predictions.csv" "$out/tasks/predictions.csv"; then
  echo "FAIL: predictions differ between serial and 2 ranks splitting the fits"; status=1
fi
# Timings aside, metrics.json is the same.
if ! diff <(grep -v seconds "$out/serial/metrics.json") <(grep -v seconds "$out/tasks/metrics.json"); then
  echo "FAIL: metrics differ between serial and 2 ranks splitting the fits"; status=1
fi
# Data-parallel float32 training sums gradients in another order: equal to 1e-6.
if ! awk -F, 'NR == FNR { if (FNR > 1) a[FNR] = $4; next }
              FNR > 1 { d = $4 - a[FNR]; if (d < 0) d = -d; if (d > m) m = d }
              END { print "data-parallel: largest prediction difference", m; exit (m > 1e-6) }' \
     "$out/serial/predictions.csv" "$out/data/predictions.csv"; then
  echo "FAIL: data-parallel predictions differ from serial by more than 1e-6"; status=1
fi
# One report line each: rank 1 printed nothing and left nothing beside the outputs.
for mode in tasks data; do
  if [ "$(grep -c '^report: ' "$out/$mode.log")" != 1 ]; then
    echo "FAIL: $mode: expected one report line (rank 0's)"; cat "$out/$mode.log"; status=1
  fi
done
if ls -a "$out" | grep -q partial; then echo "FAIL: a staging directory was left"; status=1; fi
# Checkpoints: write them, then resume from them.
"$finml" run "$experiment" --out "$out/first" --checkpoint-every 1 > /dev/null 2>&1
n=$(ls "$out/first.checkpoints" | wc -l)
"$finml" run "$experiment" --out "$out/resumed" --checkpoint-dir "$out/first.checkpoints" --resume \
  > /dev/null 2>&1
if ! cmp -s "$out/serial/predictions.csv" "$out/resumed/predictions.csv"; then
  echo "FAIL: a run resumed from finished checkpoints predicts otherwise"; status=1
fi
[ $status = 0 ] && echo "same results serial, on 2 ranks (tasks and data) and resumed from $n checkpoints"
exit $status
