"""Market risk: GARCH-family fits (native), rolling VaR/ES with backtests, portfolio VaR and
stress tests (as ``finml risk ...``)."""

import json

import numpy as np
import pandas as pd

from . import _finml
from ._wrappers import directory_command
from .errors import InvalidInputError


class GarchFit:
    """A fitted GARCH, GJR or EGARCH model: ``params`` maps ``mu``, ``omega``, ``alpha``,
    [``gamma``], ``beta``, [``nu``] to their estimates; ``se`` the robust standard errors;
    ``sigma2`` and ``residuals`` are Series on the input's index."""

    def __init__(self, native, index):
        self._native = native
        self.model = native.model
        self.dist = native.dist
        self.params = dict(zip(native.names, native.values))
        self.se = dict(zip(native.names, native.se_robust))
        self.se_hessian = dict(zip(native.names, native.se_hessian))
        self.boundary = list(native.boundary)
        self.loglik = native.loglik
        self.aic = native.aic
        self.bic = native.bic
        self.nobs = native.n
        self.converged = native.converged
        self.iterations = native.iterations
        self.message = native.message
        self.next_variance = native.next_variance
        self.sigma2 = pd.Series(native.sigma2, index=index, name="sigma2")
        self.residuals = pd.Series(native.residuals, index=index, name="residual")

    def forecast(self, horizon=10, seed=42):
        """Conditional variances for the next ``horizon`` periods (EGARCH by Monte Carlo with
        ``seed``)."""
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
            raise InvalidInputError(f"forecast horizon must be a whole number of periods >= 1, "
                                    f"not {horizon!r}")
        return pd.Series(self._native.forecast_variance(horizon, seed),
                         index=pd.RangeIndex(1, horizon + 1, name="step"), name="variance")

    def to_dict(self):
        """The fit as ``finml risk garch`` writes it to params.json."""
        return json.loads(self._native.to_json())

    def __repr__(self):
        params = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        return f"GarchFit({self.model}, {self.dist}: {params}; loglik={self.loglik:.4f})"

    def _repr_html_(self):
        rows = "".join(
            f"<tr><td>{k}</td><td>{v:.6g}</td><td>{self.se[k]:.3g}</td></tr>"
            for k, v in self.params.items())
        return (f"<b>{self.model} ({self.dist})</b>, {self.nobs} returns, log-likelihood "
                f"{self.loglik:.4f}, AIC {self.aic:.4f}<table><tr><th>parameter</th>"
                f"<th>estimate</th><th>robust s.e.</th></tr>{rows}</table>")


def garch(returns, model="garch", dist="normal", stationary=True, standard_errors=True):
    """Fits ``model`` (``garch``, ``gjr``, ``egarch``) with ``dist`` (``normal`` or ``t``) innovations
    by maximum likelihood to ``returns`` (a Series, array or list; NaN-free), with the code
    ``finml risk garch`` runs."""
    if isinstance(returns, pd.DataFrame):
        if returns.shape[1] != 1:
            raise InvalidInputError(
                f"garch fits one series; this DataFrame has {returns.shape[1]} columns "
                f"({', '.join(map(str, returns.columns[:5]))}) (fix: pass one, df['name'])")
        returns = returns.iloc[:, 0]
    index = returns.index if isinstance(returns, pd.Series) else None
    try:
        values = np.asarray(returns, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"garch needs numeric returns: {e}") from None
    if values.ndim != 1:
        raise InvalidInputError(f"garch needs one series of returns, not an array of shape "
                                f"{values.shape}")
    native = _finml.garch(values, model, dist, stationary, standard_errors)
    if index is None:
        index = pd.RangeIndex(len(values))
    return GarchFit(native, index)


var = directory_command("risk", "var")
var_portfolio = directory_command("risk", "portfolio")
stress = directory_command("risk", "stress")
garch_report = directory_command("risk", "garch")
