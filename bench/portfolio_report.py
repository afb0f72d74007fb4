"""Writes the portfolio-optimisation section of bench/RESULTS.md (between its markers; inserted
before the model-service section, or appended, when absent) from one bench/portfolio_bench.sh run.
Not meant to be run by hand: every number comes from the files in WORK_DIR.

Usage: portfolio_report.py WORK_DIR ROUNDS BUILD_DIR STARTED_UTC LOAD_AT_START ELAPSED_S OUT
WORK_DIR holds portfolio.json and the inputs (finml_bench --portfolio_generate), finml.<round>.json
and cvxopt.<round>.json, and each side's weights of its last repetition, <side>_<case>.f64.
"""

import datetime
import json
import os
import platform
import re
import statistics
import sys

import numpy as np

# The helpers every bench report shares.
from report import cmake_cache, cpu_and_load, load_caution, read_json, sh, write_section

BEGIN, END = "<!-- portfolio:begin -->", "<!-- portfolio:end -->"
AIM_RATIO = 10.0  # issue 16: at least 10x cvxopt
AIM_MINVAR_2000_S = 1.0  # and under a second for 2000-asset minimum variance
VARIANCE_TOL = 1e-9  # finml's variance at most cvxopt's (1 + this)
SHARPE_TOL = 1e-6  # finml's Sharpe at least cvxopt's - this

LABEL = {"min_variance": "minimum variance", "max_sharpe": "maximum Sharpe",
         "frontier": "efficient frontier, 50 points"}






def commit(root):
    """HEAD's commit, read from .git without running git."""
    git = os.path.join(root, ".git")
    try:
        with open(os.path.join(git, "HEAD")) as f:
            head = f.read().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if os.path.exists(os.path.join(git, ref)):
            with open(os.path.join(git, ref)) as f:
                return f.read().strip()
        with open(os.path.join(git, "packed-refs")) as f:
            for line in f:
                if line.rstrip().endswith(" " + ref):
                    return line.split()[0]
    except OSError:
        pass
    return "unknown"


def mtime(path):
    try:
        return datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
    except OSError:
        return None


