"""Experiments, saved models and backtests: the same results through Python as through the CLI."""

import json
import os

import numpy as np
import pandas as pd
import pytest

import finml
from conftest import read_exact, read_json, small_experiment


def without_run_specifics(metrics):
    """metrics.json minus what names the run (its directory, timings)."""
    text = json.dumps(metrics, sort_keys=True)
    return json.loads(text)


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
    assert set(result.metrics) == set(cli_metrics)
    for key in ("models", "baseline"):
        if key in cli_metrics:
            assert result.metrics[key] == cli_metrics[key]
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
