#!/usr/bin/env bash
# An agent's trading equals `finml backtest` on the agent's own weights (issue 17): train a small
# PPO, trade its weights.csv through the backtester with the same costs, compare the equity bar
# by bar; then the saved agent runs through `finml predict` and `finml rl evaluate`.
# Usage: rl_backtest_parity.sh FINML OUT_DIR
set -euo pipefail
finml=$1; out=$2
rm -rf "$out"; mkdir -p "$out"
"$finml" rl train --prices data/dowjones30.csv --timesteps 1200 --seeds 1 --copies 4 \
  --train-end 1996-12-31 --validation-end 1998-12-31 --cost-bps 7 --out "$out/train" >"$out/log" 2>&1 ||
  { cat "$out/log"; exit 1; }
"$finml" backtest --prices data/dowjones30.csv --signals "$out/train/weights.csv" --strategy weights \
  --rebalance always --cost-bps 7 --benchmark none --out "$out/bt" >"$out/bt_log" 2>&1 ||
  { cat "$out/bt_log"; exit 1; }
# equity.csv of the agent: date,ppo seed 42,...; of the backtest: date,equity,...
awk -F, 'NR > 1 { print $1, $2 }' "$out/train/equity.csv" >"$out/agent_equity"
awk -F, 'NR > 1 { print $1, $2 }' "$out/bt/equity.csv" >"$out/bt_equity"
[[ $(wc -l <"$out/agent_equity") -gt 400 ]] || { echo "FAIL: the agent traded too few bars"; exit 1; }
join "$out/agent_equity" "$out/bt_equity" >"$out/joined"
[[ $(wc -l <"$out/joined") -eq $(wc -l <"$out/agent_equity") ]] ||
  { echo "FAIL: the backtest's bars differ from the agent's"; exit 1; }
awk '{ d = $2 - $3; if (d < 0) d = -d; if (d > 1e-6 * $2) { print "FAIL: " $1 " agent " $2 " backtest " $3; bad = 1 } }
     END { exit bad }' "$out/joined"
# The saved agent: predict writes its weights for every decided bar and the last bar's next one.
"$finml" predict --model "$out/train/model" --input data/dowjones30.csv --out "$out/pred.csv" >"$out/pred_log" 2>&1 ||
  { cat "$out/pred_log"; exit 1; }
last_date=$(tail -1 data/dowjones30.csv | cut -d, -f1 | tr -d '"')
grep -q "^$last_date,AA," "$out/pred.csv" || { echo "FAIL: no decision for the last bar $last_date"; exit 1; }
"$finml" rl evaluate --model "$out/train/model" --prices data/dowjones30.csv --out "$out/eval" >"$out/eval_log" 2>&1 ||
  { cat "$out/eval_log"; exit 1; }
grep -q "where the agent's validation ended (1998-12-31)" "$out/eval_log" || { cat "$out/eval_log"; echo "FAIL: start"; exit 1; }
# Evaluating from the same start trades exactly as training did.
run_final=$(tail -1 "$out/agent_equity" | cut -d' ' -f2)
eval_final=$(tail -1 "$out/eval/equity.csv" | cut -d, -f2)
awk -v a="$run_final" -v b="$eval_final" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-6 * a) }' ||
  { echo "FAIL: evaluate's final equity $eval_final, training's $run_final"; exit 1; }
# The same command twice gives the same numbers, bit for bit.
"$finml" rl train --prices data/dowjones30.csv --timesteps 1200 --seeds 1 --copies 4 \
  --train-end 1996-12-31 --validation-end 1998-12-31 --cost-bps 7 --out "$out/again" >/dev/null 2>&1
cmp -s "$out/train/equity.csv" "$out/again/equity.csv" || { echo "FAIL: same seed, other equity"; exit 1; }
cmp -s "$out/train/learning_curve.csv" "$out/again/learning_curve.csv" || { echo "FAIL: learning curve"; exit 1; }
# A model directory someone edited is refused with the field and the file.
cp -r "$out/train/model" "$out/edited"
sed -i 's/"observation_size": [0-9]*/"observation_size": 700/' "$out/edited/model.json"
if "$finml" predict --model "$out/edited" --input data/dowjones30.csv --out "$out/never.csv" 2>"$out/err"; then
  echo "FAIL: an edited model directory was accepted"; exit 1
fi
grep -q "model.json.*scaler" "$out/err" || { cat "$out/err"; echo "FAIL: message"; exit 1; }
echo "ok: $(wc -l <"$out/joined") bars equal, predict and evaluate agree, same seed same numbers"
