#!/usr/bin/env bash
# Synthetic data through the CLI (issue 19): generators train, sample and evaluate for series
# (QuantGAN briefly, GARCH-t, bootstrap on the DJIA), multivariate windows (TimeGAN briefly, on
# Google OHLCV) and tables (copula, marginals on German
# credit); the same seed draws the same file; the outputs say what the issue asks for.
# Usage: synth_round_trip.sh FINML OUT_DIR
set -euo pipefail
finml=$1; out=$2
rm -rf "$out"; mkdir -p "$out"
run() { "$@" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }; }
fail() { echo "FAIL: $*"; exit 1; }
for m in garch bootstrap; do
  run "$finml" synth train --data data/aer_djia8012.csv --model "$m" --out "$out/$m"
  run "$finml" synth sample --model "$out/$m" --n 4 --seed 3 --out "$out/$m.csv"
done
run "$finml" synth train --data data/aer_djia8012.csv --model quantgan --epochs 1 --hidden 4 \
  --stride 64 --batch 16 --out "$out/quantgan"
run "$finml" synth sample --model "$out/quantgan" --n 2 --length 500 --seed 3 --out "$out/quantgan.csv"
[[ $(wc -l <"$out/quantgan.csv") -eq 1001 ]] || fail "quantgan: 2 paths of 500 expected"
run "$finml" synth sample --model "$out/garch" --n 4 --seed 3 --out "$out/garch_again.csv"
cmp -s "$out/garch.csv" "$out/garch_again.csv" || fail "the same seed drew different paths"
run "$finml" synth evaluate --real data/aer_djia8012.csv --synthetic "$out/garch.csv" \
  --synthetic "$out/bootstrap.csv" --synthetic qg="$out/quantgan.csv" --score-iterations 20 --predictive-iterations 20 \
  --threads 1 --out "$out/eval"
grep -q "^garch " "$out/log" && grep -q "^qg " "$out/log" || { cat "$out/log"; fail "evaluation table"; }
grep -q '"threads": 1' "$out/eval/metrics.json" || fail "metrics.json does not record the threads"
for key in emd_1 emd_5 emd_20 emd_100 acf_abs acf_squared leverage gain_loss mode_collapse hill_left \
  discriminative predictive; do
  grep -q "\"$key\"" "$out/eval/metrics.json" || fail "metrics.json lacks $key"
done
grep -q "QQ plot" "$out/eval/report.html" || fail "the report has no QQ plot"
# Multivariate windows (TimeGAN, briefly): paths of every column, TimeGAN's scores against the
# real columns, and an experiment with the same model.
run "$finml" synth train --data data/timegan_goog.csv --model timegan --epochs 1 --timegan-hidden 4 \
  --timegan-layers 2 --timegan-window 8 --batch 256 --lr 0.01 --out "$out/timegan"
grep -q "windows of 8 steps of the 3685 rows" "$out/log" || { cat "$out/log"; fail "timegan fit"; }
run "$finml" synth sample --model "$out/timegan" --n 40 --seed 3 --out "$out/timegan.csv"
head -1 "$out/timegan.csv" | grep -qx "path,t,Open,High,Low,Close,Adj_Close,Volume" || fail "timegan header"
[[ $(wc -l <"$out/timegan.csv") -eq 321 ]] || fail "timegan: 40 paths of 8 steps expected"
run "$finml" synth sample --model "$out/timegan" --n 40 --seed 3 --out "$out/timegan_again.csv"
cmp -s "$out/timegan.csv" "$out/timegan_again.csv" || fail "timegan: the same seed drew different paths"
run "$finml" synth evaluate --real data/timegan_goog.csv --synthetic "$out/timegan.csv" \
  --score-window 8 --score-iterations 20 --predictive-iterations 20 --out "$out/tg_eval"
grep -q "^timegan " "$out/log" || { cat "$out/log"; fail "timegan evaluation table"; }
for key in discriminative predictive ks_values ks_changes correlation_difference; do
  grep -q "\"$key\"" "$out/tg_eval/metrics.json" || fail "timegan metrics.json lacks $key"
done
grep -q "PCA of windows" "$out/tg_eval/report.html" || fail "the timegan report has no PCA"
if "$finml" synth evaluate --real data/timegan_goog.csv --columns Open,Close --synthetic "$out/timegan.csv" \
  --out "$out/tg_bad" >"$out/log" 2>&1; then fail "mismatched columns were accepted"; fi
grep -q "columns Open,High,Low,Close,Adj_Close,Volume where the real series has Open,Close" "$out/log" \
  || { cat "$out/log"; fail "mismatched columns error"; }
[[ ! -e "$out/tg_bad" ]] || fail "a failed evaluation left a directory"
cat >"$out/tg.yaml" <<'YAML'
task: synth
synth:
  data: data/timegan_goog.csv
  models: [timegan, var]
  timegan_hidden: 4
  timegan_layers: 2
  timegan_window: 8
  epochs: 1
  batch: 256
  samples: 30
  score_window: 8
  score_iterations: 10
  predictive_iterations: 10
YAML
run "$finml" run "$out/tg.yaml" --out "$out/tg_run"
for f in run.json metrics.json report.html samples/timegan.csv samples/var.csv models/timegan/timegan.pt; do
  [[ -e "$out/tg_run/$f" ]] || fail "the timegan experiment lacks $f"
done
# Tables: the hold-out is the same in train and evaluate (same target, share and seed).
for m in copula marginals; do
  run "$finml" synth train --data data/german_credit.csv --model "$m" --target Class --out "$out/t_$m"
  grep -q "fitted to 700 of the 1000 rows" "$out/log" || { cat "$out/log"; fail "table split"; }
  run "$finml" synth sample --model "$out/t_$m" --out "$out/t_$m.csv"
done
[[ $(wc -l <"$out/t_copula.csv") -eq 701 ]] || fail "copula: 700 rows expected"
run "$finml" synth evaluate --real data/german_credit.csv --target Class \
  --synthetic "$out/t_copula.csv" --synthetic "$out/t_marginals.csv" --out "$out/t_eval"
for key in auc_trained_on_synthetic auc_trained_on_real dcr_synthetic_p5 dcr_holdout_p5 correlation_difference; do
  grep -q "\"$key\"" "$out/t_eval/metrics.json" || fail "table metrics.json lacks $key"
done
echo ok
