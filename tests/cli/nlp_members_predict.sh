#!/usr/bin/env bash
# A seed ensemble of distilled transformers (issue 18) through the CLI: `nlp train --members 2
# --distill 0.5 --distill-copies 1` saves both networks, `nlp predict` reads them back and gives
# the probabilities the run wrote for the same sentences, and a missing member is refused by name.
# Usage: nlp_members_predict.sh FINML OUT_DIR
set -euo pipefail
finml=$1; out=$2
rm -rf "$out"; mkdir -p "$out"
run() { "$@" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }; }
head -401 examples/data/phrasebank_train.csv >"$out/some.csv"
run "$finml" nlp train --data "$out/some.csv" --text sentence --model transformer --members 2 \
  --distill 0.5 --distill-copies 1 --pooling mean --d-model 16 --ff 32 --heads 2 --layers 1 \
  --vocab-size 300 --epochs 2 --test 0.25 --out "$out/run"
for k in 0 1; do
  [[ -s "$out/run/model/member_$k/network.pt" ]] || { echo "FAIL: member $k not saved"; exit 1; }
done
grep -q '"members": 2' "$out/run/model/model.json" || { echo "FAIL: members not recorded"; exit 1; }
# The report's learning curve marks the epoch whose weights were kept.
grep -q 'best epoch (kept)' "$out/run/report.html" ||
  { echo "FAIL: the learning curve does not mark the kept epoch"; exit 1; }
run "$finml" nlp predict --model "$out/run/model" --input "$out/some.csv" --text sentence \
  --out "$out/pred.csv"
/usr/bin/python3 - "$out" <<'PY' || exit 1
import csv, sys
out = sys.argv[1]
# The run's predictions.csv names each held-out text by its data row; both print 6 digits.
run = list(csv.DictReader(open(f"{out}/run/predictions.csv")))
pred = list(csv.DictReader(open(f"{out}/pred.csv")))
for r in run:
    p = pred[int(r["row"]) - 1]  # rows count from 1
    for c in ("p_negative", "p_neutral", "p_positive"):
        if abs(float(p[c]) - float(r[c])) > 1.5e-6:
            sys.exit(f"FAIL: {c} of row {r['row']}: {p[c]} predicted, {r[c]} in the run")
if len(run) < 90:
    sys.exit(f"FAIL: only {len(run)} held-out rows")
PY
rm -rf "$out/run/model/member_1"
if "$finml" nlp predict --model "$out/run/model" --input "$out/some.csv" --text sentence \
  --out "$out/pred2.csv" >"$out/log" 2>&1; then
  echo "FAIL: a model without its second member predicted"; exit 1
fi
grep -q "member_1: missing, and model.json declares 2 members" "$out/log" || { cat "$out/log"; exit 1; }
echo "ok"
