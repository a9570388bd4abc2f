# Student version, generated from reference/single_layer.py by `python -m autograder make-exercises`.
# Replace each `raise NotImplementedError(...)` with your code; everything else is given.
"""A single sigmoid neuron trained by batch gradient descent (logistic regression).

Shapes: ``x`` is (m, n); ``y`` is (m,) or (m, 1); ``w`` is (n, 1); ``b`` is a scalar.
"""
import numpy as np


class SingleLayer:
    """Logistic regression with optional L1/L2 penalties.

    Parameters are kept as attributes of the same name (``learning_rate``, ``l1``, ``l2``).
    """

    def __init__(self, learning_rate=0.1, l1=0, l2=0):
        self.w = None
        self.b = None
        self.losses = []
        self.val_losses = []
        self.w_history = []
        self.learning_rate = learning_rate
        self.l1 = l1
        self.l2 = l2

    def forpass(self, x):
        """Linear output z = x · w + b.

        x: (m, n), w: (n, 1), b: scalar  ->  z: (m, 1).
        """
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: SingleLayer.forpass")

    def backprop(self, x, err):
        """Gradients of the mean loss given err = dL/dz per sample (err = a - y).

        w_grad = xᵀ · err / m  (n, 1);  b_grad = sum(err) / m  (scalar).
        x: (m, n), err: (m, 1).
        """
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: SingleLayer.backprop")

    def activation(self, z):
        """Sigmoid 1 / (1 + exp(-z)), computed without overflow for any finite z."""
        z = np.asarray(z, dtype=float)
        return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))),
                        np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))

    def reg_loss(self):
        """Penalty l1·Σ|w| + l2/2·Σw²."""
        return self.l1 * np.sum(np.abs(self.w)) + self.l2 / 2 * np.sum(self.w ** 2)

    def fit(self, x, y, epochs=100, x_val=None, y_val=None):
        """Batch gradient descent from w = 1, b = 0, recording losses and weights.

        x: (m, n); y: (m,) or (m, 1); x_val, y_val optional, same layout.
        """
        y = np.asarray(y).reshape(-1, 1)
        m = len(x)
        self.w = np.ones((x.shape[1], 1))
        self.b = 0
        self.w_history.append(self.w.copy())
        for _ in range(epochs):
            z = self.forpass(x)
            a = self.activation(z)
            err = a - y
            w_grad, b_grad = self.backprop(x, err)
            w_grad = w_grad + (self.l1 * np.sign(self.w) + self.l2 * self.w) / m
            self.w = self.w - self.learning_rate * w_grad
            self.b = self.b - self.learning_rate * b_grad
            self.w_history.append(self.w.copy())
            self.losses.append((binary_cross_entropy_sum(y, a) + self.reg_loss()) / m)
            self.update_val_loss(x_val, y_val)
        return self

    def predict(self, x):
        """Class 1 where z > 0 (a > 0.5), else 0: (m,) booleans."""
        z = self.forpass(x)
        return (z > 0).reshape(-1)

    def score(self, x, y):
        """Accuracy of predict(x) against labels y of shape (m,)."""
        return np.mean(self.predict(x) == np.asarray(y).reshape(-1))

    def update_val_loss(self, x_val, y_val):
        """Append the mean validation loss (with penalty) to val_losses; no-op without data."""
        if x_val is None:
            return
        y_val = np.asarray(y_val).reshape(-1, 1)
        a = self.activation(self.forpass(x_val))
        self.val_losses.append((binary_cross_entropy_sum(y_val, a) + self.reg_loss()) / len(y_val))


def binary_cross_entropy_sum(y, a):
    """Σ −(y·log a + (1−y)·log(1−a)) with a clipped to [1e-10, 1 − 1e-10]."""
    a = np.clip(a, 1e-10, 1 - 1e-10)
    return np.sum(-(y * np.log(a) + (1 - y) * np.log(1 - a)))
