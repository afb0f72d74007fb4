"""Credit scoring: ``train`` (cross-validated, with scorecard and explanations) and ``score``."""

from ._wrappers import directory_command, file_command

train = directory_command("credit", "train")
score = file_command("credit", "score", name="scores.csv")
