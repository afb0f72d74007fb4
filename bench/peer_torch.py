"""PyTorch peer for finml's deep forecasters. Usage (Debian's interpreter, which has torch):
  /usr/bin/python3 bench/peer_torch.py run DATA_DIR [CASE]      timing, one JSON object on stdout
  /usr/bin/python3 bench/peer_torch.py step DATA_DIR [TRACE]    one fit of the profiling case;
                                                                 with TRACE under the profiler

DATA_DIR is what `finml_bench --deep_generate=DATA_DIR` wrote: deep_config.json and the windows as
raw little-endian doubles. Every setting comes from deep_config.json.

The network and the loop mirror finml's LSTM and GRU forecasters (src/models/deep/) op for op, so both
sides ask the same libtorch for the same work:
- torch.nn.LSTM or GRU(features, hidden, layers, batch_first=True), Linear(hidden, 1) on the last step
  (out.select(1, -1), as finml writes it; see Net.forward)
- targets standardised with the training set's mean and population std; windows converted to a
  float32 tensor once per fit (finml's Fit does both; they are inside the timed fit here too)
- per epoch: model.train(), a fresh shuffle, then per minibatch index_select of x and y,
  zero_grad (zeroing, as libtorch 1.13's C++ Adam does), MSE, backward, Adam.step(),
  loss.item(); no gradient clipping (finml runs with clip = 0), no validation
- predict: model.eval(), no_grad, one float64 window converted to float32, forward, float result
  un-standardised
"""

import json
import os
import platform
import sys
import time

import numpy as np
import torch


