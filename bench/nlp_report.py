"""Writes the financial-NLP section of bench/RESULTS.md (between its markers; appended at the end
when absent) from one bench/nlp_bench.sh run. Not meant to be run by hand: every number comes
from the files in WORK_DIR.

Usage: nlp_report.py WORK_DIR ROUNDS BUILD_DIR STARTED_UTC LOAD_AT_START ELAPSED_S OUT TEXTS SMOKE
WORK_DIR holds finml.<round>.json (finml_bench --nlp_run), peer.<round>.json (bench/peer_nlp.py
run), check.json (bench/peer_nlp.py check), ids.json and inputs_finml.json (finml_bench
--nlp_ids), train.txt (the bench model's `finml nlp train` output), finml_blas.txt,
binaries.start / binaries.end (the build's files and their times), and finml_perf.txt where perf
worked.
"""

import datetime
import os
import platform
import statistics
import sys

# The helpers every bench report shares.
from report import cmake_cache, cpu_and_load, load_caution, read_json, sh, write_section
from portfolio_report import commit
from rl_report import perf_rows, share

BEGIN, END = "<!-- nlp:begin -->", "<!-- nlp:end -->"


def rate(v):
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e4:
        return f"{v / 1e3:.0f} k"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.1f}"


def describe(samples):
    return (f"{rate(statistics.median(samples))} ({rate(min(samples))} .. {rate(max(samples))}, "
            f"{len(samples)})")


