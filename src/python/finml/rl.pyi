"""Reinforcement learning: trading and allocation agents against simple baselines."""

import os
from typing import Any

import pandas as pd

from .result import Result

def train(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml rl train``: settings are its flags (see --help); DataFrames go as CSV files."""

def evaluate(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml rl evaluate``: settings are its flags (see --help); DataFrames go as CSV files."""
