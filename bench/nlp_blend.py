"""Accuracy and macro-F1 of two text models' out-of-fold probabilities mixed as `finml nlp train
--blend W` mixes them: (1 - W) * first + W * second.

Usage: /usr/bin/python3 bench/nlp_blend.py FIRST/predictions.csv SECOND/predictions.csv [W ...]

Both files come from `finml nlp train --folds K` runs with the same data and seed (the same folds);
the second is usually `tfidf_logistic`. A check of what a `--blend` run would give without
training its network again, not a way to choose W: choosing it on these predictions would tune on
the texts being judged.
"""
import csv
import random
import statistics
import sys


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    classes = [c[2:] for c in rows[0] if c.startswith("p_")]
    return rows, classes


def scores(labels, predicted, classes):
    accuracy = sum(p == y for p, y in zip(predicted, labels)) / len(labels)
    f1 = []
    for c in classes:
        tp = sum(p == c and y == c for p, y in zip(predicted, labels))
        fp = sum(p == c and y != c for p, y in zip(predicted, labels))
        fn = sum(p != c and y == c for p, y in zip(predicted, labels))
        f1.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return accuracy, sum(f1) / len(f1)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    first, classes = read(sys.argv[1])
    second, other = read(sys.argv[2])
    if classes != other or [r["row"] for r in first] != [r["row"] for r in second]:
        sys.exit("the two files differ in their classes or rows: not runs on the same folds")
    weights = [float(w) for w in sys.argv[3:]] or [0.5]
    labels = [r["label"] for r in first]
    folds = sorted({r["fold"] for r in first})
    rng = random.Random(42)
    resamples = [[rng.randrange(len(labels)) for _ in labels] for _ in range(1000)]
    print("weight  accuracy [95% bootstrap]  macro-F1 [95% bootstrap]  accuracy per fold  "
          "macro-F1 per fold")
    for w in weights:
        predicted = []
        for a, b in zip(first, second):
            mixed = [(1 - w) * float(a["p_" + c]) + w * float(b["p_" + c]) for c in classes]
            predicted.append(classes[max(range(len(classes)), key=mixed.__getitem__)])
        accuracy, macro_f1 = scores(labels, predicted, classes)
        boot = [scores([labels[i] for i in r], [predicted[i] for i in r], classes)
                for r in resamples]
        acc_ci = sorted(b[0] for b in boot)
        f1_ci = sorted(b[1] for b in boot)
        per_fold = []
        for f in folds:
            rows = [i for i, r in enumerate(first) if r["fold"] == f]
            per_fold.append(scores([labels[i] for i in rows], [predicted[i] for i in rows], classes))
        fa = statistics.mean(p[0] for p in per_fold), statistics.stdev(p[0] for p in per_fold)
        ff = statistics.mean(p[1] for p in per_fold), statistics.stdev(p[1] for p in per_fold)
        print(f"{w:6.2f}  {accuracy:.4f} [{acc_ci[24]:.3f}, {acc_ci[974]:.3f}]  "
              f"{macro_f1:.4f} [{f1_ci[24]:.3f}, {f1_ci[974]:.3f}]  "
              f"{fa[0]:.4f} ± {fa[1]:.4f}  {ff[0]:.4f} ± {ff[1]:.4f}")


if __name__ == "__main__":
    main()
