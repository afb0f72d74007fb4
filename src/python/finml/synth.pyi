"""Synthetic data: train generators (QuantGAN, TimeGAN, CTGAN and baselines), sample, evaluate."""

import os
from typing import Any

import pandas as pd

from .result import Result

def train(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml synth train``: settings are its flags (see --help); DataFrames go as CSV files."""

def sample(out: str | os.PathLike[str] | None = None, **settings: Any) -> pd.DataFrame:
    """``finml synth sample``: the CSV it writes as a DataFrame."""

def evaluate(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml synth evaluate``: settings are its flags (see --help); DataFrames go as CSV files."""
