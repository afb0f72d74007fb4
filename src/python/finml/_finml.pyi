"""finml's native core (use the finml package, not this module)."""

from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

def command(args: list[str]) -> int: ...
def read_prices(source: str, is_text: bool, label: str, options: str = ...) -> dict[str, Any]: ...
def features(source: str, is_text: bool, label: str, options: str, set: str,
             include: list[str], price: str) -> dict[str, Any]: ...

class GarchFit:
    model: str
    dist: str
    names: list[str]
    values: list[float]
    se_robust: list[float]
    se_hessian: list[float]
    boundary: list[str]
    loglik: float
    aic: float
    bic: float
    n: int
    converged: bool
    iterations: int
    message: str
    next_variance: float
    sigma2: npt.NDArray[np.float64]
    residuals: npt.NDArray[np.float64]
    def forecast_variance(self, horizon: int, seed: int = ...) -> npt.NDArray[np.float64]: ...
    def to_json(self) -> str: ...

def garch(returns: npt.ArrayLike, model: str = ..., dist: str = ..., stationary: bool = ...,
          standard_errors: bool = ...) -> GarchFit: ...

def nearest_words(model_dir: str, words: list[str], k: int = ...) -> list[tuple[str, str, float]]: ...
