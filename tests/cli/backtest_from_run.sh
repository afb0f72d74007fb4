#!/usr/bin/env bash
# A run's predictions trade in `finml backtest` exactly as the run's own backtest traded them
# (issue 14, item 5): --signals RUN_DIR --model NAME, with the run's data found from run.json.
# Usage: backtest_from_run.sh FINML OUT_DIR
set -euo pipefail
finml=$1; out=$2
rm -rf "$out"; mkdir -p "$out"
cat >"$out/metals.yaml" <<YAML
name: metals
data:
  path: $PWD/tests/cli/fixtures/metals.csv
  symbols: [gold]
backtest:
  strategy: threshold
  long_above: 0.0002
  cost_bps: 20
YAML
"$finml" run "$out/metals.yaml" --out "$out/run" >/dev/null 2>&1
head -1 "$out/run/predictions.csv" | grep -q ',score$' || { echo "FAIL: predictions.csv has no score column"; exit 1; }
# Several models and no --model: the error names them.
if "$finml" backtest --signals "$out/run" --out "$out/never" 2>"$out/err"; then
  echo "FAIL: several models without --model must be refused"; exit 1
fi
grep -q "which one to trade.*--model" "$out/err" || { cat "$out/err"; echo "FAIL: message"; exit 1; }
"$finml" backtest --signals "$out/run" --model ridge --out "$out/bt" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
# The predictions file itself, with the prices and settings given, works too; a run directory
# brings the run's own backtest settings.
"$finml" backtest --signals "$out/run/predictions.csv" --model ridge --prices tests/cli/fixtures/metals.csv \
  --symbols gold --long-above 0.0002 --cost-bps 20 --out "$out/bt_file" >/dev/null 2>&1
# A folder with only the predictions (no run.json) works when the prices are given.
mkdir -p "$out/bare" && cp "$out/run/predictions.csv" "$out/bare/"
"$finml" backtest --signals "$out/bare" --model ridge --prices tests/cli/fixtures/metals.csv \
  --symbols gold --long-above 0.0002 --cost-bps 20 --out "$out/bt_bare" >/dev/null 2>&1 ||
  { echo "FAIL: predictions without run.json"; exit 1; }
# A run on data without calendar dates (a decimal-year index) trades by its index as written.
cat >"$out/eu.yaml" <<YAML
name: eu
data: {path: $PWD/data/eustockmarkets.csv, symbols: [DAX]}
backtest: {strategy: threshold}
YAML
"$finml" run "$out/eu.yaml" --out "$out/eurun" >/dev/null 2>&1
"$finml" backtest --signals "$out/eurun" --model ar --out "$out/bt_eu" >"$out/log_eu" 2>&1 ||
  { cat "$out/log_eu"; echo "FAIL: a run without calendar dates"; exit 1; }
cp "$out/eurun/backtest/ar/metrics.json" "$out/eu_run_metrics.json"
for dir in bt bt_file bt_bare bt_eu; do
  reference="$out/run/backtest/ridge/metrics.json"
  [ "$dir" = bt_eu ] && reference="$out/eu_run_metrics.json"
  /usr/bin/python3 - "$reference" "$out/$dir/metrics.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("total_return", "sharpe", "max_drawdown"):
    if a["performance"][key] != b["performance"][key]:
        sys.exit(f"FAIL: {key} {a['performance'][key]} (run) != {b['performance'][key]} (backtest)")
if a["period"]["first_decision"] != b["period"]["first_decision"]:
    sys.exit("FAIL: first decision differs")
print("same as the run's backtest:", b["performance"]["total_return"], b["performance"]["sharpe"])
PY
done
