"""Anomaly detection: detectors fitted with thresholds, scoring, streaming updates, PyOD's
benchmark protocol."""

from ._wrappers import directory_command, file_command

fit = directory_command("anomaly", "fit")
score = file_command("anomaly", "score", name="scores.csv")
update = directory_command("anomaly", "update")
benchmark = directory_command("anomaly", "benchmark")
