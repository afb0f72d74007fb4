"""Credit scoring: ``train`` (cross-validated, with scorecard and explanations) and ``score``."""

import os
from typing import Any

import pandas as pd

from .result import Result

def train(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml credit train``: settings are its flags (see --help); DataFrames go as CSV files."""

def score(out: str | os.PathLike[str] | None = None, **settings: Any) -> pd.DataFrame:
    """``finml credit score``: the CSV it writes as a DataFrame."""
