'''A corpus of realistic wrong implementations, one per entry, for tests/test_wrong_implementations.py.

Each entry is a plain dict:

``id``
    a unique, readable name (``<module>.<exercise>.<mistake>``).
``module``
    the course module (``reference/<module>.py``) the mistake is made in.
``find`` / ``replace``
    an exact text substitution applied to that module's reference source. ``find`` must occur
    exactly once, so an entry cannot silently go stale when the reference changes.
``target_check``
    the id of the check (``autograder.checks.ALL_CHECKS``) that must reject the mistake:
    it must earn less than its full points.
``why``
    what the student got wrong, and why it is wrong.
``outcome`` (optional)
    ``"failed"`` (default): the check must reject the values the submission returned;
    ``"error"``: the mistake makes the submission raise, which the check reports as an error.

Entries are mostly mistakes in the solution regions (``### BEGIN SOLUTION`` … ``### END
SOLUTION``); the convergence entries also break given code (the fit loops), which only the
convergence checks exercise. Seeded bugs from the course's bug reports are marked "seed:" in
``why``.
'''

ENTRIES = [
    # ------------------------------------------------------------------ single_layer.py
    {
        "id": "single_layer.forpass.no_bias",
        "hint": "bias is missing",
        "module": "single_layer",
        "find": "z = np.dot(x, self.w) + self.b",
        "replace": "z = np.dot(x, self.w)",
        "target_check": "single_layer.forpass.values",
        "why": "forgets the bias: z = x·w",
    },
    {
        "id": "single_layer.forpass.transposed",
        "hint": "transposed",
        "module": "single_layer",
        "find": "z = np.dot(x, self.w) + self.b",
        "replace": "z = np.dot(self.w.T, x.T) + self.b",
        "target_check": "single_layer.forpass.values",
        "why": "transposed product: z comes back (1, m) instead of (m, 1)",
    },
    {
        "id": "single_layer.forpass.scales_x_in_place",
        "hint": "in place",
        "module": "single_layer",
        "find": "        z = np.dot(x, self.w) + self.b\n",
        "replace": "        x *= self.w.T\n        z = np.sum(x, axis=1, keepdims=True) + self.b\n",
        "target_check": "single_layer.forpass.inputs_untouched",
        "why": "computes x·w as Σ x⊙wᵀ with an in-place product: right z, but the caller's x is destroyed",
    },
    {
        "id": "single_layer.backprop.transposed",
        "hint": "transposed",
        "module": "single_layer",
        "find": "w_grad = np.dot(x.T, err) / m",
        "replace": "w_grad = np.dot(err.T, x) / m",
        "target_check": "single_layer.backprop.shapes",
        "why": "transposed product errᵀ·x: w_grad of shape (1, n) instead of (n, 1)",
    },
    {
        "id": "single_layer.backprop.bias_not_summed",
        "hint": "sum over all samples",
        "module": "single_layer",
        "find": "b_grad = np.sum(err) / m",
        "replace": "b_grad = err / m",
        "target_check": "single_layer.backprop.shapes",
        "why": "bias gradient not summed over the samples: one value per sample",
    },
    {
        "id": "single_layer.backprop.missing_m",
        "hint": "factor of m",
        "module": "single_layer",
        "find": "w_grad = np.dot(x.T, err) / m",
        "replace": "w_grad = np.dot(x.T, err)",
        "target_check": "single_layer.backprop.gradient",
        "why": "weight gradient not divided by m: the gradient of the summed, not the mean, loss",
    },
    {
        "id": "single_layer.backprop.err_y_minus_a_inside",
        "hint": "sign is flipped",
        "module": "single_layer",
        "find": "w_grad = np.dot(x.T, err) / m\n        b_grad = np.sum(err) / m",
        "replace": "w_grad = -np.dot(x.T, err) / m\n        b_grad = -np.sum(err) / m",
        "target_check": "single_layer.backprop.gradient",
        "why": "negates the gradients (thinking of err = y − a): gradient ascent",
    },
    {
        "id": "single_layer.backprop.bias_missing_m",
        "hint": "factor of m",
        "module": "single_layer",
        "find": "b_grad = np.sum(err) / m",
        "replace": "b_grad = np.sum(err)",
        "target_check": "single_layer.backprop.values",
        "why": "bias gradient not divided by m",
    },
    {
        "id": "single_layer.backprop.divides_err_in_place",
        "hint": "in place",
        "module": "single_layer",
        "find": "w_grad = np.dot(x.T, err) / m\n        b_grad = np.sum(err) / m",
        "replace": "err /= m\n        w_grad = np.dot(x.T, err)\n        b_grad = np.sum(err)",
        "target_check": "single_layer.backprop.inputs_untouched",
        "why": "divides err by m in place: right gradients, but the caller's err is changed",
    },
    {
        "id": "single_layer.fit.err_y_minus_a",
        "module": "single_layer",
        "find": "            err = a - y\n",
        "replace": "            err = y - a\n",
        "target_check": "convergence.breast_cancer.single_layer",
        "why": "given fit loop with err = y − a: every step climbs the loss",
    },

    # ------------------------------------------------------------------ dual_layer.py
    {
        "id": "dual_layer.forpass.a1_is_z1",
        "hint": "before the sigmoid",
        "module": "dual_layer",
        "find": "self.a1 = self.activation(z1)\n        z2 = np.dot(self.a1, self.w2) + self.b2",
        "replace": "self.a1 = z1\n        z2 = np.dot(self.activation(z1), self.w2) + self.b2",
        "target_check": "dual_layer.forpass.values",
        "why": "keeps the pre-activation z1 in self.a1 (backprop needs the activation)",
    },
    {
        "id": "dual_layer.forpass.sigmoid_on_output",
        "hint": "return the logits",
        "module": "dual_layer",
        "find": "        return z2\n",
        "replace": "        return self.activation(z2)\n",
        "target_check": "dual_layer.forpass.values",
        "why": "returns the output activation a2 instead of the logit z2",
    },
    {
        "id": "dual_layer.forpass.a1_not_stored",
        "hint": "self.a1",
        "module": "dual_layer",
        "find": "self.a1 = self.activation(z1)\n        z2 = np.dot(self.a1, self.w2) + self.b2",
        "replace": "a1 = self.activation(z1)\n        z2 = np.dot(a1, self.w2) + self.b2",
        "target_check": "dual_layer.forpass.values",
        "why": "keeps a1 in a local variable: backprop then reads a stale (or no) self.a1",
    },
    {
        "id": "dual_layer.forpass.centres_x_in_place",
        "hint": "in place",
        "module": "dual_layer",
        "find": "        z1 = np.dot(x, self.w1) + self.b1\n",
        "replace": "        z1 = np.dot(x, self.w1) + self.b1\n        x -= np.mean(x, axis=0)\n",
        "target_check": "dual_layer.forpass.inputs_untouched",
        "why": "right z2, but then centres x in place 'for the next call', changing the caller's x",
    },
    {
        "id": "dual_layer.backprop.no_sigmoid_derivative",
        "hint": "a1(1 − a1)",
        "module": "dual_layer",
        "find": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
        "replace": "err_to_hidden = np.dot(err, self.w2.T)",
        "target_check": "dual_layer.backprop.gradient",
        "why": "hidden error not multiplied by the sigmoid derivative a1(1 − a1)",
    },
    {
        "id": "dual_layer.backprop.sigmoid_derivative_plus",
        "hint": "a1(1 − a1)",
        "module": "dual_layer",
        "find": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
        "replace": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 + self.a1)",
        "target_check": "dual_layer.backprop.gradient",
        "why": "sigmoid derivative written a(1 + a)",
    },
    {
        "id": "dual_layer.backprop.no_w2",
        "hint": "w2ᵀ",
        "module": "dual_layer",
        "find": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
        "replace": "err_to_hidden = err * self.a1 * (1 - self.a1)",
        "target_check": "dual_layer.backprop.gradient",
        "why": "hidden error not multiplied by w2ᵀ (broadcasts silently for a single output)",
    },
    {
        "id": "dual_layer.backprop.half_sigmoid_derivative",
        "hint": "a1(1 − a1)",
        "module": "dual_layer",
        "find": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
        "replace": "err_to_hidden = np.dot(err, self.w2.T) * (1 - self.a1)",
        "target_check": "dual_layer.backprop.gradient",
        "why": "half the sigmoid derivative, (1 − a1) without a1 (breast-cancer training still "
               "converges with it: only the gradient check sees it)",
    },
    {
        "id": "dual_layer.backprop.w2_grad_transposed",
        "hint": "transposed",
        "module": "dual_layer",
        "find": "w2_grad = np.dot(self.a1.T, err) / m",
        "replace": "w2_grad = np.dot(err.T, self.a1) / m",
        "target_check": "dual_layer.backprop.shapes",
        "why": "transposed product errᵀ·a1: w2_grad (1, units) instead of (units, 1)",
    },
    {
        "id": "dual_layer.backprop.b1_wrong_axis",
        "hint": "axis=0",
        "module": "dual_layer",
        "find": "b1_grad = np.sum(err_to_hidden, axis=0) / m",
        "replace": "b1_grad = np.sum(err_to_hidden, axis=1) / m",
        "target_check": "dual_layer.backprop.shapes",
        "why": "hidden bias gradient summed over the units instead of the samples",
    },
    {
        "id": "dual_layer.backprop.b1_summed_to_scalar",
        "hint": "axis=0",
        "module": "dual_layer",
        "find": "b1_grad = np.sum(err_to_hidden, axis=0) / m",
        "replace": "b1_grad = np.sum(err_to_hidden) / m",
        "target_check": "dual_layer.backprop.shapes",
        "why": "hidden bias gradient summed over everything: one number for all units",
    },
    {
        "id": "dual_layer.backprop.w1_missing_m",
        "hint": "factor of m",
        "module": "dual_layer",
        "find": "w1_grad = np.dot(x.T, err_to_hidden) / m",
        "replace": "w1_grad = np.dot(x.T, err_to_hidden)",
        "target_check": "dual_layer.backprop.values",
        "why": "first-layer weight gradient not divided by m",
    },
    {
        "id": "dual_layer.backprop.divides_err_in_place",
        "hint": "in place",
        "module": "dual_layer",
        "find": ("        w2_grad = np.dot(self.a1.T, err) / m\n"
                 "        b2_grad = np.sum(err) / m\n"
                 "        err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)\n"
                 "        w1_grad = np.dot(x.T, err_to_hidden) / m\n"
                 "        b1_grad = np.sum(err_to_hidden, axis=0) / m\n"),
        "replace": ("        err /= m\n"
                    "        w2_grad = np.dot(self.a1.T, err)\n"
                    "        b2_grad = np.sum(err)\n"
                    "        err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)\n"
                    "        w1_grad = np.dot(x.T, err_to_hidden)\n"
                    "        b1_grad = np.sum(err_to_hidden, axis=0)\n"),
        "target_check": "dual_layer.backprop.inputs_untouched",
        "why": "divides err by m once, in place: right gradients, but the caller's err is changed",
    },
    {
        "id": "dual_layer.init_weights.random_start",
        "hint": "np.ones",
        "module": "dual_layer",
        "find": "self.w1 = np.ones((n_features, self.units))",
        "replace": "self.w1 = np.random.normal(0, 1, (n_features, self.units))",
        "target_check": "dual_layer.init_weights.values",
        "why": "random first-layer weights where the course's fixed start is all ones",
    },
    {
        "id": "dual_layer.init_weights.w2_flat",
        "hint": "dimension of size 1",
        "module": "dual_layer",
        "find": "self.w2 = np.ones((self.units, 1))",
        "replace": "self.w2 = np.ones(self.units)",
        "target_check": "dual_layer.init_weights.shapes",
        "why": "w2 as a flat vector (units,) instead of a column (units, 1)",
    },
    {
        "id": "dual_layer.random_init.zeros",
        "hint": "np.random.normal(0, 1",
        "module": "dual_layer",
        "find": "self.w1 = np.random.normal(0, 1, (n_features, self.units))",
        "replace": "self.w1 = np.zeros((n_features, self.units))",
        "target_check": "random_init.init_weights.distribution",
        "why": "zero initialisation: every hidden unit stays identical",
    },
    {
        "id": "dual_layer.random_init.uniform_rand",
        "hint": "np.random.normal(0, 1",
        "module": "dual_layer",
        "find": "self.w1 = np.random.normal(0, 1, (n_features, self.units))",
        "replace": "self.w1 = np.random.rand(n_features, self.units)",
        "target_check": "random_init.init_weights.distribution",
        "why": "np.random.rand (uniform on [0, 1)) instead of np.random.randn (N(0, 1))",
    },
    {
        "id": "dual_layer.random_init.small_std",
        "hint": "standard deviation 1",
        "module": "dual_layer",
        "find": "self.w2 = np.random.normal(0, 1, (self.units, 1))",
        "replace": "self.w2 = np.random.normal(0, 0.01, (self.units, 1))",
        "target_check": "random_init.init_weights.distribution",
        "why": "N(0, 0.01²) for w2 (a habit from other courses) instead of N(0, 1)",
    },
    {
        "id": "dual_layer.random_init.unseeded_generator",
        "hint": "draw with np.random",
        "module": "dual_layer",
        "find": "self.w1 = np.random.normal(0, 1, (n_features, self.units))",
        "replace": "self.w1 = np.random.default_rng().normal(0, 1, (n_features, self.units))",
        "target_check": "random_init.init_weights.seeded",
        "why": "draws from a fresh default_rng(): np.random.seed no longer makes runs reproducible",
    },
    {
        "id": "dual_layer.random_init.w2_row",
        "hint": "transposed",
        "module": "dual_layer",
        "find": "self.w2 = np.random.normal(0, 1, (self.units, 1))",
        "replace": "self.w2 = np.random.normal(0, 1, (1, self.units))",
        "target_check": "random_init.init_weights.shapes",
        "why": "w2 drawn as a row (1, units)",
    },
    {
        "id": "dual_layer.xavier.normal_2_over_sqrt",
        "hint": "draws from a uniform",
        "module": "dual_layer",
        "find": "self.w1 = np.random.uniform(-limit1, limit1, (n_features, self.units))",
        "replace": "self.w1 = np.random.normal(0, 2 / np.sqrt(n_features + self.units), (n_features, self.units))",
        "target_check": "xavier_init.init_weights.distribution",
        "why": "seed: Xavier as a normal with std 2/sqrt(n + units) instead of glorot_uniform",
    },
    {
        "id": "dual_layer.xavier.glorot_normal",
        "hint": "draws from a uniform",
        "module": "dual_layer",
        "find": "self.w1 = np.random.uniform(-limit1, limit1, (n_features, self.units))",
        "replace": "self.w1 = np.random.normal(0, np.sqrt(2 / (n_features + self.units)), (n_features, self.units))",
        "target_check": "xavier_init.init_weights.distribution",
        "why": "glorot_normal (same variance) where the exercise asks for glorot_uniform",
    },
    {
        "id": "dual_layer.xavier.fan_in_only",
        "hint": "fan_in + fan_out",
        "module": "dual_layer",
        "find": "limit1 = np.sqrt(6 / (n_features + self.units))",
        "replace": "limit1 = np.sqrt(6 / n_features)",
        "target_check": "xavier_init.init_weights.distribution",
        "why": "limit from fan_in only (He-style) instead of fan_in + fan_out",
    },
    {
        "id": "dual_layer.xavier.same_limit_both_layers",
        "hint": "sizes of this layer",
        "module": "dual_layer",
        "find": "limit2 = np.sqrt(6 / (self.units + 1))",
        "replace": "limit2 = limit1",
        "target_check": "xavier_init.init_weights.distribution",
        "why": "reuses the first layer's limit for w2, whose fans are (units, 1)",
    },
    {
        "id": "dual_layer.xavier.seeds_itself",
        "hint": "np.random.seed inside",
        "module": "dual_layer",
        "find": "        limit1 = np.sqrt(6 / (n_features + self.units))\n",
        "replace": "        np.random.seed(0)\n        limit1 = np.sqrt(6 / (n_features + self.units))\n",
        "target_check": "xavier_init.init_weights.seeded",
        "why": "seeds np.random inside init_weights: the same weights whatever the caller's seed",
    },
    {
        "id": "dual_layer.xavier.w1_transposed",
        "hint": "transposed",
        "module": "dual_layer",
        "find": "self.w1 = np.random.uniform(-limit1, limit1, (n_features, self.units))",
        "replace": "self.w1 = np.random.uniform(-limit1, limit1, (self.units, n_features))",
        "target_check": "xavier_init.init_weights.shapes",
        "why": "w1 drawn with the transposed shape (units, n)",
    },
    {
        "id": "dual_layer.training.err_y_minus_a",
        "module": "dual_layer",
        "find": "err = a - y",
        "replace": "err = y - a",
        "target_check": "convergence.breast_cancer.dual_layer",
        "why": "given training step with err = y − a: gradient ascent on the loss",
    },
    {
        "id": "dual_layer.training.logits_minus_y",
        "module": "dual_layer",
        "find": "        a = self.activation(z)\n        err = a - y\n",
        "replace": "        a = self.activation(z)\n        err = z - y\n",
        "target_check": "convergence.breast_cancer.random_init",
        "why": "given training step with err = z − y: the logit instead of the activation",
    },

    # ------------------------------------------------------------------ minibatch.py
    {
        "id": "minibatch.gen_batch.drops_remainder",
        "hint": "last, smaller batch",
        "module": "minibatch",
        "find": "        if length % self.batch_size:\n            bins += 1\n",
        "replace": "",
        "target_check": "minibatch.gen_batch.each_sample_once",
        "why": "seed: drops the last, smaller batch (m // batch_size batches)",
    },
    {
        "id": "minibatch.gen_batch.never_shuffles",
        "hint": "np.random.permutation",
        "module": "minibatch",
        "find": "indexes = np.random.permutation(length)",
        "replace": "indexes = np.arange(length)",
        "target_check": "minibatch.gen_batch.shuffled",
        "why": "seed: never shuffles: the same batches in the same order every epoch",
    },
    {
        "id": "minibatch.gen_batch.separate_permutations",
        "hint": "same permutation",
        "module": "minibatch",
        "find": "x = x[indexes]\n        y = y[indexes]",
        "replace": "x = x[indexes]\n        y = y[np.random.permutation(length)]",
        "target_check": "minibatch.gen_batch.pairs",
        "why": "seed: x and y shuffled with different permutations: samples lose their labels",
    },
    {
        "id": "minibatch.gen_batch.with_replacement",
        "hint": "permutation of the indexes",
        "module": "minibatch",
        "find": "indexes = np.random.permutation(length)",
        "replace": "indexes = np.random.choice(length, length)",
        "target_check": "minibatch.gen_batch.each_sample_once",
        "why": "seed: np.random.choice with replacement: some samples repeat, others are missing",
    },
    {
        "id": "minibatch.gen_batch.shuffles_in_place",
        "hint": "in place",
        "module": "minibatch",
        "find": "indexes = np.random.permutation(length)\n        x = x[indexes]\n        y = y[indexes]",
        "replace": ("state = np.random.get_state()\n        np.random.shuffle(x)\n"
                    "        np.random.set_state(state)\n        np.random.shuffle(y)"),
        "target_check": "minibatch.gen_batch.inputs_untouched",
        "why": "seed: np.random.shuffle on the caller's x and y (same state, so pairs survive): "
               "shuffles the caller's arrays in place",
    },
    {
        "id": "minibatch.gen_batch.shuffles_x_only_in_place",
        "hint": "same permutation",
        "module": "minibatch",
        "find": "indexes = np.random.permutation(length)\n        x = x[indexes]\n        y = y[indexes]",
        "replace": "np.random.shuffle(x)",
        "target_check": "minibatch.gen_batch.pairs",
        "why": "np.random.shuffle(x) alone: x in place, y left in order, pairs broken",
    },
    {
        "id": "minibatch.gen_batch.returns_list",
        "hint": "yield",
        "module": "minibatch",
        "find": ("        for i in range(bins):\n            start = self.batch_size * i\n"
                 "            end = self.batch_size * (i + 1)\n            yield x[start:end], y[start:end]\n"),
        "replace": ("        batches = []\n        for i in range(bins):\n            start = self.batch_size * i\n"
                    "            end = self.batch_size * (i + 1)\n"
                    "            batches.append((x[start:end], y[start:end]))\n        return batches\n"),
        "target_check": "minibatch.gen_batch.generator",
        "why": "builds and returns a list of batches instead of yielding them",
    },
    {
        "id": "minibatch.gen_batch.array_split",
        "hint": "remainder last",
        "module": "minibatch",
        "find": ("        for i in range(bins):\n            start = self.batch_size * i\n"
                 "            end = self.batch_size * (i + 1)\n            yield x[start:end], y[start:end]\n"),
        "replace": ("        for part in np.array_split(np.arange(length), bins):\n"
                    "            yield x[part], y[part]\n"),
        "target_check": "minibatch.gen_batch.batch_sizes",
        "why": "np.array_split into ceil(m / batch_size) near-equal batches: not batch_size each",
    },
    {
        "id": "minibatch.gen_batch.seeds_itself",
        "hint": "new permutation on every call",
        "module": "minibatch",
        "find": "        indexes = np.random.permutation(length)\n",
        "replace": "        np.random.seed(0)\n        indexes = np.random.permutation(length)\n",
        "target_check": "minibatch.gen_batch.shuffled",
        "why": "seeds np.random inside gen_batch: every epoch sees the same order",
    },
    {
        "id": "minibatch.fit.restarts_every_epoch",
        "module": "minibatch",
        "find": "        np.random.seed(42)\n        for _ in range(epochs):\n",
        "replace": ("        for _ in range(epochs):\n            np.random.seed(42)\n"
                    "            self.init_weights(x.shape[1])\n"),
        "target_check": "convergence.breast_cancer.minibatch",
        "why": "given fit loop re-seeds and re-initialises the weights inside the epoch loop: "
               "every epoch starts training from scratch",
    },
    {
        "id": "minibatch.gen_batch.pairs_broken_for_training",
        "module": "minibatch",
        "find": "x = x[indexes]\n        y = y[indexes]",
        "replace": "x = x[indexes]\n        y = y[np.random.permutation(length)]",
        "target_check": "convergence.breast_cancer.minibatch",
        "why": "x and y shuffled independently: the network trains on random labels",
    },

    # ------------------------------------------------------------------ multiclass.py
    {
        "id": "multiclass.softmax.axis0",
        "hint": "axis=1",
        "module": "multiclass",
        "find": ("shifted = z - np.max(z, axis=1, keepdims=True)\n        exp_z = np.exp(shifted)\n"
                 "        return exp_z / np.sum(exp_z, axis=1, keepdims=True)"),
        "replace": ("shifted = z - np.max(z, axis=0, keepdims=True)\n        exp_z = np.exp(shifted)\n"
                    "        return exp_z / np.sum(exp_z, axis=0, keepdims=True)"),
        "target_check": "multiclass.softmax.values",
        "why": "seed: softmax over axis 0 (the samples) instead of each row",
    },
    {
        "id": "multiclass.softmax.not_normalised",
        "hint": "its own sum",
        "module": "multiclass",
        "find": "return exp_z / np.sum(exp_z, axis=1, keepdims=True)",
        "replace": "return exp_z",
        "target_check": "multiclass.softmax.values",
        "why": "seed: exp without the normalisation",
    },
    {
        "id": "multiclass.softmax.sum_without_keepdims",
        "hint": "keepdims",
        "module": "multiclass",
        "find": "return exp_z / np.sum(exp_z, axis=1, keepdims=True)",
        "replace": "return exp_z / np.sum(exp_z)",
        "target_check": "multiclass.softmax.values",
        "why": "normalises by the sum over the whole batch",
    },
    {
        "id": "multiclass.softmax.no_max_subtraction",
        "hint": "maximum",
        "module": "multiclass",
        "find": "shifted = z - np.max(z, axis=1, keepdims=True)",
        "replace": "shifted = z",
        "target_check": "multiclass.softmax.stable",
        "why": "seed: textbook exp(z)/Σexp(z) without subtracting the maximum: overflows for large logits",
    },
    {
        "id": "multiclass.softmax.global_max",
        "hint": "each row's maximum",
        "module": "multiclass",
        "find": "shifted = z - np.max(z, axis=1, keepdims=True)",
        "replace": "shifted = z - np.max(z)",
        "target_check": "multiclass.softmax.stable",
        "why": "subtracts the batch's maximum, not each row's: rows far below it underflow to 0/0",
    },
    {
        "id": "multiclass.softmax.shifts_z_in_place",
        "hint": "in place",
        "module": "multiclass",
        "find": "shifted = z - np.max(z, axis=1, keepdims=True)",
        "replace": "z -= np.max(z, axis=1, keepdims=True)\n        shifted = z",
        "target_check": "multiclass.softmax.inputs_untouched",
        "why": "subtracts the row maxima in place: right softmax, but the caller's z is changed",
    },
    {
        "id": "multiclass.init_weights.zeros",
        "hint": "np.random.normal(0, 1",
        "module": "multiclass",
        "find": "self.w2 = np.random.normal(0, 1, (self.units, n_classes))",
        "replace": "self.w2 = np.zeros((self.units, n_classes))",
        "target_check": "multiclass.init_weights.distribution",
        "why": "seed: zero initialisation of w2",
    },
    {
        "id": "multiclass.init_weights.w2_one_output",
        "hint": "one column per output",
        "module": "multiclass",
        "find": "self.w2 = np.random.normal(0, 1, (self.units, n_classes))",
        "replace": "self.w2 = np.random.normal(0, 1, (self.units, 1))",
        "target_check": "multiclass.init_weights.shapes",
        "why": "copies the binary network: w2 with one output column instead of n_classes",
    },
    {
        "id": "multiclass.init_weights.unseeded_generator",
        "hint": "draw with np.random",
        "module": "multiclass",
        "find": "self.w1 = np.random.normal(0, 1, (n_features, self.units))",
        "replace": "self.w1 = np.random.default_rng().standard_normal((n_features, self.units))",
        "target_check": "multiclass.init_weights.seeded",
        "why": "draws from a fresh default_rng(): not reproducible under np.random.seed",
    },
    {
        "id": "multiclass.forpass.softmax_on_output",
        "hint": "return the logits",
        "module": "multiclass",
        "find": "        return z2\n",
        "replace": "        return self.softmax(z2)\n",
        "target_check": "multiclass.forpass.values",
        "why": "returns softmax(z2) instead of the logits z2",
    },
    {
        "id": "multiclass.forpass.a1_not_stored",
        "hint": "self.a1",
        "module": "multiclass",
        "find": "self.a1 = self.sigmoid(z1)\n        z2 = np.dot(self.a1, self.w2) + self.b2",
        "replace": "a1 = self.sigmoid(z1)\n        z2 = np.dot(a1, self.w2) + self.b2",
        "target_check": "multiclass.forpass.values",
        "why": "keeps a1 in a local variable: backprop then reads a stale (or no) self.a1",
    },
    {
        "id": "multiclass.forpass.scales_pixels_in_place",
        "hint": "in place",
        "module": "multiclass",
        "find": "        z1 = np.dot(x, self.w1) + self.b1\n",
        "replace": "        z1 = np.dot(x, self.w1) + self.b1\n        x /= 255\n",
        "target_check": "multiclass.forpass.inputs_untouched",
        "why": "right z2, but then scales the caller's x in place (pixels /255 'once for all')",
    },
    {
        "id": "multiclass.backprop.b2_summed_to_scalar",
        "hint": "axis=0",
        "module": "multiclass",
        "find": "b2_grad = np.sum(err, axis=0) / m",
        "replace": "b2_grad = np.sum(err) / m",
        "target_check": "multiclass.backprop.shapes",
        "why": "copies the binary network's scalar bias gradient: one number instead of one per class",
    },
    {
        "id": "multiclass.backprop.no_sigmoid_derivative",
        "hint": "a1(1 − a1)",
        "module": "multiclass",
        "find": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
        "replace": "err_to_hidden = np.dot(err, self.w2.T)",
        "target_check": "multiclass.backprop.gradient",
        "why": "hidden error without the sigmoid derivative",
    },
    {
        "id": "multiclass.backprop.w2_not_transposed",
        "hint": "w2ᵀ",
        "module": "multiclass",
        "find": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
        "replace": "err_to_hidden = np.dot(err, self.w2.T[::-1]) * self.a1 * (1 - self.a1)",
        "target_check": "multiclass.backprop.gradient",
        "why": "pairs the classes with the wrong rows of w2ᵀ (classes reversed)",
    },
    {
        "id": "multiclass.backprop.b1_missing_m",
        "hint": "factor of m",
        "module": "multiclass",
        "find": "b1_grad = np.sum(err_to_hidden, axis=0) / m",
        "replace": "b1_grad = np.sum(err_to_hidden, axis=0)",
        "target_check": "multiclass.backprop.values",
        "why": "hidden bias gradient not divided by m",
    },
    {
        "id": "multiclass.backprop.divides_err_in_place",
        "hint": "in place",
        "module": "multiclass",
        "find": ("        w2_grad = np.dot(self.a1.T, err) / m\n"
                 "        b2_grad = np.sum(err, axis=0) / m\n"
                 "        err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)\n"
                 "        w1_grad = np.dot(x.T, err_to_hidden) / m\n"
                 "        b1_grad = np.sum(err_to_hidden, axis=0) / m\n"),
        "replace": ("        err /= m\n"
                    "        w2_grad = np.dot(self.a1.T, err)\n"
                    "        b2_grad = np.sum(err, axis=0)\n"
                    "        err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)\n"
                    "        w1_grad = np.dot(x.T, err_to_hidden)\n"
                    "        b1_grad = np.sum(err_to_hidden, axis=0)\n"),
        "target_check": "multiclass.backprop.inputs_untouched",
        "why": "divides err by m once, in place: right gradients, but the caller's err is changed",
    },
    {
        "id": "multiclass.training.err_y_minus_a",
        "hint": "sign is flipped",
        "module": "multiclass",
        "find": "        err = a - y\n",
        "replace": "        err = y - a\n",
        "target_check": "multiclass.cross_entropy_gradient.step",
        "why": "seed: err = y − a: the step climbs the loss",
    },
    {
        "id": "multiclass.training.divided_by_m_twice",
        "hint": "only once",
        "module": "multiclass",
        "find": "        err = a - y\n",
        "replace": "        err = (a - y) / m\n",
        "target_check": "multiclass.cross_entropy_gradient.step",
        "why": "seed: divides the cross-entropy gradient by m, then backprop divides again",
    },
    {
        "id": "multiclass.training.softmax_twice",
        "hint": "no second softmax",
        "module": "multiclass",
        "find": "        err = a - y\n",
        "replace": "        err = self.softmax(a) - y\n",
        "target_check": "multiclass.cross_entropy_gradient.step",
        "why": "seed: passes the probabilities through softmax a second time",
    },
    {
        "id": "multiclass.training.logits_minus_y",
        "hint": "a − y",
        "module": "multiclass",
        "find": "        err = a - y\n",
        "replace": "        err = z - y\n",
        "target_check": "multiclass.cross_entropy_gradient.step",
        "why": "uses the logits z instead of the probabilities a",
    },
    {
        "id": "multiclass.training.per_class_mean",
        "hint": "division by zero",
        "module": "multiclass",
        "find": "        err = a - y\n",
        "replace": "        err = (a - y) / np.sum(y, axis=0)\n",
        "target_check": "multiclass.cross_entropy_gradient.step",
        "why": "averages the error per class: divides by zero (inf/NaN weights) when a class is "
               "absent from the batch",
    },
    {
        "id": "multiclass.training.ascent_on_fashion",
        "module": "multiclass",
        "find": "        err = a - y\n",
        "replace": "        err = y - a\n",
        "target_check": "convergence.fashion_mnist.multiclass",
        "why": "err = y − a: mini-batch training on Fashion-MNIST climbs the loss",
    },

    # ------------------------------------------------------------------ optimizers.py
    {
        "id": "optimizers.momentum.seed_formula",
        "hint": "gradient enters twice",
        "module": "optimizers",
        "find": ("v = self.momentum * v - self.learning_rate * grad\n            self.velocities[key] = v\n"
                 "            params[key][...] = params[key] + v"),
        "replace": ("v = -self.learning_rate * grad + self.momentum * v\n            self.velocities[key] = v\n"
                    "            params[key][...] = params[key] - (self.learning_rate * grad - self.momentum * v)"),
        "target_check": "optimizers.Momentum.trajectory",
        "why": "seed: v = −lr·g + μ·v; w −= lr·g − μ·v (the gradient counted twice)",
    },
    {
        "id": "optimizers.momentum.velocity_not_kept",
        "hint": "keep v per key",
        "module": "optimizers",
        "find": "            self.velocities[key] = v\n",
        "replace": "",
        "target_check": "optimizers.Momentum.trajectory",
        "why": "never stores the velocity: every step restarts from v = 0 (plain SGD)",
    },
    {
        "id": "optimizers.momentum.shared_velocity",
        "module": "optimizers",
        "find": ("v = self.velocities.get(key, np.zeros_like(params[key], dtype=float))\n"
                 "            v = self.momentum * v - self.learning_rate * grad\n"
                 "            self.velocities[key] = v"),
        "replace": ("v = self.velocities.get(\"v\", 0.0)\n"
                    "            v = self.momentum * v - self.learning_rate * grad\n"
                    "            self.velocities[\"v\"] = v"),
        "target_check": "optimizers.Momentum.trajectory",
        "why": "seed: one velocity shared by all keys",
        "outcome": "error",
    },
    {
        "id": "optimizers.momentum.rebinds_params",
        "hint": "in place",
        "module": "optimizers",
        "find": "params[key][...] = params[key] + v",
        "replace": "params[key] = params[key] + v",
        "target_check": "optimizers.Momentum.in_place",
        "why": "rebinds params[key] to a new array: the network's own arrays never change",
    },
    {
        "id": "optimizers.rmsprop.epsilon_outside_root",
        "hint": "inside the square root",
        "module": "optimizers",
        "find": "grad / np.sqrt(s + self.epsilon)",
        "replace": "grad / (np.sqrt(s) + self.epsilon)",
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "seed: ε added outside the square root (Keras puts it inside)",
    },
    {
        "id": "optimizers.rmsprop.rho_swapped",
        "hint": "swapped",
        "module": "optimizers",
        "find": "s = self.rho * s + (1 - self.rho) * grad ** 2",
        "replace": "s = (1 - self.rho) * s + self.rho * grad ** 2",
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "seed: ρ and 1 − ρ swapped in the running average",
    },
    {
        "id": "optimizers.rmsprop.state_not_kept",
        "hint": "restarts from 0",
        "module": "optimizers",
        "find": "            self.mean_squares[key] = s\n",
        "replace": "",
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "never stores the running average of g²",
    },
    {
        "id": "optimizers.rmsprop.gradient_not_squared",
        "hint": "g²",
        "module": "optimizers",
        "find": "s = self.rho * s + (1 - self.rho) * grad ** 2",
        "replace": "s = self.rho * s + (1 - self.rho) * grad",
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "averages g instead of g²: square roots of negative numbers (NaN)",
    },
    {
        "id": "optimizers.rmsprop.rebinds_params",
        "hint": "in place",
        "module": "optimizers",
        "find": "params[key][...] = params[key] - self.learning_rate * grad / np.sqrt(s + self.epsilon)",
        "replace": "params[key] = params[key] - self.learning_rate * grad / np.sqrt(s + self.epsilon)",
        "target_check": "optimizers.RMSProp.in_place",
        "why": "rebinds params[key] to a new array instead of updating it in place",
    },
    {
        "id": "optimizers.adam.fake_bias_correction_eps_outside",
        "module": "optimizers",
        "find": ("alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)\n"
                 "            params[key][...] = params[key] - alpha * m / (np.sqrt(v) + self.epsilon)"),
        "replace": ("m_hat = m / (1 - self.beta_1)\n            v_hat = v / (1 - self.beta_2)\n"
                    "            params[key][...] = params[key] - self.learning_rate * m_hat / (np.sqrt(v_hat) + 1e-6)"),
        "target_check": "optimizers.Adam.trajectory",
        "why": "seed: divides (1 − β)·g by (1 − β) instead of (1 − β^t) (right at step 1 only), ε fixed at 1e-6",
    },
    {
        "id": "optimizers.adam.fake_bias_correction_eps_inside",
        "module": "optimizers",
        "find": ("alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)\n"
                 "            params[key][...] = params[key] - alpha * m / (np.sqrt(v) + self.epsilon)"),
        "replace": ("m_hat = m / (1 - self.beta_1)\n            v_hat = v / (1 - self.beta_2)\n"
                    "            params[key][...] = params[key] - self.learning_rate * m_hat / np.sqrt(v_hat + 1e-6)"),
        "target_check": "optimizers.Adam.trajectory",
        "why": "seed: (1 − β) instead of (1 − β^t) in the bias correction, ε = 1e-6 inside the root",
    },
    {
        "id": "optimizers.adam.no_bias_correction",
        "hint": "bias correction is missing",
        "module": "optimizers",
        "find": "alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)",
        "replace": "alpha = self.learning_rate",
        "target_check": "optimizers.Adam.trajectory",
        "why": "seed: no bias correction at all",
    },
    {
        "id": "optimizers.adam.t_never_incremented",
        "hint": "count the steps",
        "module": "optimizers",
        "find": "self.steps[key], self.first_moments[key], self.second_moments[key] = t, m, v",
        "replace": "self.first_moments[key], self.second_moments[key] = m, v",
        "target_check": "optimizers.Adam.trajectory",
        "why": "seed: the step count is never stored, so t = 1 at every step",
    },
    {
        "id": "optimizers.adam.step_count_shared_by_keys",
        "hint": "state kept between calls",
        "module": "optimizers",
        "find": ("t = self.steps.get(key, 0) + 1\n"
                 "            m = self.first_moments.get(key, np.zeros_like(params[key], dtype=float))\n"
                 "            v = self.second_moments.get(key, np.zeros_like(params[key], dtype=float))\n"
                 "            m = self.beta_1 * m + (1 - self.beta_1) * grad\n"
                 "            v = self.beta_2 * v + (1 - self.beta_2) * grad ** 2\n"
                 "            self.steps[key], "),
        "replace": ("t = self.steps.get(\"t\", 0) + 1\n"
                    "            m = self.first_moments.get(key, np.zeros_like(params[key], dtype=float))\n"
                    "            v = self.second_moments.get(key, np.zeros_like(params[key], dtype=float))\n"
                    "            m = self.beta_1 * m + (1 - self.beta_1) * grad\n"
                    "            v = self.beta_2 * v + (1 - self.beta_2) * grad ** 2\n"
                    "            self.steps[\"t\"], "),
        "target_check": "optimizers.Adam.trajectory",
        "why": "seed: one step counter shared by every key: t advances once per parameter, not per update",
    },
    {
        "id": "optimizers.adam.moments_swapped_betas",
        "module": "optimizers",
        "find": "m = self.beta_1 * m + (1 - self.beta_1) * grad\n",
        "replace": "m = self.beta_2 * m + (1 - self.beta_2) * grad\n",
        "target_check": "optimizers.Adam.trajectory",
        "why": "averages the first moment with β2 instead of β1",
    },
    {
        "id": "optimizers.adam.gradient_not_squared",
        "hint": "g²",
        "module": "optimizers",
        "find": "v = self.beta_2 * v + (1 - self.beta_2) * grad ** 2",
        "replace": "v = self.beta_2 * v + (1 - self.beta_2) * grad",
        "target_check": "optimizers.Adam.trajectory",
        "why": "second moment of g instead of g²: square roots of negative numbers (NaN parameters)",
    },
    {
        "id": "optimizers.adam.rebinds_params",
        "hint": "in place",
        "module": "optimizers",
        "find": "params[key][...] = params[key] - alpha * m / (np.sqrt(v) + self.epsilon)",
        "replace": "params[key] = params[key] - alpha * m / (np.sqrt(v) + self.epsilon)",
        "target_check": "optimizers.Adam.in_place",
        "why": "rebinds params[key] to a new array instead of updating it in place",
    },

    # ------------------------------------------------------------------ regularization.py
    {
        "id": "regularization.penalty_grad.l2_without_m",
        "hint": "factor of m",
        "module": "regularization",
        "find": "return (l1 * np.sign(w) + l2 * w) / m",
        "replace": "return l1 * np.sign(w) / m + l2 * w",
        "target_check": "regularization.penalty_grad.values",
        "why": "seed: the L2 term not divided by m",
    },
    {
        "id": "regularization.penalty_grad.l2_halved",
        "hint": "factor of 2",
        "module": "regularization",
        "find": "return (l1 * np.sign(w) + l2 * w) / m",
        "replace": "return (l1 * np.sign(w) + l2 / 2 * w) / m",
        "target_check": "regularization.penalty_grad.values",
        "why": "keeps the 1/2 of the penalty l2/2·Σw² in its derivative",
    },
    {
        "id": "regularization.penalty_grad.l1_without_sign",
        "hint": "np.sign(w)",
        "module": "regularization",
        "find": "return (l1 * np.sign(w) + l2 * w) / m",
        "replace": "return (l1 * w + l2 * w) / m",
        "target_check": "regularization.penalty_grad.values",
        "why": "differentiates |w| as w",
    },
    {
        "id": "regularization.dropout.no_rescaling",
        "hint": "1 / (1 − rate)",
        "module": "regularization",
        "find": "return np.where(keep, z / (1 - rate), 0.0)",
        "replace": "return np.where(keep, z, 0.0)",
        "target_check": "regularization.dropout.mask",
        "why": "seed: plain dropout without the 1/(1 − rate) rescaling of the survivors",
    },
    {
        "id": "regularization.dropout.scales_by_keep_probability",
        "hint": "1 / (1 − rate)",
        "module": "regularization",
        "find": "return np.where(keep, z / (1 - rate), 0.0)",
        "replace": "return np.where(keep, z * (1 - rate), 0.0)",
        "target_check": "regularization.dropout.mask",
        "why": "multiplies the survivors by (1 − rate) (test-time scaling) instead of dividing",
    },
    {
        "id": "regularization.dropout.rate_is_keep_probability",
        "hint": "< rate",
        "module": "regularization",
        "find": "keep = rng.random(np.shape(z)) >= rate",
        "replace": "keep = rng.random(np.shape(z)) < rate",
        "target_check": "regularization.dropout.mask",
        "why": "reads rate as the keep probability: drops 1 − rate of the entries",
    },
    {
        "id": "regularization.dropout.global_random",
        "hint": "rng argument",
        "module": "regularization",
        "find": "keep = rng.random(np.shape(z)) >= rate",
        "replace": "keep = np.random.random(np.shape(z)) >= rate",
        "target_check": "regularization.dropout.rng",
        "why": "draws the mask from np.random, ignoring the rng argument",
    },
    {
        "id": "regularization.dropout.in_place",
        "hint": "in place",
        "module": "regularization",
        "find": "return np.where(keep, z / (1 - rate), 0.0)",
        "replace": "z[~keep] = 0\n    z /= 1 - rate\n    return z",
        "target_check": "regularization.dropout.mask",
        "why": "zeroes and rescales z in place: the caller's activations are overwritten, so a second call drops from already-dropped values",
    },
    {
        "id": "regularization.early_stopping.strict_patience",
        "hint": "off by one",
        "module": "regularization",
        "find": "return self.wait >= self.patience",
        "replace": "return self.wait > self.patience",
        "target_check": "regularization.early_stopping.signals",
        "why": "seed: off by one (> instead of >=): waits one epoch too many",
    },
    {
        "id": "regularization.early_stopping.ties_improve",
        "hint": "not an improvement",
        "module": "regularization",
        "find": "if val_loss < self.best_loss:",
        "replace": "if val_loss <= self.best_loss:",
        "target_check": "regularization.early_stopping.signals",
        "why": "seed: an equal loss counted as an improvement",
    },
    {
        "id": "regularization.early_stopping.epochs_from_one",
        "hint": "count from 0",
        "module": "regularization",
        "find": "self.epoch = -1",
        "replace": "self.epoch = 0",
        "target_check": "regularization.early_stopping.signals",
        "why": "numbers epochs from 1: best_epoch off by one",
    },
    {
        "id": "regularization.early_stopping.wait_not_reset",
        "hint": "reset the wait",
        "module": "regularization",
        "find": "self.best_epoch = self.epoch\n            self.wait = 0\n",
        "replace": "self.best_epoch = self.epoch\n",
        "target_check": "regularization.early_stopping.signals",
        "why": "counts every epoch without improvement since the start, not since the last improvement",
    },

    # ------------------------------------------------------------------ gradients.py
    {
        "id": "gradients.numerical_diff.one_sided",
        "hint": "one-sided",
        "module": "gradients",
        "find": "return (f(x + h) - f(x - h)) / (2 * h)",
        "replace": "return (f(x + h) - f(x)) / h",
        "target_check": "gradients.numerical_diff.values",
        "why": "seed: forward (one-sided) difference",
    },
    {
        "id": "gradients.numerical_diff.missing_two",
        "hint": "not by h",
        "module": "gradients",
        "find": "return (f(x + h) - f(x - h)) / (2 * h)",
        "replace": "return (f(x + h) - f(x - h)) / h",
        "target_check": "gradients.numerical_diff.values",
        "why": "central difference divided by h instead of 2h",
    },
    {
        "id": "gradients.numerical_diff.ignores_h",
        "hint": "step h you were given",
        "module": "gradients",
        "find": "return (f(x + h) - f(x - h)) / (2 * h)",
        "replace": "step = 1e-5\n    return (f(x + step) - f(x - step)) / (2 * step)",
        "target_check": "gradients.numerical_diff.values",
        "why": "hard-codes its own step instead of using the h argument",
    },
    {
        "id": "gradients.numerical_gradient.one_sided",
        "hint": "one-sided",
        "module": "gradients",
        "find": ("        x[idx] = original - h\n        f_minus = f(x)\n        x[idx] = original\n"
                 "        grad[idx] = (f_plus - f_minus) / (2 * h)\n"),
        "replace": ("        x[idx] = original\n        f_minus = f(x)\n"
                    "        grad[idx] = (f_plus - f_minus) / h\n"),
        "target_check": "gradients.numerical_gradient.values",
        "why": "seed: forward (one-sided) differences",
    },
    {
        "id": "gradients.numerical_gradient.not_restored",
        "hint": "put each entry back",
        "module": "gradients",
        "find": "f_minus = f(x)\n        x[idx] = original\n",
        "replace": "f_minus = f(x)\n",
        "target_check": "gradients.numerical_gradient.values",
        "why": "seed: never restores x[idx]: later entries are differentiated at a shifted point "
               "and the caller's x is changed",
    },
    {
        "id": "gradients.numerical_gradient.perturbs_all_entries",
        "module": "gradients",
        "find": ("        x[idx] = original + h\n        f_plus = f(x)\n        x[idx] = original - h\n"
                 "        f_minus = f(x)\n        x[idx] = original\n"),
        "replace": "        f_plus = f(x + h)\n        f_minus = f(x - h)\n",
        "target_check": "gradients.numerical_gradient.values",
        "why": "moves every entry at once: each 'partial' derivative is the directional derivative along (1, …, 1)",
    },

    # ------------------------------------------------------------------ keras_model.py
    {
        "id": "keras_model.relu_hidden",
        "hint": "activation is relu",
        "module": "keras_model",
        "find": 'Dense(units, activation="sigmoid")',
        "replace": 'Dense(units, activation="relu")',
        "target_check": "keras_model.architecture",
        "why": "a ReLU hidden layer where the NumPy network uses sigmoid",
    },
    {
        "id": "keras_model.sparse_loss",
        "hint": "not sparse",
        "module": "keras_model",
        "find": 'loss="categorical_crossentropy"',
        "replace": 'loss="sparse_categorical_crossentropy"',
        "target_check": "keras_model.architecture",
        "why": "sparse categorical cross-entropy expects integer labels; the course's targets are one-hot",
    },
    {
        "id": "keras_model.adam_optimizer",
        "hint": "sgd",
        "module": "keras_model",
        "find": 'optimizer="sgd"',
        "replace": 'optimizer="adam"',
        "target_check": "keras_model.architecture",
        "why": "compiles with Adam where the exercise asks for SGD",
    },
    {
        "id": "keras_model.rescaling_layer",
        "module": "keras_model",
        "find": ("from keras.layers import Dense\n\n    model = Sequential([\n"
                 "        Input(shape=(n_features,)),\n"),
        "replace": ("from keras.layers import Dense, Rescaling\n\n    model = Sequential([\n"
                    "        Input(shape=(n_features,)),\n        Rescaling(1 / 255),\n"),
        "target_check": "keras_model.forward",
        "why": "adds a Rescaling(1/255) layer: the model no longer computes the NumPy network's function",
    },

    # ------------------------------------------------------------------ agreement with Keras
    # (autograder/checks/keras_agreement.py: the recorded Keras runs in autograder/golden/)
    {
        "id": "optimizers.momentum.seed_formula_vs_keras",
        "hint": "gradient enters twice",
        "module": "optimizers",
        "find": ("v = self.momentum * v - self.learning_rate * grad\n            self.velocities[key] = v\n"
                 "            params[key][...] = params[key] + v"),
        "replace": ("v = -self.learning_rate * grad + self.momentum * v\n            self.velocities[key] = v\n"
                    "            params[key][...] = params[key] - (self.learning_rate * grad - self.momentum * v)"),
        "target_check": "optimizers.Momentum.keras",
        "why": "seed (course slides): v = −lr·g + μ·v; w −= lr·g − μ·v: the gradient counted twice, "
               "step 1 is (1 + μ)·lr·g where Keras's SGD(momentum=μ) moves lr·g",
    },
    {
        "id": "optimizers.momentum.nesterov_vs_keras",
        "module": "optimizers",
        "find": "params[key][...] = params[key] + v",
        "replace": "params[key][...] = params[key] + self.momentum * v - self.learning_rate * grad",
        "target_check": "optimizers.Momentum.keras",
        "why": "Nesterov's look-ahead step: Keras's SGD(momentum=μ) without nesterov=True moves by v",
    },
    {
        "id": "optimizers.rmsprop.epsilon_outside_root_vs_keras",
        "hint": "inside the square root",
        "module": "optimizers",
        "find": "grad / np.sqrt(s + self.epsilon)",
        "replace": "grad / (np.sqrt(s) + self.epsilon)",
        "target_check": "optimizers.RMSProp.keras",
        "why": "seed (textbook RMSprop): ε outside the square root; agrees with Keras to ~1e-7 on ordinary "
               "gradients, but around 1e-6 sqrt(s) ≈ 1e-6 and sqrt(s + 1e-7) ≈ 3e-4: steps ~300× too large",
    },
    {
        "id": "optimizers.adam.seed_slide_formula_vs_keras",
        "module": "optimizers",
        "find": ("m = self.beta_1 * m + (1 - self.beta_1) * grad\n"
                 "            v = self.beta_2 * v + (1 - self.beta_2) * grad ** 2\n"
                 "            self.steps[key], self.first_moments[key], self.second_moments[key] = t, m, v\n"
                 "            alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)\n"
                 "            params[key][...] = params[key] - alpha * m / (np.sqrt(v) + self.epsilon)"),
        "replace": ("m += ((1 - self.beta_1) * grad) / (1 - self.beta_1)\n"
                    "            v += ((1 - self.beta_2) * grad * grad) / (1 - self.beta_2)\n"
                    "            self.steps[key], self.first_moments[key], self.second_moments[key] = t, m, v\n"
                    "            params[key][...] = params[key] - self.learning_rate * m / (np.sqrt(v) + 1e-6)"),
        "target_check": "optimizers.Adam.keras",
        "why": "seed (course slides, literally): m += ((1−β1)·g)/(1−β1), v += ((1−β2)·g·g)/(1−β2), "
               "w −= lr·m/(sqrt(v) + 1e-6): sums of g and g² instead of moving averages, ε fixed at 1e-6",
    },
    {
        "id": "optimizers.adam.seed_bias_correction_vs_keras",
        "module": "optimizers",
        "find": ("alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)\n"
                 "            params[key][...] = params[key] - alpha * m / (np.sqrt(v) + self.epsilon)"),
        "replace": ("m_hat = m / (1 - self.beta_1)\n            v_hat = v / (1 - self.beta_2)\n"
                    "            params[key][...] = params[key] - self.learning_rate * m_hat / (np.sqrt(v_hat) + 1e-6)"),
        "target_check": "optimizers.Adam.keras",
        "why": "seed (course slides, as usually read): bias correction by (1 − β) instead of (1 − β^t) "
               "(right at step 1 only), ε fixed at 1e-6",
    },
    {
        "id": "optimizers.adam.textbook_epsilon_vs_keras",
        "hint": "uncorrected v",
        "module": "optimizers",
        "find": ("alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)\n"
                 "            params[key][...] = params[key] - alpha * m / (np.sqrt(v) + self.epsilon)"),
        "replace": ("m_hat = m / (1 - self.beta_1 ** t)\n            v_hat = v / (1 - self.beta_2 ** t)\n"
                    "            params[key][...] = params[key] - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)"),
        "target_check": "optimizers.Adam.keras",
        "why": "the paper's Algorithm 1 (ε added to the corrected sqrt(v̂)): Keras adds ε to the uncorrected "
               "sqrt(v), which differs where sqrt(v) ≈ ε (gradients around 1e-6)",
    },
    {
        "id": "multiclass.forpass.no_hidden_bias_vs_keras",
        "module": "multiclass",
        "find": "z1 = np.dot(x, self.w1) + self.b1",
        "replace": "z1 = np.dot(x, self.w1)",
        "target_check": "multiclass.keras.forward",
        "why": "forgets the hidden layer's bias: Keras's Dense adds it",
    },
    {
        "id": "multiclass.training.err_divided_by_m_vs_keras",
        "module": "multiclass",
        "find": "        err = a - y\n",
        "replace": "        err = (a - y) / m\n",
        "target_check": "multiclass.keras.sgd_step",
        "why": "divides err by m before backprop, which divides again: steps m times smaller than Keras's SGD",
    },
    {
        "id": "multiclass.backprop.divides_by_batch_size_vs_keras",
        "hint": "that batch's own number of rows",
        "module": "multiclass",
        "find": "m = len(x)\n        w2_grad = np.dot(self.a1.T, err) / m",
        "replace": "m = self.batch_size\n        w2_grad = np.dot(self.a1.T, err) / m",
        "target_check": "multiclass.keras.epoch",
        "why": "divides by the configured batch size instead of the rows of this batch: right on full batches, "
               "wrong on an epoch's last, shorter one (Keras averages over the rows it gets)",
    },
    {
        "id": "keras_model.mse_loss_accuracy",
        "hint": "categorical cross-entropy",
        "module": "keras_model",
        "find": 'loss="categorical_crossentropy"',
        "replace": 'loss="mean_squared_error"',
        "target_check": "keras_model.fashion_mnist",
        "why": "squared error on softmax outputs: with SGD's learning rate it learns far slower than the course's model",
    },
]
