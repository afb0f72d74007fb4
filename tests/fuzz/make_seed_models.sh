#!/usr/bin/env bash
# Regenerates the small saved models the model-directory fuzz targets start from (tests/fuzz/models):
# a logistic scorecard on 300 synthetic applicants and an AR(2) forecaster on 400 DJIA closes.
# Usage: bash tests/fuzz/make_seed_models.sh FINML
set -euo pipefail
finml=$1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
awk 'BEGIN { srand(7); print "income,region,default";
  split("north south east", r, " ");
  for (i = 0; i < 300; i++) { inc = 20 + 80 * rand(); reg = r[1 + int(rand() * 3)];
    logit = 1.5 - inc / 30 + (reg == "south" ? 1 : 0);
    printf "%.2f,%s,%s\n", inc, reg, (rand() < 1 / (1 + exp(-logit))) ? "bad" : "good" } }' > "$work/applicants.csv"
"$finml" credit train --data "$work/applicants.csv" --target default --positive bad --model logistic \
  --folds 2 --no-importance --out "$work/credit" > /dev/null
head -n 401 "$repo/data/aer_djia8012.csv" > "$work/djia400.csv"
cat > "$work/ar.yaml" <<YAML
data: {path: $work/djia400.csv}
window: {lookback: 5}
models:
  - type: ar
    params: {p: 2}
YAML
"$finml" run "$work/ar.yaml" --out "$work/run" > /dev/null
rm -rf "$here/models"
mkdir -p "$here/models"
cp -r "$work/credit/model" "$here/models/credit"
cp -r "$work/run/models/ar" "$here/models/ar"
head -n 6 "$work/applicants.csv" > "$here/models/applicants.csv"
(head -n 1 "$work/djia400.csv"; tail -n 60 "$work/djia400.csv") > "$here/models/closes.csv"
ls -la "$here/models"/*
