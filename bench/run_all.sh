#!/usr/bin/env bash
# Usage: bash bench/run_all.sh BUILD_DIR     (BUILD_DIR/finml_bench must already be built)
# Runs finml_bench and its peers (pandas, R TTR) on the same generated inputs in one go and
# rewrites bench/RESULTS.md from scratch with their ratios.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${1:?usage: bash bench/run_all.sh BUILD_DIR}"
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

work="$(mktemp -d "${TMPDIR:-/tmp}/finml_bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$SECONDS

echo "== generating inputs in $work" >&2
"$bin" --generate="$work"
echo "== finml_bench" >&2
"$bin" --data_dir="$work" --benchmark_out="$work/finml.json" --benchmark_out_format=json \
  --benchmark_format=console >&2
echo "== pandas peer" >&2
"$py" "$bench_dir/peer_pandas.py" "$work" >"$work/pandas.csv"
cat "$work/pandas.csv" >&2
echo "== R TTR peer" >&2
Rscript "$bench_dir/peer_ttr.R" "$work" >"$work/ttr.csv"
cat "$work/ttr.csv" >&2

"$py" "$bench_dir/report.py" "$work/finml.json" "$work/pandas.csv" "$work/ttr.csv" "$build_dir" \
  "$started" "$load_start" "$((SECONDS - t0))" "$bench_dir/RESULTS.md"
echo "== wrote $bench_dir/RESULTS.md" >&2