class Net(torch.nn.Module):
    def __init__(self, architecture, features, hidden, layers):
        super().__init__()
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[architecture]
        self.rnn = rnn(features, hidden, layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        # out[:, -1] in finml's spelling: the idiomatic out[:, -1] also records a no-op slice of
        # dim 0, whose backward allocates and copies a second full-size (batch, time, hidden)
        # gradient every step, work finml does not do.
        return self.head(out.select(1, -1)).squeeze(-1)


def load(data_dir, case, n):
    w, f, total = case["window"], case["features"], case["windows"]
    x = np.fromfile(os.path.join(data_dir, f"deep_{case['name']}_x.f64"), dtype="<f8")
    y = np.fromfile(os.path.join(data_dir, f"deep_{case['name']}_y.f64"), dtype="<f8")
    if x.size != total * w * f or y.size != total:
        raise SystemExit(f"{case['name']}: unexpected input size")
    return x.reshape(total, w, f)[:n], y[:n]


def fit(case, x_np, y_np, epochs):
    """Everything finml's Fit does for these settings, in the same order."""
    torch.manual_seed(case["seed"])
    rng = np.random.default_rng(case["seed"])
    y_mean = float(y_np.mean())
    y_std = float(np.sqrt(((y_np - y_mean) ** 2).mean())) or 1.0
    model = Net(case["architecture"], case["features"], case["hidden"], case["layers"])
    x = torch.from_numpy(x_np).float()
    y = torch.from_numpy((y_np - y_mean) / y_std).float()
    opt = torch.optim.Adam(model.parameters(), lr=case["lr"])
    n, batch = x.shape[0], case["batch"]
    order = np.arange(n)
    for _ in range(epochs):
        model.train()
        rng.shuffle(order)
        perm = torch.tensor(order, dtype=torch.long)
        total = 0.0
        for b in range(0, n, batch):
            idx = perm[b:b + batch]
            opt.zero_grad(set_to_none=False)
            loss = torch.nn.functional.mse_loss(model(x.index_select(0, idx)),
                                                y.index_select(0, idx))
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
    return model, y_mean, y_std


def predict_one(model, window, y_mean, y_std):
    with torch.no_grad():
        model.eval()
        p = model(torch.from_numpy(window).float())
        return float(p.double()[0]) * y_std + y_mean


def percentile(sorted_values, p):
    rank = int(np.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(max(rank, 1), len(sorted_values)) - 1]


def run(data_dir, config, only):
    out = {"side": "pytorch", "threads": torch.get_num_threads(),
           "about": f"PyTorch {torch.__version__} from Python {platform.python_version()} "
                    f"(numpy {np.__version__}); torch.get_num_threads() = "
                    f"{torch.get_num_threads()}, interop threads = "
                    f"{torch.get_num_interop_threads()}",
           "cases": {}}
    for case in config["cases"]:
        if only and case["name"] != only:
            continue
        n, epochs = case["windows"], case["epochs"]
        x_np, y_np = load(data_dir, case, n)
        t0 = time.perf_counter()
        model, y_mean, y_std = fit(case, x_np, y_np, epochs)
        fit_s = time.perf_counter() - t0
        # How much of that fit is the one-off preparation (standardise, convert, build): the same
        # steps with no epoch.
        t0 = time.perf_counter()
        fit(case, x_np, y_np, 0)
        prep_s = time.perf_counter() - t0

        one = x_np[:1].copy()
        sink = 0.0
        for _ in range(case["latency_warmup"]):
            sink += predict_one(model, one, y_mean, y_std)
        us = []
        for _ in range(case["latency_calls"]):
            a = time.perf_counter()
            sink += predict_one(model, one, y_mean, y_std)
            us.append((time.perf_counter() - a) * 1e6)
        if not np.isfinite(sink):
            raise SystemExit(f"{case['name']}: prediction is not finite")
        mean = sum(us) / len(us)
        us.sort()
        out["cases"][case["name"]] = {
            "train_samples": n * epochs, "train_seconds": fit_s, "prep_seconds": prep_s,
            "latency_calls": len(us), "latency_median_us": percentile(us, 50),
            "latency_p99_us": percentile(us, 99), "latency_mean_us": mean}
        print(f"pytorch {case['name']}: {n * epochs / fit_s:.0f} samples/s, predict median "
              f"{percentile(us, 50):.1f} us, p99 {percentile(us, 99):.1f} us", file=sys.stderr)
    print(json.dumps(out), flush=True)


def perf_control(command):
    """Switches `perf record --control fifo:CTL,ACK -D -1` on or off (FINML_BENCH_PERF_CTL=CTL,ACK),
    so a profile holds the fit alone and not the interpreter's start and torch's import."""
    spec = os.environ.get("FINML_BENCH_PERF_CTL")
    if not spec:
        return
    ctl, ack = spec.split(",")
    with open(ctl, "w") as f:
        f.write(command + "\n")
    with open(ack) as f:
        f.readline()


def step(data_dir, config, trace):
    profile = config["profile"]
    case = next(c for c in config["cases"] if c["name"] == profile["case"])
    x_np, y_np = load(data_dir, case, profile["windows"])
    perf_control("enable")
    t0 = time.perf_counter()
    if trace:
        # The legacy autograd profiler: the same recorder finml_bench --deep_trace uses; "fit"
        # marks the fit's own span, as finml_bench does.
        with torch.autograd.profiler.profile(use_kineto=False) as prof:
            with torch.autograd.profiler.record_function("fit"):
                fit(case, x_np, y_np, profile["epochs"])
    else:
        fit(case, x_np, y_np, profile["epochs"])
    seconds = time.perf_counter() - t0
    perf_control("disable")
    if trace:
        prof.export_chrome_trace(trace)
    print(f"pytorch profiled fit: {seconds:.2f} s", file=sys.stderr)


def main():
    mode, data_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(data_dir, "deep_config.json")) as f:
        config = json.load(f)
    if mode == "run":
        run(data_dir, config, sys.argv[3] if len(sys.argv) > 3 else "")
    elif mode == "step":
        step(data_dir, config, sys.argv[3] if len(sys.argv) > 3 else "")
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
