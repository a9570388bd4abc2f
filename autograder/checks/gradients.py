"""Checks of gradients.py: numerical_diff (central difference) and numerical_gradient."""
import numpy as np

from ..probes import gradients as probes
from .base import Check, Failure, Trial, expect_close, expect_shape, rng_for
from .expectation import expected


def numerical_diff_cases():
    return [{"coeffs": np.array([1.0, 0.0, -2.0, 1.0]), "x": np.array(1.5)},
            {"coeffs": np.array([0.5, -1.0, 0.0, 3.0, 0.0]), "x": np.array(-0.7)},
            # a quartic and a large h: its central difference is 4.8e-4 away from the derivative,
            # so a function that ignores h (uses its own step) is caught too
            {"coeffs": np.array([1.0, 0.0, -1.0, 2.0, 0.0]), "x": np.array(1.2), "h": np.array(1e-2)}]


def verify_numerical_diff(cases, outputs):
    """The central difference (f(x+h) − f(x−h)) / 2h of a polynomial with the given h, to 1e-6
    relative (float64 rounding is ~1e-11 here). A one-sided difference is off by O(h) (≥ 1e-4
    relative on these cases); ignoring the h argument is off by O(h²) on the third case
    (h = 1e-2: 7e-5 relative)."""
    for case, out in zip(cases, outputs):
        coeffs, x = case["coeffs"], float(case["x"])
        h = float(case["h"]) if "h" in case else 1e-4
        values = expected("central_difference", coeffs=coeffs, x=x, h=h)
        central, forward, exact = (float(values[k]) for k in ("central", "forward", "exact"))
        expect_shape("numerical_diff", out["diff"], (), (1,))
        got = float(np.asarray(out["diff"]).reshape(-1)[0])
        if not abs(got - central) <= 1e-6 * max(1, abs(exact)):
            hint = ("that is a one-sided difference: use (f(x+h) − f(x−h)) / 2h"
                    if abs(got - forward) < 1e-9 * max(1, abs(exact)) else
                    "use the step h you were given: (f(x+h) − f(x−h)) / 2h")
            raise Failure(f"numerical_diff at x={x} (h={h}): expected (f(x+h) − f(x−h)) / 2h = {central:.10g} "
                          f"(the exact derivative is {exact:.10g}), got {got:.10g}", hint)


def numerical_gradient_cases():
    rng = rng_for("numgrad")
    return [{"x": rng.normal(size=shape), "A": rng.normal(size=shape)} for shape in ((3, 4), (5,), (2, 2, 2))]


def verify_numerical_gradient(cases, outputs):
    """Against the analytic gradient A(2x·sin x + x²·cos x) + 2Σx, tolerance 1e-6 relative:
    central differences with h = 1e-4 are within ~1e-8 here; one-sided or unrestored x are not."""
    for case, out in zip(cases, outputs):
        x, A = case["x"], case["A"]
        analytic = A * (2 * x * np.sin(x) + x ** 2 * np.cos(x)) + 2 * np.sum(x)
        label = f" (x of shape {x.shape})"
        if not np.array_equal(out["x_after"], x):
            raise Failure(f"numerical_gradient left x changed{label}",
                          "put each entry back to its original value before moving to the next")
        expect_close("numerical_gradient", out["grad"], analytic, 1e-6, label)



CHECKS = [
    Check("gradients.numerical_diff.values", "numerical_diff", 2, "central difference of a polynomial",
          Trial(probes.numerical_diff, numerical_diff_cases), verify_numerical_diff),
    Check("gradients.numerical_gradient.values", "numerical_gradient", 3,
          "central-difference gradient of a coupled function; x restored",
          Trial(probes.numerical_gradient, numerical_gradient_cases), verify_numerical_gradient),
]
