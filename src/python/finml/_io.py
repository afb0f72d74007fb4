"""Moving pandas objects to and from the files and texts the finml core reads and writes."""

import json
import os
import re
import shutil
import tempfile
import weakref

import numpy as np
import pandas as pd

from .errors import InvalidInputError


def csv_text(frame):
    """A DataFrame (or Series) as the CSV text finml's readers expect: a datetime or named index
    becomes the first column, named ``date`` when it has no name."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name if frame.name is not None else "value")
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    if isinstance(frame.columns, pd.MultiIndex) and frame.columns.nlevels == 2:
        # (symbol, field) columns, as read_prices returns several assets: a long panel.
        long = frame.stack(level=0)
        long.index = long.index.set_names([frame.index.name or "date", "symbol"])
        long.columns.name = None
        return long.reset_index().to_csv(index=False, date_format=_date_format(frame.index))
    index = frame.index
    keep_index = not isinstance(index, pd.RangeIndex) or index.name is not None
    if keep_index:
        label = index.name if index.name is not None else "date"
        return frame.to_csv(index=True, index_label=label, date_format=_date_format(index))
    return frame.to_csv(index=False)


def _date_format(index):
    if isinstance(index, pd.DatetimeIndex) and index.tz is None:
        if (index == index.normalize()).all():
            return "%Y-%m-%d"
        return "%Y-%m-%dT%H:%M:%S"
    return None


class Workspace:
    """A private temporary directory for one call's inputs and outputs, removed when the last
    object holding it goes away (a Result keeps its own alive)."""

    def __init__(self, keep_at=None):
        if keep_at is not None:  # a folder the caller keeps: made when needed, never removed
            self.path = os.path.abspath(keep_at)  # run.json names the inputs from anywhere
            return
        self.path = tempfile.mkdtemp(prefix="finml-")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.path, True)

    def file(self, name):
        os.makedirs(self.path, exist_ok=True)
        return os.path.join(self.path, name)

    def write_csv(self, frame, name):
        path = self.file(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(csv_text(frame))
        return path


def safe_stem(text):
    return isinstance(text, str) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}", text)


def asset_of(frame):
    """The asset a single-asset frame from :func:`finml.read_prices` holds, or None."""
    symbols = frame.attrs.get("finml", {}).get("symbols", [])
    return symbols[0] if len(symbols) == 1 and safe_stem(symbols[0]) else None


def as_path(value, workspace, name, asset=None):
    """A path for a DataFrame/Series argument (written into the workspace); strings and paths
    pass through. A one-asset file is named after its asset, in a folder of its own, because the
    loader names such an asset after the file: a frame from ``read_prices`` keeps its symbol, and
    ``asset`` (a saved model's) names it outright."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        asset = asset if safe_stem(asset) else asset_of(value)
        if asset is None:
            return workspace.write_csv(value, name)
        return workspace.write_csv(value, os.path.join(os.path.splitext(name)[0], asset + ".csv"))
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def options_text(options):
    """Load options as the JSON text the core parses with the experiment file's declaration."""
    return json.dumps(options) if options else ""


def time_index(raw):
    """The index of a loaded table: dates when the source had a calendar, else its labels."""
    if raw["calendar"]:
        return pd.DatetimeIndex(pd.to_datetime(np.asarray(raw["time"]), unit="s"), name="date")
    return pd.Index(raw["time_label"], name="date")


def source_of(data):
    """(source, is_text, label) for the core's readers."""
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return csv_text(data), True, "<DataFrame>"
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data), False, os.fspath(data)
    raise InvalidInputError(
        f"expected a CSV path or a pandas DataFrame, got {type(data).__name__}")


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def frame_from_csv(path):
    frame = pd.read_csv(path, float_precision="round_trip")
    for column in ("date", "time", "timestamp"):
        if column in frame.columns and frame[column].dtype == object:  # not an integer index
            try:
                frame[column] = pd.to_datetime(frame[column])
            except (ValueError, TypeError):
                pass
            break
    return frame


__all__ = ["csv_text", "safe_stem", "Workspace", "as_path", "options_text", "time_index",
           "source_of", "read_json", "frame_from_csv"]
