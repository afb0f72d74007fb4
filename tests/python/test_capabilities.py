"""Every capability reachable from Python on small data, through the commands' own code, and
where a command writes a table, the same table as the binary writes from the same input."""

import numpy as np
import pandas as pd
import pytest

import finml
from conftest import read_exact, read_json


def assert_same_numbers(a, b):
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b) > 0
    np.testing.assert_array_equal(a.select_dtypes("number").to_numpy(),
                                  b.select_dtypes("number").to_numpy())
    text = a.select_dtypes(exclude="number").astype(str)
    pd.testing.assert_frame_equal(text, b.select_dtypes(exclude="number").astype(str))


# Credit.

def test_credit_train_and_score_from_a_dataframe(cli, tmp_path):
    loans = read_exact("data/german_credit.csv")
    model = finml.credit.train(data=loans, model="logistic", encoding="one_hot", folds=3,
                               no_importance=True)
    assert 0.6 < model.metrics["cv"]["auc_mean"] < 0.9
    assert len(model.oof_predictions) == len(loans)
    scores = finml.credit.score(model=model.directory, input=loans.head(50))
    assert len(scores) == 50
    loans.head(50).to_csv(tmp_path / "applicants.csv", index=False)
    cli("credit", "score", "--model", model.directory, "--input", tmp_path / "applicants.csv",
        "--out", tmp_path / "scores.csv")
    assert_same_numbers(scores, read_exact(tmp_path / "scores.csv"))


# Risk beyond GARCH (GARCH itself: test_risk.py).

def test_var_equals_the_command(cli, tmp_path):
    returns = read_exact("data/dem2gbp.csv", index_col="obs")
    var = finml.risk.var(returns=returns, method=["historical", "ewma"])
    assert set(var.var["method"]) == {"historical", "ewma"}
    assert var.backtest["window"] == 250
    cli("risk", "var", "--returns", "data/dem2gbp.csv", "--method", "historical,ewma",
        "--out", tmp_path / "var")
    assert_same_numbers(var.var, read_exact(tmp_path / "var" / "var.csv"))


def test_portfolio_var_and_stress():
    var = finml.risk.var_portfolio(prices="data/dowjones30.csv", level=0.975)
    portfolio = var.json["portfolio"]
    assert portfolio["level"] == 0.975 and portfolio["value"] == 1_000_000
    assert 0 < portfolio["var"] < portfolio["es"] < portfolio["value"]
    stress = finml.risk.stress(prices="data/dowjones30.csv",
                               shock=["crash:AA=-0.3,GE=-0.2"], builtin=False)
    scenarios = stress.json["stress"]["scenarios"]
    assert [s["name"] for s in scenarios] == ["crash"]
    # Equal weights over the 30 stocks: two of them falling 30% and 20% lose 5/30 of the book / 3.
    assert scenarios[0]["pnl"] == pytest.approx(-1_000_000 * (0.3 + 0.2) / 30)


def test_garch_report_writes_the_command_outputs():
    report = finml.risk.garch_report(returns="data/dem2gbp.csv", model="gjr")
    assert report.params["model"] == "gjr" and "gamma" in report.params
    assert report.report_path.endswith("report.html")
    assert len(report.volatility) == report.params["n"]


# Portfolio.

def test_portfolio_optimize_equals_the_command(cli, tmp_path):
    prices = read_exact("data/pypfopt_stock_prices.csv", index_col=0, parse_dates=True)
    prices = prices.dropna(axis=1).iloc[-500:]
    result = finml.portfolio.optimize(prices=prices, objective="min_variance")
    assert result.weights["weight"].sum() == pytest.approx(1.0, abs=1e-9)
    assert result.metrics["objective"] == "min_variance"
    prices.to_csv(tmp_path / "prices.csv", index_label="date", date_format="%Y-%m-%d")
    cli("portfolio", "optimize", "--prices", tmp_path / "prices.csv", "--objective",
        "min_variance", "--out", tmp_path / "cli")
    assert_same_numbers(result.weights, read_exact(tmp_path / "cli" / "weights.csv"))


def test_portfolio_frontier_and_backtest():
    frontier = finml.portfolio.frontier(prices="data/pypfopt_stock_prices.csv")
    assert len(frontier.frontier) > 5
    backtest = finml.portfolio.backtest(prices="data/pypfopt_stock_prices.csv",
                                        objectives=["min_variance", "equal_weight"],
                                        rebalance="quarterly")
    objectives = [row.get("objective") for row in backtest.metrics["summary"]]
    assert {"min_variance", "equal_weight"} <= set(objectives)


# Anomaly detection and fraud.

