"""Probes of multiclass.py: MultiClassNetwork's softmax, weight initialisation, forward and
backward passes, one training step, and the network driven batch by batch in a given order for
the agreement with Keras (what Keras computes for the same inputs stays in the grader: recorded
golden files, ``autograder.keras_golden``)."""
import numpy as np

from . import fresh, networks, scalar
from .networks import network_probes

MULTICLASS = "multiclass.MultiClassNetwork"
WEIGHTS = ("w1", "b1", "w2", "b2")


forpass, backprop, init_weights = network_probes(__name__, MULTICLASS, "forpass", "backprop", "init_weights")


def softmax(sub, case):
    """MultiClassNetwork().softmax(z), and z afterwards."""
    net = sub.attribute(MULTICLASS)()
    z = fresh(case["z"])
    return {"a": net.softmax(z), "z_after": z}


def _network(sub, case):
    """The student's MultiClassNetwork with the case's weights and learning rate (fresh copies)."""
    net = networks.network(sub, MULTICLASS, case)
    net.learning_rate = float(scalar(case["learning_rate"]))
    return net


def training(sub, case):
    """One call of training(x, y) from given weights; returns the weights after it and a."""
    net = _network(sub, case)
    x, y = fresh(case["x"]), fresh(case["y"])
    a = net.training(x, y)
    return {"a": a, "w1": net.w1, "b1": net.b1, "w2": net.w2, "b2": net.b2}


def _weights(net, prefix):
    return {f"{prefix}_{name}": np.array(getattr(net, name), dtype=float, copy=True) for name in WEIGHTS}


def keras_run(sub, case):
    """Three runs from the case's weights, each on a fresh network:

    * ``forward_a``: softmax(forpass(x)) on the first batch of ``order``;
    * ``step_*``: the weights after one ``training()`` call on that batch (one SGD step);
    * ``epoch_a`` / ``epoch_*``: one epoch of ``training()`` calls over the batches of ``order``
      (consecutive slices of ``batch_size`` rows, the last one shorter): each call's returned
      probabilities (rows in ``order``), and the weights after the epoch.
    """
    x, y = case["x"], case["y"]
    order = np.asarray(case["order"], dtype=int)
    batch_size = int(scalar(case["batch_size"]))
    first = order[:batch_size]

    net = _network(sub, case)
    out = {"forward_a": net.softmax(net.forpass(x[first].copy()))}

    net = _network(sub, case)
    out["step_a"] = net.training(x[first].copy(), y[first].copy())
    out.update(_weights(net, "step"))

    net = _network(sub, case)
    probabilities = []
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        probabilities.append(np.asarray(net.training(x[rows].copy(), y[rows].copy()), dtype=float))
    out["epoch_a"] = np.concatenate(probabilities)
    out.update(_weights(net, "epoch"))
    return out


