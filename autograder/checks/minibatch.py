"""Checks of minibatch.py: the mini-batch generator gen_batch, a property test over several sizes,
and the networks of the course trained on breast cancer (the last of them is MinibatchNetwork)."""
import re

import numpy as np

from ..probes import minibatch as probes
from .base import Check, Failure, Trial, with_figures
from .figures import batches_figures
from .training import breast_cancer_checks

#: (m, batch_size, y): remainder, exact, m < batch, batches of one, ...; y as a column (m, 1), a
#: vector (m,) or one-hot (m, k) — gen_batch must keep y's shape whatever it is
CASES = ((100, 32, "column"), (96, 32, "one_hot"), (10, 32, "vector"), (7, 1, "column"), (364, 128, "column"),
         (60, 20, "vector"), (45, 8, "one_hot"))


def targets(m, kind):
    """y of the given kind whose rows name their sample: i (column, vector) or one-hot of i % 4
    with i / 1000 added to the hot entry (one-hot)."""
    ids = np.arange(m, dtype=float)
    if kind == "column":
        return ids.reshape(-1, 1)
    if kind == "vector":
        return ids
    y = np.eye(4)[np.arange(m) % 4]
    return y + y * ids[:, None] / 1000


def gen_batch_cases():
    cases = []
    for m, batch_size, kind in CASES:
        # row i of x holds i in column 0 (and i + j/100 after), so every row names itself
        x = np.arange(m)[:, None] + np.arange(3)[None, :] / 100
        cases.append({"class": np.array("minibatch.MinibatchNetwork"), "x": x, "y": targets(m, kind),
                      "batch_size": np.array(batch_size), "seed": np.array(m)})
    return cases


def _label(case):
    return f" (m={len(case['x'])}, batch_size={int(case['batch_size'])}, y of shape {case['y'].shape})"


def _epoch_rows(case, out, epoch):
    if f"{epoch}_x" not in out:
        m, size = len(case["x"]), int(case["batch_size"])
        if 0 < m < size:
            raise Failure(f"gen_batch yielded no batches{_label(case)}: the remainder batch is missing "
                          f"(with m < batch_size the only batch is the remainder, all {m} samples)",
                          "keep the last, smaller batch: the number of batches is ceil(m / batch_size)")
        raise Failure(f"gen_batch yielded no batches{_label(case)}",
                      "yield each batch as a pair (x rows, y rows) inside a loop over the batches")
    return np.asarray(out[f"{epoch}_x"]), np.asarray(out[f"{epoch}_y"])


#: what gen_batch may return: a generator, or any other lazy iterator (an object with
#: __iter__/__next__, e.g. an iterator class); not a list or tuple, nor an iterator over one
#: (the batches would be built up front, which is what the course's "generator" rules out).
EAGER_ITERATORS = ("list_iterator", "tuple_iterator", "list_reverseiterator")


def verify_generator(cases, outputs):
    """gen_batch hands out batches lazily: a generator (``yield``) or another iterator object
    (``__iter__``/``__next__``, the same protocol); a list, a tuple or iter(list) is not lazy."""
    for case, out in zip(cases, outputs):
        kind = str(out["first_type"])
        if bool(out["first_is_generator"]) or (bool(out["first_is_iterator"]) and kind not in EAGER_ITERATORS):
            continue
        built = kind in ("list", "tuple") + EAGER_ITERATORS
        raise Failure(f"gen_batch returned a {kind}{' of batches built up front' if built else ''}, "
                      "not a generator",
                      "use yield inside the loop over the batches, so each batch is made when it is asked for")


def verify_each_sample_once(cases, outputs):
    for case, out in zip(cases, outputs):
        for epoch in ("first", "second"):
            x, _ = _epoch_rows(case, out, epoch)
            ids = np.rint(x[:, 0]).astype(int) if x.ndim == 2 else np.array([], int)
            counts = np.bincount(ids[(ids >= 0) & (ids < len(case["x"]))], minlength=len(case["x"]))
            if x.ndim != 2 or len(ids) != len(case["x"]) or np.any(counts != 1):
                missing = int(np.sum(counts == 0))
                repeated = int(np.sum(counts > 1))
                raise Failure(
                    f"one epoch must yield every sample exactly once{_label(case)}: got {len(ids)} rows, "
                    f"{missing} sample(s) missing, {repeated} repeated",
                    "a permutation of the indexes (np.random.permutation), then consecutive slices" if repeated
                    else "keep the last, smaller batch: the number of batches is ceil(m / batch_size)")


