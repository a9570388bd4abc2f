"""Numerical differentiation by central differences (to check analytic gradients)."""
import numpy as np


def numerical_diff(f, x, h=1e-4):
    """Central difference (f(x + h) − f(x − h)) / (2h) of a scalar function at scalar x."""
    ### BEGIN SOLUTION
    return (f(x + h) - f(x - h)) / (2 * h)
    ### END SOLUTION


def numerical_gradient(f, x, h=1e-4):
    """Gradient of scalar f at array x by central differences, one entry at a time.

    x is perturbed in place and each entry restored before the next, so f may read x
    directly; x is left exactly as it came. Returns an array of x's shape, float64 whatever
    x's dtype (a float32 x is perturbed in float32 but gives float64 gradients). An integer x
    cannot hold x ± h (the perturbation would be truncated, every difference 0): it is left
    untouched and a float64 copy of it is perturbed instead, so f must then use its argument.
    """
    ### BEGIN SOLUTION
    if not np.issubdtype(np.asarray(x).dtype, np.floating):
        x = np.array(x, dtype=float)  # an integer array would truncate x ± h to x
    grad = np.zeros(np.shape(x), dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        original = x[idx]
        x[idx] = original + h
        f_plus = f(x)
        x[idx] = original - h
        f_minus = f(x)
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION
