"""Writes the reinforcement-learning section of bench/RESULTS.md (between its markers; inserted
before the model-service section, or appended, when absent) from one bench/rl_bench.sh run. Not
meant to be run by hand: every number comes from the files in WORK_DIR.

Usage: rl_report.py WORK_DIR ROUNDS BUILD_DIR STARTED_UTC LOAD_AT_START ELAPSED_S OUT PRICES
                    [ALT_BLAS_DIR]
WORK_DIR holds finml_env.<round>.json (finml_bench --rl_run; round 1 with "learn"),
numpy_env.<round>.json and torch_ppo.<round>.json (bench/peer_rl.py), finml_ppo.<round>.wall and
torch_ppo.<round>.wall (start and end of each process, seconds since the epoch), the same with
round tags alt<round> and finml_learn_alt.json under FINML_BENCH_ALT_BLAS, check.json
(bench/peer_rl.py check), check_finml.json, and env_perf.txt / ppo_perf.txt where perf worked.
"""

import datetime
import os
import platform
import re
import statistics
import sys

# The helpers every bench report shares.
from report import cmake_cache, cpu_and_load, load_caution, read_json, sh, write_section
from portfolio_report import commit

BEGIN, END = "<!-- rl:begin -->", "<!-- rl:end -->"
AIM_ENV = 20.0  # issue 17: 20x on environment steps
AIM_E2E = 5.0   # and 5x end to end


def wall(path):
    with open(path) as f:
        a, b = f.read().split()
    return float(b) - float(a)


def rate(v):
    return f"{v / 1e6:.2f} M" if v >= 1e6 else f"{v / 1e3:.0f} k"


def describe(samples, fmt):
    return (f"{fmt(statistics.median(samples))} ({fmt(min(samples))} .. {fmt(max(samples))}, "
            f"{len(samples)})")


def perf_rows(path):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[.\]\s+(.*\S)", line)
            if m:
                rows.append((float(m.group(1)), m.group(2), m.group(3)))
    return rows


def share(rows, test):
    return sum(s for s, dso, sym in rows if test(dso, sym))