@with_figures(batches_figures(0))
def verify_batch_sizes(cases, outputs):
    for case, out in zip(cases, outputs):
        m, size = len(case["x"]), int(case["batch_size"])
        expected = [size] * (m // size) + ([m % size] if m % size else [])
        got = [int(s) for s in out["first_sizes"]]
        if 0 in got:
            raise Failure(f"batch sizes{_label(case)}: batch {got.index(0) + 1} of {len(got)} is empty "
                          f"(expected {expected}, got {got})", EMPTY_BATCH_HINT)
        if got != expected and m % size and got == expected[:-1]:
            raise Failure(f"batch sizes{_label(case)}: the remainder batch of {m % size} sample(s) is missing "
                          f"(expected {expected}, got {got})",
                          "keep the last, smaller batch: the number of batches is ceil(m / batch_size)")
        if got != expected:
            raise Failure(f"batch sizes{_label(case)}: expected {expected}, got {got}",
                          "full batches of batch_size, the remainder last")


EMPTY_BATCH_HINT = ("the number of batches is ceil(m / batch_size): m // batch_size + 1 adds an empty batch "
                    "whenever batch_size divides m (and training on it divides by 0)")


def explain_gen_batch_error(error):
    """EMPTY_BATCH_HINT when the probe cut off a generator whose batches include an empty one."""
    found = re.search(r"batch sizes: ([^)]*)\)", error.get("message", ""))
    if not found:
        return None
    sizes = [text.strip() for text in found.group(1).split(",")]
    if "0" not in sizes:
        return None
    return f"batch {sizes.index('0') + 1} is empty: " + EMPTY_BATCH_HINT


def verify_pairs(cases, outputs):
    """Each y batch holds the rows of y that belong to its x rows, in y's own shape: (b, 1), (b,)
    or (b, k) for y (m, 1), (m,) or (m, k) (exact: the rows are copied, not computed)."""
    for case, out in zip(cases, outputs):
        x, y = _epoch_rows(case, out, "first")
        y_shape = case["y"].shape[1:]
        if [int(s) for s in out["first_sizes"]] != [int(s) for s in out["first_y_sizes"]]:
            raise Failure(f"x and y batches differ in length{_label(case)}: x batches of "
                          f"{[int(s) for s in out['first_sizes']][:6]}… rows, y batches of "
                          f"{[int(s) for s in out['first_y_sizes']][:6]}…", _shape_hint(y_shape))
        y = np.asarray(y)
        if y.shape[1:] != y_shape:
            raise Failure(f"y batches have rows of shape {y.shape[1:]}, y's rows have shape {y_shape}{_label(case)}",
                          _shape_hint(y_shape))
        ids = np.rint(x[:, 0]).astype(int) if x.ndim == 2 else None
        if (ids is None or y.shape[0] != x.shape[0] or np.any(ids < 0) or np.any(ids >= len(case["y"]))
                or not np.array_equal(y, case["y"][ids])):
            raise Failure(f"rows of x and y are no longer paired{_label(case)}",
                          "shuffle x and y with the same permutation of indexes")


def _shape_hint(y_shape):
    rows = f"(b, {', '.join(str(n) for n in y_shape)})" if y_shape else "(b,)"
    return (f"keep y's shape: y[indexes] gives the rows of y as they are ({rows} here); no reshape in "
            "gen_batch (a one-hot y (m, k) must stay (b, k))")


def _batch_sets(case, out, epoch):
    """The batches of one epoch as a set of frozensets of sample ids (column 0 of x names the row)."""
    x, _ = _epoch_rows(case, out, epoch)
    ids = np.rint(x[:, 0]).astype(int) if x.ndim == 2 else np.array([], int)
    bounds = np.cumsum([0] + [int(s) for s in out[f"{epoch}_sizes"]])
    return {frozenset(ids[a:b].tolist()) for a, b in zip(bounds[:-1], bounds[1:])}


def verify_shuffled(cases, outputs):
    """Every call draws a new permutation of all the samples, then cuts it into batches.

    Besides a new order, the batches must hold other samples in the second epoch than in the
    first (cases with at least two batches of at least two samples). With the fixed seed this is
    deterministic; for a correct shuffle the chance that a second permutation cuts into the same
    batches is at most (full batches) / C(m, batch_size) ≤ 3 / C(96, 32) < 1e-24 on these
    cases, so only shuffling inside fixed batches, or shuffling the order of fixed batches, fails.
    """
    for case, out in zip(cases, outputs):
        m, size = len(case["x"]), int(case["batch_size"])
        if m < 10:
            continue
        first, _ = _epoch_rows(case, out, "first")
        second, _ = _epoch_rows(case, out, "second")
        if np.array_equal(first[:, 0], np.arange(m)):
            raise Failure(f"the samples come out in their original order{_label(case)}",
                          "shuffle the indexes with np.random.permutation at every call")
        if first.shape == second.shape and np.array_equal(first, second):
            raise Failure(f"two calls gave the same order{_label(case)}",
                          "draw a new permutation on every call (inside gen_batch), not once")
        batches = _batch_sets(case, out, "first")
        if size >= 2 and m > size and batches == _batch_sets(case, out, "second"):
            together = sorted(min(batches, key=min))[:6]
            raise Failure(f"the batches hold the same samples in every epoch{_label(case)}: only their order "
                          f"changes (samples {together}… always share a batch)",
                          "permute all m indexes (np.random.permutation(m)), then cut the permuted samples "
                          "into consecutive batches: shuffling inside fixed batches, or only the order of "
                          "the batches, is not enough")


def verify_reproducible(cases, outputs):
    """Two runs from fresh instances after the same np.random.seed give the same batches, with
    Python's ``random`` seeded differently before each run: the shuffle must come from np.random
    (the course seeds np.random to make a training run reproducible)."""
    for case, out in zip(cases, outputs):
        first, _ = _epoch_rows(case, out, "first")
        again, _ = _epoch_rows(case, out, "again")
        same_sizes = [int(s) for s in out["first_sizes"]] == [int(s) for s in out["again_sizes"]]
        if not (same_sizes and first.shape == again.shape and np.array_equal(first, again)):
            raise Failure(f"two runs after the same np.random.seed gave different batches{_label(case)}",
                          "draw the permutation from np.random (np.random.permutation), not from Python's "
                          "random module or an unseeded np.random.default_rng()")


def verify_untouched(cases, outputs):
    for case, out in zip(cases, outputs):
        if not (np.array_equal(out["x_after"], case["x"]) and np.array_equal(out["y_after"], case["y"])):
            raise Failure(f"gen_batch changed the caller's x or y{_label(case)}",
                          "index into new arrays (x[indexes]) instead of shuffling x in place")


trial = Trial(probes.gen_batch, gen_batch_cases)
_specs = [
    ("generator", 1, "gen_batch is a generator", verify_generator),
    ("each_sample_once", 2, "every sample exactly once per epoch", verify_each_sample_once),
    ("batch_sizes", 1, "batch_size samples per batch, the remainder last", verify_batch_sizes),
    ("pairs", 1, "x and y rows stay paired", verify_pairs),
    ("shuffled", 1, "a new order on every call, and new batches", verify_shuffled),
    ("reproducible", 1, "the same batches after the same np.random.seed", verify_reproducible),
    ("inputs_untouched", 1, "the caller's x and y are not modified", verify_untouched),
]
#: being a generator, reproducibility and leaving the inputs alone count once every sample comes out exactly once
_AFTER = {"generator": ("minibatch.gen_batch.each_sample_once",),
          "inputs_untouched": ("minibatch.gen_batch.each_sample_once",),
          "reproducible": ("minibatch.gen_batch.each_sample_once",)}
CHECKS = [Check(f"minibatch.gen_batch.{name}", "MinibatchNetwork.gen_batch", points, text, trial, verify,
                after=_AFTER.get(name, ()), explain_error=explain_gen_batch_error)
          for name, points, text, verify in _specs] + breast_cancer_checks()
