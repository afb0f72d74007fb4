"""GARCH natively, the other risk jobs through their commands, against the CLI."""

import numpy as np
import pandas as pd
import pytest

import finml
from conftest import read_exact, read_json


@pytest.fixture(scope="module")
def dem2gbp():
    return read_exact("data/dem2gbp.csv", index_col="obs")["DEM2GBP"]


def test_garch_params_equal_the_garch_command(dem2gbp, cli, tmp_path):
    fit = finml.risk.garch(dem2gbp, model="garch", dist="normal")
    assert set(fit.params) == {"mu", "omega", "alpha", "beta"}
    cli("risk", "garch", "--returns", "data/dem2gbp.csv", "--out", tmp_path / "g")
    params = read_json(tmp_path / "g" / "params.json")
    for name, value in fit.params.items():
        assert value == params[name], name
        assert fit.se[name] == params[name + "_se"], name
    assert fit.loglik == pytest.approx(params["loglik"], abs=0)
    # Fiorentini-Calzolari-Panattoni benchmark values for this series (Bollerslev-Ghysels).
    assert fit.params["beta"] == pytest.approx(0.80600, abs=1e-3)
    assert fit.sigma2.index.equals(dem2gbp.index)
    forecast = fit.forecast(5)
    assert len(forecast) == 5 and (forecast > 0).all()


def test_garch_variants_and_bad_input(dem2gbp):
    gjr = finml.risk.garch(dem2gbp.to_numpy(), model="gjr", dist="t")
    assert set(gjr.params) == {"mu", "omega", "alpha", "gamma", "beta", "nu"}
    with pytest.raises(finml.InvalidInputError, match="100"):
        finml.risk.garch(dem2gbp.iloc[:20])
    with pytest.raises(finml.ConfigError):
        finml.risk.garch(dem2gbp, model="figarch")
    one_column = finml.risk.garch(dem2gbp.to_frame())
    assert one_column.params == finml.risk.garch(dem2gbp).params
    with pytest.raises(finml.InvalidInputError, match="2 columns"):
        finml.risk.garch(pd.DataFrame({"a": dem2gbp, "b": dem2gbp}))
    with pytest.raises(finml.InvalidInputError, match="numeric"):
        finml.risk.garch(pd.Series(["a"] * 200))
    with pytest.raises(finml.InvalidInputError, match="horizon"):
        one_column.forecast(0)

