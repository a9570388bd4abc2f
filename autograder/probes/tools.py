"""Probes of the regularisation tools and the numerical-differentiation functions."""
import numpy as np

from . import fresh, probe, scalar


@probe("regularization.penalty_grad")
def penalty_grad(sub, case):
    function = sub.attribute("regularization.penalty_grad")
    w = fresh(case["w"])
    grad = function(w, scalar(case["l1"]), scalar(case["l2"]), int(scalar(case["m"])))
    return {"grad": grad, "w_after": w}


@probe("regularization.dropout")
def dropout(sub, case):
    """dropout(z, rate, rng) twice with generators seeded alike, once with another seed."""
    function = sub.attribute("regularization.dropout")
    z = fresh(case["z"])
    rate, seed = scalar(case["rate"]), int(scalar(case["seed"]))
    out = {"out": function(z, rate, np.random.default_rng(seed))}
    out["again"] = function(z, rate, np.random.default_rng(seed))
    out["other"] = function(z, rate, np.random.default_rng(seed + 1))
    out["z_after"] = z
    return out


@probe("regularization.EarlyStopping")
def early_stopping(sub, case):
    """Feed a validation-loss sequence; record update()'s answer and best_epoch after each."""
    stopper = sub.attribute("regularization.EarlyStopping")(patience=int(scalar(case["patience"])))
    flags, best = [], []
    for loss in case["losses"]:
        flags.append(bool(stopper.update(float(loss))))
        epoch = stopper.best_epoch
        best.append(-1 if epoch is None else int(epoch))
    return {"stop": np.array(flags, dtype=bool), "best_epoch": np.array(best, dtype=int)}


@probe("gradients.numerical_diff")
def numerical_diff(sub, case):
    """numerical_diff of the polynomial with coefficients ``coeffs`` at ``x``."""
    function = sub.attribute("gradients.numerical_diff")
    coeffs = fresh(case["coeffs"])
    args = (lambda t: np.polyval(coeffs, t), float(scalar(case["x"])))
    if "h" in case:
        return {"diff": function(*args, h=float(scalar(case["h"])))}
    return {"diff": function(*args)}


@probe("gradients.numerical_gradient")
def numerical_gradient(sub, case):
    """numerical_gradient of f(x) = Σ A·sin(x)·x² + (Σx)² (every entry couples to the others)."""
    function = sub.attribute("gradients.numerical_gradient")
    weights = fresh(case["A"])

    def f(x):
        return float(np.sum(weights * np.sin(x) * x ** 2) + np.sum(x) ** 2)

    x = fresh(case["x"])
    return {"grad": function(f, x), "x_after": x}
