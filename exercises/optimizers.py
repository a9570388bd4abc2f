# Student version, generated from reference/optimizers.py by `python -m autograder make-exercises`.
# Replace each `raise NotImplementedError(...)` with your code; everything else is given.
"""Gradient-descent optimizers with Keras 3's update formulas.

Each optimizer's ``update(params, grads)`` takes two dicts of numpy arrays with the same keys and
updates every ``params[key]`` in place (``arr[...] = ...``), keeping its state (velocities,
moments, step counts) separately for each key. A call may pass the keys in another order than the
last one, or only some of them: a key's state changes only in the calls that pass it, and a key
passed for the first time starts from zero (Adam: its own step count t = 1, not the number of
calls so far).
"""
import numpy as np


class SGD:
    """Plain gradient descent: w ← w − lr·g."""

    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate

    def update(self, params, grads):
        """Apply w ← w − lr·g to every key, in place."""
        for key, grad in grads.items():
            params[key][...] = params[key] - self.learning_rate * grad


class Momentum:
    """Keras's SGD(momentum=μ): v ← μ·v − lr·g;  w ← w + v  (v starts at 0, one v per key)."""

    def __init__(self, learning_rate=0.01, momentum=0.9):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.velocities = {}

    def update(self, params, grads):
        """One momentum step for every key, in place."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: Momentum.update")


class RMSProp:
    """Keras's RMSprop: s ← ρ·s + (1 − ρ)·g²;  w ← w − lr·g / sqrt(s + ε)  (ε inside the root)."""

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon
        self.mean_squares = {}

    def update(self, params, grads):
        """One RMSprop step for every key, in place."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: RMSProp.update")


class Adam:
    """Keras's Adam, with the bias correction folded into the step size (ε-hat form).

    t ← t + 1;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
    α_t = lr·sqrt(1 − β2^t) / (1 − β1^t);  w ← w − α_t·m / (sqrt(v) + ε).
    m, v and t are kept per key.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.first_moments = {}
        self.second_moments = {}
        self.steps = {}

    def update(self, params, grads):
        """One Adam step for every key, in place."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: Adam.update")
