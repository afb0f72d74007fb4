#!/usr/bin/env bash
# Usage: bash bench/rl_bench.sh BUILD_DIR     (BUILD_DIR/finml and BUILD_DIR/finml_bench built)
# Issue 17's speed comparison on the portfolio environment over data/dowjones30.csv (30 assets,
# 2529 days; training bars = the first 60%, as `finml rl train` splits):
#   - environment steps per second with seeded random logits, 8 and 64 copies: finml's
#     rl::MarketEnv (finml_bench --rl_run, bench/bench_rl.cpp) against the same environment in
#     numpy (bench/peer_rl.py env);
#   - PPO end to end: the wall time of `finml rl train --agent ppo --seeds 1 --threads 1
#     --timesteps N` (which also loads the CSV, validates, trades the test period and runs the
#     baselines) against the wall time of a CleanRL-style PPO in PyTorch with the same
#     hyperparameters (bench/peer_rl.py ppo; Debian's python3-torch, one thread), which loads the
#     CSV, builds the environment and trains. Each round also times finml's training alone in
#     process (finml_bench --rl_learn) for the split between training and the rest.
# Before the rounds, bench/peer_rl.py check replays finml's traces (its actions and episode
# starts) in the numpy environment and compares rewards, observations and equity. The sides take
# turns, ROUNDS rounds (finml first in odd rounds, the peer first in even ones); medians count.
# Writes the "Reinforcement learning" section of bench/RESULTS.md (bench/rl_report.py), between
# its markers, with a perf profile of finml where perf works. About 3 minutes on a 2-CPU machine
# with the defaults (4 with FINML_BENCH_ALT_BLAS).
#   FINML_RL_ROUNDS        (default 3)
#   FINML_RL_TIMESTEPS     PPO transitions per training (default 20480: 20 rollouts of 8 x 128)
#   FINML_RL_TRANSITIONS   environment transitions per repetition (default 200000)
#   FINML_RL_REPS          environment repetitions per round and case (default 2)
#   FINML_RL_PRICES        the prices CSV (default data/dowjones30.csv)
#   FINML_BENCH_KEEP=1     keep the work directory
#   FINML_BENCH_ALT_BLAS=DIR  each round also runs both PPOs with DIR first on LD_LIBRARY_PATH and
#                          OPENBLAS_NUM_THREADS=1 (see bench/portfolio_bench.sh for unpacking
#                          libopenblas0-pthread into such a DIR); reported in rows of their own.
#                          Both sides' LibTorch calls the system's libblas.so.3 (netlib's
#                          reference BLAS on Debian by default) for its matrix products.
set -euo pipefail
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="$(cd "${1:?usage: bash bench/rl_bench.sh BUILD_DIR}" && pwd)"
rounds="${FINML_RL_ROUNDS:-3}"
timesteps="${FINML_RL_TIMESTEPS:-20480}"
transitions="${FINML_RL_TRANSITIONS:-200000}"
reps="${FINML_RL_REPS:-2}"
prices="$(realpath "${FINML_RL_PRICES:-$bench_dir/../data/dowjones30.csv}")"
alt_blas="${FINML_BENCH_ALT_BLAS:-}"
bin="$build_dir/finml_bench"
finml="$build_dir/finml"
for b in "$bin" "$finml"; do
  [[ -x "$b" ]] || { echo "rl_bench.sh: build $b first (--target finml finml_bench)" >&2; exit 1; }
done
# Debian's interpreter carries numpy, pandas and torch; the python3 first on PATH may not.
py=/usr/bin/python3
"$py" -c 'import numpy, pandas, torch' 2>/dev/null ||
  { echo "rl_bench.sh: $py lacks numpy, pandas or torch (apt-get install python3-torch)" >&2; exit 1; }
if [[ -n "$alt_blas" && ! -e "$alt_blas/libblas.so.3" ]]; then
  echo "rl_bench.sh: FINML_BENCH_ALT_BLAS=$alt_blas holds no libblas.so.3" >&2; exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/finml_rl.XXXXXX")"
if [[ "${FINML_BENCH_KEEP:-0}" == 1 ]]; then
  echo "== keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# Everything runs from a copy of the build taken now, so a rebuild of BUILD_DIR during the run
# (another build in the same tree) cannot mix two builds' numbers or break a run half-way. The
# binaries' RUNPATH names BUILD_DIR; LD_LIBRARY_PATH, searched first, points them at the copy,
# and finml loads its modules (libfinml_torch.so) from beside the libfinml_core.so it loaded.
# FINML_BUILD_LOCK=FILE: hold `flock FILE` while copying (the lock the tree's builds take).
binaries=("$finml" "$bin" "$build_dir"/libfinml_*.so)
snap="$work/build"
mkdir -p "$snap"
if [[ -n "${FINML_BUILD_LOCK:-}" ]]; then
  flock "$FINML_BUILD_LOCK" cp -p "${binaries[@]}" "$snap/"
else
  cp -p "${binaries[@]}" "$snap/"
