"""pandas peer for finml_bench. Usage: /usr/bin/python3 bench/peer_pandas.py DATA_DIR [REPS]

Times pandas on the CSVs that `finml_bench --generate=DATA_DIR` wrote and prints one CSV line
per repetition: name,items,seconds_per_call,calls.

Timing mirrors Google Benchmark as run_all.sh uses it: one untimed warm-up call, then per
repetition call repeatedly until a minimum wall time has passed and take the mean.
"""

import os
import platform
import sys
import time

import numpy as np
import pandas as pd


def repetitions(fn, reps, min_time):
    for _ in range(reps):
        calls = 0
        start = time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        yield elapsed / calls, calls


def read(path):
    df = pd.read_csv(path, parse_dates=[0])
    # finml turns every date into a timestamp; a peer that silently kept them as text would be
    # doing less work, so insist on the parsed dtype.
    if not pd.api.types.is_datetime64_any_dtype(df.iloc[:, 0]):
        raise SystemExit(f"{path}: pandas did not parse the dates (dtype {df.dtypes.iloc[0]})")
    return df


BACKTEST_DAYS, BACKTEST_ASSETS = 2500, 5000  # bench_inputs.hpp


def backtest_weights(data_dir, reps):
    """The usual vectorised weight backtest: weights decided at the close of t are held from the
    close of t+1 (so they earn the returns of t+2 on), and each day's change in weights pays
    5 bps. Unlike finml's engine it keeps weights fixed between closes instead of letting the
    shares drift, so its equity differs slightly; the work per asset-bar is comparable."""
    shape = (BACKTEST_DAYS, BACKTEST_ASSETS)
    close = pd.DataFrame(np.fromfile(os.path.join(data_dir, "backtest_close.f64")).reshape(shape))
    weights = pd.DataFrame(
        np.fromfile(os.path.join(data_dir, "backtest_weights.f64")).reshape(shape))
    rate = 5e-4

    def run():
        returns = close.pct_change()
        gross = (weights.shift(2) * returns).sum(axis=1)
        cost = weights.diff().abs().sum(axis=1).shift(1).fillna(0.0) * rate
        return 1e6 * (1.0 + gross - cost).cumprod()

    equity = run()
    print(f"backtest_weights final equity {equity.iloc[-1]:.6f}", file=sys.stderr, flush=True)
    for seconds, calls in repetitions(run, reps, min_time=0.5):
        print(f"backtest_weights_5000x2500,{close.size},{seconds:.9g},{calls}", flush=True)


def main():
    data_dir = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    ohlcv = os.path.join(data_dir, "ohlcv_minute.csv")
    wide = os.path.join(data_dir, "wide_daily.csv")
    print(f"# pandas {pd.__version__}, numpy {np.__version__}, Python {platform.python_version()}")
    print("name,items,seconds_per_call,calls")
    for name, path in (("read_csv_ohlcv_minute", ohlcv), ("read_csv_wide_daily", wide)):
        rows = len(read(path))  # also the warm-up
        for seconds, calls in repetitions(lambda: read(path), reps, min_time=0.3):
            print(f"{name},{rows},{seconds:.9g},{calls}", flush=True)

    backtest_weights(data_dir, reps)

    close = pd.read_csv(ohlcv, usecols=["Close"])["Close"]
    close.rolling(20).mean()
    for seconds, calls in repetitions(lambda: close.rolling(20).mean(), reps, min_time=0.2):
        print(f"rolling_mean_20,{len(close)},{seconds:.9g},{calls}", flush=True)


if __name__ == "__main__":
    main()
