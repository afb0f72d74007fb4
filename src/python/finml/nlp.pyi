"""Financial text: tokenizer and transformer pretraining, sentiment classifiers, word vectors and
a news sentiment factor."""

import os
from typing import Any

import pandas as pd

from .result import Result

def pretrain(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml nlp pretrain``: settings are its flags (see --help); DataFrames go as CSV files."""

def train(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml nlp train``: settings are its flags (see --help); DataFrames go as CSV files."""

def predict(out: str | os.PathLike[str] | None = None, **settings: Any) -> pd.DataFrame:
    """``finml nlp predict``: the CSV it writes as a DataFrame."""

def factor(out: str | os.PathLike[str] | None = None, **settings: Any) -> pd.DataFrame:
    """``finml nlp factor``: the CSV it writes as a DataFrame."""

def embed(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml nlp embed``: settings are its flags (see --help); DataFrames go as CSV files."""

def neighbors(model: str | os.PathLike[str] | Result, words: str | list[str],
              k: int = 10) -> pd.DataFrame:
    """The k nearest vocabulary words of each word: columns word, neighbour, similarity."""
