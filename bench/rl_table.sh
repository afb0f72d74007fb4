#!/usr/bin/env bash
# Usage: bash bench/rl_table.sh FINML OUT_DIR
# Issue 17's out-of-sample table: every agent over 5 seeds on data/dowjones30.csv and
# data/pypfopt_stock_prices.csv, against the baselines, with the block-bootstrap p-value of the
# Sharpe difference to equal weight. Writes OUT_DIR/table.md (and each run's outputs beside it).
# About 20 minutes on 2 cores.
set -euo pipefail
finml=${1:?usage: bash bench/rl_table.sh FINML OUT_DIR}
out=${2:?usage: bash bench/rl_table.sh FINML OUT_DIR}
mkdir -p "$out"
run() {  # name, then finml rl train flags
  local name=$1; shift
  echo "== $name: $*" >&2
  "$finml" rl train "$@" --out "$out/$name" --overwrite >"$out/$name.log" 2>&1
}
dow=(--prices data/dowjones30.csv --train-end 1997-12-31 --validation-end 1998-12-31)
pyp=(--prices data/pypfopt_stock_prices.csv --train-end 2012-12-31 --validation-end 2014-12-31)
for agent in ppo a2c reinforce sac; do
  run "dow30_$agent" "${dow[@]}" --agent "$agent"
  run "pypfopt_$agent" "${pyp[@]}" --agent "$agent"
done
run dow30_ensemble "${dow[@]}" --agent ppo --agent a2c --agent sac --retrain quarterly --timesteps 10000
run dow30_msft_dqn --prices data/dowjones30.csv --train-end 1997-12-31 --validation-end 1998-12-31 \
  --env trading --asset MSFT --agent dqn
run dow30_msft_ppo --prices data/dowjones30.csv --train-end 1997-12-31 --validation-end 1998-12-31 \
  --env trading --asset MSFT --agent ppo
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
rows = []
for name in sorted(os.listdir(out)):
    path = os.path.join(out, name, "metrics.json")
    if not os.path.isfile(path):
        continue
    m = json.load(open(path))
    a = m["agent"]
    t = m["trading"]
    def f(block, key, pct=False):
        v = block.get(key)
        sd = block.get(key + "_sd")
        if v is None:
            return "-"
        s = f"{100*v:.1f}%" if pct else f"{v:.2f}"
        if sd is not None:
            s += f" ± {100*sd:.1f}%" if pct else f" ± {sd:.2f}"
        return s
    best = max(m["baselines"].items(), key=lambda kv: kv[1]["sharpe"])
    ew = m["comparison"].get("equal_weight") or m["comparison"].get("buy_and_hold")
    base = "equal_weight" if "equal_weight" in m["comparison"] else "buy_and_hold"
    rows.append(f"| {name} | {t['first_decision']} to {t['last_bar']} | {a['name']} | {f(a,'sharpe')} | "
                f"{f(a,'total_return',True)} | {f(a,'max_drawdown',True)} | {f(a,'turnover')} | "
                + " ".join(f"{k} {v['sharpe']:.2f}" for k, v in m["baselines"].items())
                + f" | {ew['sharpe_difference']:+.2f} vs {base} (p = {ew['p_value']:.2f}) |")
with open(os.path.join(out, "table.md"), "w") as fh:
    fh.write("| run | trading | agent | Sharpe | total return | max drawdown | turnover (x/yr) | baselines' Sharpe | seed-average agent - baseline |\n")
    fh.write("|---|---|---|---|---|---|---|---|---|\n")
    fh.write("\n".join(rows) + "\n")
print(open(os.path.join(out, "table.md")).read())
PY
