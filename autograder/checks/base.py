"""What a check is, what it returns, and the comparisons every check shares.

A :class:`Check` names the exercise it grades, its points, a *probe* (a function of
``autograder.probes.<module>`` that calls the student's code in the child process on given inputs
and returns plain arrays) and a ``verify`` function that runs in the trusted grader, comparing those
arrays with values computed from the mathematics.
"""
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from .expectation import recorded_cases  # the student copy grades on recorded inputs
from .failure import Failure  # noqa: F401  (re-exported: verify functions raise it)


@dataclass
class Verdict:
    """The outcome of one check: fraction of its points earned and the feedback."""

    fraction: float
    message: str = ""
    hint: str | None = None
    status: str = "passed"  # passed | failed | error | skipped | not_implemented | blocked
    artifacts: dict = field(default_factory=dict)
    #: figures data: plain, JSON-serialisable, bounded dicts (``{"kind": ..., ...}``) from which
    #: autograder/pictures draws this check's pictures; never used to grade (checks/figures.py)
    figures: list = field(default_factory=list)


@dataclass(frozen=True)
class Trial:
    """A probe run on a list of input cases; several checks may verify the same trial."""

    probe: Callable  # a function of autograder.probes.<module>
    make_cases: Callable[[], list]

    def cases(self):
        return _cached_cases(self)


@lru_cache(maxsize=None)
def _cached_cases(trial):
    recorded = recorded_cases(trial)
    return recorded if recorded is not None else trial.make_cases()


@dataclass(frozen=True)
class Check:
    """One graded check. ``verify(cases, outputs)`` returns None/Verdict or raises Failure."""

    id: str
    exercise: str
    points: float
    description: str
    trial: Trial
    verify: Callable
    hidden: bool = False
    #: exercises that must pass before this check is graded (from the manifest: course.NEEDS)
    depends_on: tuple = ()
    requires: tuple = ()
    #: ids of checks of the same exercise that must pass for this one to count (a property such
    #: as "inputs untouched" means nothing for code that computes the wrong thing)
    after: tuple = ()
    #: optional ``explain_error(error) -> hint or None``: a hint for an error the student's code
    #: raised during the trial (``error`` is the plain dict of engine.verification.error_verdict),
    #: when the error's type and message point at a classic mistake
    explain_error: Callable | None = None
    #: optional ``figures(cases, outputs, verdict) -> [dict, ...]``: the figures data of the verdict
    #: (checks/figures.py); by default the ``figures`` attribute of ``verify`` (:func:`with_figures`)
    figures: Callable | None = None

    def __post_init__(self):
        if self.figures is None:
            object.__setattr__(self, "figures", getattr(self.verify, "figures", None))
        if not self.depends_on:  # the course manifest says what a check needs besides its exercise
            from ..course import needs
            object.__setattr__(self, "depends_on", tuple(needs(self.id)))

    def __str__(self):
        return self.id


def with_figures(gather):
    """Decorator of a verify function: the checks that use it record the figures data
    ``gather(cases, outputs, verdict)`` returns (a list of plain dicts; see checks/figures.py)."""
    def attach(verify):
        verify.figures = gather
        return verify
    return attach


def rng_for(*key):
    """A numpy Generator seeded from a fixed key, so every run draws the same inputs."""
    seed = np.frombuffer(repr(key).encode(), dtype=np.uint8).astype(np.uint64)
    return np.random.default_rng([int(s) for s in seed])


# --------------------------------------------------------------------------- comparisons

def expect_shape(name, actual, *shapes, where=""):
    """Fail unless ``actual`` has one of ``shapes`` (the first is the one to report)."""
    actual = np.asarray(actual)
    if actual.shape in shapes:
        return
    expected = shapes[0]
    hint = None
    if actual.shape == tuple(reversed(expected)) and len(expected) == 2:
        hint = "the shape is transposed: check the order of the factors (x.T, not x)"
    elif len(actual.shape) > len(expected) and expected and actual.shape[: len(expected)] == expected:
        hint = "too many dimensions: did you forget to sum over the samples?"
    elif len(expected) == 1 and actual.shape == ():
        hint = "a single number came back: sum over the rows only (axis=0)"
    elif expected == () and actual.shape and actual.size > 1:
        hint = "the bias gradient of a single output is one number: sum over all samples"
    elif len(expected) == 1 and actual.shape == (1,) and expected[0] > 1:
        hint = "one value per unit is expected: sum over the samples (axis=0), not over the units"
    elif actual.size == int(np.prod(expected)) and len(actual.shape) != len(expected):
        hint = ("the right number of values, the wrong number of dimensions: a dimension of size 1 is missing "
                "or extra (a column has shape (n, 1), not (n,))")
    elif (len(expected) == 2 and len(actual.shape) == 2 and actual.shape[0] == expected[0]
          and actual.shape[1] == 1 and expected[1] > 1):
        hint = f"one column came back where {expected[1]} are expected: one column per output unit (class)"
    raise Failure(f"{name}{where}: expected shape {expected}, got {actual.shape}", hint)


def expect_finite(name, actual, where=""):
    actual = np.asarray(actual)
    if actual.dtype.kind not in "biuf":
        raise Failure(f"{name}{where}: expected real numbers, got dtype {actual.dtype}")
    if not np.all(np.isfinite(actual)):
        bad = int(np.size(actual) - np.count_nonzero(np.isfinite(actual)))
        raise Failure(f"{name}{where}: {bad} value(s) are NaN or infinite",
                      "look for an overflowing exp() or a division by zero")


