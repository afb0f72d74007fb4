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
#   FINML_BENCH_KEEP=1          keep the work directory with every measurement and profile
#
# Then the deep section (about 5 minutes): finml's LSTM and GRU forecasters against the same
# networks in PyTorch (bench/peer_torch.py, Debian's python3-torch = the same libtorch), DEEP_ROUNDS
# rounds of (finml, PyTorch), best round counts; then one profiled fit per side (libtorch's
# autograd profiler, and `perf record` where perf works), summarised by bench/deep_profile.py.
#   FINML_BENCH_SKIP_DEEP=1       skip the deep section
#   FINML_BENCH_DEEP_ROUNDS       (default 2)
#   FINML_BENCH_ALT_BLAS=DIR      then one more round with DIR first on LD_LIBRARY_PATH (~80 s),
#                                 e.g. /usr/lib/x86_64-linux-gnu/blas for netlib's reference BLAS
#                                 (the footnote: what Debian gives without OpenBLAS); nothing on
#                                 the system changes
#
# Then portfolio optimisation against cvxopt (bench/portfolio_bench.sh, about 5 minutes, its own
# section of RESULTS.md), the model service (bench/serve_bench.sh) and financial NLP
# (bench/nlp_bench.sh, about 30 minutes).
#   FINML_BENCH_SKIP_PORTFOLIO=1  skip the portfolio section
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

# One thread on every side. OpenBLAS (the system libblas.so.3 once scripts/install-deps.sh has run)
# starts a thread per core of its own, which neither Debian's LibTorch nor the PyTorch peer limits;
# the deep section compares one thread against one thread.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

work="$(mktemp -d "${TMPDIR:-/tmp}/finml_bench.XXXXXX")"
# FINML_BENCH_KEEP=1 keeps the measurements (and profiles) for a look afterwards.
if [[ "${FINML_BENCH_KEEP:-0}" == 1 ]]; then
  echo "== keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi

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

deep_rounds="${FINML_BENCH_DEEP_ROUNDS:-2}"
if [[ "${FINML_BENCH_SKIP_DEEP:-0}" == 1 ]]; then
  echo "== deep section skipped (FINML_BENCH_SKIP_DEEP=1)" >&2
elif ! "$py" -c 'import torch' 2>/dev/null; then
  echo "run_all.sh: $py lacks torch (python3-torch); deep section skipped" >&2
else
  deep="$work/deep"
  deep_t0=$SECONDS
  "$bin" --deep_generate="$deep"
  for ((round = 1; round <= deep_rounds; round++)); do
    echo "== deep round $round/$deep_rounds: finml" >&2
    "$bin" --deep_run="$deep" >"$work/deep_finml.$round.json"
    echo "== deep round $round/$deep_rounds: PyTorch peer" >&2
    "$py" "$bench_dir/peer_torch.py" run "$deep" >"$work/deep_pytorch.$round.json"
  done
  echo "== deep profile: autograd profiler traces" >&2
  "$bin" --deep_step="$deep" --deep_trace="$deep/finml_trace.json"
  "$py" "$bench_dir/peer_torch.py" step "$deep" "$deep/pytorch_trace.json"
  # perf samples the fit alone: the programs switch it on and off through these FIFOs (perf
  # 5.9 or later; the probe checks that too). A failed profile only leaves its table out.
  mkfifo "$deep/perf.ctl" "$deep/perf.ack"
  perf_args=(-q -e cpu-clock -D -1 --control "fifo:$deep/perf.ctl,$deep/perf.ack")
  if timeout 60 perf record "${perf_args[@]}" -o "$deep/probe.perf" -- true >/dev/null 2>&1; then
    echo "== deep profile: perf record" >&2
    profile_side() {  # side, command...
      local side="$1"
      shift
      if ! FINML_BENCH_PERF_CTL="$deep/perf.ctl,$deep/perf.ack" timeout 300 perf record \
        "${perf_args[@]}" -F 499 -g -o "$deep/$side.perf" -- "$@" >/dev/null ||
        ! perf script -i "$deep/$side.perf" -F comm,ip,sym,dso >"$deep/${side}_perf.txt" \
          2>/dev/null; then
        echo "run_all.sh: perf profile of $side failed" >&2
        rm -f "$deep/${side}_perf.txt"
      fi
    }
    profile_side finml "$bin" --deep_step="$deep"
    profile_side pytorch "$py" "$bench_dir/peer_torch.py" step "$deep"
  else
    echo "== deep profile: perf unavailable here, no sampling profile" >&2
  fi
  "$py" "$bench_dir/deep_profile.py" "$deep" >"$work/deep_profile.json"
  if [[ -n "${FINML_BENCH_ALT_BLAS:-}" ]]; then
    echo "== deep: one more round with the BLAS in $FINML_BENCH_ALT_BLAS" >&2
    LD_LIBRARY_PATH="$FINML_BENCH_ALT_BLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      OPENBLAS_NUM_THREADS=1 "$bin" --deep_run="$deep" >"$work/deep_finml.altblas.json"
    LD_LIBRARY_PATH="$FINML_BENCH_ALT_BLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      OPENBLAS_NUM_THREADS=1 "$py" "$bench_dir/peer_torch.py" run "$deep" \
      >"$work/deep_pytorch.altblas.json"
    LD_LIBRARY_PATH="$FINML_BENCH_ALT_BLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      "$py" -c 'import torch; print(next((l.split()[-1] for l in open("/proc/self/maps") if "blas" in l), "no BLAS mapped"))' \
      >"$work/deep_altblas_loaded.txt"
  fi
  echo "$((SECONDS - deep_t0))" >"$work/deep_seconds.txt"
