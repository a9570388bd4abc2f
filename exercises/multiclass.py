# Student version, generated from reference/multiclass.py by `python -m autograder make-exercises`.
# Replace each `raise NotImplementedError(...)` with your code; everything else is given.
"""A two-layer network for multi-class classification: sigmoid hidden layer, softmax output,
cross-entropy loss, mini-batch training.

Shapes: x (m, n); y one-hot (m, k); w1 (n, units); b1 (units,); a1 (m, units);
w2 (units, k); b2 (k,).
"""
import numpy as np

from .minibatch import MinibatchNetwork
from .regularization import penalty_grad


class MultiClassNetwork:
    """Softmax classifier with one sigmoid hidden layer; ``optimizer`` (an object with
    ``update(params, grads)``) replaces plain gradient descent when given."""

    def __init__(self, units=10, batch_size=32, learning_rate=0.1, l1=0, l2=0, optimizer=None):
        self.units = units
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.l1 = l1
        self.l2 = l2
        self.optimizer = optimizer
        self.w1 = None
        self.b1 = None
        self.w2 = None
        self.b2 = None
        self.a1 = None
        self.losses = []
        self.val_losses = []

    def sigmoid(self, z):
        """Sigmoid 1 / (1 + exp(−z)), elementwise, finite for any finite z."""
        z = np.asarray(z, dtype=float)
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def softmax(self, z):
        """Row-wise softmax exp(z_ij) / Σ_j exp(z_ij) of z (m, k) -> (m, k), rows summing to 1.

        Subtracting each row's maximum first keeps exp from overflowing for any finite z.
        """
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: MultiClassNetwork.softmax")

    def init_weights(self, n_features, n_classes):
        """w1 ~ N(0, 1) (n, units), b1 = 0 (units,), w2 ~ N(0, 1) (units, k), b2 = 0 (k,)."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: MultiClassNetwork.init_weights")

    def forpass(self, x):
        """z1 = x·w1 + b1; a1 = sigmoid(z1) (kept in self.a1); z2 = a1·w2 + b2 -> (m, k)."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: MultiClassNetwork.forpass")

    def backprop(self, x, err):
        """Gradients of the mean loss given err = dL/dz2 (m, k), using self.a1.

        w2_grad = a1ᵀ·err/m (units, k); b2_grad = Σ_rows err/m (k,);
        e1 = err·w2ᵀ ⊙ a1 ⊙ (1 − a1); w1_grad = xᵀ·e1/m (n, units); b1_grad = Σ_rows e1/m (units,).
        Returns (w1_grad, b1_grad, w2_grad, b2_grad).
        """
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: MultiClassNetwork.backprop")

    def training(self, x, y):
        """One update on a mini-batch: a = softmax(forpass(x)); err = dL/dz2 of the
        cross-entropy; gradients (+ L1/L2 term) applied by the optimizer or by gradient descent.

        x (m, n), y one-hot (m, k); returns a (m, k).
        """
        m = len(x)
        z = self.forpass(x)
        a = self.softmax(z)
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: MultiClassNetwork.training")
        w1_grad, b1_grad, w2_grad, b2_grad = self.backprop(x, err)
        grads = {
            "w1": w1_grad + penalty_grad(self.w1, self.l1, self.l2, m),
            "b1": b1_grad,
            "w2": w2_grad + penalty_grad(self.w2, self.l1, self.l2, m),
            "b2": b2_grad,
        }
        self.apply_gradients(grads)
        return a

    def apply_gradients(self, grads):
        """Update w1, b1, w2, b2 from a dict of gradients (optimizer, or w ← w − lr·g)."""
        params = {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}
        if self.optimizer is not None:
            self.optimizer.update(params, grads)
            self.w1, self.b1, self.w2, self.b2 = (params[k] for k in ("w1", "b1", "w2", "b2"))
        else:
            self.w1 = self.w1 - self.learning_rate * grads["w1"]
            self.b1 = self.b1 - self.learning_rate * grads["b1"]
            self.w2 = self.w2 - self.learning_rate * grads["w2"]
            self.b2 = self.b2 - self.learning_rate * grads["b2"]

    gen_batch = MinibatchNetwork.gen_batch

    def fit(self, x, y, epochs=100, x_val=None, y_val=None):
        """Mini-batch training from np.random.seed(42); y one-hot (m, k); records losses."""
        np.random.seed(42)
        self.init_weights(x.shape[1], y.shape[1])
        for _ in range(epochs):
            loss = 0
            for x_batch, y_batch in self.gen_batch(x, y):
                a = self.training(x_batch, y_batch)
                loss += cross_entropy_sum(y_batch, a)
            self.losses.append((loss + self.reg_loss()) / len(x))
            self.update_val_loss(x_val, y_val)
        return self

    def predict(self, x):
        """Predicted class indices argmax_j z2_ij: (m,)."""
        return np.argmax(self.forpass(x), axis=1)

    def score(self, x, y):
        """Accuracy of predict(x) against one-hot targets y (m, k)."""
        return np.mean(self.predict(x) == np.argmax(y, axis=1))

    def reg_loss(self):
        """Penalty on both weight matrices: l1·Σ|w| + l2/2·Σw²."""
        weights = (self.w1, self.w2)
        return (self.l1 * sum(np.sum(np.abs(w)) for w in weights)
                + self.l2 / 2 * sum(np.sum(w ** 2) for w in weights))

    def update_val_loss(self, x_val, y_val):
        """Append the mean validation cross-entropy (with penalty); no-op without data."""
        if x_val is None:
            return
        a = self.softmax(self.forpass(x_val))
        self.val_losses.append((cross_entropy_sum(y_val, a) + self.reg_loss()) / len(y_val))


def cross_entropy_sum(y, a):
    """Σ −y·log(a) over all samples and classes, with a clipped to [1e-10, 1 − 1e-10]."""
    return np.sum(-y * np.log(np.clip(a, 1e-10, 1 - 1e-10)))
