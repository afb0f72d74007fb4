"""Experiments, saved models and backtests: the same results through Python as through the CLI."""

import json
import os

import numpy as np
import pandas as pd
import pytest

import finml
from conftest import read_exact, read_json, small_experiment


@pytest.fixture(scope="module")
def parity(tmp_path_factory, finml_bin):
    import subprocess
    base = tmp_path_factory.mktemp("parity")
    experiment = small_experiment("data/aer_djia8012.csv")
    path = base / "experiment.yaml"
    path.write_text(json.dumps(experiment))
    subprocess.run([finml_bin, "run", str(path), "--out", str(base / "cli")], check=True,
                   capture_output=True, env={**os.environ, "FINML_NO_PROGRESS": "1"})
    result = finml.run(experiment, out=base / "python")
    return base, result


def test_an_experiment_gives_the_metrics_and_predictions_of_the_cli(parity):
    base, result = parity
    cli_metrics = read_json(base / "cli" / "metrics.json")
    assert result.metrics == cli_metrics  # metrics.json holds nothing that names the run
    cli_predictions = read_exact(base / "cli" / "predictions.csv")
    python_predictions = read_exact(base / "python" / "predictions.csv")
    pd.testing.assert_frame_equal(python_predictions, cli_predictions)
    assert len(result.predictions) == len(cli_predictions)
    assert result.report_path.endswith("report.html")
    html = result._repr_html_()
    assert "finml result" in html


def test_a_saved_model_predicts_as_the_predict_command(parity, cli, djia):
    base, result = parity
    model_dir = os.path.join(result.directory, "models", "ridge")
    model = finml.load_model(model_dir)
    from_python = model.predict(djia)
    out = base / "cli_predict.csv"
    cli("predict", "--model", model_dir, "--input", "data/aer_djia8012.csv", "--out", out)
    from_cli = read_exact(out)
    assert len(from_python) == len(from_cli) > 0
    np.testing.assert_array_equal(from_python.select_dtypes("number").to_numpy(),
                                  from_cli.select_dtypes("number").to_numpy())


def test_a_backtest_of_the_runs_predictions_equals_the_cli(parity, cli):
    base, result = parity
    python = finml.backtest(signals=result, model="ridge")
    cli("backtest", "--signals", result.directory, "--model", "ridge", "--out", base / "bt")
    cli_metrics = read_json(base / "bt" / "metrics.json")
    for key in ("sharpe", "total_return", "max_drawdown"):
        assert python.metrics["performance"][key] == cli_metrics["performance"][key]
    assert len(python.equity) > 0


def test_a_dataframe_inside_an_experiment_is_used(djia):
    experiment = small_experiment(djia.iloc[-1500:])
    experiment["models"] = [{"type": "random_walk"}, {"type": "ridge"}]
    result = finml.run(experiment)
    # The first decision falls after the frame's first date (indicators warm up), not in 1980.
    first = pd.Timestamp(result.metrics["split"]["train"]["first_decision"])
    assert djia.index[-1500] < first < djia.index[-1200]
    assert result.metrics["split"]["test"]["last_decision"] == str(djia.index[-2].date())


def test_a_mistake_in_an_experiment_is_a_config_error():
    experiment = small_experiment("data/aer_djia8012.csv")
    experiment["models"] = [{"type": "no_such_model"}]
    with pytest.raises(finml.ConfigError, match="no_such_model"):
        finml.run(experiment)
    with pytest.raises(finml.ConfigError, match="not expected|--no-such-flag"):
        finml.command("run", "--no-such-flag")


def test_a_temporary_output_lives_as_long_as_what_holds_it():
    import gc
    experiment = small_experiment("data/aer_djia8012.csv")
    experiment["models"] = [{"type": "ridge"}]
    result = finml.run(experiment)
    directory = result.directory
    model = result.model("ridge")
    del result
    gc.collect()
    assert os.path.isdir(directory)  # the model keeps the run's directory
    assert len(model.predict("data/aer_djia8012.csv")) > 0
    del model
    gc.collect()
    assert not os.path.exists(directory)


def test_set_overrides_keys_and_dataframe_inputs_stay_beside_out(djia, tmp_path, cli):
    experiment = small_experiment(djia.iloc[-1500:])
    experiment["models"] = [{"type": "random_walk"}, {"type": "ridge"}]
    default = finml.run(experiment, out=tmp_path / "a")
    changed = finml.run(experiment, out=tmp_path / "b", set={"split.train": 0.5})
    assert (changed.metrics["split"]["train"]["samples"]
            < default.metrics["split"]["train"]["samples"])
    inputs = os.listdir(tmp_path / "b.inputs")
    assert "experiment.yaml" in inputs and "input1" in inputs
    del default, changed
    # The run's record names its DataFrame's file, which outlives the Result: a backtest of the
    # run reads the prices again.
    cli("backtest", "--signals", tmp_path / "b", "--model", "ridge", "--out", tmp_path / "bt")
    assert (tmp_path / "bt" / "metrics.json").exists()


def test_calls_from_two_threads_take_turns():
    import threading
    results, errors = [], []

    def work():
        try:
            results.append(finml.features("data/msft_ohlcv.csv", set="all").shape)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(results)) == 1 and len(results) == 4


def test_a_model_trained_on_a_dataframe_predicts_from_a_file():
    raw = read_exact("data/msft_ohlcv.csv", index_col="Date", parse_dates=True)
    experiment = small_experiment(finml.read_prices(raw))
    experiment["models"] = [{"type": "ridge"}]
    model = finml.run(experiment).model("ridge")
    from_file = model.predict("data/msft_ohlcv.csv")
    from_frame = model.predict(finml.read_prices(raw))
    pd.testing.assert_frame_equal(from_file, from_frame)


def test_a_relative_out_keeps_its_inputs_beside_it(djia, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    experiment = small_experiment(djia.iloc[-1500:])
    experiment["models"] = [{"type": "ridge"}]
    result = finml.run(experiment, out="relative")
    assert os.listdir(tmp_path / "relative.inputs" / "input1") == ["DJIA.csv"]
    assert len(result.predictions) > 0
