"""Hidden checks of dual_layer.py: backprop's gradients equal the formulas exactly."""
from ..dual_layer import backprop
from ..networks import exercise_checks
from .networks import verify_two_layer_values

CHECKS = exercise_checks("DualLayer.backprop", "dual_layer.backprop", backprop, [
    ("values", 1, "gradients equal the backpropagation formulas", verify_two_layer_values),
], hidden=True)
