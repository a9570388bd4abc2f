# Student version, generated from reference/gradients.py by `python -m autograder make-exercises`.
# Replace each `raise NotImplementedError(...)` with your code; everything else is given.
"""Numerical differentiation by central differences (to check analytic gradients)."""
import numpy as np


def numerical_diff(f, x, h=1e-4):
    """Central difference (f(x + h) − f(x − h)) / (2h) of a scalar function at scalar x."""
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet: numerical_diff")


def numerical_gradient(f, x, h=1e-4):
    """Gradient of scalar f at array x by central differences, one entry at a time.

    x is perturbed in place and each entry restored before the next, so f may read x
    directly; x is left exactly as it came. Returns an array of x's shape, float64 whatever
    x's dtype (a float32 x is perturbed in float32 but gives float64 gradients). An integer x
    cannot hold x ± h (the perturbation would be truncated, every difference 0): it is left
    untouched and a float64 copy of it is perturbed instead, so f must then use its argument.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet: numerical_gradient")
