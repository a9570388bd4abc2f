"""Checks of multiclass.py: MultiClassNetwork's softmax, weight initialisation, forward and
backward passes, one training step of softmax + cross-entropy, the network trained on
Fashion-MNIST, and its agreement with the same network in Keras."""
import re

import numpy as np

from ..probes import multiclass as probes
from .. import keras_golden
from . import keras_agreement
from .base import Failure, Trial, diagnose, expect_close, expect_finite, expect_shape, relative_error, rng_for
from .expectation import expected
from .networks import (SIZES, exercise_checks, init_cases, init_distribution, pass_checks, standard_normal,
                       two_layer_cases, untouched, verify_init_shapes, verify_seeded, verify_two_layer_forpass,
                       verify_two_layer_gradient, verify_two_layer_shapes, where)
from .training import fashion_mnist_check


def softmax_cases():
    rng = rng_for("softmax")
    return [
        {"z": rng.normal(size=(1, 3))},
        {"z": rng.normal(size=(7, 10)) * 3},
        {"z": np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0], [800.0, 800.0, 800.0]])},
        {"z": rng.normal(size=(5, 4)) * 50 - 700},
        {"z": rng.normal(size=(4, 4)) * 2},  # m = k: a row max or sum without keepdims broadcasts silently
    ]


#: logits beyond this are the stability check's: exp overflows float64 from 709.8, so an
#: unstabilised softmax loses the stability point only, never the values points
LARGE_LOGITS = 500


def is_large(case):
    return np.max(np.abs(case["z"])) >= LARGE_LOGITS


def verify_softmax_values(cases, outputs):
    """Moderate logits only (|z| < LARGE_LOGITS): values within 1e-9 of the row-wise softmax
    (float64 rounding is ~1e-16; the tolerance leaves room for other stable formulations)."""
    for case, out in zip(cases, outputs):
        if is_large(case):
            continue
        label = f" (z of shape {case['z'].shape})"
        expect_shape("softmax(z)", out["a"], case["z"].shape, where=label)
        a = np.asarray(out["a"], dtype=float)
        expect_finite("softmax(z)", a, label)
        if np.allclose(a.sum(axis=0), 1) and not np.allclose(a.sum(axis=1), 1):
            raise Failure(f"softmax(z){label}: the columns sum to 1, the rows do not",
                          "normalise each row (axis=1): each sample's class probabilities sum to 1")
        _expect_not_without_keepdims(a, case["z"], label)
        expect_close("softmax(z)", a, expected("softmax", z=case["z"]), 1e-9, label)


KEEPDIMS_HINT = ("take the row maximum and the row sum with keepdims=True (or [:, None]): an (m,) vector "
                 "broadcasts along the columns of z (m, k), not along its rows")


def _expect_not_without_keepdims(a, z, label):
    """For a square z, fail with KEEPDIMS_HINT when ``a`` is softmax with a row max or row sum
    taken without keepdims (checks/math.softmax_without_keepdims, to 1e-9)."""
    if z.ndim != 2 or z.shape[0] != z.shape[1] or z.shape[0] < 2:
        return
    for variant in expected("softmax_without_keepdims", z=z):
        if relative_error(a, variant) <= 1e-9 and relative_error(a, expected("softmax", z=z)) > 1e-9:
            raise Failure(f"softmax(z){label}: wrong values, each entry shifted or scaled by another row's "
                          "maximum or sum", KEEPDIMS_HINT)


def explain_softmax_error(error):
    """KEEPDIMS_HINT for numpy's broadcast error between (m, k) and (m,): a row max or sum
    taken without keepdims."""
    if error.get("type") != "ValueError" or "broadcast" not in error.get("message", ""):
        return None
    shapes = [tuple(int(n) for n in re.findall(r"\d+", found))
              for found in re.findall(r"\(([\d,\s]*)\)", error["message"])]
    matrices = {shape[0] for shape in shapes if len(shape) == 2}
    if any(len(shape) == 1 and shape[0] in matrices for shape in shapes):
        return KEEPDIMS_HINT
    return None


def verify_softmax_stable(cases, outputs):
    """Large logits (±1000) must give finite rows that sum to 1, equal to the row-wise softmax
    within 1e-9 (as the values check asks of moderate logits)."""
    for case, out in zip(cases, outputs):
        if not is_large(case):
            continue
        a = np.asarray(out["a"], dtype=float)
        label = f" for logits as large as {np.max(np.abs(case['z'])):.0f}"
        expect_shape("softmax(z)", a, case["z"].shape, where=label)
        if not np.all(np.isfinite(a)) or not np.allclose(a.sum(axis=1), 1, atol=1e-9):
            raise Failure(f"softmax(z){label} is not finite or not normalised",
                          "subtract each row's maximum before np.exp: softmax(z) = softmax(z − max z)")
        expect_close("softmax(z)", a, expected("softmax", z=case["z"]), 1e-9, label)


