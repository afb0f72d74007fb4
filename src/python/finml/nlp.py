"""Financial text: tokenizer and transformer pretraining, sentiment classifiers, word vectors and
a news sentiment factor."""

from ._wrappers import directory_command, file_command

pretrain = directory_command("nlp", "pretrain")
train = directory_command("nlp", "train")
predict = file_command("nlp", "predict", name="predictions.csv")
factor = file_command("nlp", "factor", name="signals.csv")
embed = directory_command("nlp", "embed")
neighbors = directory_command("nlp", "neighbors")
