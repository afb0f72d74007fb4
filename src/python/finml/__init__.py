"""finml from Python: pandas in, pandas out, over the same native code as the ``finml`` binary.

Quick tour::

    import finml
    prices = finml.read_prices("data/djia.csv")          # or a DataFrame you already have
    feats = finml.features(prices, set="stationary")      # indicator columns as a DataFrame
    result = finml.run()                                  # the quickstart experiment
    result.metrics["models"]                              # the dict metrics.json holds
    result.predictions                                    # predictions.csv as a DataFrame
    fit = finml.risk.garch(returns, model="garch", dist="normal")
    fit.params                                            # {"mu": ..., "omega": ..., ...}

Every call runs the code the command line runs; a mistake raises :class:`finml.Error` (see
:mod:`finml.errors`) with the message the binary prints. Long calls release the GIL and stop at
their next progress point on Ctrl-C (``KeyboardInterrupt``).
"""

import json
import os

import numpy as np
import pandas as pd

from . import _finml
from . import errors
from .errors import (ConfigError, DataError, Error, InternalError, InvalidInputError,
                     IoError)
from ._commands import command, flags, invoke
from ._io import (Workspace, as_path, frame_from_csv, options_text, read_json, safe_stem,
                  source_of, time_index)
from .result import Result

__version__ = _finml.__version__


def read_prices(data, **load_options):
    """Market data from a CSV path or a DataFrame, validated as ``finml`` validates files.

    ``load_options`` are the experiment file's ``data:`` keys (``missing="ffill"``,
    ``order="sort"``, ``symbols=[...]``, ``timezone=...``, ...). One asset gives a DataFrame with
    the fields it has (``open``, ``high``, ``low``, ``close``, ``adj_close``, ``volume``); several
    give columns ``(symbol, field)`` (a wide panel of closes: one column per symbol). The index is
    the dates (or the file's own labels when it has no calendar). Repairs, warnings and notes the
    loader made are in ``frame.attrs["finml"]``.
    """
    source, is_text, label = source_of(data)
    load_options = _with_frame_zone(data, load_options)
    raw = _finml.read_prices(source, is_text, label, options_text(load_options))
    index = time_index(raw)
    assets = raw["assets"]
    if len(assets) == 1:
        symbol, fields = assets[0]
        frame = pd.DataFrame(fields, index=index)
    elif all(list(fields) == ["close"] for _, fields in assets):
        frame = pd.DataFrame({symbol: fields["close"] for symbol, fields in assets}, index=index)
        frame.columns.name = "symbol"
    else:
        frame = pd.concat({symbol: pd.DataFrame(fields, index=index) for symbol, fields in assets},
                          axis=1, names=["symbol", "field"])
    frame.attrs["finml"] = {
        "source": raw["source"], "shape": raw["shape"], "zone": raw["zone"],
        "symbols": [symbol for symbol, _ in assets],
        "repairs": [{"what": w, "count": c} for w, c in raw["repairs"]],
        "warnings": list(raw["warnings"]), "notes": list(raw["notes"]),
    }
    return frame


def _with_frame_zone(data, load_options):
    """A frame whose index carries a time zone is read in that zone (its offsets change with
    daylight saving, which the loader otherwise refuses as mixed offsets)."""
    zone = getattr(getattr(data, "index", None), "tz", None)
    if zone is not None and "timezone" not in load_options:
        return {**load_options, "timezone": str(zone)}
    return load_options


def features(data, set="all", include=(), price="close", **load_options):
    """Technical indicators, as ``finml features`` computes them, as a DataFrame.

    ``set`` is ``all``, ``close`` or ``stationary``; ``include`` adds specs such as ``"sma_50"``;
    ``price`` is ``close`` or ``adj_close``. An indicator still warming up is NaN. Several assets
    give a long table with a ``symbol`` column, as the command writes.
    """
    source, is_text, label = source_of(data)
    load_options = _with_frame_zone(data, load_options)
    if isinstance(include, str):
        include = [include]
    raw = _finml.features(source, is_text, label, options_text(load_options), set,
                          list(include), price)
    index = time_index(raw)
    assets = raw["assets"]
    frames = []
    for symbol, columns in assets:
        frame = pd.DataFrame({name: values for name, values in columns}, index=index)
        if len(assets) > 1:
            frame.insert(0, "symbol", symbol)
        frames.append(frame)
    return frames[0] if len(frames) == 1 else pd.concat(frames)


