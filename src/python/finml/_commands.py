"""Running finml commands in this process, with Python values as their flags."""

import json
import os

from . import _finml
from ._io import Workspace, as_path
from .result import Result


def flag_name(key):
    """The command line's flag for a setting key: ``max_weight`` -> ``--max-weight`` (the same
    rule the core derives its flags by)."""
    return "--" + key.replace("_", "-").replace(".", "-")


def _scalar_text(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value)
    return str(value)


def flags(settings, workspace):
    """Words for ``settings``: DataFrames become CSV files in the workspace, lists repeat the
    flag, booleans are written out (``--flag=true``), ``set={"a.b": 1}`` becomes ``--set a.b=1``
    for settings without a flag of their own."""
    words = []
    for key, value in settings.items():
        if value is None:
            continue
        if key == "set":
            for k, v in value.items():
                words.append(f"--set={k}={_scalar_text(v)}")
            continue
        value = as_path(value, workspace, f"{key}.csv")
        if isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                item = as_path(item, workspace, f"{key}{i + 1}.csv")
                words.append(f"{flag_name(key)}={_scalar_text(item)}")
        else:
            words.append(f"{flag_name(key)}={_scalar_text(value)}")
    return words


def command(*words):
    """Runs ``finml <words...>`` in this process, exactly as the binary would, and returns its
    exit code (0). A mistake raises :class:`finml.Error` with the binary's message; Ctrl-C stops
    the command at its next progress point and raises ``KeyboardInterrupt``."""
    return _finml.command([os.fspath(w) if isinstance(w, os.PathLike) else str(w) for w in words])


def invoke(words, settings, out=None, overwrite=False, file_name=None):
    """Runs a command that writes an output directory and returns its :class:`Result`; with
    ``file_name`` the command writes one file (``out``, or ``file_name`` in a fresh directory)
    and the Result is that file's directory. Without ``out`` the output goes to a temporary
    directory that lives as long as the Result."""
    workspace = Workspace()
    if out is not None:
        target = os.fspath(out)
    elif file_name:
        os.makedirs(workspace.file("out"))
        target = os.path.join(workspace.file("out"), file_name)
    else:
        target = workspace.file("out")
    args = list(words) + flags(settings, workspace) + [f"--out={target}"]
    if overwrite:
        args.append("--overwrite")
    command(*args)
    directory = (os.path.dirname(target) or ".") if file_name else target
    return Result(directory, workspace=workspace), target
