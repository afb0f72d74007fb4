#!/usr/bin/python3
"""Writes the seed corpus of every fuzz target (tests/fuzz/corpus/<target>/): valid inputs from the
repository and the malformed ones the hardening issue (13) found, each a case the replay test runs.
Usage: /usr/bin/python3 tests/fuzz/make_corpus.py"""
import copy
import glob
import json
import os
import shutil

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
corpus = os.path.join(here, "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(corpus, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)


def head(path, lines):
    with open(os.path.join(repo, path), "rb") as f:
        return b"".join(f.readlines()[:lines])


shutil.rmtree(corpus, ignore_errors=True)

# CSV: heads of the shipped data, the CLI's bad fixtures, and encodings and magnitudes.
for path in ["data/aer_djia8012.csv", "data/msft_ohlcv.csv", "data/dowjones30.csv",
             "data/german_credit.csv", "data/dem2gbp.csv"]:
    write("csv", os.path.basename(path), head(path, 40))
for path in sorted(glob.glob(os.path.join(repo, "tests/cli/fixtures/*.csv"))):
    write("csv", "fixture_" + os.path.basename(path), head(path, 60))
djia = head("data/aer_djia8012.csv", 30).decode()
write("csv", "utf16.csv", djia.encode("utf-16"))
write("csv", "utf32.csv", djia.encode("utf-32"))
write("csv", "nul.csv", djia.replace("838.74", "838\x0074"))
write("csv", "huge_close.csv", djia.replace("838.74", "1e308"))
write("csv", "offset_dates.csv", djia.replace("1980-01-01", "1980-01-01T16:00:00+05:00"))
write("csv", "negative_year.csv", djia.replace("1980-01-01", "-1980-01-01"))
write("csv", "quotes.csv", 'Date,Close\n"1980-01-01,1\n"x""y",2\n')
write("csv", "ragged.csv", "Date,Close,Volume\n1980-01-01,1\n1980-01-02,2,3,4\n")
write("csv", "formula.csv", "Date,=cmd|calc!A1\n1980-01-01,1\n1980-01-02,2\n")

# Experiment files: the examples and fixtures, and malformed variants.
for path in sorted(glob.glob(os.path.join(repo, "examples/*.yaml")) +
                   glob.glob(os.path.join(repo, "tests/cli/fixtures/*.yaml"))):
    with open(path, "rb") as f:
        write("experiment", os.path.basename(path), f.read())
write("experiment", "duplicate_key.yaml", "data: {path: data/aer_djia8012.csv}\ndata: {path: x}\n")
write("experiment", "lr_1e300.yaml",
      "models:\n  - type: lstm\n    params: {lr: 1e300, hidden: 1000000000}\n")
write("experiment", "anchors.yaml", "a: &a [*a]\n")
write("experiment", "deep.yaml", "[" * 5000 + "]" * 5000)
write("experiment", "tabs.yaml", "data:\n\tpath: x\n")

# Credit model: first byte even = state.json, odd = model.json of tests/fuzz/models/credit.
with open(os.path.join(here, "models/credit/state.json")) as f:
    state = json.load(f)
with open(os.path.join(here, "models/credit/model.json")) as f:
    manifest = json.load(f)


def credit_state(name, edit):
    s = copy.deepcopy(state)
    edit(s)
    write("credit_model", "state_" + name, b"\x00" + json.dumps(s).encode())


def credit_manifest(name, edit):
    m = copy.deepcopy(manifest)
    edit(m)
    write("credit_model", "model_" + name, b"\x01" + json.dumps(m).encode())


credit_state("valid", lambda s: None)
credit_manifest("valid", lambda m: None)
for bad in [-1, 61, 1e9]:
    credit_state(f"column_source_{bad}", lambda s, bad=bad: s["column_source"].__setitem__(0, bad))
credit_state("column_source_short", lambda s: s["column_source"].pop())
credit_state("bins_empty", lambda s: s["preprocess"]["features"][0].__setitem__("bins", []))
credit_state("bins_reversed", lambda s: s["preprocess"]["features"][0]["bins"].reverse())
credit_state("coefficients_short", lambda s: s["logistic"]["coefficients"].pop())
credit_state("features_1e8", lambda s: s.__setitem__("features", ["x"] * 1000 + [1e8]))
credit_state("long_name", lambda s: s["features"].__setitem__(0, "n" * 60000))
credit_manifest("pdo_0", lambda m: m["settings"]["scorecard"].__setitem__("pdo", 0))
credit_manifest("threshold_5", lambda m: m["settings"].__setitem__("threshold", 5))
write("credit_model", "state_truncated", b"\x00" + json.dumps(state).encode()[:500])
write("credit_model", "model_truncated", b"\x01" + json.dumps(manifest).encode()[:500])

# Forecaster model: model.json of tests/fuzz/models/ar.
with open(os.path.join(here, "models/ar/model.json")) as f:
    ar = json.load(f)


def forecaster(name, edit):
    m = copy.deepcopy(ar)
    edit(m)
    write("forecaster_model", name, json.dumps(m))


forecaster("valid", lambda m: None)
forecaster("no_drift_reference", lambda m: m.pop("drift_reference"))
forecaster("state_empty", lambda m: m.__setitem__("state", {}))
forecaster("params_huge", lambda m: m["params"].update({"p": 1e9, "hidden": 1e9}))
forecaster("lookback_huge", lambda m: m["pipeline"].__setitem__("lookback", 4000000000))
forecaster("lags_negative", lambda m: m["pipeline"].__setitem__("ar_lags", -1))
forecaster("normalizer_nan", lambda m: m["pipeline"].__setitem__("normalizer", {"kind": "zscore",
                                                                                 "mean": [None]}))
forecaster("type_lstm_without_weights", lambda m: m.__setitem__("type", "lstm"))
write("forecaster_model", "truncated", json.dumps(ar)[:700])
write("forecaster_model", "not_json", "weights.pt\x00\x01")

# Requests: first byte even = the credit scorecard, odd = the AR forecaster.
write("request", "credit_one", b"\x00" + json.dumps(
    {"applicant": {"income": 50.5, "region": "south"}}).encode())
write("request", "credit_batch", b"\x00" + json.dumps(
    {"applicants": [{"income": 50.5, "region": "south"}, {"income": 10, "region": "north"}],
     "reasons": 2}).encode())
write("request", "credit_unknown_category", b"\x00" + json.dumps(
    {"applicant": {"income": 1e308, "region": "west"}}).encode())
closes = [float(line.split(",")[1]) for line in djia.splitlines()[1:]]
write("request", "ar_prices", b"\x01" + json.dumps({"prices": closes}).encode())
write("request", "ar_bars", b"\x01" + json.dumps(
    {"bars": [{"date": f"2020-01-{d + 1:02d}", "close": c} for d, c in enumerate(closes[:28])]}
).encode())
write("request", "ar_instances", b"\x01" + json.dumps(
    {"instances": [{"prices": closes}, {"prices": closes[:3]}], "decisions": "all"}).encode())
write("request", "ar_nan", b"\x01" + json.dumps({"prices": closes[:-1] + ["NaN"]}).encode())
