"""Checks of regularization.py: the L1/L2 penalty gradient, inverted dropout and early stopping."""
import numpy as np

from ..probes import regularization as probes
from .base import Check, Failure, Trial, expect_close, expect_finite, expect_shape, relative_error, rng_for
from .expectation import expected


def penalty_cases():
    """Random weights with and without each penalty, and (L1 active) a w holding exact zeros: a
    zero-initialised column and scattered entries, where the derivative of |w| is sign(0) = 0."""
    rng = rng_for("penalty")
    cases = [{"w": rng.normal(size=shape), "l1": np.array(l1), "l2": np.array(l2), "m": np.array(m)}
             for shape, l1, l2, m in (((4, 3), 0.0, 0.01, 10), ((5, 1), 0.02, 0.0, 7),
                                      ((6, 2), 0.03, 0.05, 32), ((3, 3), 0.0, 0.0, 1))]
    w = rng.normal(size=(5, 4))
    w[:, 0] = 0.0
    w[rng.random(size=w.shape) < 0.25] = 0.0
    cases.append({"w": w, "l1": np.array(0.04), "l2": np.array(0.01), "m": np.array(8)})
    return cases


def _sign_of_zero_failure(w, grad, label):
    """The Failure for a gradient that is wrong only where w is exactly 0 (NaN from w / |w|, or
    ±l1 from w >= 0), or None."""
    grad = np.asarray(grad, dtype=float)
    zero = w == 0
    if not zero.any() or grad.shape != w.shape or np.all(np.isfinite(grad[zero]) & (grad[zero] == 0)):
        return None
    return Failure(f"penalty_grad{label}: where w is exactly 0 the gradient should be 0 (sign(0) = 0), "
                   f"got {grad[zero][0]!r}",
                   "the derivative of |w| is np.sign(w), 0 at w = 0: w / |w| is 0/0 = nan there "
                   "(zero-initialised weights, ReLU-dead units)")


def verify_penalty(cases, outputs):
    for case, out in zip(cases, outputs):
        w, l1, l2, m = case["w"], float(case["l1"]), float(case["l2"]), int(case["m"])
        label = f" (l1={l1}, l2={l2}, m={m})"
        failure = _sign_of_zero_failure(w, out["grad"], label) if l1 else None
        if failure is not None:
            raise failure
        try:
            expect_close("penalty_grad", out["grad"], expected("penalty_grad", w=w, l1=l1, l2=l2, m=m),
                         1e-12 if (l1 or l2) else 1, label, m)
        except Failure as failure:
            grad = np.asarray(out["grad"], dtype=float)
            if l1 and grad.shape == w.shape and relative_error(grad, (l1 + l2) * w / m) < 1e-6:
                failure.hint = "the derivative of l1·|w| is l1·np.sign(w) (the sign of w), not l1·w"
            raise
        if not (l1 or l2) and np.any(np.asarray(out["grad"]) != 0):
            raise Failure(f"penalty_grad{label} should be zero without a penalty")
        if not np.array_equal(out["w_after"], w):
            raise Failure("penalty_grad changed w", "return a new array; the caller updates w")


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
            twice = 1 - (1 - rate) ** 2  # a second call dropping from the first call's output
            hint = ("about as many zeros as two dropouts in a row: the first call changed z in place, so the "
                    "second one dropped from already-dropped values; build a new array instead"
                    if abs(fraction - twice) <= 5 * np.sqrt(twice * (1 - twice) / n) else
                    "drop an entry when rng.random(...) < rate (keep it otherwise)")
            raise Failure(f"dropout(z){label} zeroed {fraction:.3f} of the entries, expected about {rate}", hint)
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
        if bool(out["returned_z"]) or bool(out["shares_z"]):
            what = "z itself" if bool(out["returned_z"]) else "a view of z (it shares z's memory)"
            raise Failure(f"dropout (rate={rate}) returned {what}: changing the result in place would change z",
                          "return a new array for every rate, rate = 0 included (np.array(z, dtype=float) "
                          "or z.copy()): the caller may scale or zero the result in place")


