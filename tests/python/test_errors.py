"""The error hierarchy and Ctrl-C."""

import os
import signal
import threading
import time

import pytest

import finml
from conftest import small_experiment


def test_every_error_is_a_finml_error_and_a_builtin():
    assert issubclass(finml.DataError, finml.InvalidInputError)
    assert issubclass(finml.InvalidInputError, ValueError)
    assert issubclass(finml.ConfigError, ValueError)
    assert issubclass(finml.IoError, OSError)
    for cls in (finml.DataError, finml.ConfigError, finml.IoError, finml.InternalError):
        assert issubclass(cls, finml.Error)


def test_the_message_is_the_clis(tmp_path, finml_bin):
    import subprocess
    done = subprocess.run([finml_bin, "risk", "garch", "--returns", "no_such.csv", "--out",
                           str(tmp_path / "x")], capture_output=True, text=True)
    with pytest.raises(finml.Error) as caught:
        finml.command("risk", "garch", "--returns", "no_such.csv", "--out", tmp_path / "x")
    assert done.stderr.strip() == f"finml: error: {caught.value}"


def test_ctrl_c_stops_a_training_and_writes_nothing(tmp_path):
    experiment = small_experiment("data/aer_djia8012.csv")
    experiment["models"] = [{"type": "lstm", "params": {"epochs": 100000, "patience": 100000}}]
    out = tmp_path / "interrupted"
    timer = threading.Timer(3.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        finml.run(experiment, out=out)
    timer.cancel()
    assert time.monotonic() - started < 60
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging directory left either
    # The next call runs normally: the request to stop was cleared.
    assert finml.read_prices("data/aer_djia8012.csv").shape[0] > 0


class Late(Exception):
    pass


def test_a_signal_handlers_own_exception_is_the_calls(tmp_path):
    """A timeout's handler (SIGALRM here) stops the job as Ctrl-C does, and its exception, not a
    KeyboardInterrupt, reaches the caller."""
    experiment = small_experiment("data/aer_djia8012.csv")
    experiment["models"] = [{"type": "lstm", "params": {"epochs": 100000, "patience": 100000}}]

    def too_late(signum, frame):
        raise Late("took too long")

    previous = signal.signal(signal.SIGALRM, too_late)
    try:
        signal.alarm(2)
        with pytest.raises(Late, match="took too long"):
            finml.run(experiment, out=tmp_path / "late")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not (tmp_path / "late").exists()


def test_commands_that_take_over_the_process_run_only_as_the_binary():
    for words in (["serve", "--models", "x"], ["dist", "check"], ["launch", "--nproc", "2", "--",
                                                                  "true"]):
        with pytest.raises(finml.ConfigError, match="runs only as the binary"):
            finml.command(*words)
    assert finml.command("--version") == 0


def test_a_benchmark_stops_between_splits(tmp_path):
    def too_late(signum, frame):
        raise Late("stop")

    previous = signal.signal(signal.SIGALRM, too_late)
    started = time.monotonic()
    try:
        signal.alarm(1)
        with pytest.raises(Late):
            # About 35 s in full: 1,000 splits of kNN and LOF on 452 records.
            finml.anomaly.benchmark(data="data/odds_arrhythmia.csv", detectors=["knn", "lof"],
                                    splits=1000, out=tmp_path / "bench")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 20
    assert not (tmp_path / "bench").exists()