def seconds(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def main():
    work, rounds, build_dir, started, load_start, elapsed, out = sys.argv[1:8]
    rounds = int(rounds)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    config = read_json(os.path.join(work, "portfolio.json"))
    rf = config["risk_free"]
    finml_runs = [read_json(os.path.join(work, f"finml.{r}.json")) for r in range(1, rounds + 1)]
    peer_runs = [read_json(os.path.join(work, f"cvxopt.{r}.json")) for r in range(1, rounds + 1)]
    inputs = {}
    for s in config["sizes"]:
        n = s["n"]
        inputs[n] = (np.fromfile(os.path.join(work, s["covariance"])).reshape(n, n),
                     np.fromfile(os.path.join(work, s["expected"])))

    def compare(prefix, peer_runs):
        """Per case: the table row, the aim notes and whether the answers agree."""
        rows, notes, verdicts = [], [], []
        for case in config["cases"]:
            name, kind, n = case["name"], case["kind"], case["n"]
            sigma, mu = inputs[n]
            mine = [t for r in finml_runs for t in r["cases"][name]["seconds"]]
            theirs = [t for r in peer_runs for t in r["cases"][name]["seconds"]]
            statuses = [s for r in peer_runs for s in r["cases"][name]["statuses"]]
            iterations = peer_runs[-1]["cases"][name]["iterations"]
            wf = np.fromfile(os.path.join(work, f"finml_{name}.f64")).reshape(-1, n)
            wc = np.fromfile(os.path.join(work, f"{prefix}_{name}.f64")).reshape(-1, n)
            vf = np.einsum("ij,jk,ik->i", wf, sigma, wf)
            vc = np.einsum("ij,jk,ik->i", wc, sigma, wc)
            rel = (vf - vc) / vc
            dw = np.abs(wf - wc).max()
            feas = (f"sum-1 {np.abs(wf.sum(1) - 1).max():.0e} / "
                    f"{np.abs(wc.sum(1) - 1).max():.0e}, min w {wf.min():.0e} / {wc.min():.0e}")
            t_f, t_c = statistics.median(mine), statistics.median(theirs)
            ratio = t_c / t_f
            if kind == "min_variance":
                ok = rel[0] <= VARIANCE_TOL
                agree = (f"variance {vf[0]:.10g} / {vc[0]:.10g} (finml {rel[0]:+.1e} relative: "
                         f"{'lower or equal' if ok else 'HIGHER'})")
            elif kind == "max_sharpe":
                sf = (wf[0] @ mu - rf) / np.sqrt(vf[0])
                sc = (wc[0] @ mu - rf) / np.sqrt(vc[0])
                ok = sf >= sc - SHARPE_TOL
                agree = (f"Sharpe {sf:.10g} / {sc:.10g} (finml {sf - sc:+.1e}: "
                         f"{'higher or equal' if ok else 'LOWER'})")
            else:
                rf_, rc_ = wf @ mu, wc @ mu
                # A finml point is dominated when cvxopt's has lower variance (beyond the
                # tolerance) at no lower return (1e-12 absolute). The targets come from each
                # side's own minimum-variance solve, so the points' returns differ slightly.
                dominated = int(np.sum((rel > VARIANCE_TOL) & (rc_ >= rf_ - 1e-12)))
                ok = dominated == 0
                agree = (f"{len(vf)} points; variance finml vs cvxopt {rel.min():+.1e} .. "
                         f"{rel.max():+.1e} relative, return {np.min(rf_ - rc_):+.1e} .. "
                         f"{np.max(rf_ - rc_):+.1e}; finml points dominated by cvxopt's "
                         f"(higher variance at no higher return): {dominated}")
            verdicts.append(ok)
            peer_status = ", ".join(f"{statuses.count(s)} {s}" for s in sorted(set(statuses)))
            its = (f"{iterations[0]} iterations" if len(iterations) == 1 else
                   f"{sum(iterations)} iterations in {len(iterations)} solves")
            rows.append(f"| {LABEL[kind]} | {n} | {seconds(t_f)} ({seconds(min(mine))} .. "
                        f"{seconds(max(mine))}, {len(mine)}) | {seconds(t_c)} "
                        f"({seconds(min(theirs))} .. {seconds(max(theirs))}, {len(theirs)}) | "
                        f"**{ratio:.2f}** | {agree} | {dw:.1e} | {feas} | {peer_status}; {its} |")
            if kind == "min_variance" and n == 2000:
                notes.append(f"2000-asset minimum variance: finml {seconds(t_f)} (aim: under "
                             f"{AIM_MINVAR_2000_S:.0f} s) -- "
                             f"{'met' if t_f < AIM_MINVAR_2000_S else 'NOT met'}")
            notes.append(f"{LABEL[kind]}, {n} assets: {ratio:.2f}x cvxopt (aim: "
                         f"{AIM_RATIO:.0f}x) -- {'met' if ratio >= AIM_RATIO else 'NOT met'}")
        return rows, notes, verdicts

    rows, notes, verdicts = compare("cvxopt", peer_runs)
    alt_runs = [os.path.join(work, f"cvxopt_alt.{r}.json") for r in range(1, rounds + 1)]
    alt_runs = [read_json(p) for p in alt_runs] if all(map(os.path.exists, alt_runs)) else []
    if alt_runs:
        alt_rows, alt_notes, alt_verdicts = compare("cvxopt_alt", alt_runs)

    peer = peer_runs[0]
    cpu, load_end = cpu_and_load()
    nproc = sh("nproc")
    alglib = sh("dpkg-query", "-W", "-f=${Version}", "libalglib-dev") or "version unknown"
    bench_built = mtime(os.path.join(build_dir, "finml_bench"))
    core_built = mtime(os.path.join(build_dir, "libfinml_core.so"))
    fin_reps = finml_runs[0]["reps"]
    peer_reps = (f"{peer['reps']}" if peer["reps"] == peer["reps_large"] else
                 f"{peer['reps']} ({peer['reps_large']} at 2000 assets)")

    md = [BEGIN, "## Portfolio optimisation: finml vs cvxopt on the same covariance", ""]
    shown = os.path.relpath(build_dir, root) if build_dir.startswith(root + os.sep) else build_dir
    alt_dir = os.path.dirname(alt_runs[0]["blas"][0]) if alt_runs and alt_runs[0]["blas"] else ""
    command = (f"FINML_BENCH_ALT_BLAS={alt_dir} " if alt_dir else "") + \
        f"bash bench/portfolio_bench.sh {shown}"
    md.append(f"Run {started} (UTC) by `{command}` "
              f"({float(elapsed):.0f} s) at commit `{commit(root)[:12]}`; finml_bench built "
              + (f"{bench_built:%Y-%m-%dT%H:%M:%SZ}" if bench_built else "?") +
              ", libfinml_core.so (the optimisers) built "
              + (f"{core_built:%Y-%m-%dT%H:%M:%SZ}" if core_built else "?") +
              f". Machine: {cpu}, nproc {nproc}, load average {load_start} at start, "
              f"{load_end} at end; {platform.platform()}.")
    md += load_caution(load_start, load_end, nproc)
    md.append("")
    md.append(f"- finml: {finml_runs[0]['about']}, libalglib-dev {alglib}; "
              f"{cmake_cache(build_dir, 'CMAKE_BUILD_TYPE') or '?'} build. The QPs are "
              f"solved with the step tolerance 1e-10 that src/portfolio/convex_program.cpp sets.")
    md.append(f"- Peer: {peer['about']} (bench/peer_cvxopt.py); default tolerances (abstol 1e-7, "
              f"reltol 1e-6, feastol 1e-7, maxiters 100), default KKT solver, G = -I sparse. "
              f"cvxopt's BLAS/LAPACK as loaded: {', '.join(f'`{l}`' for l in peer['blas']) or '?'}"
              + (" (netlib's reference implementations, single-threaded)"
                 if any("/blas/" in l for l in peer["blas"]) else "") + ".")
    md.append(f"- Inputs (`finml_bench --portfolio_generate`, splitmix64 seed {config['seed']}): "
              f"annual covariance Sigma = B B' + D with {config['factors']} factors (a market "
              f"factor, vol 16% and betas 0.6 .. 1.4, plus {config['factors'] - 1} factors with "
              f"loadings 5% x unit noise) and idiosyncratic vol 10% .. 30%; expected returns "
              f"uniform 1% .. 13%; risk-free rate {rf:.0%}. Written once as float64 files that "
              f"both sides read.")
    md.append(f"- Problems (long-only, fully invested, no other constraint): `Optimize` with "
              f"`kMinVariance` (cvxopt: min w'Sigma w, w >= 0, 1'w = 1), `kMaxSharpe` (cvxopt: "
              f"min y'Sigma y, y >= 0, (mu - rf)'y = 1, w = y / 1'y, the transform finml uses "
              f"too), and `EfficientFrontier(..., {config['frontier_points']})` (cvxopt: the "
              f"minimum-variance solve, then {config['frontier_points']} QPs with mu'w >= target "
              f"for targets evenly spaced from its return to max(mu); finml finds its top end "
              f"with an LP and solves one per point too).")
    md.append(f"- Timing: each repetition times one call from the inputs in memory to the "
              f"weights (finml: `Optimize` / `EfficientFrontier`, including building the "
              f"programme and copying it into ALGLIB; cvxopt: building its matrices, "
              f"`solvers.qp`, recovering w); file reading is outside. {rounds} rounds of "
              f"(finml, cvxopt) taking turns, {fin_reps} repetitions per round for finml and "
              f"{peer_reps} for cvxopt; the median of all counts.")
    tunables = os.environ.get("GLIBC_TUNABLES")
    md.append("- Allocator, the same for both sides: " + (f"`GLIBC_TUNABLES={tunables}` (from "
              f"run_all.sh)" if tunables else "glibc's defaults"))
    md.append("")
    md.append("| Problem | Assets | finml median (min .. max, reps) | cvxopt median (min .. max, "
              "reps) | Speed-up (cvxopt / finml) | Objective: finml / cvxopt | max abs weight "
              "difference | Feasibility finml / cvxopt | cvxopt statuses (all solves); iterations (last "
              "repetition) |")
    md.append("|---|---:|---:|---:|---:|---|---:|---|---|")
    md += rows
    md.append("")
    md.append(f"Agreement, from the weights each side returned (its last repetition), evaluated "
              f"with the same numpy code: finml's variance must not exceed cvxopt's by more than "
              f"{VARIANCE_TOL:g} relative, its Sharpe ratio not fall below cvxopt's by more than "
              f"{SHARPE_TOL:g}; " + ("all cases agree, so the timings are for the same answer."
                                     if all(verdicts) else
                                     "SOME CASES DO NOT AGREE (see the Objective column)."))
    md.append("")
    md.append("Against issue 16's aim (cvxopt as Debian ships it, on the reference BLAS):")
    md.append("")
    md += [f"- {n}" for n in notes]
    if alt_runs:
        libs = alt_runs[0]["blas"]
        md.append("")
        md.append("### The same, with cvxopt on an optimized BLAS")
        md.append("")
        md.append(f"Each round also ran cvxopt with `FINML_BENCH_ALT_BLAS` first on "
                  f"LD_LIBRARY_PATH and OPENBLAS_NUM_THREADS=1 (one thread, as finml), right "
                  f"after the run above; loaded: {', '.join(f'`{l}`' for l in libs)} (how to unpack "
                  f"such a directory without installing anything: bench/portfolio_bench.sh). The "
                  f"system's BLAS alternative was not touched. finml's column is the same "
                  f"measurement as above (ALGLIB does not call a BLAS). cvxopt spends its time "
                  f"in the Cholesky factorisations and triangular solves of its KKT systems, "
                  f"which is what the BLAS changes.")
        md.append("")
        md.append("| Problem | Assets | finml median (min .. max, reps) | cvxopt median (min .. "
                  "max, reps) | Speed-up (cvxopt / finml) | Objective: finml / cvxopt | max abs "
                  "weight difference | Feasibility finml / cvxopt | cvxopt statuses (all solves); "
                  "iterations (last repetition) |")
        md.append("|---|---:|---:|---:|---:|---|---:|---|---|")
        md += alt_rows
        md.append("")
        md.append("Answers: " + ("all cases agree by the same test." if all(alt_verdicts) else
                                 "SOME CASES DO NOT AGREE (see the Objective column)."))
        md.append("")
        md += [f"- {n}" for n in alt_notes if not n.startswith("2000-asset")]
    md += where_time_goes(work, {c["n"]: statistics.median(
        [t for r in finml_runs for t in r["cases"][c["name"]]["seconds"]])
        for c in config["cases"] if c["kind"] == "min_variance"})
    md += [END, ""]
    section = "\n".join(md)

    write_section(out, BEGIN, END, section)
    print(section)


def where_time_goes(work, finml_minvar):
    """The profile and the probe's table: perf of finml's 2000-asset minimum variance and
    bench/probes/bleic_start.cpp (the same QP in ALGLIB from two starting points)."""
    md = ["", "### Where finml's time goes", ""]
    perf_path = os.path.join(work, "min_variance_2000_perf.txt")
    symv_share = 0
    if os.path.exists(perf_path):
        rows = []
        with open(perf_path) as f:
            for line in f:
                m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[.\]\s+(.*\S)", line)
                if m:
                    rows.append((float(m.group(1)), m.group(2), m.group(3)))
        md.append("`perf record -e cpu-clock -F 499` of one finml 2000-asset minimum variance "
                  "(`finml_bench --portfolio_only=min_variance_2000`), symbols with at least 0.5% "
                  "of the samples:")
        md.append("")
        md.append("| share | library | symbol |")
        md.append("|---:|---|---|")
        md += [f"| {share:.1f}% | {dso} | `{sym}` |" for share, dso, sym in rows[:8]
               if share >= 0.5]
        md.append("")
        finml_own = sum(share for share, dso, _ in rows if "finml" in dso)
        alglib = sum(share for share, dso, _ in rows if "alglib" in dso)
        symv_share = sum(share for share, _, sym in rows if sym.endswith("rmatrixsymv"))
        md.append(f"All of ALGLIB: {alglib:.1f}% of the samples; finml's own code (building the "
                  f"programme, copying it into ALGLIB's arrays, Describe): {finml_own:.1f}%.")
        md.append("")
    else:
        md.append("No perf profile in this run (perf unavailable or failed).")
        md.append("")
    probe_path = os.path.join(work, "bleic_start.jsonl")
    if not os.path.exists(probe_path):
        md.append("bench/probes/bleic_start.cpp did not build in this run; no probe.")
        return md
    with open(probe_path) as f:
        probe = [json.loads(line) for line in f if line.strip()]
    md.append("bench/probes/bleic_start.cpp: the same minimum-variance QP handed to ALGLIB directly "
              "as src/portfolio/convex_program.cpp does (Q = 2 Sigma, 0 <= w <= 1, 1'w = 1, BLEIC, "
              "step tolerance 1e-10, copies into ALGLIB timed), from ALGLIB's default starting "
              "point and from a vertex (all weight on the lowest-variance asset), on this run's "
              "covariances; one run each:")
    md.append("")
    md.append("| Assets | Start | Seconds | BLEIC inner / outer iterations | Weights above 0 | "
              "Variance | One dense Q x product | finml median (same problem) |")
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|")
    for p in probe:
        md.append(f"| {p['n']} | {p['start']} | {seconds(p['seconds'])} | {p['inner']} / "
                  f"{p['outer']} | {p['nonzero']} | {p['variance']:.12g} | "
                  f"{p['symv_seconds'] * 1000:.2f} ms | "
                  f"{seconds(finml_minvar[p['n']]) if p['start'] == 'default' else ''} |")
    md.append("")
    by = {(p["n"], p["start"]): p for p in probe}
    big = max(p["n"] for p in probe)
    d, v = by.get((big, "default")), by.get((big, "vertex"))
    if d and v:
        md.append(
            f"From the default start BLEIC needs {d['inner']} inner iterations at {big} assets, "
            f"about one for each of the {big - d['nonzero']} weights it pins to zero, and every "
            f"iteration multiplies by the dense {big} x {big} matrix (`rmatrixsymv`, "
            f"{d['symv_seconds'] * 1000:.1f} ms a product here"
            + (f"; {symv_share:.0f}% of finml's samples above" if symv_share else "") +
            f"). From a vertex it needs {v['inner']} iterations and "
            f"{seconds(v['seconds'])}, {d['seconds'] / v['seconds']:.1f}x faster, for the same "
            f"variance (relative difference "
            f"{abs(v['variance'] - d['variance']) / d['variance']:.0e}). So finml's time is the "
            f"iteration count of ALGLIB's active-set method from its default start, not the copy "
            f"into ALGLIB. A starting point for BLEIC (`minqpsetstartingpoint` in "
            f"src/portfolio/convex_program.cpp, and the previous point's weights along the "
            f"frontier) is the change this points to; it is not made here.")
        md.append("")
    return md




if __name__ == "__main__":
    main()
