"""Probe of whole training runs: the student's class trained by its given fit loop (the checks
of "Training on ..." in dual_layer.py and multiclass.py)."""
import json

import numpy as np

from . import fresh, scalar

#: most epochs after which the weights are copied for the report's curves (``snapshot_*``)
SNAPSHOTS = 40


def fit(sub, case):
    """Train the student's class with its given fit loop; return the learnt weights and losses,
    and the weights after up to SNAPSHOTS evenly spaced epochs (``snapshot_epochs``, 1-based;
    ``snapshot_<name>`` stacked; ``snapshot_reg_loss``: the network's own reg_loss() then) for the
    report's per-epoch curves. The copies are taken when the given fit loop calls
    ``update_val_loss``, once per epoch; a network without it has no snapshots."""
    cls = sub.attribute(str(case["class"]))
    kwargs = json.loads(str(case["kwargs"]))
    np.random.seed(int(scalar(case["seed"])))
    net = cls(**kwargs)
    x, y = _training_data(case)
    epochs = int(scalar(case["epochs"]))
    snapshots = _snapshots(net, epochs)
    net.fit(x, y, epochs=epochs)
    names = _weight_names(net)
    out = {name: getattr(net, name) for name in names}
    out["losses"] = np.asarray(net.losses, dtype=float)
    try:  # weights whose shape changed during training have no snapshots (the check says why)
        stacked = {f"snapshot_{name}": np.stack(snapshots[name]) for name in names}
    except (KeyError, ValueError):
        stacked = None
    if snapshots["epochs"] and stacked:
        out.update(stacked, snapshot_epochs=np.array(snapshots["epochs"]),
                   snapshot_reg_loss=np.array(snapshots["reg_loss"], dtype=float))
    # the student copy, which has no forward pass of its own, asks for the network's outputs on
    # the validation inputs (the instructor's grader computes them itself and never sends them)
    if "x_val" in case:
        out["z_val"] = net.forpass(fresh(case["x_val"]))
    elif "predict_val" in case:
        from ..data import prepare_fashion_mnist
        out["z_val"] = net.forpass(fresh(prepare_fashion_mnist().x_val))
    return out


def _weight_names(net):
    return ("w", "b") if getattr(net, "w1", None) is None else ("w1", "b1", "w2", "b2")


def _snapshots(net, epochs, limit=SNAPSHOTS):
    """Make ``net.update_val_loss`` (called by the given fit loops once per epoch) copy the weights
    and reg_loss() after the chosen epochs into the returned dict, then do what it did."""
    chosen = set(np.unique(np.linspace(0, epochs - 1, min(epochs, limit)).round().astype(int)).tolist())
    taken = {"epoch": 0, "epochs": [], "reg_loss": []}
    original = getattr(net, "update_val_loss", None)
    if not callable(original):
        return taken

    def update_val_loss(*args, **kwargs):
        if taken["epoch"] in chosen:
            try:
                names = _weight_names(net)
                copies = {name: np.array(getattr(net, name), dtype=float, copy=True) for name in names}
                reg = float(net.reg_loss()) if callable(getattr(net, "reg_loss", None)) else 0.0
            except (TypeError, ValueError, AttributeError):
                copies = None
            if copies is not None:
                for name, value in copies.items():
                    taken.setdefault(name, []).append(value)
                taken["epochs"].append(taken["epoch"] + 1)
                taken["reg_loss"].append(reg)
        taken["epoch"] += 1
        return original(*args, **kwargs)
    net.update_val_loss = update_val_loss
    return taken


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

