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
    directly; x is left exactly as it came. Returns an array of x's shape (float64).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet: numerical_gradient")
