"""Checks of gradients.py: numerical_diff (central difference) and numerical_gradient."""
import numpy as np

from ..probes import gradients as probes
from .base import (Check, Failure, Trial, diagnose, expect_close, expect_finite, expect_shape, relative_error,
                   rng_for)
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
                    "twice the central difference: divide f(x+h) − f(x−h) by 2h, not by h"
                    if abs(got - 2 * central) <= 1e-6 * max(1, abs(exact)) else
                    "use the step h you were given: (f(x+h) − f(x−h)) / 2h")
            raise Failure(f"numerical_diff at x={x} (h={h}): expected (f(x+h) − f(x−h)) / 2h = {central:.10g} "
                          f"(the exact derivative is {exact:.10g}), got {got:.10g}", hint)


#: numerical_gradient's default step in the course (the analytic comparison of the cases without h)
DEFAULT_H = 1e-4
#: agreement with the central difference with the same h: both sides evaluate the same f at the
#: same points in float64, so they differ by rounding only (≤ 1e-15·|f| / h ≈ 1e-12 relative
#: at h ≥ 1e-3); another step, or a one-sided difference, is ≥ 1e-7 away on these cases
SAME_STEP_RTOL = 1e-8
#: a float32 x is perturbed in float32: x ± h rounds to float32 (spacing ≤ 2.4e-7 for |x| < 4),
#: which moves the step 2h = 0.02 of the float32 case by ≤ 5e-7 in all, ≤ 3e-5 relative, whatever
#: the restoring arithmetic; a float64 result is then within this of the float64 central difference
FLOAT32_RTOL = 1e-4
FLOAT32_H = 1e-2
#: "x restored": within this many units in the last place of max(|x|, h) (restoring by
#: x += h; x -= 2h; x += h leaves a residue of an ulp or two; a missing restore leaves h)
RESTORE_ULPS = 4


def numerical_gradient_cases():
    rng = rng_for("numgrad")
    cases = [{"x": rng.normal(size=shape), "A": rng.normal(size=shape)} for shape in ((3, 4), (5,), (2, 2, 2))]
    # explicit steps large enough that the central difference with h is visibly not the
    # derivative (O(h²)) nor a one-sided difference (O(h)); the last case's f reads the caller's
    # x through a closure and ignores its argument (numerical_gradient(lambda W: net.loss(x, t), net.W))
    for shape, h, closure in (((4, 3), 0.05, False), ((6,), 1e-3, False), ((3, 3), 0.01, True)):
        case = {"x": rng.normal(size=shape), "A": rng.normal(size=shape), "h": np.array(h)}
        if closure:
            case["closure"] = np.array(True)
        cases.append(case)
    # x's dtype: float32 (perturbed in float32, gradients still float64) and integers (a float64
    # copy is perturbed: an integer array would truncate x ± h); the result must be float64
    shape = (3, 3)
    cases.append({"x": rng.uniform(-2, 2, size=shape).astype(np.float32), "A": rng.normal(size=shape),
                  "h": np.array(FLOAT32_H)})
    cases.append({"x": rng.integers(-3, 4, size=shape), "A": rng.normal(size=shape), "h": np.array(1e-3)})
    return cases


def _dtype_failure(x, grad, label):
    """The Failure for a gradient that is not float64 (x's dtype taken over), or None."""
    dtype = np.asarray(grad).dtype
    if dtype == np.float64:
        return None
    return Failure(f"numerical_gradient{label} returned {dtype} gradients for an x of dtype {x.dtype}: "
                   "expected float64",
                   "np.zeros_like(x) takes x's dtype (float32 loses digits, integers truncate every entry): "
                   "make grad np.zeros(x.shape) (float64) whatever x's dtype")


