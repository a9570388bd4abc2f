"""Checks of optimizers.py: Momentum, RMSProp and Adam against Keras 3's update formulas step by
step (checks/math.py), and against Keras itself (recorded runs, checks/keras_agreement.py)."""
import json

import numpy as np

from .. import keras_golden
from ..probes import optimizers as probes
from . import keras_agreement
from .base import Check, Failure, Trial, relative_error, rng_for
from .expectation import expected
from .figures import path_figures
from .trajectories import trajectory_case

#: float64 on both sides, same formulas in a different algebraic order: ~1e-15 apart.
TRAJECTORY_RTOL = 1e-9
STEPS = 12

#: name -> (the function of checks/math.py giving the trajectory, default and other settings)
OPTIMIZERS = {
    "Momentum": ("momentum_steps", {"learning_rate": 0.01, "momentum": 0.9},
                 {"learning_rate": 0.05, "momentum": 0.5}),
    "RMSProp": ("rmsprop_steps", {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-7},
                {"learning_rate": 0.01, "rho": 0.8, "epsilon": 1e-6}),
    "Adam": ("adam_steps", {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
             {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6}),
}


#: name -> the function of checks/math.py giving the trajectories of its usual mistakes
MISTAKES = {"Momentum": "momentum_mistakes", "RMSProp": "rmsprop_mistakes", "Adam": "adam_mistakes"}
#: what to tell a submission whose trajectory is one of those mistakes'
MISTAKE_HINTS = {
    "gradient_twice": "the gradient enters twice: v ← μ·v − lr·g, then w ← w + v (not w −= lr·g − μ·v)",
    "nesterov": "that is Nesterov's look-ahead step; Keras's SGD(momentum=μ) moves by v itself: w ← w + v",
    "velocity_not_kept": "the velocity restarts from 0 at every call (plain SGD): keep v per key between calls",
    "epsilon_outside_root": "ε goes inside the square root: w ← w − lr·g / sqrt(s + ε) (Keras), "
                            "not lr·g / (sqrt(s) + ε)",
    "no_one_minus_rho": "the running average needs its (1 − ρ): s ← ρ·s + (1 − ρ)·g², not ρ·s + g²",
    "rho_swapped": "ρ and 1 − ρ are swapped: s ← ρ·s + (1 − ρ)·g² keeps ρ of the old average",
    "gradient_not_squared": "average the squared gradient: s ← ρ·s + (1 − ρ)·g², not g",
    "no_square_root": "divide by the square root of the average: w ← w − lr·g / sqrt(s + ε)",
    "state_not_kept": "s restarts from 0 at every call: keep the running average per key between calls",
    "textbook_epsilon": "ε goes after sqrt(v) of the uncorrected v (Keras's ε-hat form): "
                        "w ← w − lr·sqrt(1 − β2^t)/(1 − β1^t) · m / (sqrt(v) + ε); with m̂ and v̂ that is "
                        "m̂ / (sqrt(v̂) + ε̂), ε̂ = ε / sqrt(1 − β2^t), not m̂ / (sqrt(v̂) + ε)",
    "no_bias_correction": "the bias correction is missing: the step size is lr·sqrt(1 − β2^t)/(1 − β1^t), "
                          "t counting the steps from 1",
    "t_never_incremented": "t stays 1: count the steps (per key) and use the count in the bias correction",
    "epsilon_inside_root": "ε goes after the square root in Adam: m / (sqrt(v) + ε), not m / sqrt(v + ε)",
}
SHARED_HINT = ("keep each optimizer's state on the instance (self.… = {} in __init__), one entry per key: "
               "two optimizers (one per network, say) must not share velocities or moments")
TWO_INSTANCES = "two optimizers used alternately"
#: the keys of each update() call in the case KEYED_STATE: b first passed in the 4th call, the
#: order of the keys changing from call to call, w left out of the 8th
KEY_SCHEDULE = ("w", "w", "w", "w,b", "b,w", "b,w", "w,b", "b", "b,w", "w,b", "b,w", "w,b")
KEYED_STATE = "keys in changing order, b first passed in call 4, w left out of call 8"
KEYED_STATE_HINTS = {
    "Momentum": "keep the velocities in a dict by key (self.velocities[key]), not by position: update() may "
                "get the keys in another order, or only some of them (a new key starts at v = 0)",
    "RMSProp": "keep the mean squares in a dict by key (self.mean_squares[key]), not by position: update() may "
               "get the keys in another order, or only some of them (a new key starts at s = 0)",
    "Adam": "keep m, v and the step count t per key (self.steps[key]), not one counter per update() call nor "
            "by position: a key first passed in a later call starts at t = 1, and a key left out of a call "
            "does not advance its t",
}


def optimizer_cases(name):
    def make():
        return [trajectory_case(name, OPTIMIZERS[name][kwargs_index], label, rng_for("optimizer", name, label),
                                (3, 2), STEPS, scale, instances, schedule)
                for label, kwargs_index, scale, instances, schedule in (
                    ("defaults", 1, 1.0, 1, None), ("other hyper-parameters", 2, 1.0, 1, None),
                    ("gradients around 1e-6", 1, 1e-6, 1, None), (TWO_INSTANCES, 1, 1.0, 2, None),
                    (KEYED_STATE, 2, 1.0, 1, KEY_SCHEDULE))]
    return make


def runs(case):
    """The prefixes of the case's optimizers: '' and, for two instances, 'other_'."""
    return ("", "other_") if "other_param_w" in case else ("",)


def key_trajectory(function, case, prefix, key):
    """The trajectory of params[key] by the function ``function`` of checks/math.py, one row per
    call: the formula runs over the calls that pass ``key`` (all of them without a schedule), and
    params[key] stays where it is during the others. For a dict of trajectories, each of them."""
    passed = np.array([key in keys for keys in probes.schedule(case)])
    result = expected(function, w=case[f"{prefix}param_{key}"], grads=case[f"{prefix}grads_{key}"][passed],
                      **json.loads(str(case["kwargs"])))
    rows = np.concatenate([[0], np.cumsum(passed)])
    if isinstance(result, dict):
        return {mistake: trajectory[rows] for mistake, trajectory in result.items()}
    return result[rows]


def candidate_mistakes(name, cases):
    """For each case, {(prefix, key): {mistake: trajectory}} from checks/math.py (None for a path
    on a loss surface, whose gradients are not given). Computed for every case, passing or not, so
    that the student copy has them recorded."""
    return [None if "surface_hessian" in case else
            {(prefix, key): key_trajectory(MISTAKES[name], case, prefix, key)
             for prefix in runs(case) for key in (str(k) for k in case["keys"])}
            for case in cases]


def displacement_error(got, trajectory):
    """Worst relative error of the displacement w_t − w_0 over the steps (inf on a shape mismatch)."""
    got = np.asarray(got, dtype=float)
    if got.shape != np.shape(trajectory):
        return np.inf
    return max(relative_error(got[step] - got[0], trajectory[step] - trajectory[0]) for step in range(1, len(got)))


def named_mistake(candidates, out, rtol):
    """The mistake whose trajectories every parameter of ``out`` follows within ``rtol`` (the
    checks' own tolerance: same formula, different order of operations), or None."""
    names = set.intersection(*(set(found) for found in candidates.values()))
    for mistake in sorted(names):
        if all(displacement_error(out[f"{prefix}traj_{key}"], found[mistake]) <= rtol
               for (prefix, key), found in candidates.items()):
            return mistake
    return None


def shared_state(case, out, trajectories, rtol):
    """Evidence that two optimizers share their state: the probe found a container both reach
    (a class attribute), or the first optimizer's first step is right for every key while the
    second's is not. Returns the names of the shared containers, [] for numerical evidence only,
    or None."""
    if "other_param_w" not in case:
        return None
    names = [str(n) for n in np.atleast_1d(out.get("shared", [""])) if str(n)]
    first_right = all(relative_error(np.asarray(out[f"traj_{key}"][1]) - out[f"traj_{key}"][0],
                                     trajectories[("", key)][1] - trajectories[("", key)][0]) <= rtol
                      for key in (str(k) for k in case["keys"]))
    second_right = all(displacement_error(out[f"other_traj_{key}"][:2], trajectories[("other_", key)][:2]) <= rtol
                       for key in (str(k) for k in case["keys"]))
    if names or (first_right and not second_right):
        return names
    return None


def shared_failure(name, cls_names):
    where = f" ({', '.join(f'{name}.{n}' for n in cls_names)} is one object for both)" if cls_names else ""
    return Failure(f"{name}: two optimizers updated alternately disturb each other: state shared between "
                   f"instances{where}", SHARED_HINT)


def verify_trajectory(name):
    steps = OPTIMIZERS[name][0]

    def verify(cases, outputs):
        candidates = candidate_mistakes(name, cases)
        failures = []
        for case, out, found in zip(cases, outputs, candidates):
            trajectories = {(prefix, key): key_trajectory(steps, case, prefix, key)
                            for prefix in runs(case) for key in (str(k) for k in case["keys"])}
            try:
                for (prefix, key), trajectory in trajectories.items():
                    _compare_trajectory(name, case, prefix, key, trajectory, out)
            except Failure as failure:
                shared = shared_state(case, out, trajectories, TRAJECTORY_RTOL)
                if shared is not None:
                    raise shared_failure(name, shared) from None
                mistake = named_mistake(found, out, TRAJECTORY_RTOL)
                if mistake is not None:
                    failure.hint = MISTAKE_HINTS[mistake]
                elif "schedule" in case and not failures:
                    failure.hint = KEYED_STATE_HINTS[name]
                failures.append(failure)
        if failures:
            raise failures[0]
    return verify


def _compare_trajectory(name, case, prefix, key, trajectory, out):
    """Raise a Failure where params[key] of the optimizer ``prefix`` leaves ``trajectory``."""
    got = np.asarray(out[f"{prefix}traj_{key}"], dtype=float)
    label = str(case["label"]) + (", the second optimizer" if prefix else "")
    if got.shape != trajectory.shape:
        raise Failure(f"params['{key}'] changed shape during {name} updates: "
                      f"expected {trajectory.shape[1:]}, got {got.shape[1:]}")
    if not np.all(np.isfinite(got)):
        bad = int(np.argmin(np.all(np.isfinite(got.reshape(len(got), -1)), axis=1)))
        raise Failure(f"{name} ({label}): params['{key}'] holds NaN or infinite values "
                      f"after step {bad} of {len(trajectory) - 1}",
                      "look for the square root of a negative number (the running averages "
                      "hold g², not g) or a division by zero")
    for step in range(1, len(trajectory)):
        error = relative_error(got[step] - got[0], trajectory[step] - trajectory[0])
        if error > TRAJECTORY_RTOL:
            raise Failure(
                f"{name} ({label}): params['{key}'] is wrong after step {step} of "
                f"{len(trajectory) - 1} (relative error of the displacement {error:.2e})",
                _hint(name, step),
                artifacts={"expected": trajectory.tolist(), "got": got.tolist()})


def _hint(name, step):
    hints = {
        "Momentum": "Keras: v ← momentum·v − lr·g, then w ← w + v (v kept per parameter)",
        "RMSProp": "Keras: s ← ρ·s + (1 − ρ)·g², then w ← w − lr·g / sqrt(s + ε) (s kept per parameter)",
        "Adam": "Keras: t counts steps from 1; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; "
                "w ← w − lr·sqrt(1−β2^t)/(1−β1^t) · m / (sqrt(v) + ε)",
    }
    text = hints[name]
    if step > 1:
        text = "the first step is right but later ones are not: check the state kept between calls. " + text
    return text


def verify_in_place(cases, outputs):
    for case, out in zip(cases, outputs):
        if not np.all(out["in_place"]):
            raise Failure("update() must change the arrays in params in place (the network keeps "
                          "references to them)", "write params[key] -= step (or params[key][...] = ...)")


def keras_path(name):
    """(cases, index, key) -> Keras's recorded trajectory of params[key] in case ``index`` (None
    when there is no usable recording): what the keras check's path figure is drawn against."""
    def reference(cases, index, key):
        golden, _ = keras_golden.expected()
        return None if golden is None else golden.trajectory(name, index, key)
    return reference


def _keras_diagnosis(name):
    """For the agreement check: (cases, outputs) -> one mistake's hint per case (None where no
    usual mistake matches), computed for every case (the student copy records them)."""
    def diagnose(cases, outputs):
        hints = []
        for found, out in zip(candidate_mistakes(name, cases), outputs):
            mistake = named_mistake(found, out, TRAJECTORY_RTOL) if out and found else None
            hints.append(MISTAKE_HINTS.get(mistake))
        return hints
    return diagnose


CHECKS = []
for _name in OPTIMIZERS:
    _trial = Trial(probes.trajectory, optimizer_cases(_name))
    CHECKS += [
        Check(f"optimizers.{_name}.trajectory", f"{_name}.update", 3,
              f"{STEPS} steps agree with Keras's {_name} formula (defaults, other settings, tiny gradients)",
              _trial, verify_trajectory(_name)),
        Check(f"optimizers.{_name}.in_place", f"{_name}.update", 1, "parameters are updated in place",
              _trial, verify_in_place, after=(f"optimizers.{_name}.trajectory",)),
        Check(f"optimizers.{_name}.keras", f"{_name}.update", 2,
              f"{keras_golden.STEPS} steps agree with Keras's {keras_agreement.KERAS_NAMES[_name]} (recorded runs), "
              f"gradients around 1e-6 included, and {keras_golden.SURFACE['steps']} steps down a 2-D loss surface",
              Trial(probes.trajectory, lambda name=_name: keras_golden.optimizer_cases(name)),
              keras_agreement.verify_keras_trajectory(_name, diagnose=_keras_diagnosis(_name)),
              figures=path_figures(_name, keras_path(_name), case_index=keras_golden.SURFACE_INDEX,
                                   tolerance=keras_agreement.TOLERANCE[_name])),
    ]