def relative_error(a, b):
    """max|a − b| / max(1e-8, max(|a| + |b|)): the gradient-check error measure.

    Infinite when either side holds NaN or ±inf, so ``error > tolerance`` rejects them (a NaN
    error would compare False and pass)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def expect_close(name, actual, expected, rtol=1e-9, where="", m=None, shapes=None, sizes=None):
    """Fail unless ``actual`` matches ``expected`` to relative error ``rtol``.

    The error is :func:`relative_error`; failures name the worst index and recognise classic
    mistakes: off by a factor ``m`` (missing or extra division) or ``m`` / one of ``sizes`` (a division
    by the wrong size, :func:`diagnose`), a flipped sign, a transpose.
    """
    expected = np.asarray(expected, dtype=float)
    expect_shape(name, actual, *(shapes or (expected.shape,)), where=where)
    expect_finite(name, actual, where)
    actual = np.asarray(actual, dtype=float).reshape(expected.shape)
    error = relative_error(actual, expected)
    if error <= rtol:
        return error
    index = np.unravel_index(int(np.argmax(np.abs(actual - expected))), expected.shape) if expected.shape else ()
    want, got = distinct(expected[index], actual[index])
    message = (f"{name}{where}: wrong values (relative error {error:.2e} > {rtol:.0e}); "
               f"at index {tuple(int(i) for i in index)} expected {want}, got {got}")
    raise Failure(message, diagnose(actual, expected, m, sizes))


def distinct(a, b):
    """Two different numbers as text with enough significant digits (6 to 17) to tell them apart:
    a failure must never show the same number on both sides."""
    for digits in (6, 10, 17):
        texts = (f"{a:.{digits}g}", f"{b:.{digits}g}")
        if texts[0] != texts[1] or a == b:
            return texts
    return texts


def diagnose(actual, expected, m=None, sizes=None):
    """A hint when ``actual`` is a recognisable transformation of ``expected``: a flipped sign, a
    factor m or 1/m, or a constant factor m / s (or s / m) for one of the case's other ``sizes``
    ({what it counts: size}): a division by the wrong size."""
    def same(a, b):
        return relative_error(a, b) < 1e-6

    if not np.any(expected):
        return None
    if same(actual, -expected):
        return "the sign is flipped: the error is err = a − y (prediction minus target)"
    if m and m > 1:
        if same(actual, expected * m):
            return "off by a factor of m: divide by the number of samples"
        if same(actual, expected / m):
            return "off by a factor of 1/m: divide by the number of samples only once"
    for factor, text in ((2, "twice"), (0.5, "half")):
        if same(actual, expected * factor):
            return (f"{text} the expected values: off by a factor of 2 (the derivative of c·w²/2 is c·w, "
                    "of c·w² it is 2c·w: check which one the formula asks for)")
    return (_activation_mixup(actual, expected) or _row_normalisation(actual, expected)
            or (_wrong_divisor(actual, expected, m, sizes or {}) if m else None))


def _activation_mixup(actual, expected):
    """'the sigmoid is missing / applied too often', 'softmax applied to the logits' hints."""
    def squash(v):
        return 1 / (1 + np.exp(-np.clip(v, -500, 500)))

    if relative_error(squash(actual), expected) < 1e-6:
        return "these are the values before the sigmoid: the activation (sigmoid) is missing"
    if relative_error(actual, squash(expected)) < 1e-6:
        return "these are the values after the sigmoid: return the logits (before the activation), not the activation"
    if expected.ndim == 2 and expected.shape[1] > 1:
        shifted = np.exp(expected - expected.max(axis=1, keepdims=True))
        if relative_error(actual, shifted / shifted.sum(axis=1, keepdims=True)) < 1e-6:
            return "these are the probabilities after a softmax: return the logits (before the softmax), not the activation"
    return None


def _row_normalisation(actual, expected):
    """'divide each row by its own sum' when ``expected`` holds rows summing to 1 and ``actual`` is
    proportional to it row by row."""
    if expected.ndim != 2 or expected.shape[1] < 2 or not np.allclose(expected.sum(axis=1), 1):
        return None
    sums = actual.sum(axis=1, keepdims=True)
    if np.all(sums > 0) and relative_error(actual / sums, expected) < 1e-6:
        return ("the rows do not sum to 1: divide each row by its own sum "
                "(np.sum over axis=1 with keepdims=True, not the sum of the whole batch)")
    return None


def _wrong_divisor(actual, expected, m, sizes):
    """'divide by m, not by <size>' when actual = expected · m / size (or · size / m)."""
    wrong = [(what, int(size)) for what, size in sizes.items() if size and int(size) != m]
    over = [(what, size) for what, size in wrong if relative_error(actual, expected * m / size) < 1e-6]
    if over:
        named = " or ".join(f"{what} ({size})" for what, size in over)
        return (f"off by a factor of m / {over[0][1]}: divide by the number of samples m = len(x) ({m}), "
                f"not by {named}")
    under = [(what, size) for what, size in wrong if relative_error(actual, expected * size / m) < 1e-6]
    if under:
        named = " or ".join(f"{what} ({size})" for what, size in under)
        return (f"off by a factor of {under[0][1]} / m: divide by the number of samples m = len(x) ({m}) only, "
                f"not also multiply by {named}")
    return None
