"""Writes bench/RESULTS.md from one run_all.sh invocation's measurements. Not meant to be run by
hand: every number in the file must come from the files in WORK_DIR, never from an edit.

Usage: report.py WORK_DIR ROUNDS REPS BUILD_DIR STARTED_UTC LOAD_AT_START ELAPSED_S OUT
WORK_DIR holds finml.<round>.json (Google Benchmark), pandas.<round>.csv and ttr.<round>.csv.
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


def main():
    work, rounds, reps, build_dir, started, load_start, elapsed, out = sys.argv[1:9]
    rounds, reps = int(rounds), int(reps)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def in_work(stem, ext):
        return [os.path.join(work, f"{stem}.{i}.{ext}") for i in range(1, rounds + 1)]

    context, finml = finml_samples(in_work("finml", "json"))
    peers = {"pandas": peer_samples(in_work("pandas", "csv")),
             "ttr": peer_samples(in_work("ttr", "csv"))}

    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load_end = " ".join(f.read().split()[:3])
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
              f"single-threaded on every side. The sides took turns over {rounds} rounds of "
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
        unit = "rows" if section == "CSV parse" else "pts"
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
    md.append("Inputs, written by `finml_bench --generate=DIR` (splitmix64, fixed seeds): "
              "`ohlcv_minute.csv`, 1,000,000 one-minute bars from 2000-01-03 00:00:00, "
              "4-decimal prices, integer volume; `wide_daily.csv`, 100,000 consecutive days from "
              "1900-01-01 with 30 close columns at 2 decimals. The indicators run on the OHLCV "
              "file's Close (and High, Low for ATR), parsed once outside the timed loop by both "
              "finml and R. Minute bars rather than days because a million days would run past "
              "2262, where pandas' datetime64[ns] ends and read_csv leaves dates unparsed.")
    md.append("")

    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(md))
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
