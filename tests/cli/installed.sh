#!/usr/bin/env bash
# An installed finml (cmake --install) runs from any directory with its own data and examples,
# not the checkout's (issue 14, item 7).
# Usage: installed.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=$1; out=$2
rm -rf "$out"; mkdir -p "$out/work"
cmake --install "$build" --prefix "$out/prefix" >/dev/null
prefix=$(cd "$out/prefix" && pwd)
cd "$out/work"
"$prefix/bin/finml" credit train --folds 2 --no-importance --out credit >/dev/null 2>&1
grep -q "\"$prefix/share/finml/data/german_credit.csv\"" credit/metrics.json ||
  { echo "FAIL: the default data was not the installed copy"; grep -o '"[^"]*german_credit.csv"' credit/metrics.json; exit 1; }
"$prefix/bin/finml" run "$prefix/share/finml/examples/msft_dates.yaml" --out run >/dev/null 2>&1
grep -q "\"$prefix/share/finml/examples/../data/msft_ohlcv.csv\"\|\"$prefix/share/finml/data/msft_ohlcv.csv\"" run/run.json ||
  { echo "FAIL: the example's data was not the installed copy"; grep -o '"[^"]*msft_ohlcv.csv"' run/run.json; exit 1; }
echo "ok: installed finml used $prefix/share/finml"
