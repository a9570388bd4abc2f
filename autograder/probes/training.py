"""Probe of whole training runs: the student's class trained by its given fit loop (the checks
of "Training on ..." in dual_layer.py and multiclass.py)."""
import json

import numpy as np

from . import fresh, scalar

def fit(sub, case):
    """Train the student's class with its given fit loop; return the learnt weights and losses."""
    cls = sub.attribute(str(case["class"]))
    kwargs = json.loads(str(case["kwargs"]))
    np.random.seed(int(scalar(case["seed"])))
    net = cls(**kwargs)
    x, y = _training_data(case)
    net.fit(x, y, epochs=int(scalar(case["epochs"])))
    names = ("w", "b") if getattr(net, "w1", None) is None else ("w1", "b1", "w2", "b2")
    out = {name: getattr(net, name) for name in names}
    out["losses"] = np.asarray(net.losses, dtype=float)
    # the student copy, which has no forward pass of its own, asks for the network's outputs on
    # the validation inputs (the instructor's grader computes them itself and never sends them)
    if "x_val" in case:
        out["z_val"] = net.forpass(fresh(case["x_val"]))
    elif "predict_val" in case:
        from ..data import prepare_fashion_mnist
        out["z_val"] = net.forpass(fresh(prepare_fashion_mnist().x_val))
    return out


def _training_data(case):
    """The case's training inputs: its own arrays, or for ``dataset`` "fashion_mnist" the course's
    training split (its stratified head of ``per_class`` images of each class when given: new
    arrays, converted from the cached pixels)."""
    if "dataset" in case and str(case["dataset"]) == "fashion_mnist":
        from ..data import prepare_fashion_mnist
        split = prepare_fashion_mnist()
        if "per_class" in case:
            return split.train_subset(int(scalar(case["per_class"])))
        return fresh(split.x_train), fresh(split.y_train)
    return fresh(case["x_train"]), fresh(case["y_train"])

