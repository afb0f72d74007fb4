"""How far scikit-learn's bag-of-words models get on Financial PhraseBank: the strongest teacher the
transformer's distillation (`finml nlp train --distill`) could have among TF-IDF + logistic
variants, and so how much a better teacher could lift a student that lands below its teacher.

Usage: /usr/bin/python3 bench/nlp_teacher_ceiling.py [examples/data/phrasebank_train.csv]

5-fold stratified cross-validation (scikit-learn's folds with seed 42: not finml's, so the first
row is the check against finml's tfidf_logistic, 0.7741 / 0.7178 on its own folds). Word n-grams
are finml's tfidf_logistic settings (1-2 grams, min_df 2, sublinear tf, C = 10); character
n-grams are scikit-learn's char_wb analyser. Every figure is out of fold; nothing is tuned on it
beyond the handful of rows printed, which are all there is.
"""
import sys

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

data = pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else "examples/data/phrasebank_train.csv")
texts, labels = data.sentence.values, data.label.values
folds = list(StratifiedKFold(5, shuffle=True, random_state=42).split(texts, labels))


def words():
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)


def chars(low=2, high=5):
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), min_df=2, sublinear_tf=True)


def out_of_fold(vectorizers, c=10.0, class_weight=None):
    predicted = np.empty(len(labels), dtype=object)
    for train, test in folds:
        made = vectorizers()
        x_train = sp.hstack([v.fit_transform(texts[train]) for v in made]).tocsr()
        x_test = sp.hstack([v.transform(texts[test]) for v in made]).tocsr()
        model = LogisticRegression(C=c, max_iter=3000, class_weight=class_weight)
        predicted[test] = model.fit(x_train, labels[train]).predict(x_test)
    return accuracy_score(labels, predicted), f1_score(labels, predicted, average="macro")


rows = [
    ("word 1-2 grams (finml's tfidf_logistic)", lambda: out_of_fold(lambda: [words()])),
    ("character 2-5 grams", lambda: out_of_fold(lambda: [chars()])),
    ("words + characters 2-5, C = 3", lambda: out_of_fold(lambda: [words(), chars()], c=3)),
    ("words + characters 2-5", lambda: out_of_fold(lambda: [words(), chars()])),
    ("words + characters 2-5, C = 30", lambda: out_of_fold(lambda: [words(), chars()], c=30)),
    ("words + characters 1-6", lambda: out_of_fold(lambda: [words(), chars(1, 6)])),
    ("words, balanced class weights", lambda: out_of_fold(lambda: [words()], class_weight="balanced")),
    ("words + characters 2-5, balanced class weights",
     lambda: out_of_fold(lambda: [words(), chars()], class_weight="balanced")),
]
print("| TF-IDF + logistic regression (scikit-learn) | accuracy | macro-F1 |")
print("|---|---:|---:|")
for name, run in rows:
    accuracy, macro_f1 = run()
    print(f"| {name} | {accuracy:.4f} | {macro_f1:.4f} |", flush=True)
