"""Writes constructed_news.csv: invented, dated news headlines about Dow Jones 30 stocks, to test
and demonstrate `finml nlp factor` (no real dated financial news is available to the project).
The texts are templates filled at random; they carry no information about the prices in
data/dowjones30.csv, so any backtest of the factor they give is noise by construction."""
import csv
import datetime
import random

rng = random.Random(20261130)
symbols = ["AA", "KO", "IBM", "MSFT", "GE", "JPM", "WMT", "XOM"]
up = ["said its net profit rose {n} % in the quarter",
      "raised its full-year sales forecast after orders grew",
      "won a contract worth EUR {n} million",
      "reported operating profit up {n} % from a year earlier"]
down = ["warned that full-year sales will fall short of forecasts",
        "said its net loss widened to EUR {n} million",
        "cut {n} jobs as demand weakened",
        "reported operating profit down {n} % from a year earlier"]
flat = ["will publish its interim report on {d}",
        "appointed a new chief financial officer",
        "said its annual general meeting will be held in {d}"]
start = datetime.datetime(1999, 1, 4)
rows = []
for _ in range(240):
    when = start + datetime.timedelta(days=rng.randrange(0, 700), minutes=rng.randrange(6 * 60, 22 * 60))
    symbol = rng.choice(symbols)
    pool = rng.choice([up, down, flat])
    text = f"{symbol} " + rng.choice(pool).format(n=rng.randrange(2, 40), d=rng.choice(["March", "April", "May"]))
    rows.append((when.strftime("%Y-%m-%d %H:%M"), symbol, text))
rows.sort()
with open("constructed_news.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["timestamp", "symbol", "text"])
    w.writerows(rows)
