"""The peer of issue 18's financial-NLP benchmark (bench/nlp_bench.sh): finml's transformer text
classifier written in PyTorch, and SentencePiece's Python binding on the same tokenizer.model.

Usage:
  peer_nlp.py check MODEL_DIR CSV IDS OUT     same inputs, same network (before the rounds)
  peer_nlp.py run MODEL_DIR CSV IDS REPS OUT  the timed measures, JSON to OUT

IDS is what `finml_bench --nlp_run=MODEL_DIR --nlp_texts=CSV --nlp_ids=IDS` wrote: IDS (the id
sequences finml's Predict feeds its network, one sentence per line), IDS.fit and IDS.held (the
fine-tuning's rows under the tokenizer Fit trains), IDS.json (shape, labels, training settings,
finml's probabilities for the first 64 sentences).

The network is the one of finml's src/nlp/deep/networks.cpp, layer for layer and with the same
parameter names: token + position embeddings, dropout, pre-norm blocks (LayerNorm, one qkv
Linear, scaled dot-product attention with padded keys at -1e9, dropout on the attention, out
Linear, dropout, residual; LayerNorm, ff1, exact GELU, dropout, ff2, dropout, residual), a final
LayerNorm, the classifier head on position 0 after dropout; BERT's N(0, 0.02) initialisation of
every matrix outside the LayerNorms, zero biases. One torch thread, as finml runs.

check: the ids the Python binding gives ([CLS]=2, then encode(), cut at max_length) against
finml's for every sentence, and the network loaded with finml's own weights (network.pt, read by
torch.jit.load) against finml's probabilities for the first 64 sentences.

run, each measure REPS times after one untimed warm-up:
- tokenizer: a Python loop of sp.encode(sentence), and one sp.encode(list, num_threads=1);
- inference, text in (what finml's Predict does: encode, [CLS], cut, pad, network, softmax) and
  ids in (IDS given: the network alone): batch 1 over the first 300 sentences; lists of 64
  consecutive sentences (one padded batch each); all sentences at once (sorted by length, stable,
  then batches of 64, as finml's Predict orders a list);
- fine-tuning (when IDS.json has "train" with epochs > 0): the loop of finml's TrainLoop on
  IDS.fit with the labels finml used: a fresh network (seeded), Adam (or AdamW) at finml's rate,
  each epoch a seeded shuffle, batches of 32 padded to their longest, cross-entropy with unit
  class weights, backward, gradient norm clipped at 1.0, step, loss.item(); then the validation
  loss over IDS.held in batches of 64 (eval, no_grad) and a copy of the weights when it improves;
  the best weights restored at the end. Timed from building the network to the restore.
"""

import csv
import json
import math
import os
import platform
import sys
import time

T_START = time.perf_counter()

import numpy as np  # noqa: E402
import sentencepiece as spm  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

T_IMPORT = time.perf_counter()

CLS = 2
SINGLE = 300  # sentences predicted one at a time
LIST = 64     # sentences per call; finml's prediction batch


class Block(nn.Module):
    def __init__(self, d_model, heads, ff, dropout):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        self.ff1 = nn.Linear(d_model, ff)
        self.ff2 = nn.Linear(ff, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, pad):
        b, t, d = x.shape
        dh = d // self.heads
        parts = self.qkv(self.norm1(x)).view(b, t, 3, self.heads, dh).permute(2, 0, 3, 1, 4)
        q, k, v = parts[0], parts[1], parts[2]
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(dh)
        scores = scores.masked_fill(pad.view(b, 1, 1, t), -1e9)
        attention = self.drop(torch.softmax(scores, -1))
        mixed = torch.matmul(attention, v).transpose(1, 2).reshape(b, t, d)
        y = x + self.drop(self.out(mixed))
        return y + self.drop(self.ff2(self.drop(F.gelu(self.ff1(self.norm2(y))))))


