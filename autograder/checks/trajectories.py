"""Input cases of optimizer trajectories (parameters and sequences of gradients), shared by the
optimizer checks and the Keras golden files (``autograder/keras_golden.py``), which record Keras's
answers on exactly these inputs."""
import json

import numpy as np


def trajectory_case(name, kwargs, label, rng, shape, steps, scale, instances=1, schedule=None):
    """One input case of the probe ``optimizers.trajectory``: parameters w (``shape``) and b
    (``shape[1]``), and ``steps`` gradients for each, N(0, 1)·scale (b's three times larger); with
    two ``instances``, the same again under ``other_`` for the second optimizer. With a
    ``schedule`` (the keys of each call, see the probe), b has w's shape, so that a state kept by
    position rather than by key gives wrong numbers rather than a shape error."""
    case = {"class": np.array(name), "kwargs": np.array(json.dumps(kwargs)),
            "label": np.array(label), "keys": np.array(["w", "b"])}
    b_shape = shape if schedule else shape[1:]
    for prefix in ("", "other_")[:instances]:
        case.update({f"{prefix}param_w": rng.normal(size=shape), f"{prefix}param_b": rng.normal(size=b_shape),
                     f"{prefix}grads_w": rng.normal(size=(steps, *shape)) * scale,
                     f"{prefix}grads_b": rng.normal(size=(steps, *b_shape)) * scale * 3})
    if schedule:
        case["schedule"] = np.array(schedule)
    return case
