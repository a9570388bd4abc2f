"""Checks of optimizers.py: Momentum, RMSProp and Adam against Keras 3's update formulas step by
step (checks/math.py), and against Keras itself (recorded runs, checks/keras_agreement.py)."""
import json

import numpy as np

from .. import keras_golden
from ..probes import optimizers as probes
from . import keras_agreement
from .base import Check, Failure, Trial, relative_error, rng_for
from .expectation import expected

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


def trajectory_case(name, kwargs, label, rng, shape, steps, scale):
    """One input case of the probe ``optimizers.trajectory``: parameters w (``shape``) and b
    (``shape[1]``), and ``steps`` gradients for each, N(0, 1)·scale (b's three times larger)."""
    return {"class": np.array(name), "kwargs": np.array(json.dumps(kwargs)),
            "label": np.array(label), "keys": np.array(["w", "b"]),
            "param_w": rng.normal(size=shape), "param_b": rng.normal(size=shape[1]),
            "grads_w": rng.normal(size=(steps, *shape)) * scale,
            "grads_b": rng.normal(size=(steps, shape[1])) * scale * 3}


def optimizer_cases(name):
    def make():
        return [trajectory_case(name, OPTIMIZERS[name][kwargs_index], label, rng_for("optimizer", name, label),
                                (3, 2), STEPS, scale)
                for label, kwargs_index, scale in (("defaults", 1, 1.0), ("other hyper-parameters", 2, 1.0),
                                                   ("gradients around 1e-6", 1, 1e-6))]
    return make


def verify_trajectory(name):
    steps = OPTIMIZERS[name][0]

    def verify(cases, outputs):
        for case, out in zip(cases, outputs):
            kwargs = json.loads(str(case["kwargs"]))
            for key in ("w", "b"):
                trajectory = expected(steps, w=case[f"param_{key}"], grads=case[f"grads_{key}"], **kwargs)
                got = np.asarray(out[f"traj_{key}"], dtype=float)
                if got.shape != trajectory.shape:
                    raise Failure(f"params['{key}'] changed shape during {name} updates: "
                                  f"expected {trajectory.shape[1:]}, got {got.shape[1:]}")
                if not np.all(np.isfinite(got)):
                    bad = int(np.argmin(np.all(np.isfinite(got.reshape(len(got), -1)), axis=1)))
                    raise Failure(f"{name} ({case['label']}): params['{key}'] holds NaN or infinite values "
                                  f"after step {bad} of {len(trajectory) - 1}",
                                  "look for the square root of a negative number (the running averages "
                                  "hold g², not g) or a division by zero")
                for step in range(1, len(trajectory)):
                    error = relative_error(got[step] - got[0], trajectory[step] - trajectory[0])
                    if error > TRAJECTORY_RTOL:
                        raise Failure(
                            f"{name} ({case['label']}): params['{key}'] is wrong after step {step} of "
                            f"{len(trajectory) - 1} (relative error of the displacement {error:.2e})",
                            _hint(name, step),
                            artifacts={"expected": trajectory.tolist(), "got": got.tolist()})
    return verify


def _hint(name, step):
    hints = {
        "Momentum": "Keras: v ← momentum·v − lr·g, then w ← w + v (v kept per parameter)",
        "RMSProp": "Keras: s ← ρ·s + (1 − ρ)·g², w ← w − lr·g / sqrt(s + ε): ε inside the square root",
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
              "gradients around 1e-6 included",
              Trial(probes.trajectory, lambda name=_name: keras_golden.optimizer_cases(name)),
              keras_agreement.verify_keras_trajectory(_name)),
    ]