fi

# Credit scoring: finml and scikit-learn / Python XGBoost on the same five folds of German credit.
if "$py" -c 'import sklearn, xgboost' 2>/dev/null; then
  echo "== credit: finml and its peers on the same folds" >&2
  "$bin" --credit_run="$work/credit"
  "$py" "$bench_dir/peer_credit.py" run "$bench_dir/../data/german_credit.csv" \
    "$work/credit/folds.csv" "$work/credit/peer.json"
else
  echo "run_all.sh: $py lacks sklearn or xgboost; credit section skipped" >&2
fi

"$py" "$bench_dir/report.py" "$work" "$rounds" "$reps" "$build_dir" "$started" "$load_start" \
  "$((SECONDS - t0))" "$bench_dir/RESULTS.md"
echo "== wrote $bench_dir/RESULTS.md" >&2

# Portfolio optimisation against cvxopt (about 5 minutes); writes its own section.
#   FINML_BENCH_SKIP_PORTFOLIO=1  skip it
if [[ "${FINML_BENCH_SKIP_PORTFOLIO:-0}" == 1 ]]; then
  echo "== portfolio section skipped (FINML_BENCH_SKIP_PORTFOLIO=1)" >&2
elif ! "$py" -c 'import cvxopt' 2>/dev/null; then
  echo "run_all.sh: $py lacks cvxopt (python3-cvxopt); portfolio section skipped" >&2
else
  bash "$bench_dir/portfolio_bench.sh" "$build_dir"
fi

# The model service (about a minute): wrk against `finml serve`; appends its own section.
#   FINML_BENCH_SKIP_SERVE=1      skip it
if [[ "${FINML_BENCH_SKIP_SERVE:-0}" == 1 ]]; then
  echo "== serve section skipped (FINML_BENCH_SKIP_SERVE=1)" >&2
elif ! command -v wrk > /dev/null; then
  echo "run_all.sh: wrk not installed; serve section skipped" >&2
else
  bash "$bench_dir/serve_bench.sh" "$build_dir"
fi

# Financial NLP (about 30 minutes): finml's transformer text classifier against the same network
# in PyTorch and SentencePiece's Python binding; writes its own section.
#   FINML_BENCH_SKIP_NLP=1        skip it
if [[ "${FINML_BENCH_SKIP_NLP:-0}" == 1 ]]; then
  echo "== nlp section skipped (FINML_BENCH_SKIP_NLP=1)" >&2
elif ! "$py" -c 'import numpy, torch, sentencepiece' 2>/dev/null; then
  echo "run_all.sh: $py lacks torch or sentencepiece; nlp section skipped" >&2
else
  bash "$bench_dir/nlp_bench.sh" "$build_dir"
fi
