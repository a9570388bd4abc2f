"""Hidden checks of multiclass.py: backprop's gradients equal the formulas exactly."""
from ..multiclass import backprop
from ..networks import exercise_checks
from .networks import verify_two_layer_values

CHECKS = exercise_checks("MultiClassNetwork.backprop", "multiclass.backprop", backprop, [
    ("values", 1, "gradients equal the backpropagation formulas", verify_two_layer_values),
], hidden=True)
