#!/usr/bin/env bash
# Usage: bash bench/serve_bench.sh BUILD_DIR
# Latency and throughput of `finml serve` on loopback, measured with wrk (Debian package), for a
# single-window LSTM forecast and a single-applicant credit score, next to the in-process floor
# (finml_bench --serve_floor: the same prediction without HTTP). Writes the "Model service"
# section of bench/RESULTS.md (between its markers; appended if absent).
#   FINML_SERVE_SECONDS  wrk duration per case (default 10)
set -euo pipefail
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"
build_dir="$(cd "${1:?usage: bash bench/serve_bench.sh BUILD_DIR}" && pwd)"
seconds="${FINML_SERVE_SECONDS:-10}"
finml="$build_dir/finml"
command -v wrk > /dev/null || { echo "serve_bench.sh: wrk is required (apt-get install wrk)" >&2; exit 1; }
[[ -x "$finml" && -x "$build_dir/finml_bench" ]] || { echo "serve_bench.sh: build finml and finml_bench first" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/finml_serve_bench.XXXXXX")"
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$repo"
source "$bench_dir/serve_setup.sh"

echo "== serve: training the LSTM forecaster and the logistic scorer" >&2
serve_train_models "$finml" "$work" "$work/train.log"
serve_start "$finml" "$work"
base="http://127.0.0.1:$port"
serve_write_bodies "$work"
for m in lstm credit; do
  curl -sf -H 'Content-Type: application/json' --data @"$work/$m.json" "$base/v1/models/$m/predict" > /dev/null ||
    { echo "serve_bench.sh: a $m request failed" >&2; exit 1; }
done

results="$work/wrk.txt"
: > "$results"
for m in lstm credit; do
  for conn in 1 8; do
    threads=$(( conn < 2 ? 1 : 2 ))
    echo "== serve: wrk $m, $conn connection(s), ${seconds}s" >&2
    line=$(BODY="$work/$m.json" wrk -t"$threads" -c"$conn" -d"${seconds}s" -s "$bench_dir/wrk_post.lua" \
             "$base/v1/models/$m/predict" | grep '^WRK_JSON ')
    echo "$m $conn ${line#WRK_JSON }" >> "$results"
  done
done
serve_stop

echo "== serve: in-process floor" >&2
mkdir -p "$work/floor"
ln -s "$work/models" "$work/floor/models"
cp "$work/lstm.json" "$work/credit.json" "$work/floor/"
"$build_dir/finml_bench" --serve_floor="$work/floor"

/usr/bin/python3 - "$results" "$work/floor/floor.json" "$bars" "$seconds" "$bench_dir/RESULTS.md" "$(nproc)" \
  "$(cut -d' ' -f1 /proc/loadavg)" "$(git -C "$repo" rev-parse --short=12 HEAD)" <<'PY'
import json, sys, datetime, re
results, floor_path, bars, seconds, out_path, cores, load, commit = sys.argv[1:]
floor = json.load(open(floor_path))
rows = []
for line in open(results):
    model, conn, payload = line.split(" ", 2)
    r = json.loads(payload)
    rps = r["requests"] / (r["duration_us"] / 1e6)
    f = floor[model]
    rows.append((model, int(conn), rps, r, f))
label = {"lstm": f"LSTM forecast, one window of {bars} closes", "credit": "credit score, one applicant (logistic, WoE)"}
md = ["<!-- serve:begin -->", "## Model service (`finml serve`, wrk on loopback)", "",
      f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC by `bash bench/serve_bench.sh` at commit {commit}: "
      f"{cores} CPUs (load {load} at the start), server with 8 request threads, 2 model replicas, "
      f"1 LibTorch thread; wrk for {seconds} s per case on the same machine (it takes CPU from the server).",
      "",
      "| case | connections | requests/s | p50 | p99 | failed | in-process p50: predict / + JSON | HTTP overhead at p50 |",
      "|---|---:|---:|---:|---:|---:|---:|---:|"]
for model, conn, rps, r, f in rows:
    fp, fj = f["predict"]["p50_us"], f["predict_with_json"]["p50_us"]
    failed = r["errors"] + r["non_2xx"]
    md.append(f"| {label[model]} | {conn} | {rps:,.0f} | {r['p50_us']/1000:.3f} ms | {r['p99_us']/1000:.3f} ms | {failed} "
              f"| {fp/1000:.3f} / {fj/1000:.3f} ms | {(r['p50_us'] - fj)/1000:.3f} ms |")
md += ["",
       "- The in-process floor is `finml_bench --serve_floor`: the served model's own `Predict` on a parsed body "
       "(validation, feature pipeline, normalisation, network or scorecard, on one thread), then the same with "
       "the JSON parse and dump; p99 in-process: " +
       ", ".join(f"{m} {floor[m]['predict']['p99_us']/1000:.3f} / {floor[m]['predict_with_json']['p99_us']/1000:.3f} ms" for m in floor) + ".",
       "- With one connection the server answers one request at a time, so requests/s ~ 1 / latency; with 8 "
       "connections two cores are shared by the server's threads and wrk.",
       "<!-- serve:end -->", ""]
section = "\n".join(md)
try:
    text = open(out_path).read()
except FileNotFoundError:
    text = ""
if "<!-- serve:begin -->" in text:
    text = re.sub(r"<!-- serve:begin -->.*?<!-- serve:end -->\n?", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(out_path + ".tmp", "w").write(text)
import os; os.replace(out_path + ".tmp", out_path)
print(section)
PY
echo "== serve: wrote the model-service section of $bench_dir/RESULTS.md" >&2
