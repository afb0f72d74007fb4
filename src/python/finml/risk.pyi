"""Market risk: GARCH-family fits (native), VaR/ES, portfolio VaR and stress tests."""

import os
from typing import Any

import numpy.typing as npt
import pandas as pd

from .result import Result

class GarchFit:
    model: str
    dist: str
    params: dict[str, float]
    se: dict[str, float]
    se_hessian: dict[str, float]
    boundary: list[str]
    loglik: float
    aic: float
    bic: float
    nobs: int
    converged: bool
    iterations: int
    message: str
    next_variance: float
    sigma2: pd.Series
    residuals: pd.Series
    def forecast(self, horizon: int = 10, seed: int = 42) -> pd.Series: ...
    def to_dict(self) -> dict[str, Any]: ...

def garch(returns: pd.Series | pd.DataFrame | npt.ArrayLike, model: str = "garch", dist: str = "normal",
          stationary: bool = True, standard_errors: bool = True) -> GarchFit:
    """Fits a GARCH, GJR or EGARCH model by maximum likelihood (a one-column DataFrame too)."""

def var(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
        **settings: Any) -> Result:
    """``finml risk var``: rolling VaR and ES with backtests."""

def var_portfolio(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
                  **settings: Any) -> Result:
    """``finml risk portfolio``: parametric portfolio VaR with component VaR."""

def stress(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
           **settings: Any) -> Result:
    """``finml risk stress``: historical and hypothetical stress tests."""

def garch_report(out: str | os.PathLike[str] | None = None, overwrite: bool = False,
                 **settings: Any) -> Result:
    """``finml risk garch``: the fit with its report, as the command writes it."""
