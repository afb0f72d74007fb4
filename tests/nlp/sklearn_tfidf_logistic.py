"""Regenerates sklearn_tfidf_logistic.json, the oracle of tests/nlp/test_tfidf.cpp:
scikit-learn's TfidfVectorizer and multinomial LogisticRegression on a small fixed corpus.
Run with Debian's /usr/bin/python3 (scikit-learn installed by scripts/install-deps.sh)."""
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

texts = [
    "Profit rose 12 % to EUR 3.1 mn , beating forecasts .",
    "Net sales fell sharply and the company warned of losses .",
    "The company will hold its annual general meeting in Helsinki .",
    "Operating profit increased, and orders grew strongly .",
    "Shares plunged after the profit warning ; losses widened .",
    "The board proposes a dividend of EUR 0.50 per share .",
    "Sales increased by 8 % and profit rose .",
    "The loss widened to EUR 2 mn from EUR 1 mn .",
    "The agreement was signed in March .",
    "Café Örebro opened a new store ; sales rose .",
]
labels = [2, 0, 1, 2, 0, 1, 2, 0, 1, 2]
queries = ["profit rose and sales increased", "losses widened after the warning",
           "the meeting is in March", "unseen words only"]

vec = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
x = vec.fit_transform(texts)
model = LogisticRegression(C=10.0, max_iter=10000, tol=1e-10)
model.fit(x, labels)
q = vec.transform(queries)
out = {
    "texts": texts, "labels": labels, "queries": queries,
    "vocabulary": sorted(vec.vocabulary_, key=vec.vocabulary_.get),
    "idf": vec.idf_.tolist(),
    "query_rows": [{"columns": q[i].indices.tolist(), "values": q[i].data.tolist()} for i in range(q.shape[0])],
    "probabilities": model.predict_proba(q).tolist(),
}
json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
