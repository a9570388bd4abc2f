# Student version, generated from reference/regularization.py by `python -m autograder make-exercises`.
# Replace each `raise NotImplementedError(...)` with your code; everything else is given.
"""Regularisation tools: the L1/L2 gradient term, inverted dropout and early stopping."""
import numpy as np


def penalty_grad(w, l1, l2, m):
    """Gradient of the penalty (l1·Σ|w| + l2/2·Σw²) / m with respect to w.

    Returns (l1·sign(w) + l2·w) / m, same shape as w. Biases are never penalised.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet: penalty_grad")


def dropout(z, rate, rng):
    """Inverted dropout at training time: zero each entry with probability ``rate``.

    Survivors are scaled by 1 / (1 − rate) so the expected value is unchanged; rate = 0 returns
    z unchanged. z: any shape; rng: a numpy Generator (``rng.random``). Returns a new array.
    At prediction time no dropout is applied at all (call sites simply do not call this).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet: dropout")


class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` consecutive epochs.

    ``update(val_loss)`` is called once per epoch (epochs numbered from 0) and returns True when
    training should stop. An epoch improves when its loss is strictly below the best so far;
    ``best_epoch`` and ``best_loss`` remember the best epoch.
    """

    def __init__(self, patience=10):
        self.patience = patience
        self.best_loss = np.inf
        self.best_epoch = None
        self.epoch = -1
        self.wait = 0

    def update(self, val_loss):
        """Record one epoch's validation loss; True once ``patience`` epochs passed without improvement."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet: EarlyStopping.update")
