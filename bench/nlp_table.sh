#!/usr/bin/env bash
# Usage: bash bench/nlp_table.sh FINML OUT_DIR
# Issue 18's cross-validated table: every text model on Financial PhraseBank
# (examples/data/phrasebank_train.csv, 3634 sentences), 5-fold stratified cross-validation with
# seed 42 (the same folds for every model), out-of-fold accuracy and macro-F1 with bootstrap 95%
# intervals, the per-fold mean and spread, and the wall time. The transformer runs twice: from
# scratch, and with masked-language-model pretraining inside each fold on that fold's training
# sentences only (--pretrain-epochs). Then the transformer's ablation rows: mean pooling, then a
# cross-fitted tfidf_logistic teacher (--distill 0.5), at two widths, with MLM pretraining, with
# word-dropped copies labelled by the teacher, as a three-seed ensemble (--members 3), with both,
# and with both mixed half and half with tfidf_logistic's probabilities (--blend 0.5).
# Writes OUT_DIR/table.md; each run's outputs are beside it.
#   FINML_NLP_TRANSFORMER   flags of both transformer runs (default: the shape below)
#   FINML_NLP_PRETRAIN      flags added to the pretrained run (default: --pretrain-epochs 60)
#   FINML_NLP_THREADS       torch threads per run (default 2)
#   FINML_NLP_ONLY          run these models only (space-separated names; the table reads the
#                           others' outputs already in OUT_DIR)
set -euo pipefail
finml=${1:?usage: bash bench/nlp_table.sh FINML OUT_DIR}
out=${2:?usage: bash bench/nlp_table.sh FINML OUT_DIR}
mkdir -p "$out"
threads=${FINML_NLP_THREADS:-2}
read -r -a transformer <<<"${FINML_NLP_TRANSFORMER:---d-model 64 --ff 128 --max-length 64}"
read -r -a pretrain <<<"${FINML_NLP_PRETRAIN:---pretrain-epochs 60}"
all="tfidf_logistic embedding_mlp bilstm transformer_scratch transformer_pretrained transformer_mean
  transformer_distilled transformer_distilled_d128 transformer_distilled_pretrained
  transformer_distilled_copies transformer_distilled_members transformer_ensemble
  transformer_ensemble_blend transformer_ngrams transformer_distilled_ngrams
  transformer_distilled_average transformer_distilled_v1500 transformer_distilled_v1000
  transformer_distilled_l128"
only=" $(echo ${FINML_NLP_ONLY:-$all}) "
run() {  # name, then finml nlp train flags
  local name=$1; shift
  [[ "$only" == *" $name "* ]] || return 0
  echo "== $name: $*" >&2
  local start; start=$(date +%s.%N)
  "$finml" nlp train --data examples/data/phrasebank_train.csv --text sentence --label label \
    --folds 5 --final-fit false --seed 42 --threads "$threads" "$@" --out "$out/$name" \
    --overwrite >"$out/$name.log" 2>&1
  echo "$(date +%s.%N) - $start" | bc >"$out/$name.seconds"
}
run tfidf_logistic --model tfidf_logistic
run embedding_mlp --model embedding_mlp
run bilstm --model bilstm
run transformer_scratch --model transformer "${transformer[@]}"
run transformer_pretrained --model transformer "${transformer[@]}" "${pretrain[@]}"
run transformer_mean --model transformer "${transformer[@]}" --pooling mean
distilled=(--model transformer "${transformer[@]}" --pooling mean --distill 0.5)
run transformer_distilled "${distilled[@]}"
run transformer_distilled_d128 --model transformer --d-model 128 --ff 256 --max-length 64 \
  --pooling mean --distill 0.5
run transformer_distilled_pretrained "${distilled[@]}" --pretrain-epochs 30 --pretrain-lr 2e-3
run transformer_distilled_copies "${distilled[@]}" --distill-copies 2
run transformer_distilled_members "${distilled[@]}" --members 3
# Word-dropped copies and three members together, then the same mixed half and half with a
# tfidf_logistic fitted on the same training texts (an ensemble with the baseline).
run transformer_ensemble "${distilled[@]}" --distill-copies 2 --members 3
run transformer_ensemble_blend "${distilled[@]}" --distill-copies 2 --members 3 --blend 0.5
# Stop 43's rows: hashed word n-grams (without and with the teacher), a moving average of the
# weights, smaller vocabularies, and texts cut at 128 tokens instead of 64.
run transformer_ngrams --model transformer "${transformer[@]}" --pooling mean --ngram-buckets 65536
run transformer_distilled_ngrams "${distilled[@]}" --ngram-buckets 65536
run transformer_distilled_average "${distilled[@]}" --weight-average 0.995
run transformer_distilled_v1500 "${distilled[@]}" --vocab-size 1500
run transformer_distilled_v1000 "${distilled[@]}" --vocab-size 1000
run transformer_distilled_l128 "${distilled[@]}" --max-length 128
/usr/bin/python3 - "$out" $all <<'PY'
import json, os, sys
out = sys.argv[1]
names = sys.argv[2:]
lines = ["| model | accuracy [95% CI] | macro-F1 [95% CI] | accuracy per fold | macro-F1 per fold | wall time |",
         "|---|---:|---:|---:|---:|---:|"]
for n in names:
    if not os.path.exists(f"{out}/{n}/metrics.json"):
        lines.append(f"| {n} | not run | | | | |")
        continue
    m = json.load(open(f"{out}/{n}/metrics.json"))
    cv = m["cv"]
    secs = float(open(f"{out}/{n}.seconds").read())
    lines.append(
        f"| {n} | {m['accuracy']:.4f} [{m['accuracy_ci95'][0]:.3f}, {m['accuracy_ci95'][1]:.3f}] "
        f"| {m['macro_f1']:.4f} [{m['macro_f1_ci95'][0]:.3f}, {m['macro_f1_ci95'][1]:.3f}] "
        f"| {cv['accuracy_mean']:.4f} ± {cv['accuracy_sd']:.4f} | {cv['macro_f1_mean']:.4f} ± {cv['macro_f1_sd']:.4f} "
        f"| {secs / 60:.1f} min |")
base = json.load(open(f"{out}/tfidf_logistic/metrics.json"))["majority_class"]
lines.append(f"| majority class ({base['class']}) | {base['accuracy']:.4f} | {base['macro_f1']:.4f} | | | |")
open(f"{out}/table.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
