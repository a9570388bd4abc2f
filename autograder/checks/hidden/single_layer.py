"""Hidden checks of single_layer.py: backprop's gradients equal the formulas exactly."""
from ..base import expect_close
from ..expectation import expected
from ..networks import VALUE_RTOL, case_sizes, exercise_checks, verify_stateless, where
from ..single_layer import backprop


def verify_single_backprop_values(cases, outputs):
    """w_grad = xᵀ·err / m and b_grad = Σ err / m to VALUE_RTOL (float64 both sides), the same
    again on a second call (networks.verify_stateless)."""
    for case, out in zip(cases, outputs):
        m = len(case["x"])
        grads = expected("single_layer_gradients", x=case["x"], err=case["err"])
        expect_close("w_grad", out["w_grad"], grads["w"], VALUE_RTOL, where(case), m, sizes=case_sizes(case))
        expect_close("b_grad", out["b_grad"], grads["b"], VALUE_RTOL, where(case), m, shapes=((), (1,), (1, 1)),
                     sizes=case_sizes(case))
    verify_stateless(cases, outputs, ("w", "b"))


CHECKS = exercise_checks("SingleLayer.backprop", "single_layer.backprop", backprop, [
    ("values", 1, "w_grad = xᵀ·err/m, b_grad = Σerr/m", verify_single_backprop_values),
], hidden=True)
