# Student version, generated from reference/minibatch.py by `python -m autograder make-exercises`.
# Replace each `raise NotImplementedError(...)` with your code; everything else is given.
"""Mini-batch gradient descent for the two-layer binary network."""
import numpy as np

from .dual_layer import RandomInitNetwork
from .single_layer import binary_cross_entropy_sum


class MinibatchNetwork(RandomInitNetwork):
    """RandomInitNetwork trained on shuffled mini-batches of ``batch_size`` samples."""

    def __init__(self, units=10, batch_size=32, learning_rate=0.1, l1=0, l2=0):
        super().__init__(units=units, learning_rate=learning_rate, l1=l1, l2=l2)
        self.batch_size = batch_size

    def gen_batch(self, x, y):
        """Yield (x_batch, y_batch) pairs covering every sample exactly once, in a new random order.

        Reshuffles with np.random on every call; rows of x and y stay paired; batches hold
        ``batch_size`` samples except the last, which holds the remainder. x: (m, n), y: (m, ...).
        """
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: MinibatchNetwork.gen_batch")

    def fit(self, x, y, epochs=100, x_val=None, y_val=None):
        """Mini-batch gradient descent; np.random is seeded with 42 before the initial weights and
        again before the first shuffle (the course's reproducible run); records per-epoch losses."""
        y = np.asarray(y).reshape(-1, 1)
        np.random.seed(42)
        self.init_weights(x.shape[1])
        np.random.seed(42)
        for _ in range(epochs):
            loss = 0
            for x_batch, y_batch in self.gen_batch(x, y):
                m = len(x_batch)
                a = self.training(x_batch, y_batch, m)
                loss += binary_cross_entropy_sum(y_batch, a)
            self.losses.append((loss + self.reg_loss()) / len(x))
            self.update_val_loss(x_val, y_val)
        return self