class Encoder(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.tokens = nn.Embedding(s["vocab"], s["d_model"])
        self.positions = nn.Embedding(s["max_length"], s["d_model"])
        self.blocks = nn.ModuleList(
            Block(s["d_model"], s["heads"], s["ff"], s["dropout"]) for _ in range(s["layers"]))
        self.norm = nn.LayerNorm(s["d_model"])
        self.drop = nn.Dropout(s["dropout"])
        with torch.no_grad():
            for name, p in self.named_parameters():
                if "norm" in name:
                    continue
                if p.dim() >= 2:
                    p.normal_(0, 0.02)
                else:
                    p.zero_()

    def forward(self, ids):
        pad = ids.eq(0)
        where = torch.arange(ids.size(1)).unsqueeze(0)
        x = self.drop(self.tokens(ids) + self.positions(where))
        for block in self.blocks:
            x = block(x, pad)
        return self.norm(x)


class Classifier(nn.Module):
    def __init__(self, shape, classes):
        super().__init__()
        self.encoder = Encoder(shape)
        self.drop = nn.Dropout(shape["dropout"])
        self.head = nn.Linear(shape["d_model"], classes)

    def forward(self, ids):
        return self.head(self.drop(self.encoder(ids).select(1, 0)))


def blas_libraries():
    """The BLAS/LAPACK shared objects this process loaded (torch's)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                base = os.path.basename(path)
                if ("blas" in base or "lapack" in base) and path.startswith("/"):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def read_sentences(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [row["sentence"] for row in csv.DictReader(f)]


def read_ids(path):
    with open(path) as f:
        return [[int(v) for v in line.split()] for line in f]


def with_cls(pieces, max_length):
    return [CLS] + pieces[:max_length - 1]


def collate(seqs, rows):
    longest = max(1, max(len(seqs[r]) for r in rows))
    x = np.zeros((len(rows), longest), dtype=np.int64)
    for k, r in enumerate(rows):
        x[k, :len(seqs[r])] = seqs[r]
    return torch.from_numpy(x)


def predict_sorted(model, seqs, classes):
    """finml's Predict on id sequences: stable sort by length, batches of 64, softmax."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = np.empty((len(seqs), classes))
    for s in range(0, len(order), LIST):
        rows = order[s:s + LIST]
        out[rows] = torch.softmax(model(collate(seqs, rows)), 1).numpy()
    return out


def repeat(what, reps, body, warm_up):
    warm_up()
    seconds, rates, items = [], [], 0
    for r in range(reps):
        start = time.perf_counter()
        items = body()
        t = time.perf_counter() - start
        seconds.append(t)
        rates.append(items / t)
        print(f"PyTorch {what} rep {r + 1}: {items / t:.0f} sentences/s", file=sys.stderr)
    return {"sentences": items, "seconds": seconds, "rates": rates}


def load_inputs(model_dir, csv_path, ids_path):
    with open(ids_path + ".json") as f:
        meta = json.load(f)
    sentences = read_sentences(csv_path)
    ids = read_ids(ids_path)
    if len(ids) != len(sentences):
        raise SystemExit(f"{ids_path}: {len(ids)} lines for {len(sentences)} sentences")
    sp = spm.SentencePieceProcessor(model_file=os.path.join(model_dir, "tokenizer.model"))
    return meta, sentences, ids, sp


def run_check(model_dir, csv_path, ids_path, out):
    meta, sentences, ids, sp = load_inputs(model_dir, csv_path, ids_path)
    shape = meta["shape"]
    max_length = shape["max_length"]
    mine = [with_cls(p, max_length) for p in sp.encode(sentences, num_threads=1)]
    differ = [i for i in range(len(ids)) if mine[i] != ids[i]]
    model = Classifier(shape, meta["model_classes"])
    saved = torch.jit.load(os.path.join(model_dir, "network.pt"))
    state = {k: v for k, v in saved.state_dict().items()}
    model.load_state_dict(state, strict=True)
    model.eval()
    n = meta["check"]["sentences"]
    finml = np.array(meta["check"]["probabilities"]).reshape(n, -1)
    with torch.no_grad():
        # One Predict call of finml over the first 64: one padded batch of 64.
        ours = predict_sorted(model, ids[:n], finml.shape[1])
    report = {
        "sentences": len(sentences),
        "ids_differ": len(differ),
        "first_difference": differ[:1],
        "tensors": len(state),
        "check_sentences": n,
        "max_abs_probability_diff": float(np.abs(ours - finml).max()),
        "same_labels": int((ours.argmax(1) == finml.argmax(1)).sum()),
    }
    print(json.dumps(report, indent=2), file=sys.stderr)
    with open(out, "w") as f:
        json.dump(report, f, indent=2)


def fine_tune(meta, fit, held):
    t = meta["train"]
    if t["schedule"] != "none" or t["class_weights"]:
        raise SystemExit("peer_nlp.py: only finml's default schedule and unit class weights")
    shape = dict(meta["shape"], vocab=t["vocab"], dropout=t["dropout"])
    classes, epochs, batch = t["classes"], t["epochs"], t["batch"]
    y_fit = torch.tensor(t["fit_labels"], dtype=torch.long)
    y_held = torch.tensor(t["held_labels"], dtype=torch.long)
    torch.manual_seed(t["seed"])
    rng = np.random.default_rng(t["seed"])
    start = time.perf_counter()
    model = Classifier(shape, classes)
    make = torch.optim.AdamW if t["optimizer"] == "adamw" else torch.optim.Adam
    optimizer = make(model.parameters(), lr=t["lr"], weight_decay=t["weight_decay"])
    weight = torch.ones(classes)
    order = np.arange(len(fit))
    best, best_state, history = math.inf, None, []
    update_seconds = validate_seconds = 0.0
    for epoch in range(epochs):
        a = time.perf_counter()
        model.train()
        rng.shuffle(order)
        perm = torch.from_numpy(order.copy())
        total = 0.0
        for b in range(0, len(fit), batch):
            idx = perm[b:b + batch]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(collate(fit, idx.tolist())), y_fit.index_select(0, idx),
                                   weight=weight)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), t["clip"])
            optimizer.step()
            total += loss.item() * idx.size(0)
        b_ = time.perf_counter()
        model.eval()
        with torch.no_grad():
            held_loss = 0.0
            for s in range(0, len(held), LIST):
                rows = list(range(s, min(len(held), s + LIST)))
                held_loss += F.cross_entropy(model(collate(held, rows)), y_held[s:s + len(rows)],
                                             weight=weight, reduction="sum").item()
            held_loss /= max(1, len(held))
        if held_loss < best:
            best = held_loss
            best_state = ([p.detach().clone() for p in model.parameters()]
                          + [x.detach().clone() for x in model.buffers()])
        c = time.perf_counter()
        update_seconds += b_ - a
        validate_seconds += c - b_
        history.append({"train": total / len(fit), "validation": held_loss})
        print(f"PyTorch fine-tuning epoch {epoch + 1}: {len(fit) / (b_ - a):.1f} samples/s in "
              f"the updates", file=sys.stderr)
    if best_state is not None:
        with torch.no_grad():
            for p, v in zip(list(model.parameters()) + list(model.buffers()), best_state):
                p.copy_(v)
    model.eval()
    seconds = time.perf_counter() - start
    return {"fit_rows": len(fit), "held_rows": len(held), "epochs": epochs, "batch": batch,
            "vocab": t["vocab"], "seconds": seconds, "update_seconds": update_seconds,
            "validate_seconds": validate_seconds,
            "samples_per_s": len(fit) * epochs / seconds, "history": history}


