#!/usr/bin/env bash
# Writes one report of every kind (run, panel run, backtest, risk garch/var/portfolio/stress,
# portfolio optimize/frontier/backtest, rl train, nlp train, credit train with a scorecard and with
# trees, anomaly fit and benchmark, fraud train) and checks each in headless Chromium
# (check_in_browser.sh). With SCREENSHOTS=DIR it also saves a full-page screenshot of each.
#   reports_in_browser.sh FINML OUT_DIR        (run from the source directory)
set -euo pipefail
finml=$1
out=$2
here=$(dirname "$0")
rm -rf "$out"
mkdir -p "$out"
log="$out/commands.log"
step() {
  echo "+ $*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    echo "reports_in_browser: failed: $*" >&2
    tail -20 "$log" >&2
    exit 1
  fi
}
step "$finml" run "$here/fixtures/single_asset_run.yaml" --out "$out/run"
step "$finml" run "$here/fixtures/panel_run.yaml" --out "$out/panel_run"
step "$finml" backtest --prices data/dowjones30.csv --signals tests/cli/fixtures/dow30_momentum_signals.csv \
  --strategy topk --out "$out/backtest_topk"
step "$finml" backtest --prices data/aer_djia8012.csv --strategy sma_cross --out "$out/backtest_sma"
# Column names that are markup: the page must still draw every chart and show them as text.
step "$finml" backtest --prices "$here/fixtures/hostile_names.csv" --strategy sma_cross --fast 5 \
  --slow 20 --out "$out/backtest_hostile_names"
step "$finml" risk garch --returns data/dem2gbp.csv --out "$out/garch"
step "$finml" risk var --prices data/aer_djia8012.csv --method historical,normal,ewma --out "$out/var"
step "$finml" risk portfolio --prices data/dowjones30.csv --out "$out/portfolio"
step "$finml" risk stress --prices data/dowjones30.csv --shock MSFT=-0.3 --out "$out/stress"
step "$finml" portfolio optimize --prices data/pypfopt_stock_prices.csv --risk-free 0.02 \
  --portfolio-value 100000 --out "$out/portfolio_optimize"
step "$finml" portfolio frontier --prices data/dowjones30.csv --bounds -0.1,0.3 --out "$out/portfolio_frontier"
step "$finml" portfolio backtest --prices data/dowjones30.csv --objectives min_variance,hrp,equal_weight \
  --rebalance quarterly --out "$out/portfolio_backtest"
step "$finml" rl train --prices data/dowjones30.csv --agent ppo --agent a2c --timesteps 400 --seeds 2 \
  --retrain yearly --out "$out/rl_train"
# A small transformer with pretraining: both learning curves and the mistakes' shaded words.
step "$finml" nlp train --data examples/data/phrasebank_train.csv --model transformer --epochs 2 \
  --pretrain-epochs 1 --d-model 32 --heads 2 --ff 64 --layers 1 --out "$out/nlp_train"
step "$finml" credit train --model logistic --out "$out/credit_logistic"
step "$finml" credit train --model gbdt --out "$out/credit_gbdt"
step "$finml" anomaly fit --data data/odds_cardio.csv --label label --detectors iforest,ecod,pca \
  --rule cost --out "$out/anomaly_fit"
step "$finml" anomaly benchmark --data data/odds_pima.csv --splits 2 --detectors hbos,knn \
  --reference data/pyod_benchmark_roc.csv --out "$out/anomaly_benchmark"
step "$finml" run examples/fraud_synthetic.yaml --out "$out/fraud"

pages=$(find "$out" -name '*.html' | sort)
bash "$here/check_in_browser.sh" $pages

if [ -n "${SCREENSHOTS:-}" ]; then
  mkdir -p "$SCREENSHOTS"
  profile=$(mktemp -d)
  for page in $pages; do
    name=$(realpath --relative-to="$out" "$page" | sed 's|/|_|g; s|\.html$||')
    # Tall enough for the longest page; the browser crops nothing narrower than 1200 px.
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$profile" --window-size=1200,9000 --virtual-time-budget=20000 \
      --hide-scrollbars --screenshot="$SCREENSHOTS/$name.png" "file://$(realpath "$page")" \
      >/dev/null 2>&1
    echo "screenshot $SCREENSHOTS/$name.png ($(stat -c %s "$page") bytes of HTML)"
  done
  rm -rf "$profile"
fi
