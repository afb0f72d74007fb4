"""Anomaly detection: detectors fitted with thresholds, scoring, streaming updates, PyOD's
benchmark protocol."""

import os
from typing import Any

import pandas as pd

from .result import Result

def fit(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml anomaly fit``: settings are its flags (see --help); DataFrames go as CSV files."""

def score(out: str | os.PathLike[str] | None = None, **settings: Any) -> pd.DataFrame:
    """``finml anomaly score``: the CSV it writes as a DataFrame."""

def update(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml anomaly update``: settings are its flags (see --help); DataFrames go as CSV files."""

def benchmark(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml anomaly benchmark``: settings are its flags (see --help); DataFrames go as CSV files."""
