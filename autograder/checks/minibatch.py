"""Checks of minibatch.py: the mini-batch generator gen_batch, a property test over several sizes,
and the networks of the course trained on breast cancer (the last of them is MinibatchNetwork)."""
import numpy as np

from ..probes import minibatch as probes
from .base import Check, Failure, Trial
from .training import breast_cancer_checks

CASES = ((100, 32), (96, 32), (10, 32), (7, 1), (364, 128))  # (m, batch_size): remainder, exact, m < batch


def gen_batch_cases():
    cases = []
    for m, batch_size in CASES:
        # row i of x holds i in column 0 (and i + j/100 after), so every row names itself
        x = np.arange(m)[:, None] + np.arange(3)[None, :] / 100
        cases.append({"class": np.array("minibatch.MinibatchNetwork"), "x": x,
                      "y": np.arange(m, dtype=float).reshape(-1, 1),
                      "batch_size": np.array(batch_size), "seed": np.array(m)})
    return cases


def _label(case):
    return f" (m={len(case['x'])}, batch_size={int(case['batch_size'])})"


def _epoch_rows(case, out, epoch):
    if f"{epoch}_x" not in out:
        raise Failure(f"gen_batch yielded no batches{_label(case)}",
                      "yield each batch as a pair (x rows, y rows) inside a loop over the batches")
    return np.asarray(out[f"{epoch}_x"]), np.asarray(out[f"{epoch}_y"])


def verify_generator(cases, outputs):
    for case, out in zip(cases, outputs):
        if not bool(out["first_is_generator"]):
            raise Failure("gen_batch did not return a generator", "use yield, not return, to hand out batches")


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


def verify_batch_sizes(cases, outputs):
    for case, out in zip(cases, outputs):
        m, size = len(case["x"]), int(case["batch_size"])
        expected = [size] * (m // size) + ([m % size] if m % size else [])
        got = [int(s) for s in out["first_sizes"]]
        if got != expected:
            raise Failure(f"batch sizes{_label(case)}: expected {expected}, got {got}",
                          "full batches of batch_size, the remainder last")


def verify_pairs(cases, outputs):
    for case, out in zip(cases, outputs):
        x, y = _epoch_rows(case, out, "first")
        if [int(s) for s in out["first_sizes"]] != [int(s) for s in out["first_y_sizes"]]:
            raise Failure(f"x and y batches differ in length{_label(case)}")
        y = np.asarray(y).reshape(len(y), -1)
        if x.ndim != 2 or y.shape[0] != x.shape[0] or not np.array_equal(np.rint(x[:, 0]), y[:, 0]):
            raise Failure(f"rows of x and y are no longer paired{_label(case)}",
                          "shuffle x and y with the same permutation of indexes")


def verify_shuffled(cases, outputs):
    for case, out in zip(cases, outputs):
        m = len(case["x"])
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
    ("shuffled", 1, "a new order on every call", verify_shuffled),
    ("inputs_untouched", 1, "the caller's x and y are not modified", verify_untouched),
]
#: being a generator and leaving the inputs alone count once every sample comes out exactly once
_AFTER = {"generator": ("minibatch.gen_batch.each_sample_once",),
          "inputs_untouched": ("minibatch.gen_batch.each_sample_once",)}
CHECKS = [Check(f"minibatch.gen_batch.{name}", "MinibatchNetwork.gen_batch", points, text, trial, verify,
                after=_AFTER.get(name, ()))
          for name, points, text, verify in _specs] + breast_cancer_checks()
