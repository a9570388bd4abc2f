"""Probes of the mini-batch generator and of whole training runs (the given fit loops)."""
import inspect
import json

import numpy as np

from . import fresh, probe, scalar

#: a generator yielding more batches than this per epoch is cut off (it never ends otherwise).
MAX_BATCHES = 100_000


def _collect(generator, limit):
    batches = []
    for batch in generator:
        batches.append(batch)
        if len(batches) > limit:
            raise RuntimeError(f"gen_batch yielded more than {limit} batches for {limit} samples: "
                               "does the loop stop after the last batch?")
    return batches


@probe("minibatch.gen_batch")
def gen_batch(sub, case):
    """Two epochs of gen_batch(x, y) after np.random.seed(seed); rows concatenated per epoch."""
    cls = sub.attribute(str(case["class"]))
    net = cls(batch_size=int(scalar(case["batch_size"])))
    x, y = fresh(case["x"]), fresh(case["y"])
    np.random.seed(int(scalar(case["seed"])))
    out = {}
    for epoch in ("first", "second"):
        generator = net.gen_batch(x, y)
        out[f"{epoch}_is_generator"] = inspect.isgenerator(generator)
        batches = _collect(generator, min(len(x), MAX_BATCHES))
        for batch in batches:
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise TypeError("gen_batch must yield (x_batch, y_batch) pairs")
        out[f"{epoch}_sizes"] = np.array([len(bx) for bx, _ in batches] + [-1])[:-1]
        out[f"{epoch}_y_sizes"] = np.array([len(by) for _, by in batches] + [-1])[:-1]
        if batches:
            out[f"{epoch}_x"] = np.concatenate([np.asarray(bx) for bx, _ in batches])
            out[f"{epoch}_y"] = np.concatenate([np.asarray(by) for _, by in batches])
    out["x_after"], out["y_after"] = x, y
    return out


@probe("fit")
def fit(sub, case):
    """Train the student's class with its given fit loop; return the learnt weights and losses."""
    cls = sub.attribute(str(case["class"]))
    kwargs = json.loads(str(case["kwargs"]))
    np.random.seed(int(scalar(case["seed"])))
    net = cls(**kwargs)
    x, y = _training_data(case)
    net.fit(x, y, epochs=int(scalar(case["epochs"])))
    names = ("w", "b") if getattr(net, "w1", None) is None else ("w1", "b1", "w2", "b2")
    out = {name: getattr(net, name) for name in names}
    out["losses"] = np.asarray(net.losses, dtype=float)
    # the student copy, which has no forward pass of its own, asks for the network's outputs on
    # the validation inputs (the instructor's grader computes them itself and never sends them)
    if "x_val" in case:
        out["z_val"] = net.forpass(fresh(case["x_val"]))
    elif "predict_val" in case:
        from ..data import prepare_fashion_mnist
        out["z_val"] = net.forpass(fresh(prepare_fashion_mnist().x_val))
    return out


def _training_data(case):
    if "dataset" in case and str(case["dataset"]) == "fashion_mnist":
        from ..data import prepare_fashion_mnist
        split = prepare_fashion_mnist()
        return fresh(split.x_train), fresh(split.y_train)
    return fresh(case["x_train"]), fresh(case["y_train"])
