"""Checks of the regularisation tools (penalty gradient, dropout, early stopping) and of the
numerical-differentiation functions."""
import numpy as np

from .expectation import expected
from .base import Check, Failure, Trial, expect_close, expect_finite, expect_shape, relative_error, rng_for


# --------------------------------------------------------------------------- penalty_grad

def penalty_cases():
    rng = rng_for("penalty")
    return [{"w": rng.normal(size=shape), "l1": np.array(l1), "l2": np.array(l2), "m": np.array(m)}
            for shape, l1, l2, m in (((4, 3), 0.0, 0.01, 10), ((5, 1), 0.02, 0.0, 7),
                                     ((6, 2), 0.03, 0.05, 32), ((3, 3), 0.0, 0.0, 1))]


def verify_penalty(cases, outputs):
    for case, out in zip(cases, outputs):
        w, l1, l2, m = case["w"], float(case["l1"]), float(case["l2"]), int(case["m"])
        label = f" (l1={l1}, l2={l2}, m={m})"
        expect_close("penalty_grad", out["grad"], expected("penalty_grad", w=w, l1=l1, l2=l2, m=m),
                     1e-12 if (l1 or l2) else 1, label, m)
        if not (l1 or l2) and np.any(np.asarray(out["grad"]) != 0):
            raise Failure(f"penalty_grad{label} should be zero without a penalty")
        if not np.array_equal(out["w_after"], w):
            raise Failure("penalty_grad changed w", "return a new array; the caller updates w")


# --------------------------------------------------------------------------- dropout

def dropout_cases():
    rng = rng_for("dropout")
    return [{"z": rng.normal(size=(200, 300)) + 2, "rate": np.array(rate), "seed": np.array(i)}
            for i, rate in enumerate((0.5, 0.2, 0.8, 0.0))]


def verify_dropout(cases, outputs):
    """Fraction dropped within 5 binomial standard deviations of ``rate``; survivors exactly
    z / (1 − rate) (1e-12 relative: one division in float64); rate 0 leaves z unchanged."""
    for case, out in zip(cases, outputs):
        z, rate = case["z"], float(case["rate"])
        label = f" (rate={rate})"
        expect_shape("dropout(z)", out["out"], z.shape, where=label)
        expect_finite("dropout(z)", out["out"], label)
        a = np.asarray(out["out"], dtype=float)
        dropped = a == 0
        n = z.size
        fraction = dropped.mean()
        if abs(fraction - rate) > 5 * np.sqrt(rate * (1 - rate) / n) + 1e-12:
            raise Failure(f"dropout(z){label} zeroed {fraction:.3f} of the entries, expected about {rate}",
                          "drop an entry when rng.random(...) < rate (keep it otherwise)")
        kept = ~dropped
        scale = 1 / (1 - rate)
        if relative_error(a[kept], z[kept] * scale) > 1e-12:
            ratio = np.median(a[kept] / z[kept]) if kept.any() else float("nan")
            raise Failure(f"dropout(z){label}: kept entries should be z / (1 − rate) = {scale:.4g}·z, "
                          f"got about {ratio:.4g}·z",
                          "inverted dropout rescales the survivors at training time by 1 / (1 − rate)")


def verify_dropout_rng(cases, outputs):
    for case, out in zip(cases, outputs):
        rate = float(case["rate"])
        if not np.array_equal(out["out"], out["again"]):
            raise Failure(f"dropout (rate={rate}) gave different masks for generators seeded alike",
                          "draw the mask from the rng argument (rng.random), not from np.random")
        if 0 < rate < 1 and np.array_equal(out["out"], out["other"]):
            raise Failure(f"dropout (rate={rate}) gave the same mask for different generators",
                          "draw the mask from the rng argument")
        if not np.array_equal(out["z_after"], case["z"]):
            raise Failure("dropout changed its input z", "return a new array")


# --------------------------------------------------------------------------- early stopping

def early_stopping_cases():
    rng = rng_for("early")
    noisy = 1 / np.arange(1, 40) + rng.normal(scale=0.02, size=39)
    return [
        {"losses": np.linspace(1, 0.1, 30), "patience": np.array(3)},            # never stops
        {"losses": np.r_[1.0, 0.8, 0.7, np.full(8, 0.75)], "patience": np.array(5)},
        {"losses": np.r_[1.0, 0.5, 0.5, 0.5, 0.6], "patience": np.array(2)},     # ties are no improvement
        {"losses": noisy, "patience": np.array(4)},
        {"losses": np.r_[0.3, 0.4], "patience": np.array(1)},
    ]


def verify_early_stopping(cases, outputs):
    for case, out in zip(cases, outputs):
        flags, best = expected("early_stopping_flags", losses=case["losses"], patience=int(case["patience"]))
        got_flags = np.asarray(out["stop"], dtype=bool)
        stop_at = int(np.argmax(flags)) if flags.any() else None
        got_stop = int(np.argmax(got_flags)) if got_flags.any() else None
        label = f" (patience={int(case['patience'])}, losses={np.round(case['losses'][:12], 3).tolist()}…)"
        if got_stop != stop_at:
            hint = None
            if stop_at is not None and got_stop is not None and abs(got_stop - stop_at) == 1:
                hint = "off by one: stop once `patience` epochs in a row brought no strict improvement"
            raise Failure(f"update() should first return True at epoch {stop_at}, "
                          f"first returned True at epoch {got_stop}{label}", hint)
        last = stop_at if stop_at is not None else len(flags) - 1
        if int(out["best_epoch"][last]) != int(best[last]):
            raise Failure(f"best_epoch should be {int(best[last])} at epoch {last}, got "
                          f"{int(out['best_epoch'][last])}{label}",
                          "epochs count from 0; an equal loss is not an improvement")


# --------------------------------------------------------------------------- numerical differentiation

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
    Check("regularization.penalty_grad.values", "penalty_grad", 2, "(l1·sign(w) + l2·w) / m",
          Trial("regularization.penalty_grad", penalty_cases), verify_penalty),
    Check("regularization.dropout.mask", "dropout", 2, "drops a `rate` fraction, rescales survivors by 1/(1−rate)",
          Trial("regularization.dropout", dropout_cases), verify_dropout),
    Check("regularization.dropout.rng", "dropout", 1, "the mask comes from rng; z is not modified",
          Trial("regularization.dropout", dropout_cases), verify_dropout_rng,
          after=("regularization.dropout.mask",)),
    Check("regularization.early_stopping.signals", "EarlyStopping", 3,
          "stops after `patience` epochs without improvement, remembers the best epoch",
          Trial("regularization.EarlyStopping", early_stopping_cases), verify_early_stopping),
    Check("gradients.numerical_diff.values", "numerical_diff", 2, "central difference of a polynomial",
          Trial("gradients.numerical_diff", numerical_diff_cases), verify_numerical_diff),
    Check("gradients.numerical_gradient.values", "numerical_gradient", 3,
          "central-difference gradient of a coupled function; x restored",
          Trial("gradients.numerical_gradient", numerical_gradient_cases), verify_numerical_gradient),
]
