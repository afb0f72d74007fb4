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

    close = pd.read_csv(ohlcv, usecols=["Close"])["Close"]
    close.rolling(20).mean()
    for seconds, calls in repetitions(lambda: close.rolling(20).mean(), reps, min_time=0.2):
        print(f"rolling_mean_20,{len(close)},{seconds:.9g},{calls}", flush=True)


if __name__ == "__main__":
    main()
