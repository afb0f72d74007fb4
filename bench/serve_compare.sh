#!/usr/bin/env bash
# Usage: bash bench/serve_compare.sh BUILD_A BUILD_B [ROUNDS]
# Latency of two builds of `finml serve` on the same models and bodies, alternating A and B for
# ROUNDS rounds (default 2) so that machine load falls on both alike. For each case prints p50 and
# p99 of every round. FINML_SERVE_SECONDS: wrk duration per case (default 10). FINML_PIN: a
# taskset CPU list for the server (e.g. 1) and FINML_PIN_WRK for wrk (e.g. 0).
set -euo pipefail
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"
a="$(cd "$1" && pwd)"; b="$(cd "$2" && pwd)"; rounds="${3:-2}"
seconds="${FINML_SERVE_SECONDS:-10}"
pin_server=(); pin_wrk=()
[[ -n "${FINML_PIN:-}" ]] && pin_server=(taskset -c "$FINML_PIN")
[[ -n "${FINML_PIN_WRK:-}" ]] && pin_wrk=(taskset -c "$FINML_PIN_WRK")
work="$(mktemp -d "${TMPDIR:-/tmp}/finml_serve_compare.XXXXXX")"
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$repo"
"$a/finml" run bench/serve_lstm.yaml --out "$work/run" > /dev/null 2>&1
"$a/finml" credit train --model logistic --no-importance --out "$work/credit" > /dev/null 2>&1
mkdir -p "$work/models"
ln -s "$work/run/models/lstm" "$work/models/lstm"
ln -s "$work/credit" "$work/models/credit"
start() {
  "${pin_server[@]}" "$1/finml" serve --models "$work/models" --port 0 --threads 8 --replicas 2 2> "$work/serve.log" &
  pid=$!
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.log")
    [[ -n "$port" ]] && break
    sleep 0.1
  done
}
start "$a"
bars=$(curl -sf "http://127.0.0.1:$port/v1/models/lstm" | sed -n 's/.*"min_bars":\([0-9]*\).*/\1/p')
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
tail -n "$bars" data/aer_djia8012.csv | awk -F, 'BEGIN { printf "{\"prices\": [" }
  { printf "%s%s", (NR > 1 ? ", " : ""), $2 } END { print "]}" }' > "$work/lstm.json"
head -n 2 data/german_credit.csv | awk -F, 'NR==1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); name[i] = $i } }
  NR==2 { printf "{\"applicant\": {"; sep = "";
          for (i = 1; i <= NF; i++) if (name[i] != "Class") { printf "%s\"%s\": %s", sep, name[i], $i; sep = ", " }
          print "}}" }' > "$work/credit.json"
for round in $(seq 1 "$rounds"); do
  for label in A B; do
    build=$a; [[ $label == B ]] && build=$b
    start "$build"
    for m in lstm credit; do
      for conn in 1 8; do
        threads=$(( conn < 2 ? 1 : 2 ))
        line=$(BODY="$work/$m.json" "${pin_wrk[@]}" wrk -t"$threads" -c"$conn" -d"${seconds}s" \
                 -s "$bench_dir/wrk_post.lua" "http://127.0.0.1:$port/v1/models/$m/predict" | grep '^WRK_JSON ')
        echo "round $round $label $m c=$conn ${line#WRK_JSON }"
      done
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  done
done