fi
for f in "$snap"/*; do
  readelf -h "$f" >/dev/null 2>&1 || { echo "rl_bench.sh: $f was copied mid-build; rerun" >&2; exit 1; }
done
stat -c '%Y %n' "${binaries[@]}" >"$work/binaries.start"
export LD_LIBRARY_PATH="$snap${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin="$snap/finml_bench"
finml="$snap/finml"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$SECONDS

# Runs a command and writes its start and end (seconds since the epoch) to FILE.
timed() {
  local file="$1"; shift
  local a b
  a="$(date +%s.%N)"
  "$@"
  b="$(date +%s.%N)"
  echo "$a $b" >"$file"
}
alt() { LD_LIBRARY_PATH="$alt_blas:$LD_LIBRARY_PATH" OPENBLAS_NUM_THREADS=1 "$@"; }
finml_ppo() {  # finml_ppo TAG
  "$finml" rl train --prices "$prices" --agent ppo --timesteps "$timesteps" --seeds 1 \
    --threads 1 --out "$work/finml_out_$1" --overwrite >"$work/finml_ppo.$1.txt"
}
torch_ppo() {  # torch_ppo TAG
  "$py" "$bench_dir/peer_rl.py" ppo "$prices" "$timesteps" "$work/torch_ppo.$1.json"
}

# Which BLAS finml's LibTorch resolves, as the dynamic linker sees it.
ldd "$snap/libfinml_torch.so" | grep -E 'libblas|liblapack' >"$work/finml_blas.txt" || true
if [[ -n "$alt_blas" ]]; then
  alt ldd "$snap/libfinml_torch.so" | grep -E 'libblas|liblapack' >"$work/finml_blas_alt.txt" || true
fi

echo "== rl: the numpy environment replays finml's traces" >&2
"$bin" --rl_run="$prices" --rl_transitions=0 --rl_check="$work/check" --rl_out="$work/check_finml.json"
"$py" "$bench_dir/peer_rl.py" check "$prices" "$work/check" "$work/check.json" 2>/dev/null

if timeout 60 perf record -q -e cpu-clock -o "$work/probe.perf" -- true >/dev/null 2>&1; then
  echo "== rl: perf profiles of finml's environment and of its PPO training" >&2
  if perf record -q -e cpu-clock -F 999 -o "$work/env.perf" -- "$bin" --rl_run="$prices" \
    --rl_transitions=2000000 --rl_reps=1 --rl_out="$work/env_profile.json" 2>/dev/null &&
    perf report -i "$work/env.perf" --no-children --sort=dso,sym --stdio -q \
      >"$work/env_perf.txt" 2>/dev/null; then :; else
    echo "rl_bench.sh: the environment's perf profile failed" >&2
    rm -f "$work/env_perf.txt"
  fi
  if perf record -q -e cpu-clock -F 499 -o "$work/ppo.perf" -- "$bin" --rl_run="$prices" \
    --rl_transitions=0 --rl_learn=4096 --rl_out="$work/ppo_profile.json" 2>/dev/null &&
    perf report -i "$work/ppo.perf" --no-children --sort=dso,sym --stdio -q \
      >"$work/ppo_perf.txt" 2>/dev/null; then :; else
    echo "rl_bench.sh: the PPO perf profile failed" >&2
    rm -f "$work/ppo_perf.txt"
  fi
  rm -f "$work"/*.perf
fi

for ((round = 1; round <= rounds; round++)); do
  for side in $([[ $((round % 2)) == 1 ]] && echo "finml peer" || echo "peer finml"); do
    if [[ $side == finml ]]; then
      echo "== rl round $round/$rounds: finml environment and in-process PPO training" >&2
      "$bin" --rl_run="$prices" --rl_transitions="$transitions" --rl_reps="$reps" \
        --rl_learn="$timesteps" --rl_out="$work/finml_env.$round.json"
      echo "== rl round $round/$rounds: finml rl train (PPO, $timesteps timesteps)" >&2
      timed "$work/finml_ppo.$round.wall" finml_ppo "$round"
      if [[ -n "$alt_blas" ]]; then
        echo "== rl round $round/$rounds: finml rl train with the BLAS in $alt_blas" >&2
        timed "$work/finml_ppo.alt$round.wall" alt finml_ppo "alt$round"
        alt "$bin" --rl_run="$prices" --rl_transitions=0 --rl_learn="$timesteps" \
          --rl_out="$work/finml_learn_alt.$round.json"
      fi
    else
      echo "== rl round $round/$rounds: numpy environment" >&2
      "$py" "$bench_dir/peer_rl.py" env "$prices" "$transitions" "$reps" \
        "$work/numpy_env.$round.json"
      echo "== rl round $round/$rounds: PyTorch PPO ($timesteps timesteps)" >&2
      timed "$work/torch_ppo.$round.wall" torch_ppo "$round"
      if [[ -n "$alt_blas" ]]; then
        echo "== rl round $round/$rounds: PyTorch PPO with the BLAS in $alt_blas" >&2
        timed "$work/torch_ppo.alt$round.wall" alt torch_ppo "alt$round"
      fi
    fi
  done
done
stat -c '%Y %n' "${binaries[@]}" >"$work/binaries.end"
"$py" "$bench_dir/rl_report.py" "$work" "$rounds" "$build_dir" "$started" "$load_start" \
  "$((SECONDS - t0))" "$bench_dir/RESULTS.md" "$prices" "$alt_blas" >/dev/null
echo "== rl: wrote its section of $bench_dir/RESULTS.md" >&2
