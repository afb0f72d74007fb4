#!/usr/bin/env bash
# Usage: bash bench/portfolio_bench.sh BUILD_DIR     (BUILD_DIR/finml_bench must already be built)
# Issue 16's speed comparison: finml's long-only minimum variance and maximum Sharpe on 500 and
# 2000 assets and a 50-point efficient frontier on 500, against cvxopt (bench/peer_cvxopt.py,
# Debian's python3-cvxopt) on the same seeded factor-model covariance, in one run. The sides take
# turns, ROUNDS rounds of (finml, cvxopt); the median of every repetition counts. Writes the
# "Portfolio optimisation" section of bench/RESULTS.md (bench/portfolio_report.py), between its
# markers, with a profile of where finml's time goes (perf where it works, and
# bench/probes/bleic_start.cpp). About 5 minutes on a 2-CPU machine with the defaults.
#   FINML_PORTFOLIO_ROUNDS       (default 2)
#   FINML_PORTFOLIO_REPS         repetitions per round and case (default 2)
#   FINML_PORTFOLIO_PEER_REPS_2000  cvxopt's repetitions per round at 2000 assets (default: REPS)
#   FINML_BENCH_KEEP=1           keep the work directory (inputs, weights, timings)
#   FINML_BENCH_ALT_BLAS=DIR     each round also runs cvxopt with DIR first on LD_LIBRARY_PATH and
#                                OPENBLAS_NUM_THREADS=1 (one thread, as finml), reported in a table
#                                of its own. DIR must hold libblas.so.3 and liblapack.so.3, e.g.
#                                usr/lib/x86_64-linux-gnu/openblas-pthread of an unpacked
#                                libopenblas0-pthread .deb (`apt-get download libopenblas0-pthread;
#                                dpkg -x *.deb x`); nothing on the system changes
set -euo pipefail
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="$(cd "${1:?usage: bash bench/portfolio_bench.sh BUILD_DIR}" && pwd)"
rounds="${FINML_PORTFOLIO_ROUNDS:-2}"
reps="${FINML_PORTFOLIO_REPS:-2}"
reps_large="${FINML_PORTFOLIO_PEER_REPS_2000:-$reps}"
bin="$build_dir/finml_bench"
[[ -x "$bin" ]] || { echo "portfolio_bench.sh: build $bin first (--target finml_bench)" >&2; exit 1; }
# Debian's interpreter carries numpy and cvxopt; the python3 first on PATH (pyenv) may not.
py=/usr/bin/python3
"$py" -c 'import numpy, cvxopt' 2>/dev/null ||
  { echo "portfolio_bench.sh: $py lacks numpy or cvxopt (apt-get install python3-cvxopt)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/finml_portfolio.XXXXXX")"
if [[ "${FINML_BENCH_KEEP:-0}" == 1 ]]; then
  echo "== keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$SECONDS

echo "== portfolio: generating the covariances in $work" >&2
"$bin" --portfolio_generate="$work"
# Where finml's time goes, before the rounds (whose weights then replace this run's): a perf
# profile of one 2000-asset minimum variance where perf works, and bench/probes/bleic_start.cpp,
# the same QP handed to ALGLIB directly from two starting points.
if timeout 60 perf record -q -e cpu-clock -o "$work/probe.perf" -- true >/dev/null 2>&1; then
  echo "== portfolio: perf profile of finml's 2000-asset minimum variance" >&2
  if perf record -q -e cpu-clock -F 499 -o "$work/min_variance_2000.perf" -- "$bin" \
    --portfolio_run="$work" --portfolio_only=min_variance_2000 --portfolio_reps=1 \
    --portfolio_out="$work/profile.json" >/dev/null &&
    perf report -i "$work/min_variance_2000.perf" --no-children --sort=dso,sym --stdio -q \
      >"$work/min_variance_2000_perf.txt" 2>/dev/null; then :; else
    echo "portfolio_bench.sh: the perf profile failed" >&2
    rm -f "$work/min_variance_2000_perf.txt"
  fi
fi
echo "== portfolio: ALGLIB's BLEIC from two starting points (bench/probes/bleic_start.cpp)" >&2
if "${CXX:-c++}" -O2 -std=c++20 "$bench_dir/probes/bleic_start.cpp" -lalglib \
  -o "$work/bleic_start"; then
  for n in 500 2000; do "$work/bleic_start" "$n" "$work/portfolio_cov_$n.f64"; done \
    >"$work/bleic_start.jsonl"
else
  echo "portfolio_bench.sh: bench/probes/bleic_start.cpp did not build; no probe" >&2
fi

for ((round = 1; round <= rounds; round++)); do
  echo "== portfolio round $round/$rounds: finml" >&2
  "$bin" --portfolio_run="$work" --portfolio_reps="$reps" --portfolio_out="$work/finml.$round.json"
  echo "== portfolio round $round/$rounds: cvxopt" >&2
  "$py" "$bench_dir/peer_cvxopt.py" "$work" "$reps" "$reps_large" "$work/cvxopt.$round.json"
  if [[ -n "${FINML_BENCH_ALT_BLAS:-}" ]]; then
    echo "== portfolio round $round/$rounds: cvxopt with the BLAS in $FINML_BENCH_ALT_BLAS" >&2
    LD_LIBRARY_PATH="$FINML_BENCH_ALT_BLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      OPENBLAS_NUM_THREADS=1 "$py" "$bench_dir/peer_cvxopt.py" "$work" "$reps" "$reps_large" \
      "$work/cvxopt_alt.$round.json" cvxopt_alt
  fi
done
"$py" "$bench_dir/portfolio_report.py" "$work" "$rounds" "$build_dir" "$started" "$load_start" \
  "$((SECONDS - t0))" "$bench_dir/RESULTS.md" >/dev/null
echo "== portfolio: wrote its section of $bench_dir/RESULTS.md" >&2