def training_cases():
    cases = []
    for m, n, units in SIZES[:3]:
        rng = rng_for("training", m, n, units)
        k = 4
        labels = rng.integers(0, k, size=m)
        cases.append({"x": rng.normal(size=(m, n)), "y": np.eye(k)[labels], "units": np.array(units),
                      "w1": rng.normal(size=(n, units)), "b1": rng.normal(size=units) * 0.1,
                      "w2": rng.normal(size=(units, k)), "b2": rng.normal(size=k) * 0.1,
                      "learning_rate": np.array(1e-3)})
    return cases


def verify_training_step(cases, outputs):
    """One call of training(x, y) moves the weights by −lr·∇(mean cross-entropy); the gradient
    is taken numerically from the loss itself (tolerance 1e-6: the step is exact, the numerical
    gradient carries ~1e-9 of error, relative to lr-scaled values)."""
    for case, out in zip(cases, outputs):
        names = ("w1", "b1", "w2", "b2")
        lr = float(case["learning_rate"])
        m = len(case["x"])
        numerical = expected("cross_entropy_numerical_gradients", x=case["x"], y=case["y"],
                             **{name: case[name] for name in names})
        for name in names:
            expect_shape(f"self.{name} after training", out[name], case[name].shape, where=where(case))
            expect_finite(f"self.{name} after training", out[name], where(case))
            step = (case[name] - np.asarray(out[name], dtype=float)) / lr
            numeric = numerical[name]
            error = relative_error(step, numeric)
            if error > 1e-6:
                hint = diagnose(step, numeric, m)
                if hint is None and relative_error(step, np.zeros_like(step)) < 1e-12:
                    hint = "the weights did not move: compute err and pass it to backprop"
                raise Failure(
                    f"after one training step, self.{name} did not move along −lr·∇L of the mean "
                    f"cross-entropy{where(case)} (relative error {error:.2e})",
                    hint or "for softmax with cross-entropy, dL/dz = a − y: no second softmax, no extra division")



forpass = Trial(probes.forpass, two_layer_cases("multi.forpass", n_classes=3, backprop=False))
backprop = Trial(probes.backprop, two_layer_cases("multi.backprop", n_classes=3))
keras_run = Trial(probes.keras_run, keras_golden.network_cases)

CHECKS = [
    *exercise_checks("MultiClassNetwork.softmax", "multiclass.softmax", Trial(probes.softmax, softmax_cases), [
        ("values", 2, "row-wise softmax", verify_softmax_values),
        ("stable", 1, "finite and normalised for logits of ±1000", verify_softmax_stable),
        ("inputs_untouched", 1, "z is not modified", untouched("z")),
    ], explain_error=explain_softmax_error),
    *exercise_checks("MultiClassNetwork.init_weights", "multiclass.init_weights",
                     Trial(probes.init_weights, init_cases("multi.init", n_classes=(3, 10, 7))), [
        ("shapes", 1, "w1 (n, units), b1 (units,), w2 (units, k), b2 (k,)", verify_init_shapes),
        ("distribution", 1, "weights ~ N(0, 1), biases 0",
         init_distribution(standard_normal, lambda i, o, dist: "N(0, 1)")),
        ("seeded", 1, "reproducible under np.random.seed", verify_seeded),
    ]),
    *pass_checks("MultiClassNetwork", "multiclass", forpass, backprop, "z2 (m, k) and self.a1 of the forward pass",
                 "each gradient has its parameter's shape", verify_two_layer_forpass, verify_two_layer_shapes,
                 verify_two_layer_gradient),
    *exercise_checks("MultiClassNetwork.training", "multiclass.cross_entropy_gradient",
                     Trial(probes.training, training_cases), [
        ("step", 3, "one training step follows −lr·∇ of the mean cross-entropy", verify_training_step),
    ]),
    fashion_mnist_check(),
    *exercise_checks("MultiClassNetwork vs Keras", "multiclass.keras", keras_run, [
        ("forward", 1, "same output and loss as Keras's Dense(sigmoid) → Dense(softmax) with the same weights",
         keras_agreement.network_check(keras_agreement.verify_forward)),
        ("sgd_step", 2, "same parameters as Keras after one SGD step (train_on_batch)",
         keras_agreement.network_check(keras_agreement.verify_step)),
        ("epoch", 2, "same loss curve and parameters as Keras over an epoch in the same batch order",
         keras_agreement.network_check(keras_agreement.verify_epoch)),
    ]),
]
