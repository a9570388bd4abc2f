"""Probe of the optimizers: a trajectory of update() calls on a dict of parameters, and, for a
case with ``other_`` parameters, two optimizers of the same class updated alternately; for a case
with a ``surface``, the path of one 2-D parameter descending a fixed quadratic test function."""
import json

import numpy as np

from . import fresh


def trajectory(sub, case):
    """Apply ``update`` once per step with the case's gradients; record every parameter after
    each step and whether the caller's arrays were updated in place. A case with ``other_param_*``
    arrays has a second optimizer (same settings, own parameters and gradients) updated right after
    the first at every step; its parameters come back as ``other_traj_*``, and ``shared`` names the
    containers of state the two optimizers hold as one object (a class attribute, say). A case
    with a ``schedule`` (one string per step: the keys passed to that call, comma-separated, in
    that order) passes only those keys, in that order, in both dicts of each call. A case with a
    ``surface_hessian`` has no recorded gradients: each step's gradient is that of the test
    function (:func:`surface_gradient`) at the parameters' current values, ``steps`` times."""
    cls = sub.attribute(f"optimizers.{case['class']}")
    kwargs = json.loads(str(case["kwargs"]))
    keys = [str(k) for k in case["keys"]]
    runs = [("", cls(**kwargs))]
    if f"other_param_{keys[0]}" in case:
        runs.append(("other_", cls(**kwargs)))
    params = {prefix: {key: fresh(case[f"{prefix}param_{key}"]) for key in keys} for prefix, _ in runs}
    originals = {prefix: dict(p) for prefix, p in params.items()}
    history = {prefix: {key: [p[key].copy()] for key in keys} for prefix, p in params.items()}
    for step, step_keys in enumerate(schedule(case)):
        for prefix, optimizer in runs:
            grads = {key: (surface_gradient(case, params[prefix][key]) if "surface_hessian" in case
                           else case[f"{prefix}grads_{key}"][step].copy()) for key in step_keys}
            passed = {key: params[prefix][key] for key in step_keys}
            optimizer.update(passed, grads)
            params[prefix].update(passed)  # an update() that rebinds params[key] is seen as before
            for key in keys:
                history[prefix][key].append(np.array(params[prefix][key], dtype=float, copy=True))
    out = {f"{prefix}traj_{key}": np.stack(history[prefix][key]) for prefix, _ in runs for key in keys}
    out["in_place"] = np.array([params[prefix][key] is originals[prefix][key] and
                                np.array_equal(originals[prefix][key], history[prefix][key][-1])
                                for prefix, _ in runs for key in keys])
    if len(runs) == 2:
        out["shared"] = np.array(_shared_state(runs[0][1], runs[1][1]) or [""])
    return out


def schedule(case):
    """The keys of every update() call, in order: the case's ``schedule``, or all its keys."""
    keys = [str(k) for k in case["keys"]]
    if "schedule" in case:
        return [str(step).split(",") for step in case["schedule"]]
    if "surface_hessian" in case:
        return [keys] * int(case["steps"])
    return [keys] * case[f"grads_{keys[0]}"].shape[0]


def surface_value(case, points):
    """The case's test function f(p) = ½ (p − c)ᵀ A (p − c) (A: ``surface_hessian``, 2 × 2
    symmetric positive definite; c: ``surface_centre``, its minimum) at ``points`` (..., 2):
    an array of shape (...)."""
    a, c = np.asarray(case["surface_hessian"], dtype=float), np.asarray(case["surface_centre"], dtype=float)
    d = np.asarray(points, dtype=float) - c
    return 0.5 * np.einsum("...i,ij,...j->...", d, a, d)


def surface_gradient(case, point):
    """∇f(p) = A (p − c) of :func:`surface_value` at one point p (shape (2,)): shape (2,), float64.
    A point of another shape or type is used as ``np.asarray(point, float)`` would give it."""
    a, c = np.asarray(case["surface_hessian"], dtype=float), np.asarray(case["surface_centre"], dtype=float)
    return a @ (np.asarray(point, dtype=float) - c)


def _shared_state(first, second):
    """Names of the attributes through which both optimizers reach the same dict, list or array."""
    def containers(optimizer):
        found = {}
        for owner in (*reversed(type(optimizer).__mro__), optimizer):
            for name, value in vars(owner).items():
                if not name.startswith("__") and isinstance(value, (dict, list, np.ndarray)):
                    found[name] = value
        return found
    mine, theirs = containers(first), containers(second)
    return sorted(name for name, value in mine.items() if name in theirs and theirs[name] is value)