def run(model_dir, csv_path, ids_path, reps, out):
    torch.set_num_threads(1)
    meta, sentences, ids, sp = load_inputs(model_dir, csv_path, ids_path)
    shape = meta["shape"]
    max_length, classes = shape["max_length"], meta["model_classes"]
    torch.manual_seed(42)
    model = Classifier(shape, classes)
    model.eval()
    result = {
        "about": (f"PyTorch {torch.__version__} (Debian python3-torch), SentencePiece "
                  f"{spm.__version__}, numpy {np.__version__}, Python "
                  f"{platform.python_version()}, torch threads {torch.get_num_threads()}"),
        "blas": blas_libraries(),
        "import_seconds": T_IMPORT - T_START,
        "sentences": len(sentences), "reps": reps,
    }
    first = sentences[:LIST]

    counted = {}

    def loop():
        counted["tokens"] = sum(len(sp.encode(s)) for s in sentences)
        return len(sentences)

    result["tokenizer_loop"] = repeat("tokenizer loop", reps, loop,
                                      lambda: [sp.encode(s) for s in first])
    result["tokenizer_loop"]["tokens"] = counted["tokens"]
    result["tokenizer_loop"]["token_rates"] = [counted["tokens"] / s
                                               for s in result["tokenizer_loop"]["seconds"]]
    result["tokenizer_list"] = repeat(
        "tokenizer list", reps, lambda: len(sp.encode(sentences, num_threads=1)),
        lambda: sp.encode(first, num_threads=1))
    result["tokenizer_list"]["token_rates"] = [counted["tokens"] / s
                                               for s in result["tokenizer_list"]["seconds"]]

    singles = min(len(sentences), SINGLE)
    lists = [range(s, min(len(sentences), s + LIST)) for s in range(0, len(sentences), LIST)]
    with torch.no_grad():
        def batch1_text(n=singles):
            for s in sentences[:n]:
                x = torch.tensor([with_cls(sp.encode(s), max_length)])
                torch.softmax(model(x), 1).numpy()
            return n

        def batch1_ids(n=singles):
            for seq in ids[:n]:
                torch.softmax(model(torch.tensor([seq])), 1).numpy()
            return n

        def lists_text(chunks=lists):
            for rows in chunks:
                pieces = sp.encode([sentences[r] for r in rows], num_threads=1)
                predict_sorted(model, [with_cls(p, max_length) for p in pieces], classes)
            return sum(len(r) for r in chunks)

        def lists_ids(chunks=lists):
            for rows in chunks:
                predict_sorted(model, [ids[r] for r in rows], classes)
            return sum(len(r) for r in chunks)

        def one_text():
            pieces = sp.encode(sentences, num_threads=1)
            predict_sorted(model, [with_cls(p, max_length) for p in pieces], classes)
            return len(sentences)

        def one_ids():
            predict_sorted(model, ids, classes)
            return len(ids)

        warm = min(singles, 20)
        result["batch1_text"] = repeat("batch 1, text in", reps, batch1_text,
                                       lambda: batch1_text(warm))
        result["batch1_ids"] = repeat("batch 1, ids in", reps, batch1_ids,
                                      lambda: batch1_ids(warm))
        result["lists64_text"] = repeat("lists of 64, text in", reps, lists_text,
                                        lambda: lists_text(lists[:1]))
        result["lists64_ids"] = repeat("lists of 64, ids in", reps, lists_ids,
                                       lambda: lists_ids(lists[:1]))
        result["one_list_text"] = repeat("one list, text in", reps, one_text,
                                         lambda: lists_text(lists[:1]))
        result["one_list_ids"] = repeat("one list, ids in", reps, one_ids,
                                        lambda: lists_ids(lists[:1]))

    if meta.get("train", {}).get("epochs", 0) > 0:
        fit, held = read_ids(ids_path + ".fit"), read_ids(ids_path + ".held")
        if len(fit) != len(meta["train"]["fit_labels"]) or \
                len(held) != len(meta["train"]["held_labels"]):
            raise SystemExit(f"{ids_path}.fit/.held do not match the labels in {ids_path}.json")
        result["fine_tune"] = fine_tune(meta, fit, held)
        print(f"PyTorch fine-tuning: {result['fine_tune']['seconds']:.2f} s, "
              f"{result['fine_tune']['samples_per_s']:.1f} samples/s", file=sys.stderr)
    with open(out, "w") as f:
        json.dump(result, f, indent=2)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "check" and len(sys.argv) == 6:
        run_check(*sys.argv[2:6])
    elif mode == "run" and len(sys.argv) == 7:
        run(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
