#!/usr/bin/env bash
# MCD on a million records: the time of `finml anomaly fit --detectors mcd` (loading the CSV
# included) on 1,000,000 x 17 correlated Gaussian records, 1% of them shifted, written by
# Debian's numpy with a fixed seed. Prints the fit's table and the time.
# Usage: bash bench/mcd_scale.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp/big.csv" <<'PY'
import sys
import numpy as np
import pandas as pd
rng = np.random.default_rng(1)
n, p = 1_000_000, 17
x = rng.standard_normal((n, p)) @ rng.standard_normal((p, p)) * 0.3
x[: n // 100] += 5
pd.DataFrame(x, columns=[f"f{i}" for i in range(p)]).to_csv(sys.argv[1], index=False, float_format="%.6g")
PY
start=$(date +%s.%N)
"$build/finml" anomaly fit --data "$tmp/big.csv" --detectors mcd --out "$tmp/model"
echo "mcd fit on 1,000,000 x 17 records: $(echo "$(date +%s.%N) - $start" | bc) s"
