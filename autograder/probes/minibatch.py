"""Probe of minibatch.py: two epochs of MinibatchNetwork.gen_batch, and a third run after the
same seed from a fresh instance (reproducibility)."""
import collections.abc
import inspect
import random

import numpy as np

from . import fresh, scalar

#: a generator yielding more batches than this per epoch is cut off (it never ends otherwise).
MAX_BATCHES = 100_000


def _collect(generator, limit):
    batches = []
    for batch in generator:
        batches.append(batch)
        if len(batches) > limit:
            raise RuntimeError(f"gen_batch yielded more than {limit} batches for {limit} samples "
                               f"(batch sizes: {_sizes_text(batches)}): does the loop stop after the last batch?")
    return batches


def _sizes_text(batches, shown=12):
    """The batches' sizes as text, e.g. '1, 1, …, 1, 0' (the first few and the last)."""
    sizes = [str(len(batch[0])) if isinstance(batch, (tuple, list)) and batch and hasattr(batch[0], "__len__")
             else "?" for batch in batches]
    if len(sizes) > shown:
        sizes = sizes[:shown - 2] + ["…"] + sizes[-2:]
    return ", ".join(sizes)


def _epoch(net, x, y, out, prefix):
    """One call of gen_batch(x, y): what it returned (kind, type name) and its batches' rows."""
    generator = net.gen_batch(x, y)
    out[f"{prefix}_is_generator"] = inspect.isgenerator(generator)
    out[f"{prefix}_is_iterator"] = isinstance(generator, collections.abc.Iterator)
    out[f"{prefix}_type"] = np.array(type(generator).__name__)
    batches = _collect(generator, min(len(x), MAX_BATCHES))
    for batch in batches:
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError("gen_batch must yield (x_batch, y_batch) pairs")
    out[f"{prefix}_sizes"] = np.array([len(bx) for bx, _ in batches] + [-1])[:-1]
    out[f"{prefix}_y_sizes"] = np.array([len(by) for _, by in batches] + [-1])[:-1]
    if batches:
        out[f"{prefix}_x"] = np.concatenate([np.asarray(bx) for bx, _ in batches])
        out[f"{prefix}_y"] = np.concatenate([np.asarray(by) for _, by in batches])


def gen_batch(sub, case):
    """Two epochs (``first``, ``second``) of gen_batch(x, y) after np.random.seed(seed), then
    ``again``: one epoch from a fresh instance after the same np.random.seed, with Python's
    ``random`` seeded differently before each run (the course's contract is np.random); rows
    concatenated per epoch, batch sizes, and what gen_batch returned."""
    cls = sub.attribute(str(case["class"]))
    seed = int(scalar(case["seed"]))
    out = {}
    for run, epochs in (("first", ("first", "second")), ("again", ("again",))):
        net = cls(batch_size=int(scalar(case["batch_size"])))
        x, y = fresh(case["x"]), fresh(case["y"])  # fresh copies: an in-place shuffle does not carry over
        random.seed(f"{run}-{seed}")
        np.random.seed(seed)
        for epoch in epochs:
            _epoch(net, x, y, out, epoch)
        if run == "first":
            out["x_after"], out["y_after"] = x, y
    return out
