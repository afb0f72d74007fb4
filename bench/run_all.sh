#!/usr/bin/env bash
# Usage: bash bench/run_all.sh BUILD_DIR     (BUILD_DIR/finml_bench must already be built)
# Runs finml_bench and its peers (pandas, R TTR) on the same generated inputs in one go and
# rewrites bench/RESULTS.md from scratch with their ratios.
#
# The sides take turns: ROUNDS rounds of (finml, pandas, R), REPS repetitions each per round, and
# the best repetition overall counts. On a shared machine a burst of someone else's work then
# lands on every side alike instead of on whichever ran during it.
#   FINML_BENCH_ROUNDS (default 3), FINML_BENCH_REPS (default 2)
#   FINML_BENCH_MALLOC=default  leave glibc's allocator settings alone (see below)
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${1:?usage: bash bench/run_all.sh BUILD_DIR}"
rounds="${FINML_BENCH_ROUNDS:-3}"
reps="${FINML_BENCH_REPS:-2}"
bin="$build_dir/finml_bench"
if [[ ! -x "$bin" ]]; then
  echo "run_all.sh: $bin not found; build it: cmake --build $build_dir --target finml_bench" >&2
  exit 1
fi
# Debian's interpreter carries pandas; the python3 first on PATH (pyenv) may not.
py=/usr/bin/python3
"$py" -c 'import pandas' 2>/dev/null || { echo "run_all.sh: $py lacks pandas" >&2; exit 1; }
Rscript -e 'suppressPackageStartupMessages(library(TTR))' >/dev/null 2>&1 ||
  { echo "run_all.sh: Rscript with the TTR package is required (r-cran-ttr)" >&2; exit 1; }

# Every side allocates and frees buffers of tens of MB per call. With glibc's defaults freed memory
# goes back to the kernel and the next call faults it in again, and on the VMs this runs on a page
# fault is expensive: in a trial that made pandas' wide-panel read_csv 2.6x slower, finml's OHLCV
# load 2x and TTR's ATR 5x, by amounts that shifted with each process's heap history. The same
# settings for every side keep freed memory for reuse, so the ratios compare the code.
if [[ "${FINML_BENCH_MALLOC:-retain}" != default ]]; then
  tunables=(glibc.malloc.trim_threshold=1073741824 glibc.malloc.top_pad=268435456
    glibc.malloc.mmap_threshold=33554432)
  GLIBC_TUNABLES="$(IFS=:; echo "${tunables[*]}")"
  export GLIBC_TUNABLES
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/finml_bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$SECONDS

echo "== generating inputs in $work" >&2
"$bin" --generate="$work"
for ((round = 1; round <= rounds; round++)); do
  echo "== round $round/$rounds: finml_bench" >&2
  "$bin" --data_dir="$work" --benchmark_repetitions="$reps" \
    --benchmark_out="$work/finml.$round.json" --benchmark_out_format=json \
    --benchmark_format=console >&2
  echo "== round $round/$rounds: pandas peer" >&2
  "$py" "$bench_dir/peer_pandas.py" "$work" "$reps" | tee "$work/pandas.$round.csv" >&2
  echo "== round $round/$rounds: R TTR peer" >&2
  Rscript "$bench_dir/peer_ttr.R" "$work" "$reps" | tee "$work/ttr.$round.csv" >&2
done

"$py" "$bench_dir/report.py" "$work" "$rounds" "$reps" "$build_dir" "$started" "$load_start" \
  "$((SECONDS - t0))" "$bench_dir/RESULTS.md"
echo "== wrote $bench_dir/RESULTS.md" >&2