def main():
    work, rounds, build_dir, started, load_start, elapsed, out, prices = sys.argv[1:9]
    alt_blas = sys.argv[9] if len(sys.argv) > 9 else ""
    rounds = int(rounds)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rng = range(1, rounds + 1)
    f_env = [read_json(os.path.join(work, f"finml_env.{r}.json")) for r in rng]
    n_env = [read_json(os.path.join(work, f"numpy_env.{r}.json")) for r in rng]
    t_ppo = [read_json(os.path.join(work, f"torch_ppo.{r}.json")) for r in rng]
    f_wall = [wall(os.path.join(work, f"finml_ppo.{r}.wall")) for r in rng]
    t_wall = [wall(os.path.join(work, f"torch_ppo.{r}.wall")) for r in rng]
    learns = [e["learn"] for e in f_env]
    learn = learns[0]
    check = read_json(os.path.join(work, "check.json"))
    meta = f_env[0]
    timesteps = t_ppo[0]["timesteps"]
    assert learn["timesteps"] == timesteps, (learn["timesteps"], timesteps)
    have_alt = bool(alt_blas) and os.path.exists(os.path.join(work, "finml_ppo.alt1.wall"))
    if have_alt:
        f_wall_alt = [wall(os.path.join(work, f"finml_ppo.alt{r}.wall")) for r in rng]
        t_wall_alt = [wall(os.path.join(work, f"torch_ppo.alt{r}.wall")) for r in rng]
        t_ppo_alt = [read_json(os.path.join(work, f"torch_ppo.alt{r}.json")) for r in rng]
        learns_alt = [read_json(os.path.join(work, f"finml_learn_alt.{r}.json"))["learn"]
                      for r in rng]

    cpu, load_end = cpu_and_load()
    nproc = sh("nproc")
    # Build times of the copy the run used (bench/rl_bench.sh copies BUILD_DIR first).
    built = {}
    with open(os.path.join(work, "binaries.start")) as f:
        for line in f:
            t, path = line.strip().split(" ", 1)
            built[os.path.basename(path)] = datetime.datetime.fromtimestamp(
                int(t), datetime.timezone.utc)
    bench_built, finml_built = built.get("finml_bench"), built.get("finml")
    core_built, torch_built = built.get("libfinml_core.so"), built.get("libfinml_torch.so")
    shown = os.path.relpath(build_dir, root) if build_dir.startswith(root + os.sep) else build_dir
    shown_prices = os.path.relpath(prices, root) if prices.startswith(root + os.sep) else prices

    def stamp(t):
        return f"{t:%Y-%m-%dT%H:%M:%SZ}" if t else "?"

    def blas_file(name):
        try:
            with open(os.path.join(work, name)) as f:
                return [l.split("=>")[-1].split("(")[0].strip() for l in f if "=>" in l]
        except OSError:
            return []

    md = [BEGIN, "## Reinforcement learning: finml vs numpy + PyTorch (CleanRL-style PPO)", ""]
    command = (f"FINML_BENCH_ALT_BLAS={alt_blas} " if alt_blas else "") + \
        f"bash bench/rl_bench.sh {shown}"
    md.append(f"Run {started} (UTC) by `{command}` ({float(elapsed):.0f} s) at commit "
              f"`{commit(root)[:12]}` (plus whatever the working tree held then); finml built "
              f"{stamp(finml_built)}, finml_bench {stamp(bench_built)}, libfinml_core.so "
              f"{stamp(core_built)}, libfinml_torch.so {stamp(torch_built)}, all run from a copy "
              f"taken at the start. Machine: {cpu}, "
              f"nproc {nproc}, load average {load_start} at start, {load_end} at end; "
              f"{platform.platform()}.")
    try:
        with open(os.path.join(work, "binaries.start")) as f0, \
                open(os.path.join(work, "binaries.end")) as f1:
            before, after = f0.read().split("\n"), f1.read().split("\n")
        changed = [b.split(" ", 1)[1] for a, b in zip(before, after) if a != b]
    except OSError:
        changed = []
    if changed:
        md.append("")
        md.append(f"Note: {', '.join(f'`{os.path.basename(c)}`' for c in changed)} in "
                  f"{shown} changed during the run (another build in the tree); every "
                  f"measurement used the copy taken at the start, so they are one build's.")
    md += load_caution(load_start, load_end, nproc)
    md.append("")
    f_blas = blas_file("finml_blas.txt")
    md.append(f"- Data: `{shown_prices}`, {meta['rows']} days x {meta['assets']} assets, no "
              f"missing prices. The portfolio environment with `finml rl train`'s defaults: "
              f"state = {meta['state_size']} standardised log returns (20 per asset; mean and "
              f"scale fitted on the training bars) + {meta['assets']} weights + cash; action = "
              f"{meta['assets'] + 1} logits -> softmax -> target weights (cash slot dropped), "
              f"filled at the next close by shares at 5 bps per side, capital 1e6; reward = "
              f"100 log equity growth; episodes of 252 bars from random starts in the training "
              f"bars {meta['train_first']}..{meta['train_last']} (the first 60%), auto-reset.")
    md.append(f"- finml: `rl::MarketEnv` stepped by `finml_bench --rl_run` "
              f"(bench/bench_rl.cpp), and `finml rl train --agent ppo --seeds 1 --threads 1 "
              f"--timesteps {timesteps}`; "
              f"{cmake_cache(build_dir, 'CMAKE_BUILD_TYPE') or '?'} build. LibTorch's BLAS as "
              f"the dynamic linker resolves it: {', '.join(f'`{l}`' for l in f_blas) or '?'}.")
    md.append(f"- Peer (bench/peer_rl.py): the same environment in numpy, vectorised over the "
              f"copies (state standardised once for all bars, one array operation per step for "
              f"all copies), and a single-file PPO in the shape of CleanRL's "
              f"`ppo_continuous_action.py` with finml's hyperparameters: separate actor and "
              f"critic MLPs 2x64 tanh with orthogonal init (gains sqrt 2, 0.01 actor head, 1 "
              f"critic head), state-independent log std starting at -0.5, 8 copies x 128 steps, "
              f"GAE 0.99 / 0.95, 10 epochs of 4 minibatches, clip 0.2, no entropy bonus, value "
              f"coefficient 0.5 without value clipping, advantages normalised per minibatch, "
              f"gradient norm 0.5, Adam 3e-4 (torch's default eps, no annealing), no "
              f"observation or reward normalisation wrappers (finml has none), "
              f"{t_ppo[0]['iterations']} iterations as finml runs. {t_ppo[0]['about']}; BLAS "
              f"loaded: {', '.join(f'`{l}`' for l in t_ppo[0]['blas']) or '?'}.")
    eq, rnd = check["cases"]["equal"], check["cases"]["random"]
    same = (eq["rows_equal"] and eq["dones_equal"] and rnd["rows_equal"] and rnd["dones_equal"])
    md.append(f"- Same environment (bench/peer_rl.py check, before the rounds): finml wrote "
              f"traces with `--rl_check` and the numpy environment replayed them. Equal logits "
              f"(1/31 in cash and in each asset, rebalanced daily) over all {eq['steps']} "
              f"training bars: final equity {eq['final_equity_finml']:,.2f} (finml) vs "
              f"{eq['final_equity_numpy']:,.2f} (numpy), largest relative equity difference "
              f"{eq['max_rel_equity_diff']:.1e}, largest reward difference "
              f"{eq['max_abs_reward_diff']:.1e}, largest observation difference "
              f"{eq['max_abs_obs_diff']:.1e}. A one-copy training environment for "
              f"{rnd['steps']} steps of random logits ({rnd['episodes']} episode ends, the "
              f"peer given finml's episode starts): reward difference "
              f"{rnd['max_abs_reward_diff']:.1e}, observation difference "
              f"{rnd['max_abs_obs_diff']:.1e}, bars and episode ends "
              + ("identical." if same else "DIFFERENT."))
    md.append(f"- Timing: {rounds} rounds; in each, finml and the peer take turns (finml first "
              f"in odd rounds). Environment: after 200 untimed steps, {meta['reps']} "
              f"repetitions per round of {f_env[0]['cases']['env_8']['transitions']:,} "
              f"transitions (copies x steps) with seeded normal logits (a ring of 64 steps made "
              f"before the clock starts); the rate counts the step calls only. PPO end to end: "
              f"the wall time of each process, from the shell (finml: CSV load, state, training, "
              f"then validation, trading the last 20% and the baselines, reports written; "
              f"PyTorch: interpreter start, `import torch`, CSV load with pandas, state, "
              f"training). Medians over the rounds count.")
    md.append("")

    md.append("### Environment steps")
    md.append("")
    md.append("| Copies | finml transitions/s, median (min .. max, reps) | numpy transitions/s | "
              "Ratio finml / numpy | Aim 20x |")
    md.append("|---:|---:|---:|---:|---|")
    notes = []
    for copies in (8, 64):
        key = f"env_{copies}"
        fs = [v for e in f_env for v in e["cases"][key]["rates"]]
        ns = [v for e in n_env for v in e["cases"][key]["rates"]]
        ratio = statistics.median(fs) / statistics.median(ns)
        ok = ratio >= AIM_ENV
        md.append(f"| {copies} | {describe(fs, rate)} | {describe(ns, rate)} | **{ratio:.1f}** | "
                  f"{'met' if ok else 'NOT met'} |")
        notes.append(f"environment steps, {copies} copies: {ratio:.1f}x numpy (aim "
                     f"{AIM_ENV:.0f}x) -- {'met' if ok else 'NOT met'}")
    md.append("")
    md.append("numpy's cost per step is mostly fixed (about 30 array operations whatever the number "
              "of copies), so it gains with more copies; finml steps each copy in a loop, so its "
              "rate hardly depends on the count.")
    md.append("")

    md.append(f"### PPO, {timesteps:,} transitions")
    md.append("")
    md.append("| Measure | finml | PyTorch (CleanRL-style) | Speed-up (PyTorch time / finml "
              "time) |")
    md.append("|---|---:|---:|---:|")

    def ppo_rows(label, f_walls, t_walls, t_runs, learn_runs):
        fw, tw = statistics.median(f_walls), statistics.median(t_walls)
        ratio = tw / fw
        md.append(f"| {label}end to end, seconds (min .. max, rounds) | "
                  f"{describe(f_walls, lambda s: f'{s:.2f}')} | "
                  f"{describe(t_walls, lambda s: f'{s:.2f}')} | **{ratio:.2f}** |")
        md.append(f"| {label}end to end, transitions/s | {timesteps / fw:,.0f} | "
                  f"{timesteps / tw:,.0f} | |")
        tt = [r["train_seconds"] for r in t_runs]
        ft = [r["seconds"] for r in learn_runs]
        fmt = lambda s: f"{s:.2f}"  # noqa: E731
        md.append(f"| {label}training only, seconds | {describe(ft, fmt)} | "
                  f"{describe(tt, fmt)} | {statistics.median(tt) / statistics.median(ft):.2f} |")
        imp = statistics.median(r["import_seconds"] for r in t_runs)
        setup = statistics.median(r["setup_seconds"] for r in t_runs)
        md.append(f"| {label}everything else, seconds | {fw - statistics.median(ft):.2f} "
                  f"(end to end minus training: process start, CSV, state, validation, trading, "
                  f"baselines, reports) | {tw - statistics.median(tt):.2f} (of which `import "
                  f"torch` etc. {imp:.2f}, CSV + state + network {setup:.2f}) | |")
        return ratio

    ratio = ppo_rows("", f_wall, t_wall, t_ppo, learns)
    ok = ratio >= AIM_E2E
    notes.append(f"PPO end to end on the system BLAS: {ratio:.2f}x PyTorch (aim "
                 f"{AIM_E2E:.0f}x) -- {'met' if ok else 'NOT met'}")
    if have_alt:
        ratio_alt = ppo_rows("OpenBLAS: ", f_wall_alt, t_wall_alt, t_ppo_alt, learns_alt)
        notes.append(f"PPO end to end with both sides on `{alt_blas}`: {ratio_alt:.2f}x PyTorch "
                     f"(aim {AIM_E2E:.0f}x) -- {'met' if ratio_alt >= AIM_E2E else 'NOT met'}")
    md.append("")
    lines = []
    try:
        with open(os.path.join(work, "finml_ppo.1.txt")) as f:
            lines = [l.strip() for l in f if l.startswith("ppo ")]
    except OSError:
        pass
    md.append("finml's end-to-end figure includes its validation rollout, the trading of the "
              "last 20% of the bars, the baselines (buy and hold, equal weight, minimum variance, "
              "a ridge forecaster's top 5) and writing the report; the peer does none of that. "
              "The training-only row compares `Agent::Learn` with the peer's rollout + update "
              "loop (finml: `finml_bench --rl_learn`, the agent's `Learn` in process, no data "
              "loading; PyTorch: from the first `reset` to the last update); everything else = "
              "the medians' difference." + (f" finml's test-period result in round 1: `{lines[0]}`." if lines else ""))
    if have_alt:
        libs = t_ppo_alt[0]["blas"]
        fl = blas_file("finml_blas_alt.txt")
        md.append("")
        md.append(f"OpenBLAS rows: both processes ran with `{alt_blas}` first on LD_LIBRARY_PATH "
                  f"and OPENBLAS_NUM_THREADS=1, in the same rounds; loaded by PyTorch: "
                  f"{', '.join(f'`{l}`' for l in libs)}; resolved for finml's LibTorch: "
                  f"{', '.join(f'`{l}`' for l in fl) or '?'}. The system's BLAS alternative was "
                  f"not touched.")
    md.append("")
    md.append("Against issue 17's aims:")
    md.append("")
    md += [f"- {n}" for n in notes]
    md += where_time_goes(work, f_env, learns, timesteps, meta, t_ppo[0]["blas"])
    md += [END, ""]
    section = "\n".join(md)

    write_section(out, BEGIN, END, section)
    print(section)


