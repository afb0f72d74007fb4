"""pandas peer for finml_bench. Usage: /usr/bin/python3 bench/peer_pandas.py DATA_DIR

Times pandas on the CSVs that `finml_bench --generate=DATA_DIR` wrote and prints one CSV line
per case: name,items,seconds_per_call,reps,calls_in_best_rep.

Timing mirrors Google Benchmark as run_all.sh uses it: per repetition, call repeatedly until
MIN_TIME seconds of wall time have passed and take the mean; report the best of REPS repetitions.
"""

import math
import os
import platform
import sys
import time

import numpy as np
import pandas as pd

REPS = 5


def best_seconds(fn, min_time):
    fn()  # untimed warm-up, as Google Benchmark's first sizing run is
    best, best_calls = math.inf, 0
    for _ in range(REPS):
        calls = 0
        start = time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        if elapsed / calls < best:
            best, best_calls = elapsed / calls, calls
    return best, best_calls


def read(path):
    df = pd.read_csv(path, parse_dates=[0])
    # finml turns every date into a timestamp; a peer that silently kept them as text would be
    # doing less work, so insist on the parsed dtype.
    if not pd.api.types.is_datetime64_any_dtype(df.iloc[:, 0]):
        raise SystemExit(f"{path}: pandas did not parse the dates (dtype {df.dtypes.iloc[0]})")
    return df


def main():
    data_dir = sys.argv[1]
    ohlcv = os.path.join(data_dir, "ohlcv_minute.csv")
    wide = os.path.join(data_dir, "wide_daily.csv")
    results = []
    for name, path in (("read_csv_ohlcv_minute", ohlcv), ("read_csv_wide_daily", wide)):
        rows = len(read(path))
        seconds, calls = best_seconds(lambda: read(path), min_time=0.3)
        results.append((name, rows, seconds, calls))

    close = pd.read_csv(ohlcv, usecols=["Close"])["Close"]
    seconds, calls = best_seconds(lambda: close.rolling(20).mean(), min_time=0.2)
    results.append(("rolling_mean_20", len(close), seconds, calls))

    print(f"# pandas {pd.__version__}, numpy {np.__version__}, Python {platform.python_version()}")
    print("name,items,seconds_per_call,reps,calls_in_best_rep")
    for name, items, seconds, calls in results:
        print(f"{name},{items},{seconds:.9g},{REPS},{calls}")


if __name__ == "__main__":
    main()
