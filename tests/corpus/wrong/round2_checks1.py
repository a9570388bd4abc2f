'''Wrong implementations found by an unseen corpus (issue 12, part 1): the classes of mistakes the
checks let through before, one entry per class at least. Format: tests/corpus/wrong/entries.py.'''

_MINIBATCH_LOOP = ("        for i in range(bins):\n            start = self.batch_size * i\n"
                   "            end = self.batch_size * (i + 1)\n            yield x[start:end], y[start:end]\n")
_MINIBATCH_SHUFFLE = "        indexes = np.random.permutation(length)\n        x = x[indexes]\n        y = y[indexes]\n"
_GRADIENT_STEP = ("        x[idx] = original + h\n        f_plus = f(x)\n        x[idx] = original - h\n"
                  "        f_minus = f(x)\n        x[idx] = original\n        grad[idx] = (f_plus - f_minus) / (2 * h)\n")

ENTRIES = [
    # ------------------------------------------------------------------ multiclass.py
    {
        "id": "multiclass.init_weights.ten_classes_hard_coded",
        "module": "multiclass",
        "find": ("        self.w2 = np.random.normal(0, 1, (self.units, n_classes))\n"
                 "        self.b2 = np.zeros(n_classes)\n"),
        "replace": ("        self.w2 = np.random.normal(0, 1, (self.units, 10))\n"
                    "        self.b2 = np.zeros(10)\n"),
        "target_check": "multiclass.init_weights.shapes",
        "why": "ignores n_classes and hard-codes Fashion-MNIST's 10 classes",
    },
    {
        "id": "multiclass.init_weights.classes_from_units",
        "module": "multiclass",
        "find": ("        self.w2 = np.random.normal(0, 1, (self.units, n_classes))\n"
                 "        self.b2 = np.zeros(n_classes)\n"),
        "replace": ("        self.w2 = np.random.normal(0, 1, (self.units, self.units))\n"
                    "        self.b2 = np.zeros(self.units)\n"),
        "target_check": "multiclass.init_weights.shapes",
        "why": "a square second layer (units × units): right only when units equals the number of classes",
    },

    # ------------------------------------------------------------------ minibatch.py
    {
        "id": "minibatch.gen_batch.shuffles_within_fixed_batches",
        "hint": "permute all m indexes",
        "module": "minibatch",
        "find": _MINIBATCH_SHUFFLE + _MINIBATCH_LOOP,
        "replace": ("        for i in range(bins):\n"
                    "            rows = np.arange(self.batch_size * i, min(self.batch_size * (i + 1), length))\n"
                    "            np.random.shuffle(rows)\n"
                    "            yield x[rows], y[rows]\n"),
        "target_check": "minibatch.gen_batch.shuffled",
        "why": "shuffles the rows inside each fixed batch: the same samples share a batch every epoch",
    },
    {
        "id": "minibatch.gen_batch.shuffles_batch_order_only",
        "hint": "permute all m indexes",
        "module": "minibatch",
        "find": _MINIBATCH_SHUFFLE + _MINIBATCH_LOOP,
        "replace": ("        for i in np.random.permutation(bins):\n"
                    "            start = self.batch_size * i\n"
                    "            end = self.batch_size * (i + 1)\n"
                    "            yield x[start:end], y[start:end]\n"),
        "target_check": "minibatch.gen_batch.shuffled",
        "why": "shuffles the order of fixed, consecutive batches: the batches never change",
    },
    {
        "id": "minibatch.gen_batch.python_random_shuffle",
        "hint": "from np.random",
        "module": "minibatch",
        "find": "        indexes = np.random.permutation(length)\n",
        "replace": "        import random\n        indexes = list(range(length))\n        random.shuffle(indexes)\n",
        "target_check": "minibatch.gen_batch.reproducible",
        "why": "random.shuffle from Python's random module: np.random.seed does not make the run reproducible",
    },
    {
        "id": "minibatch.gen_batch.unseeded_default_rng",
        "hint": "from np.random",
        "module": "minibatch",
        "find": "        indexes = np.random.permutation(length)\n",
        "replace": "        indexes = np.random.default_rng().permutation(length)\n",
        "target_check": "minibatch.gen_batch.reproducible",
        "why": "a new, unseeded np.random.default_rng() on every call: np.random.seed has no effect",
    },
    {
        "id": "minibatch.gen_batch.iter_over_list",
        "hint": "yield",
        "module": "minibatch",
        "find": _MINIBATCH_LOOP,
        "replace": ("        batches = [(x[i:i + self.batch_size], y[i:i + self.batch_size])\n"
                    "                   for i in range(0, length, self.batch_size)]\n"
                    "        return iter(batches)\n"),
        "target_check": "minibatch.gen_batch.generator",
        "why": "builds every batch up front and returns iter(list): an iterator, but not lazy",
    },
    {
        "id": "minibatch.gen_batch.floor_division_only",
        "hint": "last, smaller batch",
        "module": "minibatch",
        "find": "        bins = length // self.batch_size\n        if length % self.batch_size:\n            bins += 1\n",
        "replace": "        bins = length // self.batch_size\n",
        "target_check": "minibatch.gen_batch.batch_sizes",
        "why": "m // batch_size batches: the remainder batch is dropped (the message must say so)",
    },

    # ------------------------------------------------------------------ gradients.py
    {
        "id": "gradients.numerical_gradient.perturbs_copies",
        "hint": "entries of x itself",
        "module": "gradients",
        "find": _GRADIENT_STEP,
        "replace": ("        x_plus = np.array(x, dtype=float)\n        x_plus[idx] += h\n"
                    "        x_minus = np.array(x, dtype=float)\n        x_minus[idx] -= h\n"
                    "        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)\n"),
        "target_check": "gradients.numerical_gradient.values",
        "why": "perturbs private copies of x: f(lambda W: net.loss(x, t)) reads the caller's array and sees no change",
    },
    {
        "id": "gradients.numerical_gradient.ignores_h",
        "hint": "step h you were given",
        "module": "gradients",
        "find": "        x[idx] = original + h\n        f_plus = f(x)\n        x[idx] = original - h\n",
        "replace": ("        h = 1e-4\n        x[idx] = original + h\n        f_plus = f(x)\n"
                    "        x[idx] = original - h\n"),
        "target_check": "gradients.numerical_gradient.values",
        "why": "overwrites the h argument with its own step",
    },
    {
        "id": "gradients.numerical_gradient.tiny_forward_step",
        "module": "gradients",
        "find": _GRADIENT_STEP,
        "replace": ("        x[idx] = original + 1e-8\n        f_plus = f(x)\n        x[idx] = original\n"
                    "        grad[idx] = (f_plus - f(x)) / 1e-8\n"),
        "target_check": "gradients.numerical_gradient.values",
        "why": "a one-sided difference with its own tiny step: close to the derivative, but not the central "
               "difference with h",
    },

    # ------------------------------------------------------------------ regularization.py
    {
        "id": "regularization.early_stopping.minimum_improvement",
        "hint": "no minimum improvement",
        "module": "regularization",
        "find": "if val_loss < self.best_loss:",
        "replace": "if val_loss < self.best_loss - 1e-4:",
        "target_check": "regularization.early_stopping.signals",
        "why": "a hidden minimum improvement (Keras's min_delta): a strictly lower loss must count",
    },
    {
        "id": "regularization.early_stopping.relative_min_delta",
        "hint": "no minimum improvement",
        "module": "regularization",
        "find": "if val_loss < self.best_loss:",
        "replace": "if val_loss < self.best_loss * (1 - 1e-8):",
        "target_check": "regularization.early_stopping.signals",
        "why": "a relative minimum improvement of 1e-8: tiny improvements are not counted",
    },
]
