#!/usr/bin/env bash
# Text to trades (issue 18): a sentiment model trained on Financial PhraseBank labels invented
# news (examples/data/constructed_news.csv), `finml nlp factor` turns it into daily per-symbol
# scores on the price file's sessions, and `finml backtest --signals` trades them. The saved model
# predicts as `finml nlp predict` and scores labelled texts with --label.
# Usage: nlp_factor_backtest.sh FINML OUT_DIR
set -euo pipefail
finml=$1; out=$2
rm -rf "$out"; mkdir -p "$out"
run() { "$@" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }; }
run "$finml" nlp train --data examples/data/phrasebank_train.csv --text sentence --model tfidf_logistic \
  --out "$out/model_run"
grep -q '"evaluation": "stratified hold-out of' "$out/model_run/metrics.json" ||
  { echo "FAIL: metrics.json does not say how it evaluated"; exit 1; }
run "$finml" nlp factor --model "$out/model_run/model" --news examples/data/constructed_news.csv \
  --prices data/dowjones30.csv --out "$out/signals.csv"
grep -q "after the close, counted for the next session" "$out/log" || { cat "$out/log"; exit 1; }
[[ $(head -1 "$out/signals.csv") == "date,symbol,score" ]] || { echo "FAIL: header"; exit 1; }
[[ $(wc -l <"$out/signals.csv") -gt 1000 ]] || { echo "FAIL: too few factor rows"; exit 1; }
run "$finml" backtest --prices data/dowjones30.csv --signals "$out/signals.csv" --strategy topk \
  --top-k 2 --out "$out/bt"
[[ -s "$out/bt/equity.csv" ]] || { echo "FAIL: the backtest wrote no equity"; exit 1; }
# predict with the true labels of the first 200 sentences: the model saw them in training.
head -201 examples/data/phrasebank_train.csv >"$out/some.csv"
run "$finml" nlp predict --model "$out/model_run/model" --input "$out/some.csv" --text sentence \
  --label label --out "$out/pred.csv"
grep -Eq "accuracy 0\.(8|9)" "$out/log" || { cat "$out/log"; echo "FAIL: accuracy"; exit 1; }
head -1 "$out/pred.csv" | grep -q "^sentence,label,predicted,p_negative,p_neutral,p_positive,truncated$" ||
  { head -1 "$out/pred.csv"; echo "FAIL: predictions header"; exit 1; }

# A label the model never saw is refused with its cell.
if "$finml" nlp predict --model "$out/model_run/model" --input tests/cli/fixtures/nlp_unseen_label.csv \
  --text sentence --label label --out "$out/never.csv" >"$out/log" 2>&1; then
  echo "FAIL: an unseen label was accepted"; exit 1
fi
grep -q "nlp_unseen_label.csv:3:2: label 'bullish' was not seen in training" "$out/log" || { cat "$out/log"; exit 1; }
[[ ! -e "$out/never.csv" ]] || { echo "FAIL: a half output was written"; exit 1; }
# `finml predict` cannot know the text column: it says which command can.
if "$finml" predict --model "$out/model_run/model" --input "$out/some.csv" --out "$out/never.csv" >"$out/log" 2>&1; then
  echo "FAIL: finml predict accepted a text model"; exit 1
fi
grep -q "is a text model (fix: finml nlp predict --model" "$out/log" || { cat "$out/log"; exit 1; }
echo "nlp factor and backtest: ok"
