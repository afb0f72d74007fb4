"""Loading and features: the CLI's reader and indicators, DataFrames in and out."""

import numpy as np
import pandas as pd
import pytest

import finml
from conftest import read_exact


def test_read_prices_from_a_path_gives_dates_and_the_close(djia):
    assert isinstance(djia.index, pd.DatetimeIndex)
    assert list(djia.columns) == ["close"]
    assert djia.index[0] == pd.Timestamp("1980-01-01")
    assert djia["close"].iloc[0] == pytest.approx(838.74)
    assert djia.attrs["finml"]["shape"] == "close_only"


def test_a_dataframe_reads_exactly_as_its_file(djia):
    frame = read_exact("data/msft_ohlcv.csv", index_col="Date", parse_dates=True)
    from_frame = finml.read_prices(frame)
    from_file = finml.read_prices("data/msft_ohlcv.csv")
    assert list(from_file.columns) == ["open", "high", "low", "close", "volume"]
    pd.testing.assert_frame_equal(from_frame, from_file)


def test_a_wide_panel_has_a_column_per_symbol():
    panel = finml.read_prices("data/eustockmarkets.csv", decimal_year=True)
    assert list(panel.columns) == ["DAX", "SMI", "CAC", "FTSE"]
    assert panel.attrs["finml"]["symbols"] == ["DAX", "SMI", "CAC", "FTSE"]


def test_load_options_are_the_experiment_keys_and_are_checked():
    frame = pd.DataFrame({"close": [1.0, np.nan, 3.0]},
                         index=pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-03"]))
    filled = finml.read_prices(frame, missing="ffill")
    assert filled["close"].tolist() == [1.0, 1.0, 3.0]
    assert filled.attrs["finml"]["repairs"][0]["count"] == 1
    with pytest.raises(finml.ConfigError, match="missing"):
        finml.read_prices(frame, missing="sometimes")


def test_a_bad_cell_names_its_row_and_column():
    frame = pd.DataFrame({"close": [1.0, 2.0, 3.0]},
                         index=pd.DatetimeIndex(["2020-01-01", "2020-01-03", "2020-01-02"]))
    with pytest.raises(finml.DataError) as caught:
        finml.read_prices(frame)
    error = caught.value
    assert error.file == "<DataFrame>"
    assert error.line == 4  # the header is line 1: the third row is line 4
    assert isinstance(error, ValueError) and isinstance(error, finml.Error)
    with pytest.raises(finml.IoError, match="no_such_file.csv"):
        finml.read_prices("no_such_file.csv")


def test_features_equal_the_features_command(tmp_path, cli):
    out = tmp_path / "features.csv"
    cli("features", "--input", "data/msft_ohlcv.csv", "--out", out, "--set", "all",
        "--include", "sma_50")
    from_cli = read_exact(out, index_col="date", parse_dates=True)
    from_python = finml.features("data/msft_ohlcv.csv", set="all", include=["sma_50"])
    assert list(from_python.columns) == list(from_cli.columns)
    # The CLI writes shortest round-trip decimals, so reading them back is exact.
    np.testing.assert_array_equal(from_python.to_numpy(), from_cli.to_numpy())
    assert (from_python.index == from_cli.index).all()


def test_features_of_a_panel_are_long_with_a_symbol_column():
    feats = finml.features("data/eustockmarkets.csv", set="close", decimal_year=True)
    assert feats.columns[0] == "symbol"
    assert sorted(feats["symbol"].unique()) == ["CAC", "DAX", "FTSE", "SMI"]
    with pytest.raises(finml.InvalidInputError, match="close or adj_close"):
        finml.features("data/msft_ohlcv.csv", price="volume")


def test_several_assets_go_back_in_as_they_came_out():
    raw = read_exact("data/msft_ohlcv.csv", index_col="Date", parse_dates=True)
    long = pd.concat([raw.assign(symbol="AAA"), (raw * 2).assign(symbol="BBB")])
    prices = finml.read_prices(long.reset_index().rename(columns={"Date": "date"}))
    assert prices.columns[0] == ("AAA", "open") and prices.shape[1] == 10
    again = finml.read_prices(prices)  # (symbol, field) columns are written as a long panel
    pd.testing.assert_frame_equal(prices, again, check_freq=False)
    feats = finml.features(prices, set="close", include="sma_50")  # one spec as a string
    assert "sma_50" in feats.columns and set(feats["symbol"]) == {"AAA", "BBB"}
    assert feats.columns.is_unique
    # An include the set already has would be one column twice: an error naming the argument.
    with pytest.raises(finml.errors.ConfigError, match="include: 'rsi_14' is already a column"):
        finml.features(prices, set="close", include="rsi_14")


def test_a_zoned_index_is_read_in_its_zone():
    raw = read_exact("data/msft_ohlcv.csv", index_col="Date", parse_dates=True)
    zoned = finml.read_prices(raw.tz_localize("America/New_York"))
    assert zoned.attrs["finml"]["zone"] != ""
    np.testing.assert_array_equal(zoned["close"].to_numpy(), raw["Close"].to_numpy())
