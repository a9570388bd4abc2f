"""Probes of regularization.py: penalty_grad, dropout and EarlyStopping."""
import numpy as np

from . import fresh, scalar

def penalty_grad(sub, case):
    function = sub.attribute("regularization.penalty_grad")
    w = fresh(case["w"])
    grad = function(w, scalar(case["l1"]), scalar(case["l2"]), int(scalar(case["m"])))
    return {"grad": grad, "w_after": w}


def dropout(sub, case):
    """dropout(z, rate, rng) twice with generators seeded alike, once with another seed; whether
    the first result is z itself (``returned_z``) or shares its memory (``shares_z``: changing the
    result in place would change z)."""
    function = sub.attribute("regularization.dropout")
    z = fresh(case["z"])
    rate, seed = scalar(case["rate"]), int(scalar(case["seed"]))
    result = function(z, rate, np.random.default_rng(seed))
    out = {"out": result, "returned_z": np.array(result is z),
           "shares_z": np.array(isinstance(result, np.ndarray) and np.may_share_memory(result, z))}
    out["again"] = function(z, rate, np.random.default_rng(seed))
    out["other"] = function(z, rate, np.random.default_rng(seed + 1))
    out["z_after"] = z
    return out


def early_stopping(sub, case):
    """Feed a validation-loss sequence; record update()'s answer and best_epoch after each."""
    stopper = sub.attribute("regularization.EarlyStopping")(patience=int(scalar(case["patience"])))
    flags, best = [], []
    for loss in case["losses"]:
        flags.append(bool(stopper.update(float(loss))))
        epoch = stopper.best_epoch
        best.append(-1 if epoch is None else int(epoch))
    return {"stop": np.array(flags, dtype=bool), "best_epoch": np.array(best, dtype=int)}

