"""Portfolio optimisation: weights, efficient frontiers and walk-forward backtests."""

import os
from typing import Any

import pandas as pd

from .result import Result

def optimize(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml portfolio optimize``: settings are its flags (see --help); DataFrames go as CSV files."""

def frontier(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml portfolio frontier``: settings are its flags (see --help); DataFrames go as CSV files."""

def backtest(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml portfolio backtest``: settings are its flags (see --help); DataFrames go as CSV files."""
