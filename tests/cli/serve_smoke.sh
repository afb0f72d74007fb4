#!/usr/bin/env bash
# `finml serve` as users run it: train a credit model with the binary, serve it on a free port,
# check health, a prediction equal to `finml credit score` on the same applicant, a 4xx for bad
# input, and a clean stop on SIGTERM.
# Usage: serve_smoke.sh FINML OUT_DIR
set -euo pipefail
finml=$1; out=$2
rm -rf "$out"; mkdir -p "$out/models"
"$finml" credit train --model logistic --folds 2 --no-importance --out "$out/credit" > "$out/train.log"
ln -s ../credit "$out/models/scorer"

# One applicant (row 1 of the data) as CSV and as the JSON a client sends; Class is the target.
head -n 2 data/german_credit.csv > "$out/one.csv"
awk -F, 'NR==1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); name[i] = $i } }
         NR==2 { printf "{\"applicant\": {"; sep = "";
                 for (i = 1; i <= NF; i++) if (name[i] != "Class") { printf "%s\"%s\": %s", sep, name[i], $i; sep = ", " }
                 print "}}" }' "$out/one.csv" > "$out/one.json"
"$finml" credit score --model "$out/credit" --input "$out/one.csv" --out "$out/scores.csv" > /dev/null
expected=$(awk -F, 'NR==2 { print $2 }' "$out/scores.csv")

"$finml" serve --models "$out/models" --port 0 --threads 2 --audit-log "$out/audit.jsonl" 2> "$out/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/serve.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: the server did not start"; cat "$out/serve.log"; exit 1; }
base="http://127.0.0.1:$port"

# Answers go to files before grep: `grep -q` quits at its match, and curl's broken pipe would
# fail the pipeline under pipefail.
curl -sf "$base/healthz" > "$out/health.json" && grep -q '"ok"' "$out/health.json" || { echo "FAIL: /healthz"; exit 1; }
answer=$(curl -sf -H 'Content-Type: application/json' --data @"$out/one.json" "$base/v1/models/scorer/predict")
served=$(echo "$answer" | sed -n 's/.*"probability":\([^,}]*\).*/\1/p')
# Both print the double exactly (17 significant digits or the shortest round trip): compare as numbers.
awk -v a="$served" -v b="$expected" 'BEGIN { exit !(a == b) }' ||
  { echo "FAIL: served probability $served, finml credit score $expected"; exit 1; }
code=$(curl -s -o "$out/bad.json" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"applicant": {"Age": "old"}}' "$base/v1/models/scorer/predict")
[ "$code" = 400 ] && grep -q '"invalid_request"' "$out/bad.json" || { echo "FAIL: bad input got $code"; cat "$out/bad.json"; exit 1; }
curl -sf "$base/metrics" > "$out/metrics.txt" && grep -q 'finml_predictions_total{model="scorer"' "$out/metrics.txt" ||
  { echo "FAIL: /metrics"; exit 1; }

# SIGHUP rescans the models (and reopens the audit log) without stopping.
kill -HUP $pid
for _ in $(seq 1 50); do grep -q "SIGHUP reload" "$out/serve.log" && break; sleep 0.1; done
grep -q "SIGHUP reload" "$out/serve.log" || { echo "FAIL: no reload on SIGHUP"; cat "$out/serve.log"; exit 1; }
curl -sf "$base/healthz" > /dev/null || { echo "FAIL: not serving after SIGHUP"; exit 1; }

kill -TERM $pid
rc=0; wait $pid || rc=$?
trap - EXIT
[ $rc = 0 ] || { echo "FAIL: exit code $rc after SIGTERM"; exit 1; }
grep -q "stopped" "$out/serve.log" || { echo "FAIL: no clean stop"; cat "$out/serve.log"; exit 1; }
[ "$(wc -l < "$out/audit.jsonl")" = 2 ] || { echo "FAIL: audit log"; cat "$out/audit.jsonl"; exit 1; }
echo "serve smoke: port $port, probability $served, clean stop"
