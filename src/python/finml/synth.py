"""Synthetic data: train generators (QuantGAN, TimeGAN, CTGAN and baselines), sample, evaluate."""

from ._wrappers import directory_command, file_command

train = directory_command("synth", "train")
sample = file_command("synth", "sample", name="sample.csv")
evaluate = directory_command("synth", "evaluate")
