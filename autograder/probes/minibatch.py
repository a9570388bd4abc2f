"""Probe of minibatch.py: two epochs of MinibatchNetwork.gen_batch."""
import inspect

import numpy as np

from . import fresh, scalar

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

