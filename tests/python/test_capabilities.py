"""Every capability reachable from Python on small data, through the commands' own code."""

import numpy as np
import pandas as pd
import pytest

import finml
from conftest import read_exact


def test_credit_train_and_score_from_a_dataframe(cli, tmp_path):
    loans = read_exact("data/german_credit.csv")
    model = finml.credit.train(data=loans, model="logistic", encoding="one_hot", folds=3,
                               no_importance=True)
    assert 0.6 < model.metrics["cv"]["auc_mean"] < 0.9
    scores = finml.credit.score(model=model.directory, input=loans.head(50))
    assert len(scores) == 50
    loans.head(50).to_csv(tmp_path / "applicants.csv", index=False)
    cli("credit", "score", "--model", model.directory, "--input", tmp_path / "applicants.csv",
        "--out", tmp_path / "scores.csv")
    from_cli = read_exact(tmp_path / "scores.csv")
    np.testing.assert_array_equal(scores.select_dtypes("number").to_numpy(),
                                  from_cli.select_dtypes("number").to_numpy())


def test_portfolio_optimize_gives_weights():
    prices = read_exact("data/pypfopt_stock_prices.csv", index_col=0, parse_dates=True)
    result = finml.portfolio.optimize(prices=prices.ffill().dropna(axis=1).iloc[-500:],
                                      objective="min_variance")
    weights = result.json["portfolio"]["weights"] if "portfolio" in result.json else None
    assert result.report_path is not None
    assert weights is None or sum(weights.values()) == pytest.approx(1.0, abs=1e-6)


def test_anomaly_fit_and_score():
    cardio = read_exact("data/odds_cardio.csv")
    model = finml.anomaly.fit(data=cardio, label="label", detectors="iforest,hbos")
    assert "iforest" in str(model.metrics)
    scores = finml.anomaly.score(model=model.directory, input=cardio.drop(columns="label").head(20))
    assert len(scores) == 20


def test_fraud_generate_is_seeded():
    a = finml.fraud.generate(cards=50, days=5, seed=3)
    b = finml.fraud.generate(cards=50, days=5, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert "is_fraud" in a.columns


def test_nlp_tfidf_classifier_and_predict():
    texts = ["profit rose sharply", "profit fell sharply", "sales rose", "sales fell",
             "earnings rose strongly", "earnings fell badly"] * 10
    labels = ["positive", "negative"] * 30
    data = pd.DataFrame({"text": texts, "label": labels})
    model = finml.nlp.train(data=data, text="text", label="label", model="tfidf_logistic")
    assert model.metrics["accuracy"] > 0.9
    predicted = finml.nlp.predict(model=f"{model.directory}/model", input=data.head(4))
    assert list(predicted["label"][:2]) == ["positive", "negative"]


def test_unknown_settings_are_named():
    with pytest.raises(finml.ConfigError, match="no-such-setting"):
        finml.portfolio.optimize(prices="data/pypfopt_stock_prices.csv", no_such_setting=1)