def where_time_goes(work, f_env, learns, timesteps, meta, peer_blas):
    n, d = meta["assets"], meta["state_size"]
    md = ["", "### Where finml's time goes", ""]
    env = perf_rows(os.path.join(work, "env_perf.txt"))
    ppo = perf_rows(os.path.join(work, "ppo_perf.txt"))
    if not env and not ppo:
        md.append("No perf profile in this run (perf unavailable or failed).")
        md.append("")
        return md
    if env:
        per = 1e9 / statistics.median(v for e in f_env for v in e["cases"]["env_8"]["rates"])
        md.append(f"Environment: `perf record -e cpu-clock -F 999` of `finml_bench --rl_run` "
                  f"(8 and 64 copies, 2M transitions each; process start and data preparation "
                  f"included), symbols with at least 1% of the samples. One transition takes "
                  f"about {per:.0f} ns at 8 copies.")
        md.append("")
        md.append("| share | library | symbol |")
        md.append("|---:|---|---|")
        md += [f"| {s:.1f}% | {dso} | `{sym}` |" for s, dso, sym in env[:12] if s >= 1.0]
        md.append("")
        exp = share(env, lambda d, s: re.search(r"(^|_)exp(@|$|_fma)", s) is not None
                    or s.startswith("__ieee754_exp") or s == "exp@plt"
                    or (d.startswith("libm") and s == "@plt"))
        book = share(env, lambda d, s: "Book::Advance" in s)
        obs = share(env, lambda d, s: "MarketEnv::Observe" in s)
        tw = share(env, lambda d, s: "MarketEnv::TargetWeights" in s)
        md.append(
            f"`exp` from libm (with its PLT stubs) takes {exp:.0f}% and `TargetWeights` "
            f"{tw:.0f}%: the softmax evaluates `std::exp` of each of the {n + 1} logits twice, once "
            f"for the total and once for the weights, in double precision through a call per "
            f"element. `Book::Advance` takes {book:.0f}% (NAV, {n} orders with NaN checks and "
            f"divisions, the marks). `Observe` takes {obs:.0f}%: it standardises the bar's "
            f"{d} state values on every step, for every copy, although they depend on the bar "
            f"only. Changes this points to (not made here): keep the exponentials of the "
            f"softmax in `weights_` and divide once; standardise `MarketInputs::state` once per "
            f"scaler (at construction and in `Rescale`) so `Observe` is a copy. The shares above "
            f"bound what each would save.")
        md.append("")
    if ppo:
        blas = share(ppo, lambda d, s: "blas" in d)
        sgemm = share(ppo, lambda d, s: "sgemm" in s)
        agents = share(ppo, lambda d, s: d.startswith("libfinml_torch"))
        core = share(ppo, lambda d, s: d.startswith("libfinml_core"))
        md.append(f"PPO: `perf record -e cpu-clock -F 499` of `finml_bench --rl_learn=4096` "
                  f"(in-process training, 4 rollouts and updates, plus process start): "
                  f"{sgemm:.0f}% of the samples are `sgemm_` and {blas:.0f}% are in the BLAS "
                  f"library; libfinml_torch.so (the agents) {agents:.1f}%, libfinml_core.so (the "
                  f"environment) {core:.1f}%. Top symbols:")
        md.append("")
        md.append("| share | library | symbol |")
        md.append("|---:|---|---|")
        md += [f"| {s:.1f}% | {dso} | `{sym}` |" for s, dso, sym in ppo[:8] if s >= 0.5]
        md.append("")
        netlib = any("/blas/libblas" in l for l in peer_blas)
        learn_s = statistics.median(r["seconds"] for r in learns)
        env_s = timesteps / statistics.median(
            v for e in f_env for v in e["cases"]["env_8"]["rates"])
        work_line = (f"the {d + n + 1} x 64 first layers of actor and critic over 256-row "
                     f"minibatches, forward and backward, 10 epochs x 4 minibatches x "
                     f"{-(-timesteps // 1024)} rollouts")
        blas_name = "the system's `libblas.so.3`" + (
            ", here netlib's reference BLAS" if netlib else "")
        if sgemm >= 50:
            md.append(f"Both sides run the same LibTorch build (Debian's, BLAS_INFO=generic), "
                      f"whose matrix products go to {blas_name}: {work_line}. With that much of "
                      f"the time in one library both sides call, PPO end to end cannot be much "
                      f"faster than the PyTorch peer. An optimised BLAS (see the OpenBLAS rows, "
                      f"where run) changes PPO's time on both sides.")
        else:
            md.append(f"finml's network products no longer spend most of their time in "
                      f"LibTorch's BLAS (Debian's LibTorch calls {blas_name}): {work_line}. "
                      f"The peer's `nn.Linear` products still go to the BLAS it loaded (listed "
                      f"above).")
        md.append("")
        md.append(f"The environment, where finml's own RL code runs, accounts for about "
                  f"{1000 * env_s:.0f} ms of the {learn_s:.1f} s of training (its transitions "
                  f"at the rate measured above), so speeding it up cannot move PPO's time much.")
        md.append("")
    return md


if __name__ == "__main__":
    main()
