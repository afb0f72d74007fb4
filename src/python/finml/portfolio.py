"""Portfolio optimisation: weights, efficient frontiers and walk-forward backtests."""

from ._wrappers import directory_command

optimize = directory_command("portfolio", "optimize")
frontier = directory_command("portfolio", "frontier")
backtest = directory_command("portfolio", "backtest")
