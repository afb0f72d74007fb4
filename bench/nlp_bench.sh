#!/usr/bin/env bash
# Usage: bash bench/nlp_bench.sh BUILD_DIR     (BUILD_DIR/finml and BUILD_DIR/finml_bench built)
# Issue 18's speed comparison of finml's transformer text classifier, on the sentences of
# examples/data/phrasebank_train.csv, against the same network in PyTorch and SentencePiece's
# Python binding (bench/peer_nlp.py; Debian's python3-torch, the same libtorch build, and the
# sentencepiece module), one thread on every side:
#   - tokenizer throughput on the model's own tokenizer.model (sentences/s, tokens/s);
#   - inference, text in and probabilities out: one sentence at a time over the first 300, lists
#     of 64 sentences, and every sentence in one call (as `finml nlp predict` does);
#   - fine-tuning: training samples/s of a fresh transformer on 2000 sentences for 2 epochs.
# What finml times is described in bench/bench_nlp.hpp, what the peer times in bench/peer_nlp.py.
#
# First `finml nlp train --model transformer --epochs 3` makes the model every measure runs on.
# Its accuracy is irrelevant here: only its shape (the defaults: d_model 96, 2 layers, 4 heads,
# ff 192, max_length 128) and its tokenizer (SentencePiece unigram, up to 4000 pieces) matter,
# and 3 epochs keep that step short. Then finml_bench writes the inputs the peer runs on (the id
# sequences finml feeds its network, the fine-tuning's rows and labels), and bench/peer_nlp.py
# check confirms that the Python binding gives the same ids and that the PyTorch network loaded
# with finml's weights gives finml's probabilities. The sides then take turns, ROUNDS rounds
# (finml first in odd rounds, the peer first in even ones); medians over all repetitions count.
# Where perf works, one more finml run (inference, one repetition) is profiled first. Writes the
# "nlp" section of bench/RESULTS.md (bench/nlp_report.py) between its markers. About 30 minutes
# on a 2-CPU machine with the defaults: with Debian's reference BLAS both sides spend most of it
# in sgemm_ (a round is about 3 minutes of finml and 5 of the peer, which times every inference
# twice, text in and ids in; the bench model takes about 4).
#   FINML_NLP_ROUNDS   (default 3)
#   FINML_NLP_REPS     repetitions of each tokenizer and inference measure per round (default 2)
#   FINML_NLP_TRAIN    sentences of the fine-tuning, labels random in 3 classes (default 2000)
#   FINML_NLP_EPOCHS   fine-tuning epochs (default 2)
#   FINML_NLP_DATA     the CSV of sentences, column `sentence` (default
#                      examples/data/phrasebank_train.csv)
#   FINML_NLP_RESULTS  the file whose nlp section is written (default bench/RESULTS.md)
#   FINML_NLP_SMOKE=1  only shows that everything runs (about a minute): the first 400
#                      sentences, a bench model of 1 epoch, 1 round of 1 repetition, fine-tuning
#                      on 200 sentences for 1 epoch; the section goes to a copy of RESULTS.md in
#                      the work directory and is printed, never into bench/RESULTS.md
#   FINML_NLP_PERF=0   no perf profile
#   FINML_BENCH_KEEP=1 keep the work directory
#   FINML_BUILD_LOCK=FILE  hold `flock FILE` while copying the build (the lock its builds take)
set -euo pipefail
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="$(cd "${1:?usage: bash bench/nlp_bench.sh BUILD_DIR}" && pwd)"
smoke="${FINML_NLP_SMOKE:-0}"
if [[ $smoke == 1 ]]; then
  rounds=1 reps=1 train=200 epochs=1 model_epochs=1 sentences=400
else
  rounds="${FINML_NLP_ROUNDS:-3}"
  reps="${FINML_NLP_REPS:-2}"
  train="${FINML_NLP_TRAIN:-2000}"
  epochs="${FINML_NLP_EPOCHS:-2}"
  model_epochs=3
  sentences=0
fi
data="$(realpath "${FINML_NLP_DATA:-$bench_dir/../examples/data/phrasebank_train.csv}")"
results="${FINML_NLP_RESULTS:-$bench_dir/RESULTS.md}"
bin="$build_dir/finml_bench"
finml="$build_dir/finml"
for b in "$bin" "$finml"; do
  [[ -x "$b" ]] || { echo "nlp_bench.sh: build $b first (--target finml finml_bench)" >&2; exit 1; }