def test_anomaly_fit_score_update_and_benchmark():
    cardio = read_exact("data/odds_cardio.csv").sample(frac=1.0, random_state=1)
    model = finml.anomaly.fit(data=cardio.iloc[:1500], label="label", detectors="iforest,hbos")
    assert model.metrics["detectors"]["iforest"]["roc_auc"] > 0.8
    assert set(model.metrics["ensembles"]) == {"avg_rank", "max_z", "max_robust_z", "select"}
    scores = finml.anomaly.score(model=model.directory,
                                 input=cardio.drop(columns="label").iloc[1500:1520])
    assert len(scores) == 20
    assert list(scores.columns[-4:]) == ["avg_rank", "max_z", "max_robust_z", "select"]
    streaming = finml.anomaly.fit(data=cardio.iloc[:1500], label="label", detectors="hbos,ecod")
    updated = finml.anomaly.update(model=streaming.directory,
                                   input=cardio.drop(columns="label").iloc[1500:])
    learned = read_json(f"{updated.directory}/model.json")["detectors"][0]["training_scores"]
    assert len(learned) == len(read_json(f"{streaming.directory}/model.json")["detectors"][0][
        "training_scores"]) + len(cardio) - 1500
    bench = finml.anomaly.benchmark(data="data/odds_pima.csv", detectors=["hbos", "pca", "knn"],
                                    splits=2)
    assert set(bench.metrics["detectors"]) >= {"hbos", "pca", "knn", "select"}


def test_fraud_generate_train_and_score(cli, tmp_path):
    a = finml.fraud.generate(cards=50, days=5, seed=3)
    b = finml.fraud.generate(cards=50, days=5, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert "is_fraud" in a.columns
    settings = dict(label="is_fraud", time="time", entity="card", amount="amount",
                    pattern="pattern", exclude="transaction_id", models="logistic")
    model = finml.fraud.train(data="data/transactions_synthetic.csv", **settings)
    assert 0.5 < model.metrics["models"]["logistic"]["test"]["roc_auc"] <= 1
    scores = finml.fraud.score(model=model.directory, input="data/transactions_synthetic.csv")
    cli("fraud", "score", "--model", model.directory, "--input",
        "data/transactions_synthetic.csv", "--out", tmp_path / "scores.csv")
    assert_same_numbers(scores, read_exact(tmp_path / "scores.csv"))


# Text.

def test_nlp_tfidf_classifier_predict_and_factor():
    texts = ["profit rose sharply", "profit fell sharply", "sales rose", "sales fell",
             "earnings rose strongly", "earnings fell badly"] * 10
    labels = ["positive", "negative"] * 30
    data = pd.DataFrame({"text": texts, "label": labels})
    model = finml.nlp.train(data=data, text="text", label="label", model="tfidf_logistic")
    assert model.metrics["accuracy"] > 0.9
    predicted = finml.nlp.predict(model=f"{model.directory}/model", input=data.head(4))
    assert list(predicted["label"][:2]) == ["positive", "negative"]
    news = pd.DataFrame({"timestamp": ["1999-01-06 11:37", "1999-01-07 18:00"],
                         "symbol": ["GE", "IBM"],
                         "text": ["profit rose sharply", "earnings fell badly"]})
    signals = finml.nlp.factor(model=f"{model.directory}/model", news=news,
                               prices="data/dowjones30.csv")
    assert list(signals.columns) == ["date", "symbol", "score"]
    assert set(signals["symbol"]) == {"GE", "IBM"}


def test_word_vectors_and_their_neighbours(cli, tmp_path):
    sentences = read_exact("examples/data/phrasebank_train.csv")["sentence"].head(400)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    vectors = finml.nlp.embed(corpus=corpus, dim=16, epochs=2)
    near = finml.nlp.neighbors(vectors, ["profit", "sales"], k=3)
    assert list(near.columns) == ["word", "neighbour", "similarity"] and len(near) == 6
    printed = cli("nlp", "neighbors", "--model", vectors.directory, "--word", "profit", "-k", "3")
    for row in near[near["word"] == "profit"].itertuples():
        assert f"{row.neighbour} ({row.similarity:.3f})" in printed.stdout
    encoder = finml.nlp.pretrain(corpus=corpus, vocab_size=300, d_model=16, heads=2, ff=32,
                                 layers=1, epochs=1, max_length=32)
    assert {"tokenizer.model", "encoder.pt", "encoder.json"} <= set(encoder.files())


# Synthetic data and reinforcement learning.

def test_synth_train_sample_evaluate(cli, tmp_path):
    model = finml.synth.train(data="data/aer_djia8012.csv", model="garch")
    paths = finml.synth.sample(model=model.directory, n=4, seed=3)
    cli("synth", "sample", "--model", model.directory, "--n", 4, "--seed", 3,
        "--out", tmp_path / "paths.csv")
    assert_same_numbers(paths, read_exact(tmp_path / "paths.csv"))
    evaluation = finml.synth.evaluate(real="data/aer_djia8012.csv", synthetic=[paths],
                                      score_iterations=20, predictive_iterations=20)
    assert len(evaluation.metrics["generators"]) == 1


def test_rl_train_and_evaluate():
    run = finml.rl.train(prices="data/dowjones30.csv", timesteps=600, seeds=1, copies=2,
                         train_end="1996-12-31", validation_end="1998-12-31")
    assert len(run.weights) > 0 and len(run.learning_curve) > 0
    evaluation = finml.rl.evaluate(model=f"{run.directory}/model", prices="data/dowjones30.csv")
    assert len(evaluation.equity) > 0
    # Evaluated from where its validation ended, the agent trades as it did in training.
    assert evaluation.metrics["agent"]["annual_return"] == pytest.approx(
        run.metrics["agent"]["annual_return"], rel=1e-6)


def test_unknown_settings_are_named():
    with pytest.raises(finml.ConfigError, match="no-such-setting"):
        finml.portfolio.optimize(prices="data/pypfopt_stock_prices.csv", no_such_setting=1)
