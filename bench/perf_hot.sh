#!/usr/bin/env bash
# Where one finml_bench case spends its time: perf samples (cpu-clock, so it works on VMs without
# hardware counters) of the case, the innermost function of each sample whose stack passes through
# STACK_REGEX (the timed code, not the input generation or loading), and the hottest instructions
# of the top function. The profiles in the issue-22 notes come from here.
# Usage: bench/perf_hot.sh BUILD_DIR BENCH_FILTER STACK_REGEX [INPUT_DIR]
#   bench/perf_hot.sh build BacktestWeights 'Book::Advance|Simulate'
#   bench/perf_hot.sh build Sma20 'BM_Sma20'
set -euo pipefail
build=${1:?usage: perf_hot.sh BUILD_DIR BENCH_FILTER STACK_REGEX [INPUT_DIR]}
filter=${2:?bench filter, e.g. BacktestWeights}
stack=${3:?stack regex, e.g. Book::Advance}
bin="$build/finml_bench"
[[ -x "$bin" ]] || { echo "perf_hot.sh: $bin not found (fix: cmake --build $build --target finml_bench)" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf_hot.sh: perf not found (fix: apt-get install linux-perf)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/finml_perf.XXXXXX")
trap 'rm -rf "$work"' EXIT
inputs=${4:-$work/inputs}
[[ -d "$inputs" ]] || "$bin" --generate="$inputs" >/dev/null
# The same allocator settings and BLAS threads as run_all.sh.
export GLIBC_TUNABLES=glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=268435456:glibc.malloc.mmap_threshold=33554432
export OPENBLAS_NUM_THREADS=1
perf record -q -g -e cpu-clock -F 999 -o "$work/perf.data" -- \
  "$bin" --data_dir="$inputs" --benchmark_filter="$filter" 2>&1 | grep -E "^BM_" || true
perf script -i "$work/perf.data" -F ip,sym 2>/dev/null | awk -v re="$stack" '
  BEGIN { RS = "" }
  { all++
    if ($0 ~ re) {
      split($0, frame, "\n"); leaf = frame[1]; if (leaf == "") leaf = frame[2]
      sub(/^[ \t]*[0-9a-f]+ /, "", leaf); count[leaf]++; n++ } }
  END { printf "%d of %d samples pass through /%s/; innermost function:\n", n, all, re > "/dev/stderr"
        for (f in count) printf "%6.1f%%  %s\n", 100 * count[f] / n, f }' | sort -k1,1 -rn | head -12
top=$(perf script -i "$work/perf.data" -F ip,sym 2>/dev/null | awk -v re="$stack" '
  BEGIN { RS = "" }
  $0 ~ re { split($0, frame, "\n"); leaf = frame[1]; if (leaf == "") leaf = frame[2]
            sub(/^[ \t]*[0-9a-f]+ /, "", leaf); count[leaf]++ }
  END { for (f in count) if (count[f] > best) { best = count[f]; name = f }; print name }')
echo "hottest instructions of $top (share of its samples):"
perf annotate -i "$work/perf.data" --stdio -s "$top" 2>/dev/null |
  grep -E "^ +[0-9]+\.[0-9]+ :" | sort -rn | head -15 | cut -c1-110
