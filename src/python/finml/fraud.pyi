"""Supervised fraud models on labelled transactions (synthetic generator included)."""

import os
from typing import Any

import pandas as pd

from .result import Result

def generate(out: str | os.PathLike[str] | None = None, **settings: Any) -> pd.DataFrame:
    """``finml fraud generate``: the CSV it writes as a DataFrame."""

def train(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml fraud train``: settings are its flags (see --help); DataFrames go as CSV files."""

def score(out: str | os.PathLike[str] | None = None, **settings: Any) -> pd.DataFrame:
    """``finml fraud score``: the CSV it writes as a DataFrame."""
