"""Independent pandas implementation of a long/flat SMA-cross backtest, used as the oracle for
`finml backtest --strategy sma_cross` (ctest backtest.pandas_sma_cross_*).

Conventions it shares with finml by specification, not by code: the position wanted after the
close of day t is long (100% of equity) while SMA(fast) > SMA(slow), else flat; it fills at day
t+1's open or close, paying cost_bps of the fill value (at least min_fee) and filling
slippage_bps worse than the quote; equity is cash plus shares at the close.

Usage: sma_cross_pandas.py PRICES.csv FINML_EQUITY.csv --fast F --slow S --cost-bps C
       [--slippage-bps X] [--min-fee M] [--fill open|close] [--capital K] [--tol 1e-9]
Exits 0 when finml's equity matches within tol on every day, 1 otherwise, 77 without pandas.
"""

import argparse
import sys

try:
    import numpy as np
    import pandas as pd
except ImportError:
    print("pandas/numpy not available: skipped", file=sys.stderr)
    sys.exit(77)


def oracle_equity(prices, fast, slow, cost_bps, slippage_bps, min_fee, fill, capital):
    close = prices["close"]
    quote = prices["open"] if fill == "open" else close
    fast_ma = close.rolling(fast).mean()
    slow_ma = close.rolling(slow).mean()
    decided = slow_ma.notna()
    want = pd.Series(np.where(fast_ma > slow_ma, 1.0, 0.0), index=close.index).where(decided)
    first = int(np.argmax(decided.to_numpy()))
    # The position held from each fill on: yesterday's wish, flat before the first decision.
    held = want.shift(1).iloc[first + 1:].fillna(0.0)
    changes = held[held.diff().fillna(held.iloc[0]) != 0]

    rate, slip = cost_bps * 1e-4, slippage_bps * 1e-4
    cash, shares = capital, 0.0
    cash_after, shares_after = {}, {}
    for day, target in changes.items():
        px = quote.loc[day]
        nav = cash + shares * px
        qty = target * nav / px - shares
        price = px * (1 + slip) if qty > 0 else px * (1 - slip)
        value = abs(qty) * price
        cash -= qty * price + max(min_fee, rate * value)
        shares += qty
        cash_after[day], shares_after[day] = cash, shares

    days = close.index[first:]
    cash_s = pd.Series(cash_after, dtype=float).reindex(days).ffill().fillna(capital)
    shares_s = pd.Series(shares_after, dtype=float).reindex(days).ffill().fillna(0.0)
    return cash_s + shares_s * close.loc[days]


def read_prices(path):
    raw = pd.read_csv(path)
    raw.columns = [c.strip().lower() for c in raw.columns]
    raw["date"] = pd.to_datetime(raw["date"])
    raw = raw.set_index("date")
    if "close" not in raw.columns:  # close-only file: Date,<name>
        raw = raw.rename(columns={raw.columns[0]: "close"})
    return raw


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prices")
    ap.add_argument("finml_equity")
    ap.add_argument("--fast", type=int, required=True)
    ap.add_argument("--slow", type=int, required=True)
    ap.add_argument("--cost-bps", type=float, required=True)
    ap.add_argument("--slippage-bps", type=float, default=0.0)
    ap.add_argument("--min-fee", type=float, default=0.0)
    ap.add_argument("--fill", choices=["open", "close"], default="close")
    ap.add_argument("--capital", type=float, default=1.0)
    ap.add_argument("--tol", type=float, default=1e-9)
    a = ap.parse_args()

    expected = oracle_equity(read_prices(a.prices), a.fast, a.slow, a.cost_bps, a.slippage_bps,
                             a.min_fee, a.fill, a.capital)
    got = pd.read_csv(a.finml_equity, parse_dates=["date"]).set_index("date")["equity"]
    if len(got) != len(expected) or not (got.index == expected.index).all():
        print(f"dates differ: finml {len(got)} rows {got.index[0]}..{got.index[-1]}, pandas "
              f"{len(expected)} rows {expected.index[0]}..{expected.index[-1]}")
        return 1
    diff = (got - expected).abs()
    worst = diff.idxmax()
    trades = int((expected.diff().fillna(0) != 0).sum())
    print(f"{len(got)} days, final equity finml {got.iloc[-1]:.12f} pandas "
          f"{expected.iloc[-1]:.12f}, max |diff| {diff.max():.3e} on {worst.date()}")
    if trades == 0 or diff.max() > a.tol:
        print("FAIL: " + ("no trades" if trades == 0 else f"difference above {a.tol}"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