def _materialise_config(config, workspace):
    """An experiment as a file: a dict is written as JSON (which YAML reads), with any DataFrame
    in it written to a CSV beside and replaced by its path."""
    if config is None or isinstance(config, (str, os.PathLike)):
        return None if config is None else os.fspath(config)
    if not isinstance(config, dict):
        raise InvalidInputError(
            f"an experiment is a dict, a path or None (the quickstart), not {type(config).__name__}")
    counter = [0]

    def replace(value):
        if isinstance(value, (pd.DataFrame, pd.Series)):
            counter[0] += 1
            return as_path(value, workspace, f"input{counter[0]}.csv")
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items()}
        if isinstance(value, list):
            return [replace(v) for v in value]
        return value

    path = workspace.file("experiment.yaml")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(replace(config), f, indent=1, default=_json_default)
    return path


def _holds_frames(value):
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return True
    if isinstance(value, dict):
        return any(_holds_frames(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_frames(v) for v in value)
    return False


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} cannot go into an experiment")


def run(config=None, out=None, overwrite=False, set=None):
    """Runs an experiment (a dict, a YAML path, or ``None`` for the DJIA quickstart) exactly as
    ``finml run`` does and returns its :class:`Result` (``metrics``, ``predictions``, the report).

    ``out`` keeps the output directory (default: a temporary one that lives with the Result),
    and DataFrames in the experiment in ``<out>.inputs`` beside it, since the run names them;
    ``set`` overrides keys as ``--set`` does: ``set={"models": ["ridge"]}``.
    """
    # With `out`, DataFrame inputs are kept beside it: run.json names them, and a later backtest
    # or predict of the run reads them again.
    keep = out is not None and _holds_frames(config)
    workspace = Workspace(os.fspath(out).rstrip("/") + ".inputs" if keep else None)
    experiment = _materialise_config(config, workspace)
    target = os.fspath(out) if out is not None else workspace.file("out")
    words = ["run"] + ([experiment] if experiment else []) + [f"--out={target}"]
    words += flags({"set": set}, workspace)
    if overwrite:
        words.append("--overwrite")
    command(*words)
    return Result(target, workspace=workspace)


class Model:
    """A saved forecaster (``<run>/models/<name>``): ``predict`` runs ``finml predict``."""

    def __init__(self, directory, keep=None):
        self.directory = os.fspath(directory)
        self._keep = keep  # the Result whose (maybe temporary) directory holds the model
        if not os.path.isdir(self.directory):
            raise IoError(f"model directory '{self.directory}' not found")

    def __repr__(self):
        return f"finml.Model({self.directory!r})"

    def _asset(self):
        """The one asset the model was trained on, which a DataFrame's file must be named after."""
        try:
            symbols = read_json(os.path.join(self.directory, "model.json"))["pipeline"]["symbols"]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # the command names what is wrong with the directory
        return symbols[0] if isinstance(symbols, list) and len(symbols) == 1 else None

    @staticmethod
    def _named_for_model(path, asset, workspace):
        """A one-asset file is named after its asset by the loader: a file of another name is
        linked under the model's asset name, as the command line would need it renamed."""
        stem = os.path.splitext(os.path.basename(path))[0]
        if not safe_stem(asset) or stem == asset or not os.path.isfile(path):
            return path
        folder = workspace.file("input")
        os.makedirs(folder, exist_ok=True)
        link = os.path.join(folder, asset + os.path.splitext(path)[1])
        os.symlink(os.path.abspath(path), link)
        return link

    def predict(self, data):
        """Predictions for prices (a path or a DataFrame in the shape the model was trained on),
        as a DataFrame: the rows ``finml predict`` writes."""
        workspace = Workspace()
        asset = self._asset()
        source = as_path(data, workspace, "input.csv", asset=asset)
        if isinstance(source, str):
            source = self._named_for_model(source, asset, workspace)
        out = workspace.file("predictions.csv")
        command("predict", f"--model={self.directory}", f"--input={source}", f"--out={out}")
        return frame_from_csv(out)


def load_model(directory):
    """A saved model directory; for runs use ``result.directory + "/models/<name>"``."""
    return Model(directory)


def backtest(prices=None, signals=None, out=None, overwrite=False, **settings):
    """Trades signals (a DataFrame ``date,symbol,score``, a run's :class:`Result` or directory)
    or a rule on prices, as ``finml backtest`` does; returns the :class:`Result` with
    ``metrics``, ``equity``, ``trades`` and the tearsheet. ``settings`` are the backtest's keys
    (``strategy="sma_cross"``, ``cost_bps=5``, ``model="ridge"``...)."""
    if isinstance(signals, Result):
        signals = signals.directory
    return invoke(["backtest"], dict(prices=prices, signals=signals, **settings), out=out,
                  overwrite=overwrite)[0]


from . import anomaly, credit, fraud, nlp, portfolio, risk, rl, synth  # noqa: E402

__all__ = [
    "read_prices", "features", "run", "load_model", "Model", "backtest", "command", "Result",
    "Error", "InvalidInputError", "DataError", "ConfigError", "IoError", "InternalError",
    "errors", "risk", "credit", "portfolio", "anomaly", "fraud", "nlp", "synth", "rl",
]
