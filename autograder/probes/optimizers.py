"""Probe of the optimizers: a trajectory of update() calls on a dict of parameters."""
import json

import numpy as np

from . import fresh


def trajectory(sub, case):
    """Apply ``update`` once per step with the case's gradients; record every parameter after
    each step and whether the caller's arrays were updated in place."""
    cls = sub.attribute(f"optimizers.{case['class']}")
    optimizer = cls(**json.loads(str(case["kwargs"])))
    keys = [str(k) for k in case["keys"]]
    params = {key: fresh(case[f"param_{key}"]) for key in keys}
    originals = dict(params)
    history = {key: [params[key].copy()] for key in keys}
    for step in range(case[f"grads_{keys[0]}"].shape[0]):
        grads = {key: case[f"grads_{key}"][step].copy() for key in keys}
        optimizer.update(params, grads)
        for key in keys:
            history[key].append(np.array(params[key], dtype=float, copy=True))
    out = {f"traj_{key}": np.stack(history[key]) for key in keys}
    out["in_place"] = np.array([params[key] is originals[key] and
                                np.array_equal(originals[key], history[key][-1]) for key in keys])
    return out
