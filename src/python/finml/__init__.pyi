import os
from typing import Any, Iterable, Mapping

import pandas as pd

from . import anomaly as anomaly, credit as credit, errors as errors, fraud as fraud
from . import nlp as nlp, portfolio as portfolio, risk as risk, rl as rl, synth as synth
from .errors import (ConfigError as ConfigError, DataError as DataError, Error as Error,
                     InternalError as InternalError, InvalidInputError as InvalidInputError,
                     IoError as IoError)
from .result import Result as Result

__version__: str

PathOrFrame = str | os.PathLike[str] | pd.DataFrame

def read_prices(data: PathOrFrame, **load_options: Any) -> pd.DataFrame:
    """Market data from a CSV path or a DataFrame, validated as ``finml`` validates files."""

def features(data: PathOrFrame, set: str = "all", include: Iterable[str] = (),
             price: str = "close", **load_options: Any) -> pd.DataFrame:
    """Technical indicators as ``finml features`` computes them."""

def run(config: Mapping[str, Any] | str | os.PathLike[str] | None = None,
        out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        set: Mapping[str, Any] | None = None) -> Result:
    """Runs an experiment exactly as ``finml run`` does."""

class Model:
    directory: str
    def __init__(self, directory: str | os.PathLike[str], keep: Any = ...) -> None: ...
    def predict(self, data: PathOrFrame) -> pd.DataFrame:
        """Predictions as ``finml predict`` writes them."""

def load_model(directory: str | os.PathLike[str]) -> Model: ...

def backtest(prices: PathOrFrame | None = None,
             signals: PathOrFrame | Result | None = None,
             out: str | os.PathLike[str] | None = None, overwrite: bool = False,
             **settings: Any) -> Result:
    """Trades signals or a rule on prices as ``finml backtest`` does."""

def command(*words: str | os.PathLike[str]) -> int:
    """Runs ``finml <words...>`` in this process."""
