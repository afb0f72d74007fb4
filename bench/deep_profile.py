"""Summarises the profiles run_all.sh takes of one fit of the large LSTM case; report.py reads the
result. Usage: deep_profile.py DEEP_DIR > summary.json

DEEP_DIR may hold, per side (finml, pytorch):
  <side>_trace.json  Chrome trace of libtorch's legacy autograd profiler (finml_bench --deep_trace,
                     peer_torch.py step ... TRACE), with a "fit" scope around the fit
  <side>_perf.txt    `perf script -F comm,ip,sym,dso` of `perf record -g` sampling the fit alone

From a trace: where the fit's wall time went by training phase, and the ops with the most self
time. Phases follow the loop's order, which both sides share (zero_grad, gather the batch,
forward, loss, backward, Adam step, loss.item()): a top-level event in the "fit" span is
- backward:  autograd::engine::evaluate_function: ...
- optimizer: the events after the backward up to loss.item(), and zero_grad
  (Optimizer.zero_grad#... on the peer; aten::zero_ / aten::detach_ at the top level in finml)
- forward:   everything else inside an epoch (batch gather, network, loss)
Time between top-level events belongs to no ATen op: finml's fused LSTM forward (a custom
autograd function, no ATen op) or the Python interpreter on the peer. It is counted with the phase
of the event that follows it, which is the phase that code belongs to in this loop.

From perf samples: the share of the fit's CPU time by kind of code, from each sample's innermost
frame (page faults from the kernel frames under it).
"""

import collections
import json
import os
import re
import sys

SIDES = ("finml", "pytorch")


def trace_summary(path):
    with open(path) as f:
        events = [e for e in json.load(f) if e.get("ph") == "X"]
    fits = [e for e in events if e["name"] == "fit"]
    if len(fits) != 1:
        raise SystemExit(f"{path}: want one 'fit' scope, found {len(fits)}")
    fit = fits[0]
    tid = fit["tid"]
    fit_start, fit_end = float(fit["ts"]), float(fit["ts"]) + float(fit["dur"])

    # Self time per op name, on every thread, inside the fit's span.
    by_thread = collections.defaultdict(list)
    for e in events:
        if e is not fit and fit_start <= float(e["ts"]) < fit_end:
            by_thread[e["tid"]].append(e)
    self_us, calls = collections.Counter(), collections.Counter()
    top_level = []
    for t, evs in by_thread.items():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []
        for e in evs:
            start, dur = float(e["ts"]), float(e["dur"])
            while stack and float(stack[-1]["ts"]) + float(stack[-1]["dur"]) <= start:
                stack.pop()
            e["_self"] = dur
            if stack:
                stack[-1]["_self"] -= dur
            elif t == tid:
                top_level.append(e)
            stack.append(e)
        for e in evs:
            self_us[e["name"]] += e["_self"]
            calls[e["name"]] += 1

    phases = collections.Counter()
    after_backward = False
    cursor = fit_start
    for e in top_level:
        name, start, dur = e["name"], float(e["ts"]), float(e["dur"])
        if name.startswith("autograd::engine::evaluate_function"):
            phase, after_backward = "backward", True
        elif name in ("aten::item", "aten::_local_scalar_dense"):
            phase, after_backward = "loss.item()", False
        elif (after_backward or name.startswith("Optimizer.")
              or name in ("aten::zero_", "aten::detach_")):
            phase = "optimizer (zero_grad, Adam step)"
        else:
            phase = "forward (batch gather, network, loss)"
        phases[phase] += dur + max(0.0, start - cursor)
        cursor = max(cursor, start + dur)
    phases["after the last op"] += max(0.0, fit_end - cursor)
    traced = sum(self_us.values())
    return {
        "fit_us": fit_end - fit_start,
        "phases_us": dict(phases),
        "untraced_us": (fit_end - fit_start) - traced,
        "top_ops": [{"name": n, "self_us": v, "calls": calls[n]}
                    for n, v in self_us.most_common(12)],
    }


KINDS = [
    # (kind, test on (symbol, dso) of the innermost frame)
    ("BLAS sgemm (system libblas)", lambda s, d: "sgemm" in s or "blas" in d),
    ("Eigen GEMM", lambda s, d: "Eigen::internal::" in s),
    ("fused gate loops (finml)", lambda s, d: any(
        k in s for k in ("FusedLstm", "FusedGru", "GatesForward", "GatesBackward", "GruForward",
                         "GruBackward"))),
    ("libm exp/tanh", lambda s, d: "libm.so" in d),
    ("memset/memcpy", lambda s, d: re.search(r"mem(set|cpy|move)", s) is not None),
    ("malloc/free", lambda s, d: re.search(r"malloc|free|_int_|cfree|tcache", s) is not None),
    ("libtorch (ATen kernels, dispatch, autograd)",
     lambda s, d: re.search(r"libtorch|libc10|libdnnl|libgomp|libsleef", d) is not None),
    ("Python interpreter and bindings",
     lambda s, d: re.search(r"python|libtorch_python|numpy", d) is not None),
    ("kernel (other)", lambda s, d: "kernel" in d),
]


def short_symbol(sym, dso):
    """A C++ symbol without namespaces' noise, template arguments and parameter lists."""
    if sym.startswith("[unknown]") or re.fullmatch(r"0x[0-9a-f]+", sym):
        return f"(no symbol: a local function in {os.path.basename(dso)})"
    sym = sym.replace("(anonymous namespace)::", "")
    while True:
        shorter = re.sub(r"<[^<>]*>", "", sym)
        if shorter == sym:
            break
        sym = shorter
    return re.sub(r"(?<!operator)\(.*", "", sym).strip()[:80]


def perf_summary(path):
    kinds, symbols, total = collections.Counter(), collections.Counter(), 0
    with open(path, errors="replace") as f:
        blocks = f.read().split("\n\n")
    frame_re = re.compile(r"^\s*[0-9a-f]+\s+(.*)\s+\(([^()]*)\)\s*$")
    for block in blocks:
        frames = [m.groups() for m in map(frame_re.match, block.splitlines()[1:]) if m]
        if not frames:
            continue
        total += 1
        sym, dso = frames[0]
        if any("page_fault" in s for s, d in frames if "kernel" in d):
            kind = "page faults (first touch of new memory)"
        else:
            kind = next((k for k, test in KINDS if test(sym, dso)), "other")
        kinds[kind] += 1
        symbols[(short_symbol(sym, dso), os.path.basename(dso))] += 1
    if total == 0:
        return None
    return {
        "samples": total,
        "kinds": {k: v / total for k, v in kinds.most_common()},
        "top_symbols": [{"symbol": s, "dso": d, "share": v / total}
                        for (s, d), v in symbols.most_common(10)],
    }


def main():
    deep = sys.argv[1]
    out = {}
    for side in SIDES:
        entry = {}
        trace = os.path.join(deep, f"{side}_trace.json")
        if os.path.exists(trace):
            entry["trace"] = trace_summary(trace)
        perf = os.path.join(deep, f"{side}_perf.txt")
        if os.path.exists(perf):
            entry["perf"] = perf_summary(perf)
        out[side] = entry
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