def main():
    work, rounds, build_dir, started, load_start, elapsed, out, texts, smoke = sys.argv[1:10]
    rounds, smoke = int(rounds), smoke == "1"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rng = range(1, rounds + 1)
    fin = [read_json(os.path.join(work, f"finml.{r}.json")) for r in rng]
    peer = [read_json(os.path.join(work, f"peer.{r}.json")) for r in rng]
    check = read_json(os.path.join(work, "check.json"))
    meta = read_json(os.path.join(work, "ids.json"))
    shape = meta["shape"]
    settings = read_json(os.path.join(work, "train", "model", "model.json"))["settings"]

    def f_all(case, key="rates"):
        return [v for f in fin for v in f[case][key]]

    def p_all(case, key="rates"):
        return [v for p in peer for v in p[case][key]]

    cpu, load_end = cpu_and_load()
    nproc = sh("nproc")
    built = {}
    with open(os.path.join(work, "binaries.start")) as f:
        for line in f:
            t, path = line.strip().split(" ", 1)
            built[os.path.basename(path)] = datetime.datetime.fromtimestamp(
                int(t), datetime.timezone.utc)

    def stamp(name):
        t = built.get(name)
        return f"{t:%Y-%m-%dT%H:%M:%SZ}" if t else "?"

    shown = os.path.relpath(build_dir, root) if build_dir.startswith(root + os.sep) else build_dir
    shown_texts = os.path.relpath(texts, root) if texts.startswith(root + os.sep) else texts
    try:
        with open(os.path.join(work, "finml_blas.txt")) as f:
            f_blas = [l.split("=>")[-1].split("(")[0].strip() for l in f if "=>" in l]
    except OSError:
        f_blas = []

    title = "## Financial NLP: finml's transformer vs PyTorch + SentencePiece in Python"
    md = [BEGIN, title + (" (SMOKE TEST: not a measurement)" if smoke else ""), ""]
    if smoke:
        md.append("FINML_NLP_SMOKE=1: tiny sizes to show the pipeline runs end to end; these "
                  "numbers say nothing about speed. Run `bash bench/nlp_bench.sh BUILD_DIR` "
                  "without it for the section.")
        md.append("")
    md.append(f"Run {started} (UTC) by `bash bench/nlp_bench.sh {shown}` ({float(elapsed):.0f} s) "
              f"at commit `{(commit(root) or 'unknown')[:12]}` (plus whatever the working tree "
              f"held then); finml built {stamp('finml')}, finml_bench {stamp('finml_bench')}, "
              f"libfinml_core.so {stamp('libfinml_core.so')}, libfinml_torch.so "
              f"{stamp('libfinml_torch.so')}, all run from a copy taken at the start. Machine: "
              f"{cpu}, nproc {nproc}, load average {load_start} at start, {load_end} at end; "
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
        md.append(f"Note: {', '.join(f'`{os.path.basename(c)}`' for c in changed)} in {shown} "
                  f"changed during the run (another build in the tree); every measurement used "
                  f"the copy taken at the start, so they are one build's.")
    md += load_caution(load_start, load_end, nproc)
    md.append("")

    f0, p0 = fin[0], peer[0]
    ft0 = f0["fine_tune"]
    same_tok = all(f["fine_tune"]["tokenizer_same"] for f in fin)
    md.append(f"- Data: `{shown_texts}`, {f0['sentences']:,} sentences (column `sentence`), "
              f"{f0['tokenizer']['tokens']:,} SentencePiece tokens "
              f"({f0['tokenizer']['tokens'] / f0['sentences']:.1f} per sentence; "
              f"{meta['truncated']} sentences cut at max_length).")
    md.append(f"- Model: `finml nlp train --model transformer --epochs {settings['epochs']} "
              f"--threads 1` on that file "
              f"(its accuracy is irrelevant here; only the shape and the tokenizer count): a "
              f"pre-norm encoder, vocabulary {shape['vocab']}, d_model {shape['d_model']}, "
              f"{shape['layers']} layers, {shape['heads']} heads, ff {shape['ff']}, max_length "
              f"{shape['max_length']}, dropout {shape['dropout']}, [CLS] head over "
              f"{meta['model_classes']} classes; SentencePiece {settings['subword']}, "
              f"normalisation `{settings['normalization']}`.")
    md.append(f"- finml: `finml_bench --nlp_run` (bench/bench_nlp.cpp), in process, one torch "
              f"thread: `nlp::Tokenizer::Encode` per sentence, `SavedTextModel`'s `Predict` "
              f"(text in: tokenizing, [CLS], truncation, padding, the network, softmax); "
              f"{cmake_cache(build_dir, 'CMAKE_BUILD_TYPE') or '?'} build. LibTorch's BLAS as "
              f"the dynamic linker resolves it: {', '.join(f'`{l}`' for l in f_blas) or '?'}.")
    md.append(f"- Peer (bench/peer_nlp.py): {p0['about']}; BLAS loaded: "
              f"{', '.join(f'`{l}`' for l in p0['blas']) or '?'}. The same network layer for "
              f"layer (parameter names included), eval mode and `torch.no_grad()` for inference; "
              f"SentencePiece's `encode` on the model's own `tokenizer.model`.")
    md.append(f"- Same inputs, same network (bench/peer_nlp.py check, before the rounds): the "
              f"Python binding's ids ([CLS] + `encode`, cut at max_length) differ from finml's "
              f"for {check['ids_differ']} of {check['sentences']:,} sentences; the PyTorch "
              f"network loaded with finml's `network.pt` ({check['tensors']} tensors, "
              f"`torch.jit.load`) gives finml's probabilities for the first "
              f"{check['check_sentences']} sentences within "
              f"{check['max_abs_probability_diff']:.1e} (same label for "
              f"{check['same_labels']} of {check['check_sentences']}).")
    md.append(f"- Timing: {rounds} round(s); in each, finml and the peer take turns (finml first "
              f"in odd rounds), each measure repeated {f0['reps']} time(s) after one untimed "
              f"warm-up. Rates are sentences (or tokens) per second of wall time; medians over "
              f"all repetitions count, (min .. max, count) beside them. Ratio = finml / PyTorch: "
              f"above 1 means finml is faster.")
    md.append("")

    md.append("| Measure | finml | PyTorch / SentencePiece (Python) | Ratio finml / Python |")
    md.append("|---|---:|---:|---:|")

    def row(label, fs, ps):
        ratio = statistics.median(fs) / statistics.median(ps) if fs and ps else None
        cells = [describe(v) if v else "—" for v in (fs, ps)]
        md.append(f"| {label} | {cells[0]} | {cells[1]} | "
                  f"{f'**{ratio:.2f}**' if ratio else '—'} |")

    row("Tokenizer, sentences/s: Encode per sentence vs a Python loop of `encode(s)`",
        f_all("tokenizer"), p_all("tokenizer_loop"))
    row("Tokenizer, sentences/s: vs one `encode(list, num_threads=1)`", f_all("tokenizer"),
        p_all("tokenizer_list"))
    row("Tokenizer, tokens/s (vs the loop)", f_all("tokenizer", "token_rates"),
        p_all("tokenizer_loop", "token_rates"))
    singles = f0["batch1"]["sentences"]
    row(f"Inference, batch 1 (first {singles} sentences, one `Predict` each), sentences/s",
        f_all("batch1"), p_all("batch1_text"))
    row("&nbsp;&nbsp;PyTorch network alone (ids given, no tokenizing)", [], p_all("batch1_ids"))
    row(f"Inference, lists of 64 (all {f0['sentences']:,} sentences, one padded batch per list), "
        f"sentences/s", f_all("lists64"), p_all("lists64_text"))
    row("&nbsp;&nbsp;PyTorch network alone (ids given)", [], p_all("lists64_ids"))
    row("Inference, one list of every sentence (sorted by length, batches of 64), sentences/s",
        f_all("one_list"), p_all("one_list_text"))
    row("&nbsp;&nbsp;PyTorch network alone (ids given)", [], p_all("one_list_ids"))
    f_train = [f["fine_tune"]["samples_per_s"] for f in fin]
    p_train = [p["fine_tune"]["samples_per_s"] for p in peer]
    row(f"Fine-tuning, training samples/s ({ft0['fit_rows']:,} texts x {ft0['epochs']} "
        f"epoch{'s' if ft0['epochs'] != 1 else ''})",
        f_train, p_train)
    md.append("")

    f_fit = statistics.median(f["fine_tune"]["fit_seconds"] for f in fin)
    f_tok = statistics.median(f["fine_tune"]["tokenizer_seconds"] for f in fin)
    p_sec = statistics.median(p["fine_tune"]["seconds"] for p in peer)
    p_upd = statistics.median(p["fine_tune"]["update_seconds"] for p in peer)
    p_val = statistics.median(p["fine_tune"]["validate_seconds"] for p in peer)
    encode_s = (ft0["sentences"] / statistics.median(f_all("tokenizer")))
    md.append(f"Fine-tuning: a fresh transformer of the model's settings on the first "
              f"{ft0['sentences']:,} sentences with seeded random labels in 3 classes, "
              f"{ft0['held_rows']} of them held out (stratified, the default validation share) "
              f"and {ft0['fit_rows']:,} trained on, {ft0['epochs']} epoch(s) at batch "
              f"{ft0['batch']}, Adam, gradient norm 1.0, no early stop. finml: `Fit` timed whole "
              f"(median {f_fit:.2f} s), minus `Tokenizer::Train` on the same rows timed apart "
              f"(median {f_tok:.2f} s; the tokenizer it trains is byte for byte the one Fit "
              f"saved: {'yes' if same_tok else 'NO'}, vocabulary {ft0['vocab']}); what remains "
              f"is the epochs (updates and a validation pass each), the best-weights snapshot, "
              f"building the network and encoding the texts (about {encode_s:.2f} s at the "
              f"tokenizer rate above). PyTorch: the same loop on the same id sequences and "
              f"labels (finml's fit and held-out rows under Fit's tokenizer), from building the "
              f"network to restoring the best weights (median {p_sec:.2f} s: updates "
              f"{p_upd:.2f} s, validation and snapshots {p_val:.2f} s). Samples/s = trained "
              f"texts x epochs / those seconds.")
    md.append("")
    f_b1, p_b1, p_b1_ids = (statistics.median(f_all("batch1")),
                            statistics.median(p_all("batch1_text")),
                            statistics.median(p_all("batch1_ids")))
    md.append(f"Batch 1 per sentence: finml {1e3 / f_b1:.2f} ms, PyTorch {1e3 / p_b1:.2f} ms with "
              f"tokenizing in Python, {1e3 / p_b1_ids:.2f} ms for the network alone. The "
              f"peer's text-in rows tokenize with one `encode(list, num_threads=1)` call per "
              f"list, the fastest way from Python.")
    md += where_time_goes(work)
    md += [END, ""]
    section = "\n".join(md)
    # BEGIN as the insertion point: absent whenever it is consulted, so a file without the
    # section gets it appended at the end.
    write_section(out, BEGIN, END, section, before=BEGIN)
    print(section)


def where_time_goes(work):
    rows = perf_rows(os.path.join(work, "finml_perf.txt"))
    md = ["", "### Where finml's time goes", ""]
    if not rows:
        md.append("No perf profile in this run (perf unavailable, failed, or FINML_NLP_PERF=0).")
        md.append("")
        return md
    sgemm = share(rows, lambda d, s: "sgemm" in s)
    blas = share(rows, lambda d, s: "blas" in d)
    spm_ = share(rows, lambda d, s: "sentencepiece" in d)
    finml = share(rows, lambda d, s: d.startswith("libfinml"))
    md.append(f"`perf record -e cpu-clock -F 499` of one finml run of the inference measures (one "
              f"repetition each; process start and model loading included): {sgemm:.0f}% of the "
              f"samples are `sgemm_`, {blas:.0f}% are in the BLAS library, {spm_:.1f}% in "
              f"SentencePiece, {finml:.1f}% in finml's own libraries. Symbols with at least 0.5%:")
    md.append("")
    md.append("| share | library | symbol |")
    md.append("|---:|---|---|")
    md += [f"| {s:.1f}% | {dso} | `{sym}` |" for s, dso, sym in rows[:12] if s >= 0.5]
    md.append("")
    return md


if __name__ == "__main__":
    main()
