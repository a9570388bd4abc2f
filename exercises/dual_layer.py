# Student version, generated from reference/dual_layer.py by `python -m autograder make-exercises`.
# Replace each `raise NotImplementedError(...)` with your code; everything else is given.
"""A two-layer network (sigmoid hidden layer, sigmoid output) for binary classification.

Shapes: x (m, n); w1 (n, units); b1 (units,); a1 (m, units); w2 (units, 1); b2 scalar.
"""
import numpy as np

from .regularization import penalty_grad
from .single_layer import SingleLayer, binary_cross_entropy_sum


class DualLayer(SingleLayer):
    """Two layers trained by batch gradient descent, weights initialised to ones/zeros."""

    def __init__(self, units=10, learning_rate=0.1, l1=0, l2=0):
        super().__init__(learning_rate=learning_rate, l1=l1, l2=l2)
        self.units = units
        self.w1 = None
        self.b1 = None
        self.w2 = None
        self.b2 = None
        self.a1 = None

    def forpass(self, x):
        """z1 = x·w1 + b1; a1 = sigmoid(z1) (kept in self.a1); z2 = a1·w2 + b2.

        x: (m, n)  ->  z2: (m, 1).
        """
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: DualLayer.forpass")

    def backprop(self, x, err):
        """Gradients of the mean loss given err = dL/dz2 per sample, using self.a1.

        w2_grad = a1ᵀ·err/m (units, 1); b2_grad = Σerr/m (scalar);
        e1 = err·w2ᵀ ⊙ a1 ⊙ (1 − a1) (m, units);
        w1_grad = xᵀ·e1/m (n, units); b1_grad = Σ_rows e1/m (units,).
        Returns (w1_grad, b1_grad, w2_grad, b2_grad).
        """
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: DualLayer.backprop")

    def init_weights(self, n_features):
        """The course's fixed start: w1 = 1 (n, units), b1 = 0 (units,), w2 = 1 (units, 1), b2 = 0."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: DualLayer.init_weights")

    def training(self, x, y, m):
        """One gradient-descent step on (x, y); returns the output activation a (m, 1)."""
        z = self.forpass(x)
        a = self.activation(z)
        err = a - y
        w1_grad, b1_grad, w2_grad, b2_grad = self.backprop(x, err)
        w1_grad = w1_grad + penalty_grad(self.w1, self.l1, self.l2, m)
        w2_grad = w2_grad + penalty_grad(self.w2, self.l1, self.l2, m)
        self.w1 = self.w1 - self.learning_rate * w1_grad
        self.b1 = self.b1 - self.learning_rate * b1_grad
        self.w2 = self.w2 - self.learning_rate * w2_grad
        self.b2 = self.b2 - self.learning_rate * b2_grad
        return a

    def reg_loss(self):
        """Penalty on both weight matrices: l1·Σ|w| + l2/2·Σw²."""
        weights = (self.w1, self.w2)
        return (self.l1 * sum(np.sum(np.abs(w)) for w in weights)
                + self.l2 / 2 * sum(np.sum(w ** 2) for w in weights))

    def fit(self, x, y, epochs=100, x_val=None, y_val=None):
        """Batch gradient descent for ``epochs`` epochs; x (m, n), y (m,) or (m, 1)."""
        y = np.asarray(y).reshape(-1, 1)
        m = len(x)
        self.init_weights(x.shape[1])
        for _ in range(epochs):
            a = self.training(x, y, m)
            self.losses.append((binary_cross_entropy_sum(y, a) + self.reg_loss()) / m)
            self.update_val_loss(x_val, y_val)
        return self


class RandomInitNetwork(DualLayer):
    """DualLayer whose weights start from N(0, 1) (biases zero)."""

    def init_weights(self, n_features):
        """w1 ~ N(0, 1) (n, units), b1 = 0, w2 ~ N(0, 1) (units, 1), b2 = 0, drawn with np.random."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: RandomInitNetwork.init_weights")

    def fit(self, x, y, epochs=100, x_val=None, y_val=None):
        """As DualLayer.fit, seeding np.random with 42 first (the course's reproducible start)."""
        np.random.seed(42)
        return super().fit(x, y, epochs=epochs, x_val=x_val, y_val=y_val)


class XavierInitNetwork(RandomInitNetwork):
    """DualLayer with Keras's glorot_uniform start: U(−limit, limit), limit = sqrt(6 / (fan_in + fan_out))."""

    def init_weights(self, n_features):
        """w1 ~ U(±sqrt(6/(n+units))) (n, units), w2 ~ U(±sqrt(6/(units+1))) (units, 1), biases 0."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: XavierInitNetwork.init_weights")
