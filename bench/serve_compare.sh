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
server_pid=""
trap '[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$repo"
source "$bench_dir/serve_setup.sh"
serve_train_models "$a/finml" "$work" /dev/null
serve_start "$a/finml" "$work" "${pin_server[@]}"
serve_write_bodies "$work"
serve_stop
for round in $(seq 1 "$rounds"); do
  for label in A B; do
    build=$a; [[ $label == B ]] && build=$b
    serve_start "$build/finml" "$work" "${pin_server[@]}"
    for m in lstm credit; do
      for conn in 1 8; do
        threads=$(( conn < 2 ? 1 : 2 ))
        line=$(BODY="$work/$m.json" "${pin_wrk[@]}" wrk -t"$threads" -c"$conn" -d"${seconds}s" \
                 -s "$bench_dir/wrk_post.lua" "http://127.0.0.1:$port/v1/models/$m/predict" | grep '^WRK_JSON ')
        echo "round $round $label $m c=$conn ${line#WRK_JSON }"
      done
    done
    serve_stop
  done
done
