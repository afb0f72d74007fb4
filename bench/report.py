"""Writes bench/RESULTS.md from one run_all.sh invocation's measurements. Not meant to be run by
hand: every number in the file must come from the files in WORK_DIR, never from an edit.

Usage: report.py WORK_DIR ROUNDS REPS BUILD_DIR STARTED_UTC LOAD_AT_START ELAPSED_S OUT
WORK_DIR holds finml.<round>.json (Google Benchmark), pandas.<round>.csv and ttr.<round>.csv, and
for the deep section (absent with FINML_BENCH_SKIP_DEEP=1) deep_finml.<round>.json,
deep_pytorch.<round>.json, deep_profile.json (bench/deep_profile.py) and, with
FINML_BENCH_ALT_BLAS, deep_finml.altblas.json and deep_pytorch.altblas.json.
"""

import csv
import datetime
import json
import os
import platform
import subprocess
import sys

# (section, input, finml benchmark, peer, peer case, peer call)
COMPARED = [
    ("CSV parse", "OHLCV, 1M one-minute bars (6 cols)", "BM_LoadOhlcvMinute", "pandas",
     "read_csv_ohlcv_minute", "pandas.read_csv(path, parse_dates=[0])"),
    ("CSV parse", "wide panel, 100k days x 30 symbols", "BM_LoadWideDaily", "pandas",
     "read_csv_wide_daily", "pandas.read_csv(path, parse_dates=[0])"),
    ("Indicator", "SMA(20)", "BM_Sma20", "ttr", "SMA_20", "TTR::SMA(x, 20)"),
    ("Indicator", "SMA(20)", "BM_Sma20", "pandas", "rolling_mean_20",
     "Series.rolling(20).mean()"),
    ("Indicator", "EMA(20)", "BM_Ema20", "ttr", "EMA_20", "TTR::EMA(x, 20)"),
    ("Indicator", "RSI(14)", "BM_Rsi14", "ttr", "RSI_14", "TTR::RSI(x, 14)"),
    ("Indicator", "Bollinger(20, 2)", "BM_Bollinger20x2", "ttr", "BBands_20_2",
     "TTR::BBands(x, 20, sd = 2)"),
    ("Indicator", "ATR(14)", "BM_Atr14", "ttr", "ATR_14", "TTR::ATR(hlc, 14)"),
    ("Indicator", "MACD(12, 26, 9)", "BM_Macd12_26_9", "ttr", "MACD_12_26_9",
     "TTR::MACD(x, 12, 26, 9, percent = FALSE)"),
    ("Backtest", "5000 assets x 2500 days, weights restored daily, 5 bps",
     "BM_BacktestWeights5000x2500", "pandas", "backtest_weights_5000x2500",
     "(weights.shift(2) * close.pct_change()).sum(1) - cost * weights.diff().abs().sum(1)"),
]
FINML_ONLY = [
    ("OHLCV 1M one-minute bars, text already in memory", "BM_ParseOhlcvMinute"),
    ("wide panel 100k x 30, text already in memory", "BM_ParseWideDaily"),
]