def early_stopping_cases():
    """Sequences with plain, noisy, tied and tiny improvements. Every strictly lower loss is an
    improvement, however small: the ``tiny`` cases improve by 1e-6 and 1e-9 relative per epoch
    (still far above float64 resolution, 2.2e-16) and must never stop, so a hidden minimum
    improvement (``loss < best − 1e-4``) is caught whatever its size down to 1e-9."""
    rng = rng_for("early")
    noisy = 1 / np.arange(1, 40) + rng.normal(scale=0.02, size=39)
    return [
        {"losses": np.linspace(1, 0.1, 30), "patience": np.array(3)},            # never stops
        {"losses": np.r_[1.0, 0.8, 0.7, np.full(8, 0.75)], "patience": np.array(5)},
        {"losses": np.r_[1.0, 0.5, 0.5, 0.5, 0.6], "patience": np.array(2)},     # ties are no improvement
        {"losses": noisy, "patience": np.array(4)},
        {"losses": np.r_[0.3, 0.4], "patience": np.array(1)},
        {"losses": 0.5 * (1 - 1e-6) ** np.arange(20), "patience": np.array(2), "tiny": np.array(1e-6)},
        {"losses": np.r_[2.0, 0.02 * (1 - 1e-9) ** np.arange(15)], "patience": np.array(1), "tiny": np.array(1e-9)},
        {"losses": np.r_[1.0, 0.9, 0.9, 0.9 * (1 - 1e-9), 0.9 * (1 - 1e-9), 0.95], "patience": np.array(2)},
        # oscillates above its best (0.5): every other epoch improves on the previous one, never on the best
        {"losses": np.r_[1.0, 0.5, np.tile([0.8, 0.7], 6)], "patience": np.array(3)},
    ]


def _first_true(flags):
    return int(np.argmax(flags)) if np.any(flags) else None


def _said(epoch, verb="return"):
    return f"never {verb} True" if epoch is None else f"first {verb} True at epoch {epoch}"


def verify_early_stopping(cases, outputs):
    """update()'s answers and best_epoch against 'stop once `patience` epochs in a row brought no
    strictly lower loss' (exact: the answers are booleans and epoch numbers)."""
    for case, out in zip(cases, outputs):
        losses, patience = case["losses"], int(case["patience"])
        flags, best = expected("early_stopping_flags", losses=losses, patience=patience)
        tie_flags, _ = expected("early_stopping_flags", losses=losses, patience=patience, ties_improve=True)
        previous_flags = expected("early_stopping_flags_previous", losses=losses, patience=patience)
        got_flags = np.asarray(out["stop"], dtype=bool)
        stop_at, got_stop = _first_true(flags), _first_true(got_flags)
        label = f" (patience={patience}, losses={np.array2string(losses[:12], precision=10, separator=', ')}…)"
        if got_stop != stop_at:
            hint = None
            if got_stop == _first_true(tie_flags):
                hint = ("an equal loss is not an improvement: count an epoch as better only when "
                        "val_loss < best_loss (not <=)")
            elif got_stop == _first_true(previous_flags):
                hint = ("the wait counts epochs without improvement on the best loss so far, not on the previous "
                        "epoch: compare val_loss with best_loss, and reset the wait only when it beats the best")
            elif "tiny" in case and (stop_at is None or (got_stop is not None and got_stop < stop_at)):
                hint = (f"here every epoch lowers the loss by {float(case['tiny']):.0e} relative: any strictly "
                        "lower loss is an improvement, however small (no minimum improvement)")
            elif stop_at is not None and got_stop is not None and abs(got_stop - stop_at) == 1:
                hint = "off by one: stop once `patience` epochs in a row brought no strict improvement"
            elif got_stop is not None and (stop_at is None or got_stop < stop_at):
                hint = ("it stops too early: reset the wait to 0 every time the loss improves on the best, "
                        "so that only epochs in a row without improvement count")
            raise Failure(f"update() should {_said(stop_at)}, but it {_said(got_stop, 'returned')}{label}", hint)
        last = stop_at if stop_at is not None else len(flags) - 1
        if int(out["best_epoch"][last]) != int(best[last]):
            raise Failure(f"best_epoch should be {int(best[last])} at epoch {last}, got "
                          f"{int(out['best_epoch'][last])}{label}",
                          "epochs count from 0; an equal loss is not an improvement")



dropout = Trial(probes.dropout, dropout_cases)

CHECKS = [
    Check("regularization.penalty_grad.values", "penalty_grad", 2, "(l1·sign(w) + l2·w) / m",
          Trial(probes.penalty_grad, penalty_cases), verify_penalty),
    Check("regularization.dropout.mask", "dropout", 2, "drops a `rate` fraction, rescales survivors by 1/(1−rate)",
          dropout, verify_dropout),
    Check("regularization.dropout.rng", "dropout", 1, "the mask comes from rng; z is neither modified nor returned",
          dropout, verify_dropout_rng, after=("regularization.dropout.mask",)),
    Check("regularization.early_stopping.signals", "EarlyStopping", 3,
          "stops after `patience` epochs without improvement, remembers the best epoch",
          Trial(probes.early_stopping, early_stopping_cases), verify_early_stopping),
]
