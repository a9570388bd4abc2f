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
    """numerical_gradient of f(x) = Σ A·sin(x)·x² + (Σx)² (every entry couples to the others),
    with the case's h if it gives one. With ``closure`` set, the function handed over ignores its
    argument and reads the caller's x itself, as the course's
    ``numerical_gradient(lambda W: net.loss(x, t), net.W)`` does."""
    function = sub.attribute("gradients.numerical_gradient")
    weights = fresh(case["A"])

    def f(x):
        return float(np.sum(weights * np.sin(x) * x ** 2) + np.sum(x) ** 2)

    x = fresh(case["x"])
    g = (lambda _: f(x)) if "closure" in case and bool(case["closure"]) else f
    kwargs = {"h": float(scalar(case["h"]))} if "h" in case else {}
    return {"grad": function(g, x, **kwargs), "x_after": x}
