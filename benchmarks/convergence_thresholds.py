"""Measure the reference's validation accuracy for each convergence check over several seeds
(and over known-wrong variants), to set and re-justify the thresholds in
autograder/checks/training.py. Run: python benchmarks/convergence_thresholds.py [--fashion] [--quick] [--per-class N] [--epochs E]

Seeds vary both np.random (initial weights, shuffles) and the breast-cancer split's
random_state, so a threshold holds for more than one lucky split. ``--fashion`` trains the
reference MultiClassNetwork on the check's fixed stratified subset of the training split
(``--per-class`` images of each class, default the check's FASHION_PER_CLASS; ``--epochs``
default FASHION_EPOCHS) over 8 seeds, then every wrong implementation of tests/corpus/wrong/ whose
target is that check (the reference with the entry's edit), to show them below the threshold.
Run it with OMP_NUM_THREADS=1 (as the grading children) for the per-run CPU seconds.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from autograder.checks import training as convergence  # noqa: E402
from autograder.loader import load_submission  # noqa: E402

SEEDS = (42, 0, 1, 2, 3, 4)
#: the Fashion-MNIST subset's seeds (np.random after the fit loop's own np.random.seed(42))
FASHION_SEEDS = (42, 0, 1, 2, 3, 4, 5, 6)
KIT = Path(__file__).resolve().parent.parent


def split(seed):
    data = load_breast_cancer()
    xa, _, ya, _ = train_test_split(data.data, data.target, stratify=data.target, test_size=0.2, random_state=seed)
    xt, xv, yt, yv = train_test_split(xa, ya, stratify=ya, test_size=0.2, random_state=seed)
    scaler = StandardScaler().fit(xt)
    return scaler.transform(xt), yt, scaler.transform(xv), yv


def accuracy(net, xv, yv):
    names = ("w1", "b1", "w2", "b2") if getattr(net, "w1", None) is not None else ("w", "b")
    return convergence.binary_accuracy({n: np.asarray(getattr(net, n)) for n in names}, xv, yv)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fashion", action="store_true")
    parser.add_argument("--quick", action="store_true", help="skip the 40-epoch Fashion-MNIST run")
    parser.add_argument("--per-class", type=int, default=convergence.FASHION_PER_CLASS)
    parser.add_argument("--epochs", type=int, default=convergence.FASHION_EPOCHS)
    args = parser.parse_args()
    reference = load_submission(Path(__file__).resolve().parent.parent / "reference")
    for name, cls, kwargs, epochs, threshold in convergence.BREAST_CANCER_RUNS:
        accs = []
        start = time.perf_counter()
        for seed in SEEDS:
            xt, yt, xv, yv = split(seed)
            np.random.seed(seed)
            net = reference.attribute(cls)(**kwargs)
            net.fit(xt, yt, epochs=epochs)
            accs.append(accuracy(net, xv, yv))
        print(f"{name:<14} epochs={epochs:<6} threshold={threshold}  accuracies {np.round(accs, 3).tolist()}  "
              f"min {min(accs):.3f}  ({(time.perf_counter() - start) / len(SEEDS):.2f} s/run)")
    if args.fashion:
        fashion(reference, args.per_class, args.epochs, args.quick)


def fashion(reference, per_class, epochs, quick):
    """The reference and the corpus's wrong implementations on the check's Fashion-MNIST subset."""
    import tempfile

    from autograder.data import prepare_fashion_mnist
    data = prepare_fashion_mnist()
    x, y = data.train_subset(per_class)
    print(f"fashion_mnist: {len(x)} training images ({per_class} per class), {epochs} epochs, "
          f"threshold {convergence.FASHION_THRESHOLD}")
    runs = [("reference", reference, FASHION_SEEDS)]
    sys.path.insert(0, str(KIT / "tests"))
    from corpora import load_corpus
    for entry in load_corpus("wrong"):
        if entry["target_check"] != "convergence.fashion_mnist.multiclass":
            continue
        folder = Path(tempfile.mkdtemp(prefix="nnkit-wrong-"))
        for module in (KIT / "reference").glob("*.py"):
            text = module.read_text(encoding="utf-8")
            if module.stem == entry["module"]:
                assert entry["find"] in text, entry["id"]
                text = text.replace(entry["find"], entry["replace"], 1)
            (folder / module.name).write_text(text, encoding="utf-8")
        runs.append((f"wrong {entry['id']}", load_submission(folder), FASHION_SEEDS[:3]))
    for label, submission, seeds in runs:
        accs, cpu = [], []
        for seed in seeds:
            start = time.process_time()
            with np.errstate(all="ignore"):
                net = _fit_fashion(submission, x, y, epochs, seed)
                accs.append(convergence.multiclass_accuracy(
                    {k: getattr(net, k) for k in ("w1", "b1", "w2", "b2")}, data.x_val, data.y_val_labels))
            cpu.append(time.process_time() - start)
        print(f"  {label}: seeds {list(seeds)}: {' '.join(f'{a:.4f}' for a in accs)}  min {min(accs):.4f} "
              f"max {max(accs):.4f}  ({np.median(cpu):.2f} s CPU a run)", flush=True)
    if not quick:  # the course's budget, for comparison
        net = _fit_fashion(reference, data.x_train, data.y_train, 40, 42)
        print("  reference, all 48000 images, 40 epochs, seed 42: " + str(round(convergence.multiclass_accuracy(
            {k: getattr(net, k) for k in ("w1", "b1", "w2", "b2")}, data.x_val, data.y_val_labels), 4)))


def _fit_fashion(reference, x, y, epochs, seed):
    """MultiClassNetwork.fit seeds np.random with 42; for other seeds re-seed after that call."""
    cls = reference.attribute("multiclass.MultiClassNetwork")
    net = cls(units=100, batch_size=256)
    original = np.random.seed
    np.random.seed = lambda _=None: original(seed)
    try:
        net.fit(x, y, epochs=epochs)
    finally:
        np.random.seed = original
    return net


if __name__ == "__main__":
    main()
