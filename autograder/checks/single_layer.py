"""Checks of single_layer.py: SingleLayer's forward and backward passes, on m = 1 … 64 samples
(the gradients against numerical gradients; their exact formulas are a hidden check)."""
import numpy as np

from ..probes import single_layer as probes
from .base import Failure, Trial, expect_close, expect_shape, relative_error, rng_for
from .base import with_figures
from .expectation import expected
from .figures import gradient_figures
from .networks import SIZES, VALUE_RTOL, gradient_check, pass_checks, where


def single_forpass_cases():
    cases = []
    for m, n, _ in SIZES:
        rng = rng_for("single.forpass", m, n)
        cases.append({"x": rng.normal(size=(m, n)), "w": rng.normal(size=(n, 1)), "b": np.array(rng.normal())})
    return cases


def single_backprop_cases():
    cases = []
    for m, n, _ in SIZES:
        rng = rng_for("single.backprop", m, n)
        cases.append({"x": rng.normal(size=(m, n)), "err": rng.normal(size=(m, 1)),
                      "w": rng.normal(size=(n, 1)), "b": np.array(0.3)})
    return cases


def verify_single_forpass(cases, outputs):
    for case, out in zip(cases, outputs):
        z = expected("single_layer_forward", x=case["x"], w=case["w"], b=case["b"])
        try:
            expect_close("z", out["z"], z, VALUE_RTOL, where(case))
        except Failure as failure:
            got = np.asarray(out["z"])
            if (float(case["b"]) and got.dtype.kind in "biuf" and got.shape == z.shape
                    and relative_error(got, z - case["b"]) < 1e-6):
                failure.hint = "the bias is missing: z is x·w plus the bias b"
            raise


def verify_single_backprop_shapes(cases, outputs):
    for case, out in zip(cases, outputs):
        expect_shape("w_grad", out["w_grad"], case["w"].shape, where=where(case))
        expect_shape("b_grad", out["b_grad"], (), (1,), (1, 1), where=where(case))


@with_figures(gradient_figures("single_layer_numerical_gradients", ("w", "b"), lambda case: where(case)))
def verify_single_backprop_gradient(cases, outputs):
    gradient_check(cases, outputs, "single_layer_numerical_gradients", ("w", "b"))



forpass = Trial(probes.forpass, single_forpass_cases)
backprop = Trial(probes.backprop, single_backprop_cases)

CHECKS = pass_checks("SingleLayer", "single_layer", forpass, backprop,
                     "z = x·w + b for m = 1…64 samples", "w_grad has w's shape, b_grad is one number",
                     verify_single_forpass, verify_single_backprop_shapes, verify_single_backprop_gradient,
                     gradient_points=2)