done
# Debian's interpreter carries torch, numpy and sentencepiece; the python3 first on PATH may not.
py=/usr/bin/python3
"$py" -c 'import numpy, torch, sentencepiece' 2>/dev/null || {
  echo "nlp_bench.sh: $py lacks numpy, torch or sentencepiece (apt-get install python3-torch" \
    "python3-sentencepiece)" >&2
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/finml_nlp.XXXXXX")"
if [[ "${FINML_BENCH_KEEP:-0}" == 1 ]]; then
  echo "== keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# Everything runs from a copy of the build taken now (see bench/rl_bench.sh): a rebuild of
# BUILD_DIR during the run cannot mix two builds' numbers. LD_LIBRARY_PATH points the binaries at
# the copy, and finml loads its modules from beside the libfinml_core.so it loaded.
binaries=("$finml" "$bin" "$build_dir"/libfinml_*.so)
snap="$work/build"
mkdir -p "$snap"
if [[ -n "${FINML_BUILD_LOCK:-}" ]]; then
  flock "$FINML_BUILD_LOCK" cp -p "${binaries[@]}" "$snap/"
else
  cp -p "${binaries[@]}" "$snap/"
fi
for f in "$snap"/*; do
  readelf -h "$f" >/dev/null 2>&1 ||
    { echo "nlp_bench.sh: $f was copied mid-build; rerun" >&2; exit 1; }
done
stat -c '%Y %n' "${binaries[@]}" >"$work/binaries.start"
export LD_LIBRARY_PATH="$snap${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin="$snap/finml_bench"
finml="$snap/finml"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$SECONDS

if [[ $smoke == 1 ]]; then
  echo "== nlp: SMOKE TEST, the first $sentences sentences of $data" >&2
  "$py" - "$data" "$work/texts.csv" "$sentences" <<'EOF'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))[:int(sys.argv[3])]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
EOF
  texts="$work/texts.csv"
  cp "$results" "$work/RESULTS.md" 2>/dev/null || : >"$work/RESULTS.md"
  results="$work/RESULTS.md"
else
  texts="$data"
fi

# Which BLAS finml's LibTorch resolves, as the dynamic linker sees it.
ldd "$snap/libfinml_torch.so" | grep -E 'libblas|liblapack' >"$work/finml_blas.txt" || true

echo "== nlp: the bench model (finml nlp train --model transformer --epochs $model_epochs)" >&2
"$finml" nlp train --data "$texts" --text sentence --model transformer --epochs "$model_epochs" \
  --threads 1 --bootstrap 0 --examples 0 --out "$work/train" --overwrite >"$work/train.txt"
model="$work/train/model"

echo "== nlp: the peer's inputs, and its check against finml" >&2
"$bin" --nlp_run="$model" --nlp_texts="$texts" --nlp_train="$train" --nlp_epochs="$epochs" \
  --nlp_ids="$work/ids" --nlp_out="$work/inputs_finml.json"
"$py" "$bench_dir/peer_nlp.py" check "$model" "$texts" "$work/ids" "$work/check.json"

if [[ "${FINML_NLP_PERF:-1}" == 1 ]] &&
  timeout 60 perf record -q -e cpu-clock -o "$work/probe.perf" -- true >/dev/null 2>&1; then
  echo "== nlp: perf profile of finml's inference (one repetition)" >&2
  if perf record -q -e cpu-clock -F 499 -o "$work/finml.perf" -- "$bin" --nlp_run="$model" \
    --nlp_texts="$texts" --nlp_reps=1 --nlp_epochs=0 --nlp_out="$work/profile.json" 2>/dev/null &&
    perf report -i "$work/finml.perf" --no-children --sort=dso,sym --stdio -q \
      >"$work/finml_perf.txt" 2>/dev/null; then :; else
    echo "nlp_bench.sh: the perf profile failed" >&2
    rm -f "$work/finml_perf.txt"
  fi
  rm -f "$work"/*.perf
fi

for ((round = 1; round <= rounds; round++)); do
  for side in $([[ $((round % 2)) == 1 ]] && echo "finml peer" || echo "peer finml"); do
    if [[ $side == finml ]]; then
      echo "== nlp round $round/$rounds: finml" >&2
      "$bin" --nlp_run="$model" --nlp_texts="$texts" --nlp_reps="$reps" --nlp_train="$train" \
        --nlp_epochs="$epochs" --nlp_out="$work/finml.$round.json"
    else
      echo "== nlp round $round/$rounds: PyTorch and SentencePiece in Python" >&2
      "$py" "$bench_dir/peer_nlp.py" run "$model" "$texts" "$work/ids" "$reps" \
        "$work/peer.$round.json"
    fi
  done
done
stat -c '%Y %n' "${binaries[@]}" >"$work/binaries.end"
"$py" "$bench_dir/nlp_report.py" "$work" "$rounds" "$build_dir" "$started" "$load_start" \
  "$((SECONDS - t0))" "$results" "$texts" "$smoke"
if [[ $smoke == 1 ]]; then
  echo "== nlp: smoke test done; its section went to $results (bench/RESULTS.md untouched)" >&2
else
  echo "== nlp: wrote its section of $results" >&2
fi
