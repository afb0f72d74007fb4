#!/usr/bin/env bash
# `finml credit score` passes ids through, decides at the training threshold as the service does,
# says that the protected attribute is never used, and puts a small batch's PSI in proportion
# (issue 14, items 8 and 10).
# Usage: credit_score_batch.sh FINML OUT_DIR
set -euo pipefail
finml=$1; out=$2
rm -rf "$out"; mkdir -p "$out"
fixtures=tests/cli/fixtures
"$finml" credit train --data $fixtures/applicants_ids.csv --target default --protected sex \
  --exclude id --threshold 0.3 --no-importance --out "$out/model" >/dev/null 2>&1
"$finml" credit score --model "$out/model" --input $fixtures/applicants_batch.csv \
  --out "$out/scores.csv" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
cat "$out/log"
fail() { echo "FAIL: $1"; exit 1; }
[ "$(head -1 "$out/scores.csv")" = "row,id,probability,score,decision,reason_1,reason_2,reason_3" ] ||
  fail "header: $(head -1 "$out/scores.csv")"
grep -q "^1,A0000," "$out/scores.csv" || fail "the id of the first applicant is not passed through"
grep -q "column 'sex' is the protected attribute.*never an input" "$out/log" || fail "protected note"
grep -q "not model inputs, not used: default" "$out/log" || fail "unused columns note"
grep -q "declined [0-9]* at the training threshold 0.3" "$out/log" || fail "decision summary"
grep -q "20 rows from the training population exceed" "$out/log" || fail "PSI sampling level"
# Every decision is the training threshold's: decline exactly where probability >= 0.3.
awk -F, 'NR > 1 && (($3 >= 0.3) != ($5 == "decline")) { bad = 1 } END { exit bad }' \
  "$out/scores.csv" || fail "a decision disagrees with the threshold"
# --id chooses the pass-through columns.
"$finml" credit score --model "$out/model" --input $fixtures/applicants_batch.csv --id sex --id id \
  --out "$out/scores2.csv" >/dev/null 2>&1
[ "$(head -1 "$out/scores2.csv" | cut -d, -f1-3)" = "row,sex,id" ] || fail "--id order"
# Ids are copied as written: zero-padded and 20-digit ids keep every digit.
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $1 = (NR == 2 ? "12345678901234567891" : sprintf("%05d", NR)); print }' \
  $fixtures/applicants_batch.csv >"$out/numeric_ids.csv"
"$finml" credit score --model "$out/model" --input "$out/numeric_ids.csv" --out "$out/scores3.csv" >/dev/null 2>&1
grep -q "^1,12345678901234567891," "$out/scores3.csv" || fail "a 20-digit id lost digits"
grep -q "^2,00003," "$out/scores3.csv" || fail "a zero-padded id lost its zeros"
# A numeric column named id is an identifier too, never an input.
awk -F, 'BEGIN { OFS = "," } NR > 1 { $1 = NR } { print }' $fixtures/applicants_ids.csv >"$out/numeric_train.csv"
"$finml" credit train --data "$out/numeric_train.csv" --target default --no-importance \
  --out "$out/model_numeric" >"$out/log_numeric" 2>&1
grep -q "'id' names rows" "$out/log_numeric" || fail "a numeric id was not recognised"
/usr/bin/python3 -c 'import json, sys; sys.exit("id" in json.load(open(sys.argv[1]))["features"])' \
  "$out/model_numeric/model/model.json" || fail "a numeric id became a model input"
echo "ok"
