"""Shared pieces of the Python package's tests: the CLI binary to compare against, small data."""

import json
import os
import subprocess

import pandas as pd
import pytest

import finml


@pytest.fixture(scope="session")
def finml_bin():
    path = os.environ.get("FINML_BIN", "build/finml")
    if not os.path.exists(path):
        pytest.fail(f"FINML_BIN={path} does not exist: build finml first")
    return path


@pytest.fixture
def cli(finml_bin):
    """Runs the binary; returns its completed process (raises when it fails)."""

    def run(*args):
        done = subprocess.run([finml_bin, *map(str, args)], capture_output=True, text=True,
                              env={**os.environ, "FINML_NO_PROGRESS": "1"})
        assert done.returncode == 0, done.stderr
        return done

    return run


@pytest.fixture(scope="session")
def djia():
    return finml.read_prices("data/aer_djia8012.csv")


def small_experiment(data_path):
    """A fast forecast experiment: linear models only."""
    return {
        "name": "python_parity",
        "seed": 7,
        "data": {"path": data_path},
        "features": {"set": "stationary"},
        "target": {"kind": "log_return", "horizon": 1},
        "split": {"method": "chronological", "train": 0.7, "validation": 0.15},
        "models": [{"type": "random_walk"}, {"type": "ar", "params": {"p": 3}},
                   {"type": "ridge"}],
    }


def read_exact(path, **options):
    """pd.read_csv with correctly rounded numbers (pandas' default parser may miss the last bit,
    and finml writes shortest round-trip decimals)."""
    return pd.read_csv(path, float_precision="round_trip", **options)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
