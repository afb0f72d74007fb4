"""Supervised fraud models on labelled transactions (synthetic generator included)."""

from ._wrappers import directory_command, file_command

generate = file_command("fraud", "generate", name="transactions.csv")
train = directory_command("fraud", "train")
score = file_command("fraud", "score", name="scores.csv")