def verify_numerical_gradient(cases, outputs):
    """Without h: against the analytic gradient A(2x·sin x + x²·cos x) + 2Σx, tolerance 1e-6
    relative (central differences with the default h = 1e-4 are within ~1e-8 here). With h: the
    central difference with that h, to SAME_STEP_RTOL. x must come back restored to within
    RESTORE_ULPS ulps, and f may read the caller's x itself (x is perturbed in place). A float32 x: the
    central difference to FLOAT32_RTOL (float32 rounding of x ± h); an integer x: to SAME_STEP_RTOL (a
    float64 copy is perturbed); the gradients are float64 whatever x's dtype."""
    for case, out in zip(cases, outputs):
        x, A = case["x"], case["A"]
        h = float(case["h"]) if "h" in case else None
        values = expected("coupled_function_gradients", x=x, A=A, h=h or DEFAULT_H)
        label = f" (x of shape {x.shape}{'' if x.dtype == np.float64 else f', dtype {x.dtype}'}{f', h={h:g}' if h else ''})"
        after = np.asarray(out["x_after"], dtype=float)
        slack = RESTORE_ULPS * np.spacing(np.maximum(np.abs(x), h or DEFAULT_H))
        if after.shape != x.shape or not np.all(np.abs(after - x) <= slack):
            raise Failure(f"numerical_gradient left x changed{label}",
                          "put each entry back to its original value before moving to the next")
        expect_shape("numerical_gradient", out["grad"], x.shape, where=label)
        expect_finite("numerical_gradient", out["grad"], label)
        failure = _dtype_failure(x, out["grad"], label)
        if failure is not None:
            raise failure
        grad = np.asarray(out["grad"], dtype=float)
        if "closure" in case and not np.any(grad):
            raise Failure(f"numerical_gradient returned zeros when f reads the caller's x itself{label}, as "
                          "numerical_gradient(lambda W: net.loss(x, t), net.W) does: you perturbed a copy of x",
                          "move the entries of x itself by ±h (and put each one back): the course's loss "
                          "functions ignore their argument and read the array in place")
        if h is None:
            try:
                expect_close("numerical_gradient", grad, values["analytic"], 1e-6, label)
            except Failure as failure:
                if relative_error(grad, values["forward"]) < 1e-6:
                    failure.hint = "that is a one-sided difference: use (f(x+h) − f(x−h)) / 2h"
                raise
            continue
        error = relative_error(grad, values["central"])
        rtol = FLOAT32_RTOL if x.dtype == np.float32 else SAME_STEP_RTOL
        if error > rtol:
            if x.dtype.kind in "iu":
                raise Failure(f"numerical_gradient{label}: wrong values for an integer x (relative error "
                              f"{error:.2e}): x[idx] = x[idx] ± h is truncated to an integer, so f is not "
                              "evaluated at x ± h",
                              "an integer x cannot hold x ± h: perturb a float64 copy of it "
                              "(x = np.array(x, dtype=float)) when x is not a floating array")
            index = np.unravel_index(int(np.argmax(np.abs(grad - values["central"]))), x.shape)
            hint = ("that is a one-sided difference: use (f(x+h) − f(x−h)) / 2h"
                    if relative_error(grad, values["forward"]) < 1e-6 else
                    "use the step h you were given: (f(x+h) − f(x−h)) / 2h"
                    if relative_error(grad, values["analytic"]) < 1e-4 else
                    diagnose(grad, values["central"]))
            raise Failure(f"numerical_gradient{label}: expected the central difference with this h (relative "
                          f"error {error:.2e} > {rtol:.0e}); at index {tuple(int(i) for i in index)} "
                          f"expected {values['central'][index]:.10g}, got {grad[index]:.10g}", hint)


CHECKS = [
    Check("gradients.numerical_diff.values", "numerical_diff", 2, "central difference of a polynomial",
          Trial(probes.numerical_diff, numerical_diff_cases), verify_numerical_diff),
    Check("gradients.numerical_gradient.values", "numerical_gradient", 3,
          "central-difference gradient (with the given h) of a coupled function; x perturbed in place and restored",
          Trial(probes.numerical_gradient, numerical_gradient_cases), verify_numerical_gradient),
]