def sh(*cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True,
                              text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def finml_samples(paths):
    """Per benchmark: items/s of every repetition in every round (aggregates left out)."""
    samples, context = {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        context = data["context"]
        for b in data["benchmarks"]:
            if b.get("run_type") != "iteration":
                continue
            if b.get("error_occurred"):
                raise SystemExit(f"{b['name']}: {b.get('error_message')}")
            samples.setdefault(b["name"].split("/")[0], []).append(b["items_per_second"])
    return context, samples


def peer_samples(paths):
    """Peer description and, per case, items/s of every repetition in every round."""
    about, samples = "", {}
    for path in paths:
        with open(path) as f:
            lines = f.read().splitlines()
        about = " ".join(l.lstrip("# ") for l in lines if l.startswith("#"))
        for r in csv.DictReader(l for l in lines if not l.startswith("#")):
            samples.setdefault(r["name"], []).append(
                int(r["items"]) / float(r["seconds_per_call"]))
    return about, samples


def rate(items_per_s, unit):
    if items_per_s >= 1e9:
        return f"{items_per_s / 1e9:.2f} G {unit}/s"
    if items_per_s >= 1e6:
        return f"{items_per_s / 1e6:.2f} M {unit}/s"
    return f"{items_per_s / 1e3:.0f} k {unit}/s"


def spread(samples):
    """How far the worst repetition fell below the best, as a share of the best."""
    return f"{100 * (1 - min(samples) / max(samples)):.0f}%"


def cmake_cache(build_dir, key):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def cpu_and_load():
    """The CPU's model name and the load average now (1, 5, 15 minutes), for a run's header."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return cpu, load


def load_caution(load_start, load_end, nproc):
    """The lines warning that other work shared the machine (none on a quiet one)."""
    busiest = max(float(load_start.split()[0]), float(load_end.split()[0]))
    if not nproc or busiest <= 0.5 * int(nproc):
        return []
    return ["", f"Caution: the 1-minute load average reached {busiest:.2f} on {nproc} CPUs, so "
                f"other work shared the machine; the ranges in brackets show how much that "
                f"moved the repetitions."]


def write_section(out, begin, end, section, before="<!-- serve:begin -->"):
    """Replaces the text between `begin` and `end` in `out` with `section` (which carries both
    markers), or puts it before `before`, or at the end; written aside and renamed."""
    import re
    try:
        with open(out) as f:
            text = f.read()
    except FileNotFoundError:
        text = ""
    if begin in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", lambda m: section,
                      text, flags=re.S)
    elif before in text:
        text = text.replace(before, section + "\n" + before, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(out + ".tmp", "w") as f:
        f.write(text)
    os.replace(out + ".tmp", out)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def per_case(runs, case):
    """Best training rate, the round with the lowest median latency, and the spread."""
    rates = [r["cases"][case]["train_samples"] / r["cases"][case]["train_seconds"] for r in runs]
    best_latency = min((r["cases"][case] for r in runs), key=lambda c: c["latency_median_us"])
    return {"rate": max(rates), "spread": spread(rates), "median": best_latency[
        "latency_median_us"], "p99": best_latency["latency_p99_us"],
        "calls": best_latency["latency_calls"],
        "prep": min(r["cases"][case].get("prep_seconds", 0) for r in runs)}


def us(v):
    return f"{v / 1000:.2f} ms" if v >= 1000 else f"{v:.0f} µs"


def pct(part, whole):
    return f"{100 * part / whole:.0f}%" if whole else "-"


def fused_kernel_flags(build_dir):
    """The compiler flags finml's fused LSTM kernel was built with, from compile_commands.json."""
    try:
        for entry in read_json(os.path.join(build_dir, "compile_commands.json")):
            if entry["file"].endswith("fused_lstm.cpp"):
                cmd = entry.get("command") or " ".join(entry.get("arguments", []))
                return [f for f in cmd.split() if f.startswith(("-O", "-m", "-f"))]
    except (OSError, ValueError, KeyError):
        pass
    return None


def blas_in_use():
    """The libblas.so.3 both sides load (Debian's alternatives) and its thread setting."""
    target = os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    kind = ("OpenBLAS" if "openblas" in target else
            "netlib's reference BLAS" if "/blas/" in target else "unknown")
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset (one per core)")
    return (f"`libblas.so.3` -> `{target}` ({kind}), the system alternative that finml's fused "
            f"kernels and LibTorch (built with BLAS_INFO=generic) both call; "
            f"OPENBLAS_NUM_THREADS={threads} for both sides (run_all.sh)")


def cpu_mhz():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    return float(line.split(":")[1])
    except OSError:
        pass
    return None


def train_flops_per_sample(c):
    """Multiply-adds of the recurrent layers, forward and backward (x3), two flops each."""
    gates = 4 if c["architecture"] == "lstm" else 3
    total, width = 0, c["features"]
    for _ in range(c["layers"]):
        total += 3 * 2 * c["window"] * gates * c["hidden"] * (width + c["hidden"])
        width = c["hidden"]
    return total


def deep_targets(summary, cases):
    md = ["Against issue 22's targets (training >= 3x PyTorch, one-window predict >= 5x; best "
          "round of each side):", ""]
    for name, (fused, _timpl, peer) in summary.items():
        train, predict = fused["rate"] / peer["rate"], peer["median"] / fused["median"]
        md.append(f"- {name}: training {train:.2f}x ({'met' if train >= 3 else 'NOT met'}), "
                  f"predict {predict:.2f}x ({'met' if predict >= 5 else 'NOT met'})")
    mhz = cpu_mhz()
    if mhz:
        peak = mhz * 1e6 * 32  # AVX2: two FMA pipes x 8 floats x 2 flops per cycle
        md.append("")
        md.append(f"One core's float32 FMA peak at the clock /proc/cpuinfo reports ({mhz:,.0f} "
                  f"MHz; AVX2, two FMA pipes: 32 flops per cycle) is {peak / 1e9:.0f} GFLOP/s; "
                  f"a boost clock would raise it and lower the fractions below. Counting the "
                  f"recurrent layers' multiply-adds only (forward, and twice that backward):")
        md.append("")
        for name, (fused, _timpl, peer) in summary.items():
            if not name.endswith("_large"):
                continue
            flops = train_flops_per_sample(cases[name])
            mine, theirs = fused["rate"] * flops, peer["rate"] * flops
            md.append(f"- {name}: {flops / 1e6:.1f} MFLOP per sample; finml {mine / 1e9:.0f} "
                      f"GFLOP/s ({100 * mine / peak:.0f}% of peak), PyTorch {theirs / 1e9:.0f} "
                      f"GFLOP/s ({100 * theirs / peak:.0f}%); 3x PyTorch would need "
                      f"{300 * theirs / peak:.0f}% of one core's peak.")
    md.append("")
    return md


def deep_section(work, build_dir):
    finml_runs, torch_runs = [], []
    i = 1
    while os.path.exists(os.path.join(work, f"deep_finml.{i}.json")):
        finml_runs.append(read_json(os.path.join(work, f"deep_finml.{i}.json")))
        torch_runs.append(read_json(os.path.join(work, f"deep_pytorch.{i}.json")))
        i += 1
    md = ["## Deep forecasters: finml vs PyTorch on the same libtorch", ""]
    if not finml_runs:
        md += ["Not run in this invocation (FINML_BENCH_SKIP_DEEP=1, or Debian's python3 lacks "
               "torch).", ""]
        return md
    config = read_json(os.path.join(work, "deep", "deep_config.json"))
    cases = {c["name"]: c for c in config["cases"]}
    with open(os.path.join(work, "deep_seconds.txt")) as f:
        deep_seconds = int(f.read())
    md.append(f"- finml: {finml_runs[0]['about']}")
    md.append(f"- Peer: {torch_runs[0]['about']} (bench/peer_torch.py)")
    same = finml_runs[0]["threads"] == torch_runs[0]["threads"]
    md.append(f"- Threads: {finml_runs[0]['threads']} (finml) and {torch_runs[0]['threads']} "
              f"(PyTorch), both at libtorch's default" + ("" if same else
                                                         " -- they differ, so compare with care"))
    md.append(f"- BLAS, both sides: {blas_in_use()}")
    md.append(f"- The deep section took {deep_seconds} s of the run: {len(finml_runs)} rounds of "
              f"(finml, PyTorch), the best round counts; then the profiles below")
    md.append("")
    md.append("Both sides train the same network on the same windows (written once by "
              "`finml_bench --deep_generate`): stacked LSTM or GRU layers, a dense head on the last "
              "step's output, Adam, MSE, shuffled minibatches each epoch, no gradient clipping "
              "(finml with `clip: 0`), no validation set and so no early stopping. A fit is timed "
              "whole, as a caller sees it: finml's `Fit` (which standardises the target, converts "
              "the windows to one float32 tensor, builds the network) against the peer's same "
              "steps (standardise with numpy, `torch.from_numpy(x).float()`, build, train "
              "with `index_select` minibatches, `loss.item()` per step, as finml does). finml "
              "runs twice: with its default on the CPU, `implementation: fused` (finml's own "
              "kernels, src/models/deep/fused_lstm.cpp and fused_gru.cpp: one autograd node per "
              "layer, the matrix products on the same BLAS, the gates in vectorised loops), and "
              "with `implementation: torch` (`torch::nn::LSTM` / `GRU`, the very kernels the "
              "peer calls). "
              "Latency: `Predict` on a one-window SampleSet (finml) against `model.eval()`, "
              "`no_grad`, one float64 window converted and run (PyTorch), "
              "after warm-up calls; median and 99th percentile of the calls.")
    md.append("")
    md.append("| Model | Metric | finml (fused, default) | finml (`implementation: torch`) | "
              "PyTorch | Ratio fused | Ratio torch impl. |")
    md.append("|---|---|---:|---:|---:|---:|---:|")
    summary = {}
    for name, c in cases.items():
        fused = per_case(finml_runs, f"{name}/fused")
        timpl = per_case(finml_runs, f"{name}/torch")
        peer = per_case(torch_runs, name)
        summary[name] = (fused, timpl, peer)
        label = (f"{c['label']}; {c['windows']:,} windows x {c['epochs']} epochs")
        md.append(f"| {label} | training, samples/s (higher is better; spread) | "
                  f"{fused['rate']:,.0f} ({fused['spread']}) | {timpl['rate']:,.0f} "
                  f"({timpl['spread']}) | {peer['rate']:,.0f} ({peer['spread']}) | "
                  f"{fused['rate'] / peer['rate']:.2f} | {timpl['rate'] / peer['rate']:.2f} |")
        md.append(f"| | one-window predict, median / p99 of {peer['calls']:,} calls | "
                  f"{us(fused['median'])} / {us(fused['p99'])} | {us(timpl['median'])} / "
                  f"{us(timpl['p99'])} | {us(peer['median'])} / {us(peer['p99'])} | "
                  f"{peer['median'] / fused['median']:.2f} / {peer['p99'] / fused['p99']:.2f} | "
                  f"{peer['median'] / timpl['median']:.2f} / {peer['p99'] / timpl['p99']:.2f} |")
    md.append("")
    md.append("Ratio: finml / PyTorch for training throughput, PyTorch / finml for latency "
              "(median / p99); above 1 means finml is faster. Spread: how far the worst round's "
              "rate fell below the best. The peer's one-off preparation inside its timed fit "
              "(standardise, convert, build the network) took " + ", ".join(
                  f"{1000 * summary[n][2]['prep']:.1f} ms ({n})" for n in cases) +
              "; finml's `Fit` does the same work, so both are negligible next to the epochs.")
    md.append("")
    large = cases["lstm_large"]
    steps = large["windows"] // large["batch"]
    md.append(f"The large case trains on {large['windows']:,} windows ({steps} optimizer steps "
              f"of {large['batch']} per epoch) rather than 16k: throughput is per optimizer "
              f"step, so more windows would only lengthen the run.")
    md.append("")
    md += deep_targets(summary, cases)
    md += deep_profile_section(work, config, summary, build_dir)
    return md


def deep_profile_section(work, config, summary, build_dir):
    md = []
    path = os.path.join(work, "deep_profile.json")
    if not os.path.exists(path):
        return md
    prof = read_json(path)
    p = config["profile"]
    case = next(c for c in config["cases"] if c["name"] == p["case"])
    steps = -(-p["windows"] // case["batch"]) * p["epochs"]
    md.append(f"### Where the time goes: one fit of the large case ({p['windows']:,} windows, "
              f"{p['epochs']} epoch = {steps} optimizer steps)")
    md.append("")
    ft, pt = prof["finml"].get("trace"), prof["pytorch"].get("trace")
    if ft and pt:
        md.append("By training phase, from libtorch's autograd profiler (the same legacy "
                  "recorder on both sides: `torch::autograd::profiler::RecordProfile` around "
                  "finml's `Fit`, `torch.autograd.profiler.profile(use_kineto=False)` around "
                  "the peer's fit; bench/deep_profile.py splits the fit's span by the loop's "
                  "order). finml with its default fused LSTM:")
        md.append("")
        md.append("| Phase | finml (fused) | share | PyTorch | share |")
        md.append("|---|---:|---:|---:|---:|")
        names = list(dict.fromkeys(list(ft["phases_us"]) + list(pt["phases_us"])))
        for n in names:
            a, b = ft["phases_us"].get(n, 0), pt["phases_us"].get(n, 0)
            md.append(f"| {n} | {a / 1000:,.0f} ms | {pct(a, ft['fit_us'])} | "
                      f"{b / 1000:,.0f} ms | {pct(b, pt['fit_us'])} |")
        md.append(f"| whole fit (profiler on) | {ft['fit_us'] / 1000:,.0f} ms | | "
                  f"{pt['fit_us'] / 1000:,.0f} ms | |")
        md.append("")
        md.append(f"Time in no ATen op: {ft['untraced_us'] / 1000:,.0f} ms in finml "
                  f"({pct(ft['untraced_us'], ft['fit_us'])}; the fused LSTM's forward is a "
                  f"custom autograd function, which the profiler does not record as an op, "
                  f"so it shows up here and is counted in the forward row), "
                  f"{pt['untraced_us'] / 1000:,.0f} ms on the peer "
                  f"({pct(pt['untraced_us'], pt['fit_us'])}, the Python interpreter between "
                  f"ops).")
        md.append("")
        md.append("Ops with the most self time (all phases):")
        md.append("")
        md.append("| finml (fused) op | calls | self | share | PyTorch op | calls | self | "
                  "share |")
        md.append("|---|---:|---:|---:|---|---:|---:|---:|")
        for a, b in zip(ft["top_ops"][:8], pt["top_ops"][:8]):
            md.append(f"| `{short_op(a['name'])}` | {a['calls']} | {a['self_us'] / 1000:,.0f} ms "
                      f"| {pct(a['self_us'], ft['fit_us'])} | `{short_op(b['name'])}` | "
                      f"{b['calls']} | {b['self_us'] / 1000:,.0f} ms | "
                      f"{pct(b['self_us'], pt['fit_us'])} |")
        md.append("")
    fp, pp = prof["finml"].get("perf"), prof["pytorch"].get("perf")
    if fp and pp:
        md.append(f"By kind of code, from `perf record -e cpu-clock -F 499 -g` sampling the "
                  f"fit alone (the programs switch perf on and off around it), innermost frame "
                  f"of each sample; {fp['samples']:,} samples (finml, fused) and "
                  f"{pp['samples']:,} (PyTorch):")
        md.append("")
        md.append("| Kind | finml (fused) | PyTorch |")
        md.append("|---|---:|---:|")
        kinds = list(dict.fromkeys(list(fp["kinds"]) + list(pp["kinds"])))
        for k in kinds:
            md.append(f"| {k} | {100 * fp['kinds'].get(k, 0):.0f}% | "
                      f"{100 * pp['kinds'].get(k, 0):.0f}% |")
        md.append("")
        md.append("Hottest symbols: finml " + "; ".join(
            f"`{s['symbol']}` {100 * s['share']:.0f}%" for s in fp["top_symbols"][:5]) +
            ". PyTorch " + "; ".join(
            f"`{s['symbol']}` {100 * s['share']:.0f}%" for s in pp["top_symbols"][:5]) + "." + (
            " (`pvm_irq_enable` is the paravirtualised kernel of this VM re-enabling interrupts, "
            "which it mostly does inside page faults.)" if any(
                s["symbol"] == "pvm_irq_enable" for s in fp["top_symbols"] + pp["top_symbols"])
            else ""))
        md.append("")
    elif ft:
        md.append("No sampling profile: `perf record` is unavailable here or a profile failed (see "
                  "the run's log).")
        md.append("")

    md += deep_findings(work, summary, prof, build_dir,
                        {c["name"]: c for c in config["cases"]})
    return md


def short_op(name):
    return (name.replace("torch::autograd::CppNode<finml::models::deep::(anonymous namespace)::",
                         "CppNode<").replace("autograd::engine::evaluate_function: ", "bw: "))


def deep_findings(work, summary, prof, build_dir, summary_config):
    md = ["### Findings", ""]
    fa, ta, pa = summary["lstm_default"]
    fb, tb, pb = summary["lstm_large"]
    md.append(f"- Same kernels, different caller: with `implementation: torch` finml runs the "
              f"very ATen ops PyTorch does, so that column measures the C++ loop against the "
              f"Python one. Small model (overhead-bound: tiny matrices, many ops per step): "
              f"{ta['rate'] / pa['rate']:.2f}x the peer's training rate and "
              f"{pa['median'] / ta['median']:.2f}x its predict speed (median). Large model "
              f"(kernel-bound): {tb['rate'] / pb['rate']:.2f}x and "
              f"{pb['median'] / tb['median']:.2f}x.")
    md.append(f"- finml's default fused LSTM against PyTorch: training "
              f"{fa['rate'] / pa['rate']:.2f}x (small) and {fb['rate'] / pb['rate']:.2f}x "
              f"(large), predict {pa['median'] / fa['median']:.2f}x and "
              f"{pb['median'] / fb['median']:.2f}x (median).")
    pp = prof.get("pytorch", {}).get("perf")
    fp = prof.get("finml", {}).get("perf")
    if fp and pp:
        k, q = fp["kinds"], pp["kinds"]
        blas = "BLAS sgemm (system libblas)"
        md.append(
            f"- Where each side's large fit goes (perf, by kind): finml's fused kernel "
            f"{100 * k.get(blas, 0):.0f}% in the BLAS's sgemm, "
            f"{100 * k.get('fused gate loops (finml)', 0):.0f}% in its gate loops, "
            f"{100 * k.get('page faults (first touch of new memory)', 0):.0f}% in page faults, "
            f"{100 * k.get('libtorch (ATen kernels, dispatch, autograd)', 0):.0f}% in libtorch "
            f"(the dense head, Adam, the batch gather); PyTorch {100 * q.get(blas, 0):.0f}% in "
            f"sgemm and {100 * q.get('libtorch (ATen kernels, dispatch, autograd)', 0):.0f}% in "
            f"libtorch. Both multiply with the same sgemm; finml does one product per step "
            f"(all four gates at once, on the batch's strided rows in place, and the input "
            f"projection of all steps in one product), keeps tanh(c) for the backward pass and "
            f"reuses its large buffers across steps, where torch::nn::LSTM runs several ops per "
            f"step and allocates their results afresh.")
    flags = fused_kernel_flags(build_dir)
    if flags is not None:
        md.append(f"- The fused kernels are compiled with `{' '.join(flags) or '(no flags)'}`; "
                  f"their float gate loops are built twice, for AVX2 and for baseline x86-64 "
                  f"(`target_clones`, chosen by the loader per CPU, without fused multiply-adds "
                  f"so both give the same bits), and the matrix products are the BLAS's, which "
                  f"picks its kernels for the CPU at run time.")
    alt_f = os.path.join(work, "deep_finml.altblas.json")
    if not os.path.exists(alt_f):
        md.append("- The other-BLAS footnote did not run in this invocation (set "
                  "FINML_BENCH_ALT_BLAS=/usr/lib/x86_64-linux-gnu/blas for netlib's, see "
                  "run_all.sh).")
        md.append("")
        return md
    md.append("")
    af = read_json(alt_f)["cases"]
    ap = read_json(os.path.join(work, "deep_pytorch.altblas.json"))["cases"]
    with open(os.path.join(work, "deep_altblas_loaded.txt")) as f:
        lib = f.read().strip()
    md.append(f"### Footnote: another BLAS")
    md.append("")
    md.append(f"One more round, both sides with `{lib}` first on LD_LIBRARY_PATH (set "
              f"FINML_BENCH_ALT_BLAS=/usr/lib/x86_64-linux-gnu/blas for netlib's reference "
              f"BLAS, the library Debian falls back to without OpenBLAS) and "
              f"OPENBLAS_NUM_THREADS=1; the system's BLAS alternative was not touched. Change = "
              f"this round against the best round above.")
    md.append("")
    md.append("| Model | Side | training, samples/s | change | predict median / p99 | "
              "change (median) |")
    md.append("|---|---|---:|---:|---:|---:|")
    rate = lambda c: c["train_samples"] / c["train_seconds"]
    alt_cases = [n for n in summary if f"{n}/fused" in af and n in ap]
    for name in alt_cases:
        fused, timpl, peer = summary[name]
        for side, alt, base in (("finml (fused)", af[f"{name}/fused"], fused),
                                ("finml (`implementation: torch`)", af[f"{name}/torch"], timpl),
                                ("PyTorch", ap[name], peer)):
            md.append(f"| {name} | {side} | {rate(alt):,.0f} | {rate(alt) / base['rate']:.2f}x | "
                      f"{us(alt['latency_median_us'])} / {us(alt['latency_p99_us'])} | "
                      f"{base['median'] / alt['latency_median_us']:.2f}x |")
    md.append("")
    md.append("With this BLAS, finml's `implementation: torch` / PyTorch, the same kernels "
              "called from C++ and from Python, is " + ", ".join(
                  f"{rate(af[f'{n}/torch']) / rate(ap[n]):.2f} ({n})" for n in alt_cases) +
              " for training; finml fused / PyTorch would be " + ", ".join(
        f"{rate(af[f'{n}/fused']) / rate(ap[n]):.2f} ({n})" for n in alt_cases) +
        ", and finml's own `implementation: torch` / fused " + ", ".join(
        f"{rate(af[f'{n}/torch']) / rate(af[f'{n}/fused']):.2f} ({n})" for n in alt_cases) +
        ". Both sides' matrix products go through this BLAS.")
    md.append("")
    return md


# Issue 22's targets for the cases above: (label, finml benchmark, peer, peer case, factor).
TARGETS = [
    ("CSV parse, OHLCV", "BM_LoadOhlcvMinute", "pandas", "read_csv_ohlcv_minute", 4),
    ("CSV parse, wide panel", "BM_LoadWideDaily", "pandas", "read_csv_wide_daily", 4),
    ("SMA(20)", "BM_Sma20", "ttr", "SMA_20", 10),
    ("RSI(14)", "BM_Rsi14", "ttr", "RSI_14", 10),
    ("Bollinger(20, 2)", "BM_Bollinger20x2", "ttr", "BBands_20_2", 10),
    ("ATR(14)", "BM_Atr14", "ttr", "ATR_14", 10),
    ("EMA(20)", "BM_Ema20", "ttr", "EMA_20", 3),
    ("MACD(12, 26, 9)", "BM_Macd12_26_9", "ttr", "MACD_12_26_9", 3),
]


def targets_section(finml, peers):
    md = ["Against issue 22's targets (best repetition of each side, this run):", ""]
    for label, bench, peer_key, case, factor in TARGETS:
        ratio = max(finml[bench]) / max(peers[peer_key][1][case])
        md.append(f"- {label}: {ratio:.2f}x the peer (target {factor}x) -- "
                  f"{'met' if ratio >= factor else 'NOT met'}")
    backtest = max(finml["BM_BacktestWeights5000x2500"])
    md.append(f"- Backtest: {backtest / 1e6:.0f} M asset-bars/s (target 300 M) -- "
              f"{'met' if backtest >= 300e6 else 'NOT met'}")
    md.append("")
    return md


def credit_section(work):
    mine_path = os.path.join(work, "credit", "finml.json")
    peer_path = os.path.join(work, "credit", "peer.json")
    if not (os.path.exists(mine_path) and os.path.exists(peer_path)):
        return ["## Credit scoring", "", "Skipped in this run (peer libraries missing).", ""]
    mine, peer = read_json(mine_path), read_json(peer_path)
    md = ["## Credit scoring: finml vs scikit-learn and XGBoost on the same folds", ""]
    md.append("`finml_bench --credit_run` and `bench/peer_credit.py` train on the same five "
              "stratified folds of `data/german_credit.csv` (1000 applicants, target Class == Bad), "
              "inputs standardised on each training fold (one-hot encoding), single thread. AUC "
              "is the mean over folds (sd in brackets); time is the five fits plus predictions, "
              f"one run each. Peers: scikit-learn {peer['versions']['sklearn']}, XGBoost "
              f"{peer['versions']['xgboost']}.")
    md.append("")
    md.append("| Model | finml AUC | Peer | Peer AUC | finml s | Peer s | Time ratio (peer/finml) |")
    md.append("|---|---:|---|---:|---:|---:|---:|")
    import statistics
    for model in ("logistic", "rf", "gbdt"):
        m, p = mine[model], peer["peers"][model]
        md.append(f"| {model} | {statistics.mean(m['auc']):.4f} ({statistics.stdev(m['auc']):.4f}) | "
                  f"{p['peer']} | {statistics.mean(p['auc']):.4f} ({statistics.stdev(p['auc']):.4f}) | "
                  f"{m['seconds']:.3f} | {p['seconds']:.3f} | {p['seconds'] / m['seconds']:.2f} |")
    m = mine["mlp"]
    md.append(f"| mlp | {statistics.mean(m['auc']):.4f} ({statistics.stdev(m['auc']):.4f}) | "
              f"(no peer) | | {m['seconds']:.3f} | | |")
    md.append("")
    return md


def main():
    work, rounds, reps, build_dir, started, load_start, elapsed, out = sys.argv[1:9]
    rounds, reps = int(rounds), int(reps)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def in_work(stem, ext):
        return [os.path.join(work, f"{stem}.{i}.{ext}") for i in range(1, rounds + 1)]

    context, finml = finml_samples(in_work("finml", "json"))
    peers = {"pandas": peer_samples(in_work("pandas", "csv")),
             "ttr": peer_samples(in_work("ttr", "csv"))}

    cpu, load_end = cpu_and_load()
    commit = sh("git", "rev-parse", "HEAD", cwd=root) or "unknown"
    changed = sh("git", "status", "--porcelain", "--untracked-files=no", cwd=root)
    n_changed = len(changed.splitlines()) if changed else 0
    compiler = cmake_cache(build_dir, "CMAKE_CXX_COMPILER")
    compiler_version = sh(compiler, "--version").splitlines()[0] if compiler else ""
    gbench_version = (sh("dpkg-query", "-W", "-f=${Version}", "libbenchmark-dev")
                      or "version unknown")
    built = datetime.datetime.fromtimestamp(
        os.path.getmtime(os.path.join(build_dir, "finml_bench")), datetime.timezone.utc)

    md = ["# finml benchmark results", ""]
    md.append("Generated by `bash bench/run_all.sh BUILD_DIR` (`make bench`); do not edit by hand, "
              "rerun the script. finml and its peers ran in the same invocation on the same "
              "input files.")
    md.append("")
    md.append(f"- Date: {started} (UTC), run took {float(elapsed):.0f} s")
    md.append(f"- Commit: `{commit}`" + (
        f" plus uncommitted changes to {n_changed} tracked file(s) when this was written"
        if n_changed else " (no uncommitted changes to tracked files when this was written)"))
    md.append(f"- finml_bench built {built:%Y-%m-%dT%H:%M:%SZ} from the working tree of that time")
    md.append(f"- Machine: {cpu}; nproc {sh('nproc')}; "
              f"load average {load_start} at start, {load_end} at end")
    nproc = sh("nproc")
    busiest = max(float(load_start.split()[0]), float(load_end.split()[0]))
    if nproc and busiest > 0.5 * int(nproc):
        md.append(f"- Caution: the 1-minute load average reached {busiest:.2f} on {nproc} CPUs, "
                  f"so other work shared the machine; see the Spread column")
    md.append(f"- OS: {platform.platform()}")
    md.append(f"- finml: CMAKE_BUILD_TYPE={cmake_cache(build_dir, 'CMAKE_BUILD_TYPE') or '?'}, "
              f"{compiler_version or compiler or 'compiler unknown'}; Google Benchmark "
              f"{gbench_version} (the harness library reports its own build as "
              f"'{context.get('library_build_type', '?')}'; finml's code is built as above)")
    md.append(f"- Peers: {peers['pandas'][0]}; {peers['ttr'][0]}")
    tunables = os.environ.get("GLIBC_TUNABLES")
    md.append(f"- Allocator, the same for every side: `GLIBC_TUNABLES={tunables}` (freed memory "
              f"stays with the process instead of being faulted in again on every call; see "
              f"run_all.sh)" if tunables else "- Allocator: glibc defaults (FINML_BENCH_MALLOC="
              "default); the memory-heavy cases then also measure this machine's page faults")
    md.append("")
    md.append(f"Rates are input rows (CSV) or input points (indicators) per second of wall time, "
              f"single-threaded on every side except finml's CSV load, which parses chunks of the file "
              f"on every core (pandas' read_csv has no such option). The sides took turns over {rounds} rounds of "
              f"{reps} repetitions each ({rounds * reps} per side); a repetition repeats the call "
              f"until at least 0.2-0.3 s have passed, after one untimed warm-up. The best "
              f"repetition counts. Ratio = finml / peer: above 1 means finml is faster. Spread = "
              f"how far the worst repetition fell below the best (finml / peer): a large one "
              f"means the machine was busy and the ratio is less certain.")
    md.append("")
    md.append("| Benchmark | Input | finml | Peer | Peer rate | Ratio (finml/peer) | Spread |")
    md.append("|---|---|---:|---|---:|---:|---:|")
    for section, what, bench, peer_key, case, call in COMPARED:
        mine = finml.get(bench)
        theirs = peers[peer_key][1].get(case)
        if not mine or not theirs:
            raise SystemExit(f"missing measurement: {bench} or {peer_key}:{case}")
        unit = {"CSV parse": "rows", "Backtest": "asset-bars"}.get(section, "pts")
        md.append(f"| {section} | {what} | {rate(max(mine), unit)} | `{call}` | "
                  f"{rate(max(theirs), unit)} | {max(mine) / max(theirs):.2f} | "
                  f"{spread(mine)} / {spread(theirs)} |")
    md.append("")
    md.append("finml alone (no peer): `ParseMarketData(text)` on text already in memory, to show "
              "how much of the CSV load above is parsing rather than reading the file.")
    md.append("")
    md.append("| Case | finml | Spread |")
    md.append("|---|---:|---:|")
    for what, bench in FINML_ONLY:
        md.append(f"| {what} | {rate(max(finml[bench]), 'rows')} | {spread(finml[bench])} |")
    md.append("")
    triad = finml.get("BM_StreamTriad")
    backtest = max(finml["BM_BacktestWeights5000x2500"])
    if triad:
        triad_gbs = 24 * max(triad) / 1e9
        backtest_gbs = 16 * backtest / 1e9
        md.append(f"Memory bandwidth of this machine, STREAM's triad `a = b + 3 c` on three "
                  f"arrays of 12.5 M doubles (`BM_StreamTriad`, 24 bytes per element as STREAM "
                  f"counts): {triad_gbs:.1f} GB/s (spread {spread(triad)}). The backtest reads "
                  f"its two panels, 16 bytes per asset-bar, at {backtest_gbs:.1f} GB/s: "
                  f"{100 * backtest_gbs / triad_gbs:.0f}% of that, so it is bound by its "
                  f"arithmetic (a division, the fee and three running sums per asset-bar), not "
                  f"by memory.")
        md.append("")
    md += targets_section(finml, peers)
    md.append("Inputs, written by `finml_bench --generate=DIR` (splitmix64, fixed seeds): "
              "`ohlcv_minute.csv`, 1,000,000 one-minute bars from 2000-01-03 00:00:00, "
              "4-decimal prices, integer volume; `wide_daily.csv`, 100,000 consecutive days from "
              "1900-01-01 with 30 close columns at 2 decimals. The indicators run on the OHLCV "
              "file's Close (and High, Low for ATR), parsed once outside the timed loop by both "
              "finml and R. Minute bars rather than days because a million days would run past "
              "2262, where pandas' datetime64[ns] ends and read_csv leaves dates unparsed.")
    md.append("")
    md.append("The backtest case: `finml::backtest::Simulate` (share accounting: each day every "
              "weight becomes an order at the next close, commission 5 bps per side, positions "
              "drift with prices between closes, no trade list kept) against the usual "
              "vectorised pandas formula on DataFrames already in memory (no share drift, cost on "
              "the change in weights). Both read `backtest_close.f64` and `backtest_weights.f64` "
              "(2500 x 5000 float64, random walks with 1% daily noise and fresh long-short "
              "weights of gross 1 every day).")
    md.append("")

    md += credit_section(work)
    md += deep_section(work, build_dir)

    # The sections other scripts write (portfolio, RL, service, NLP, ...) start at their first
    # marker and stay as they are: this run measured none of them.
    kept = ""
    try:
        with open(out) as f:
            old = f.read()
        at = old.find("\n<!-- ")
        if at >= 0:
            kept = "\n" + old[at:].lstrip("\n")
    except FileNotFoundError:
        pass
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(md) + kept)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
