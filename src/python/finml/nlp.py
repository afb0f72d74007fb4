"""Financial text: tokenizer and transformer pretraining, sentiment classifiers, word vectors and
a news sentiment factor."""

import os

import pandas as pd

from . import _finml
from ._wrappers import directory_command, file_command
from .result import Result

pretrain = directory_command("nlp", "pretrain")
train = directory_command("nlp", "train")
predict = file_command("nlp", "predict", name="predictions.csv")
factor = file_command("nlp", "factor", name="signals.csv")
embed = directory_command("nlp", "embed")


def neighbors(model, words, k=10):
    """The ``k`` nearest vocabulary words of each word by cosine similarity, as ``finml nlp
    neighbors`` prints them: a DataFrame ``word, neighbour, similarity``. ``model`` is a
    directory from :func:`embed` (or its :class:`finml.Result`)."""
    if isinstance(model, Result):
        model = model.directory
    if isinstance(words, str):
        words = [words]
    rows = _finml.nearest_words(os.fspath(model), list(words), int(k))
    return pd.DataFrame(rows, columns=["word", "neighbour", "similarity"])
