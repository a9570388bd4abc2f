"""Expected values that need the mathematics: one mechanism, two sources.

A check that compares the submission with a value computed by a formula asks for it here, by the
name of a function of ``autograder/checks/math.py`` and the arrays it depends on::

    z = expected("single_layer_forward", x=case["x"], w=case["w"], b=case["b"])

* In the instructor's kit (``checks/math.py`` present) the function is called.
* In the student repository (``python -m autograder student-repo``), ``math.py`` is absent: the
  formulas would give the exercises away. The value is read from ``recorded.npz`` beside this
  file, which the student-repo command fills by running the instructor's computations on the same
  fixed inputs. A value is keyed by the function's name and a SHA-256 of its arguments (names,
  canonical dtypes, shapes and bytes), so the same computation finds the same record.

The trials whose checks ask for expectations have their input cases recorded too (keyed by the
id of the first public check of the trial, see :func:`name_trials`): the student copy grades on
exactly the arrays the values were computed from, whatever NumPy's random streams do elsewhere.

:func:`compute` is for values that cannot be recorded because they depend on what the submission
returned (e.g. the accuracy of the weights it trained): instructor's kit only; a check that needs
one has another way in the student copy (``RECORDED`` tells which copy this is).
"""
import hashlib
import importlib
import importlib.util
import json
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .failure import Failure

#: where the student copy keeps its recorded values and cases
RECORDED_FILE = Path(__file__).resolve().with_name("recorded.npz")
#: True in the student copy (no formulas: values come from RECORDED_FILE)
RECORDED = importlib.util.find_spec(f"{__package__}.math") is None

_EXPECT, _CASE, _META = "expect", "case", "meta"
_state = {"table": None, "recorder": None}
#: trial -> stable key (the id of its first public check); filled by checks/__init__.py
TRIAL_KEYS = {}


class MissingRecord(Failure):
    """The student copy has no recorded value for a computation (it is older than its checks)."""


# --------------------------------------------------------------------------- keys

def canonical(value):
    """An argument as a plain array of a platform-independent dtype (int64, float64, bool, str)."""
    array = np.asarray(value)
    kind = array.dtype.kind
    if kind == "b":
        return array.astype(bool)
    if kind in "iu":
        return array.astype("<i8")
    if kind == "f":
        return array.astype("<f8")
    if kind == "U":
        return array.astype(str)
    raise TypeError(f"expectation arguments must be numbers or strings, not {array.dtype}")


def digest(arguments):
    """SHA-256 (hex, 24 digits) of named arguments: names, dtypes, shapes and contents."""
    h = hashlib.sha256()
    for name in sorted(arguments):
        array = canonical(arguments[name])
        if array.dtype.kind == "U":
            payload = "\0".join(array.ravel().tolist()).encode("utf-8")
        else:
            payload = np.ascontiguousarray(array).tobytes()
        h.update(f"{name}|{array.dtype.kind}|{array.shape}|{len(payload)}|".encode())
        h.update(payload)
    return h.hexdigest()[:24]


def _key(name, arguments):
    return f"{name}/{digest(arguments)}"


# --------------------------------------------------------------------------- values

def _plain(value):
    """A computed value as the recorded one reads back: arrays, tuples and dicts of arrays."""
    if isinstance(value, tuple):
        return tuple(np.asarray(v) for v in value)
    if isinstance(value, dict):
        return {k: np.asarray(v) for k, v in value.items()}
    return np.asarray(value)


def _flatten(key, value):
    if isinstance(value, tuple):
        return {f"{_EXPECT}/{key}/#{i}": v for i, v in enumerate(value)}
    if isinstance(value, dict):
        return {f"{_EXPECT}/{key}/@{k}": v for k, v in value.items()}
    return {f"{_EXPECT}/{key}/=": value}


def _math():
    return importlib.import_module(f"{__package__}.math")


def expected(name, **arguments):
    """The value of ``math.<name>(**arguments)``: computed here, or recorded in the student copy."""
    key = _key(name, arguments)
    if RECORDED:
        return _lookup(name, key)
    value = _plain(getattr(_math(), name)(**arguments))
    recorder = _state["recorder"]
    if recorder is not None:
        recorder.add(key, value)
    return value


def compute(name, **arguments):
    """``math.<name>(**arguments)`` for values that depend on the submission's outputs and so are
    never recorded. Instructor's kit only."""
    if RECORDED:
        raise RuntimeError(f"{name} is computed by the instructor's kit only")
    return getattr(_math(), name)(**arguments)


def _table():
    if _state["table"] is None:
        try:
            with np.load(RECORDED_FILE, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
        except FileNotFoundError:
            arrays = {}
        values, cases = {}, {}
        for path, array in arrays.items():
            kind, _, rest = path.partition("/")
            if kind == _EXPECT:
                key, _, part = rest.rpartition("/")
                values.setdefault(key, {})[part] = array
            elif kind == _CASE:
                trial, index, field = rest.rsplit("/", 2)
                cases.setdefault(trial, {}).setdefault(int(index), {})[field] = array
        _state["table"] = (values, {t: [c[i] for i in sorted(c)] for t, c in cases.items()})
    return _state["table"]


def _lookup(name, key):
    parts = _table()[0].get(key)
    if parts is None:
        raise MissingRecord(
            f"no recorded expected value of {name} for these inputs: this copy of the checks is out of "
            "date with its recordings", "ask your instructor for a regenerated copy of the repository")
    if "=" in parts:
        return parts["="]
    if all(p.startswith("#") for p in parts):
        return tuple(parts[f"#{i}"] for i in range(len(parts)))
    return {p[1:]: v for p, v in parts.items()}


# --------------------------------------------------------------------------- cases

def name_trials(checks):
    """Give every trial of ``checks`` a stable key: the id of its first public check."""
    for check in checks:
        if not check.hidden:
            TRIAL_KEYS.setdefault(check.trial, check.id)


def recorded_cases(trial):
    """The trial's recorded input cases in the student copy, or None (then they are generated)."""
    if not RECORDED or trial not in TRIAL_KEYS:
        return None
    return _table()[1].get(TRIAL_KEYS[trial])


# --------------------------------------------------------------------------- recording

class Recorder:
    """Collects every expected value computed while active, and which trials asked for one."""

    def __init__(self):
        self.values = {}
        self.trials = {}      # key -> cases, for the trials whose checks asked for a value
        self._trial = None

    def add(self, key, value):
        self.values[key] = value
        if self._trial is not None:
            self.trials.setdefault(self._trial[0], self._trial[1])

    @contextmanager
    def trial(self, key, cases):
        """Attribute the values computed inside to the trial ``key`` with input ``cases``."""
        previous, self._trial = self._trial, (key, cases)
        try:
            yield
        finally:
            self._trial = previous

    def arrays(self):
        """Everything to write into recorded.npz."""
        arrays = {}
        for key, value in sorted(self.values.items()):
            arrays.update(_flatten(key, value))
        for trial, cases in sorted(self.trials.items()):
            for index, case in enumerate(cases):
                for field, value in case.items():
                    arrays[f"{_CASE}/{trial}/{index}/{field}"] = np.asarray(value)
        arrays[_META] = np.array(json.dumps({"values": len(self.values), "trials": sorted(self.trials)}))
        return arrays


@contextmanager
def recording(recorder):
    """Record every value :func:`expected` computes while active (instructor's kit only)."""
    if RECORDED:
        raise RuntimeError("the student copy has no formulas to record")
    _state["recorder"] = recorder
    try:
        yield recorder
    finally:
        _state["recorder"] = None
