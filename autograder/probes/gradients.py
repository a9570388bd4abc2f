"""Probes of gradients.py: numerical_diff and numerical_gradient."""
import numpy as np

from . import fresh, scalar

def numerical_diff(sub, case):
    """numerical_diff of the polynomial with coefficients ``coeffs`` at ``x``."""
    function = sub.attribute("gradients.numerical_diff")
    coeffs = fresh(case["coeffs"])
    args = (lambda t: np.polyval(coeffs, t), float(scalar(case["x"])))
    if "h" in case:
        return {"diff": function(*args, h=float(scalar(case["h"])))}
    return {"diff": function(*args)}


def numerical_gradient(sub, case):
    """numerical_gradient of f(x) = Σ A·sin(x)·x² + (Σx)² (every entry couples to the others)."""
    function = sub.attribute("gradients.numerical_gradient")
    weights = fresh(case["A"])

    def f(x):
        return float(np.sum(weights * np.sin(x) * x ** 2) + np.sum(x) ** 2)

    x = fresh(case["x"])
    return {"grad": function(f, x), "x_after": x}

