"""What the hidden checks of the two-layer networks share: gradients equal the formulas."""
from ..base import expect_close
from ..expectation import expected
from ..networks import VALUE_RTOL, accepted_shapes, case_sizes, precision_rtol, verify_stateless, where


def verify_two_layer_values(cases, outputs):
    """Each gradient equals backpropagation's formula (checks/math.two_layer_gradients) to
    VALUE_RTOL (float64 both sides; only the summation order differs), or FLOAT32_RTOL for
    gradients returned in float32 (networks.precision_rtol); backprop leaves self.a1 alone and
    gives the same gradients on a second call (networks.verify_stateless)."""
    for case, out in zip(cases, outputs):
        m = len(case["x"])
        formulas = expected("two_layer_gradients", x=case["x"], err=case["err"], a1=case["a1"], w2=case["w2"],
                            scalar_b2=case["b2"].ndim == 0)
        for name in ("w2", "b2", "w1", "b1"):
            expect_close(f"{name}_grad", out[f"{name}_grad"], formulas[name],
                         precision_rtol(out[f"{name}_grad"], VALUE_RTOL), where(case), m,
                         shapes=accepted_shapes(case[name]), sizes=case_sizes(case))
    verify_stateless(cases, outputs, ("w1", "b1", "w2", "b2"))
