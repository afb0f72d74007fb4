"""Control sets for TimeGAN's scores on data/timegan_goog.csv: what the discriminative and
predictive scores say of data whose answer is known. Writes three paths files (path,t,<columns>),
windows of 24 days:
  real_copy.csv       the real windows themselves, in random order (both scores at their floor)
  shuffled_steps.csv  each real window with its days in random order (the time structure gone)
  mixed_columns.csv   each column from a different random real window (the cross-column link gone)
Usage: /usr/bin/python3 bench/timegan_controls.py OUT_DIR
"""
import os
import sys

import numpy as np
import pandas as pd

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
frame = pd.read_csv(os.path.join(here, "../data/timegan_goog.csv"))
data = frame.values
rng = np.random.default_rng(0)
width = 24
count = len(data) - width + 1
windows = np.stack([data[i:i + width] for i in range(count)])


def write(arr, name):
    rows = [[p, t] + list(arr[p, t]) for p in range(arr.shape[0]) for t in range(width)]
    pd.DataFrame(rows, columns=["path", "t"] + list(frame.columns)).to_csv(
        os.path.join(out, name), index=False)


shuffled = windows.copy()
for i in range(count):
    shuffled[i] = shuffled[i][rng.permutation(width)]
write(shuffled, "shuffled_steps.csv")
mixed = windows.copy()
for j in range(windows.shape[2]):
    mixed[:, :, j] = windows[rng.permutation(count), :, j]
write(mixed, "mixed_columns.csv")
write(windows[rng.permutation(count)], "real_copy.csv")
print("wrote", out)
