"""Reinforcement learning: trading and allocation agents against simple baselines."""

from ._wrappers import directory_command

train = directory_command("rl", "train")
evaluate = directory_command("rl", "evaluate")
