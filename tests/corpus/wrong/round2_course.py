'''Round 2: wrong implementations written from the course (its notes, its code, its typical
mistakes) and from the exercises' contracts, not from the checks: mistakes that live between two
checks, or in a property a check may not vary (m = 1, n_classes ≠ 10, sizes divisible by the
batch size, default arguments, state kept between calls, aliasing, dtypes, key order …).

Same format as entries.py, plus two optional keys:

``hint``
    a short lowercase substring the target check's message or hint must contain, so that the
    feedback names the actual mistake (tests/test_wrong_implementations.py).
``known_gap``
    the current grader gives this wrong implementation full marks on its target check (a false
    accept); the rejection test is a strict xfail until the check is fixed. The text says what
    the check does not vary.
``known_hint_gap``
    the target check rejects the mistake, but its feedback does not contain ``hint``; the hint
    test is a strict xfail until the hint is fixed.
'''

ENTRIES = [
    # ------------------------------------------------------------------ single_layer.py
    {
        "id": "single_layer.forpass.flat_output",
        "hint": "dimension of size 1",
        "module": "single_layer",
        "find": "z = np.dot(x, self.w) + self.b",
        "replace": "z = np.sum(x * self.w.reshape(-1), axis=1) + self.b",
        "target_check": "single_layer.forpass.values",
        "why": "writes x·w as a row-wise sum of x ⊙ w: z comes back (m,) instead of (m, 1), so "
               "z − y broadcasts to (m, m) in training",
    },
    {
        "id": "single_layer.backprop.m_is_features",
        "module": "single_layer",
        "find": "        m = len(x)\n        w_grad = np.dot(x.T, err) / m",
        "replace": "        m = x.shape[1]\n        w_grad = np.dot(x.T, err) / m",
        "target_check": "single_layer.backprop.gradient",
        "why": "confuses the axes of x (m, n): divides by the number of features instead of samples",
        "hint": "number of samples",
    },
    {
        "id": "single_layer.backprop.m_is_size",
        "module": "single_layer",
        "find": "        m = len(x)\n        w_grad = np.dot(x.T, err) / m",
        "replace": "        m = x.size\n        w_grad = np.dot(x.T, err) / m",
        "target_check": "single_layer.backprop.gradient",
        "why": "m = x.size counts m·n entries, not m samples: right only when n = 1",
    },
    {
        "id": "single_layer.backprop.flattened_err",
        "hint": "dimension of size 1",
        "module": "single_layer",
        "find": "        m = len(x)\n        w_grad = np.dot(x.T, err) / m",
        "replace": "        m = len(x)\n        err = np.ravel(err)\n        w_grad = np.dot(x.T, err) / m",
        "target_check": "single_layer.backprop.shapes",
        "why": "flattens err to (m,) 'to be safe': w_grad comes back (n,) instead of w's (n, 1)",
    },
    {
        "id": "single_layer.backprop.clips_err",
        "module": "single_layer",
        "find": "        m = len(x)\n        w_grad = np.dot(x.T, err) / m",
        "replace": "        m = len(x)\n        err = np.clip(err, -1, 1)\n        w_grad = np.dot(x.T, err) / m",
        "target_check": "single_layer.backprop.values",
        "why": "clips err to [−1, 1] like the course clips a in fit: backprop must take any dL/dz, "
               "not only a − y of a sigmoid",
    },
    {
        "id": "single_layer.backprop.accumulates_between_calls",
        "hint": "running total",
        "module": "single_layer",
        "find": "        w_grad = np.dot(x.T, err) / m\n        b_grad = np.sum(err) / m\n",
        "replace": ("        self.w_grad_total = getattr(self, 'w_grad_total', 0) + np.dot(x.T, err) / m\n"
                    "        w_grad = self.w_grad_total\n        b_grad = np.sum(err) / m\n"),
        "target_check": "single_layer.backprop.values",
        "why": "keeps a running total of the weight gradient across calls (as when summing over "
               "mini-batches): right on the first call only",
    },
    # ------------------------------------------------------------------ dual_layer.py
    {
        "id": "dual_layer.forpass.b1_at_output",
        "module": "dual_layer",
        "find": "z2 = np.dot(self.a1, self.w2) + self.b2",
        "replace": "z2 = np.dot(self.a1, self.w2) + self.b1",
        "target_check": "dual_layer.forpass.values",
        "why": "adds the hidden bias b1 (units,) at the output: (m, 1) + (units,) broadcasts to (m, units)",
    },
    {
        "id": "dual_layer.forpass.z2_from_z1",
        "module": "dual_layer",
        "find": "z2 = np.dot(self.a1, self.w2) + self.b2",
        "replace": "z2 = np.dot(z1, self.w2) + self.b2",
        "target_check": "dual_layer.forpass.values",
        "why": "keeps a1 for backprop but feeds z1 (before the sigmoid) to the output layer",
    },
    {
        "id": "dual_layer.backprop.sigmoid_of_a1",
        "module": "dual_layer",
        "find": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
        "replace": ("s = self.activation(self.a1)\n"
                    "        err_to_hidden = np.dot(err, self.w2.T) * s * (1 - s)"),
        "target_check": "dual_layer.backprop.gradient",
        "why": "applies the sigmoid derivative formula σ(z)(1 − σ(z)) to a1 = σ(z1): σ(a1)(1 − σ(a1))",
    },
    {
        "id": "dual_layer.backprop.m_is_units",
        "module": "dual_layer",
        "find": ("        m = len(x)\n        w2_grad = np.dot(self.a1.T, err) / m\n"),
        "replace": ("        m = self.a1.shape[1]\n        w2_grad = np.dot(self.a1.T, err) / m\n"),
        "target_check": "dual_layer.backprop.gradient",
        "why": "takes m from a1 (m, units) on the wrong axis: divides by the number of hidden units",
        "hint": "number of samples",
    },
    {
        "id": "dual_layer.init_weights.units_hardcoded",
        "module": "dual_layer",
        "find": ("        self.w1 = np.ones((n_features, self.units))\n        self.b1 = np.zeros(self.units)\n"
                 "        self.w2 = np.ones((self.units, 1))\n"),
        "replace": ("        self.w1 = np.ones((n_features, 10))\n        self.b1 = np.zeros(10)\n"
                    "        self.w2 = np.ones((10, 1))\n"),
        "target_check": "dual_layer.init_weights.shapes",
        "why": "copies the course's 10 hidden units instead of self.units",
    },
    {
        "id": "dual_layer.random_init.course_seed_inside",
        "hint": "np.random.seed inside",
        "module": "dual_layer",
        "find": "        self.w1 = np.random.normal(0, 1, (n_features, self.units))\n        self.b1 = np.zeros(self.units)\n        self.w2 = np.random.normal(0, 1, (self.units, 1))\n",
        "replace": "        np.random.seed(0)\n        self.w1 = np.random.normal(0, 1, (n_features, self.units))\n        self.b1 = np.zeros(self.units)\n        self.w2 = np.random.normal(0, 1, (self.units, 1))\n",
        "target_check": "random_init.init_weights.seeded",
        "why": "seed: the slides' RandomInitNetwork calls np.random.seed(0) inside init_weights: "
               "every network starts from the same weights, whatever the caller seeded",
    },
    {
        "id": "dual_layer.xavier.sqrt6_precedence",
        "module": "dual_layer",
        "find": "        limit1 = np.sqrt(6 / (n_features + self.units))\n        limit2 = np.sqrt(6 / (self.units + 1))\n",
        "replace": "        limit1 = np.sqrt(6) / (n_features + self.units)\n        limit2 = np.sqrt(6) / (self.units + 1)\n",
        "target_check": "xavier_init.init_weights.distribution",
        "why": "takes the root of 6 only: limit = √6 / (fan_in + fan_out) instead of √(6 / (fan_in + fan_out))",
    },
    {
        "id": "dual_layer.xavier.normal_std_as_limit",
        "module": "dual_layer",
        "find": "        limit1 = np.sqrt(6 / (n_features + self.units))\n        limit2 = np.sqrt(6 / (self.units + 1))\n",
        "replace": "        limit1 = np.sqrt(2 / (n_features + self.units))\n        limit2 = np.sqrt(2 / (self.units + 1))\n",
        "target_check": "xavier_init.init_weights.distribution",
        "why": "uses glorot_normal's std √(2 / (fan_in + fan_out)) as the uniform limit",
    },
    # ------------------------------------------------------------------ minibatch.py
    {
        "id": "minibatch.gen_batch.always_one_more_bin",
        "module": "minibatch",
        "find": "        bins = length // self.batch_size\n        if length % self.batch_size:\n            bins += 1\n",
        "replace": "        bins = length // self.batch_size + 1\n",
        "target_check": "minibatch.gen_batch.batch_sizes",
        "why": "bins = m // batch_size + 1 'for the remainder': when batch_size divides m the last "
               "batch is empty (and training divides by m = 0)",
        "hint": "empty",
        "outcome": "error",
    },
    {
        "id": "minibatch.gen_batch.shuffles_once",
        "hint": "new permutation on every call",
        "module": "minibatch",
        "find": "        indexes = np.random.permutation(length)\n",
        "replace": ("        if getattr(self, 'indexes', None) is None:\n"
                    "            self.indexes = np.random.permutation(length)\n"
                    "        indexes = self.indexes\n"),
        "target_check": "minibatch.gen_batch.shuffled",
        "why": "shuffles on the first call and keeps that order for every later epoch (and for "
               "another data set of another size)",
    },
    {
        "id": "minibatch.gen_batch.reshapes_y",
        "hint": "no reshape",
        "module": "minibatch",
        "find": "        y = y[indexes]\n",
        "replace": "        y = y[indexes].reshape(-1, 1)\n",
        "target_check": "minibatch.gen_batch.pairs",
        "why": "copies fit's y.reshape(-1, 1) into gen_batch: one-hot y (m, k) becomes (m·k, 1) and "
               "its rows no longer pair with x's",
    },
    {
        "id": "minibatch.gen_batch.last_sample_lost",
        "module": "minibatch",
        "find": "            end = self.batch_size * (i + 1)\n",
        "replace": "            end = min(self.batch_size * (i + 1), length - 1)\n",
        "target_check": "minibatch.gen_batch.each_sample_once",
        "why": "clamps the end of the last batch to the last index (m − 1), as if slices were "
               "inclusive: the last shuffled sample is never seen",
    },
    {
        "id": "minibatch.gen_batch.range_stops_early",
        "hint": "last, smaller batch",
        "module": "minibatch",
        "find": "        for i in range(bins):\n            start = self.batch_size * i\n            end = self.batch_size * (i + 1)\n",
        "replace": "        for start in range(0, length - self.batch_size, self.batch_size):\n            end = start + self.batch_size\n",
        "target_check": "minibatch.gen_batch.each_sample_once",
        "why": "range(0, m − batch_size, batch_size): the last batch (full or not) is never yielded",
    },
    # ------------------------------------------------------------------ multiclass.py
    {
        "id": "multiclass.softmax.max_without_keepdims",
        "module": "multiclass",
        "find": "shifted = z - np.max(z, axis=1, keepdims=True)",
        "replace": "shifted = z - np.max(z, axis=1)",
        "target_check": "multiclass.softmax.values",
        "why": "row maxima without keepdims: (m, k) − (m,) subtracts row i's max from column i; "
               "right when m = 1, silently wrong when m = k, an error otherwise",
        "hint": "keepdims",
        "outcome": "error",
    },
    {
        "id": "multiclass.softmax.column_max",
        "module": "multiclass",
        "find": "shifted = z - np.max(z, axis=1, keepdims=True)",
        "replace": "shifted = z - np.max(z, axis=0, keepdims=True)",
        "target_check": "multiclass.softmax.values",
        "why": "subtracts each column's maximum: a different constant per class changes the "
               "row-wise softmax (only a per-row constant cancels)",
    },
    {
        "id": "multiclass.init_weights.ten_classes",
        "module": "multiclass",
        "find": "        self.w2 = np.random.normal(0, 1, (self.units, n_classes))\n        self.b2 = np.zeros(n_classes)\n",
        "replace": "        self.w2 = np.random.normal(0, 1, (self.units, 10))\n        self.b2 = np.zeros(10)\n",
        "target_check": "multiclass.init_weights.shapes",
        "why": "Fashion-MNIST's 10 classes hard-coded instead of n_classes",
        "hint": "n_classes",
    },
    {
        "id": "multiclass.init_weights.b2_per_unit",
        "module": "multiclass",
        "find": "        self.b2 = np.zeros(n_classes)\n",
        "replace": "        self.b2 = np.zeros(self.units)\n",
        "target_check": "multiclass.init_weights.shapes",
        "why": "b2 sized like b1 (units,) instead of one bias per class (k,)",
    },
    {
        "id": "multiclass.init_weights.w2_scaled",
        "module": "multiclass",
        "find": "        self.w2 = np.random.normal(0, 1, (self.units, n_classes))\n",
        "replace": "        self.w2 = np.random.normal(0, 1, (self.units, n_classes)) / np.sqrt(self.units)\n",
        "target_check": "multiclass.init_weights.distribution",
        "why": "'improves' the output layer with a 1/√units scale: not the N(0, 1) of the exercise",
    },
    {
        "id": "multiclass.backprop.b2_wrong_axis",
        "hint": "axis=0",
        "module": "multiclass",
        "find": "b2_grad = np.sum(err, axis=0) / m",
        "replace": "b2_grad = np.sum(err, axis=1) / m",
        "target_check": "multiclass.backprop.shapes",
        "why": "sums err over the classes (axis=1) instead of the samples: (m,) instead of (k,)",
    },
    {
        "id": "multiclass.backprop.m_is_classes",
        "module": "multiclass",
        "find": "        m = len(x)\n        w2_grad = np.dot(self.a1.T, err) / m\n        b2_grad = np.sum(err, axis=0) / m\n",
        "replace": "        m = err.shape[1]\n        w2_grad = np.dot(self.a1.T, err) / m\n        b2_grad = np.sum(err, axis=0) / m\n",
        "target_check": "multiclass.backprop.gradient",
        "why": "takes m from err (m, k) on the wrong axis: divides by the number of classes",
        "hint": "number of samples",
    },
    {
        "id": "multiclass.training.sigmoid_times_err",
        "module": "multiclass",
        "find": "        err = a - y\n",
        "replace": "        err = a * (1 - a) * (a - y)\n",
        "target_check": "multiclass.cross_entropy_gradient.step",
        "why": "multiplies in a(1 − a) as for a squared error through a sigmoid: with softmax and "
               "cross-entropy dL/dz is just a − y",
    },
    # ------------------------------------------------------------------ optimizers.py
    {
        "id": "optimizers.momentum.velocities_by_position",
        "hint": "by key",
        "module": "optimizers",
        "find": ("        for key, grad in grads.items():\n"
                 "            v = self.velocities.get(key, np.zeros_like(params[key], dtype=float))\n"
                 "            v = self.momentum * v - self.learning_rate * grad\n"
                 "            self.velocities[key] = v\n"),
        "replace": ("        for i, (key, grad) in enumerate(grads.items()):\n"
                    "            v = self.velocities.get(i, np.zeros_like(params[key], dtype=float))\n"
                    "            v = self.momentum * v - self.learning_rate * grad\n"
                    "            self.velocities[i] = v\n"),
        "target_check": "optimizers.Momentum.trajectory",
        "why": "keeps the velocities by position (the slides' v1, v2) instead of by key: wrong "
               "when the dict's keys come in another order, or only some of them",
    },
    {
        "id": "optimizers.rmsprop.mutable_default_state",
        "hint": "on the instance",
        "module": "optimizers",
        "find": ("    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):\n"
                 "        self.learning_rate = learning_rate\n        self.rho = rho\n"
                 "        self.epsilon = epsilon\n        self.mean_squares = {}\n"),
        "replace": ("    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, mean_squares={}):\n"
                    "        self.learning_rate = learning_rate\n        self.rho = rho\n"
                    "        self.epsilon = epsilon\n        self.mean_squares = mean_squares\n"),
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "a mutable default argument for the state: every RMSProp() shares one dict, so a "
               "second optimizer starts from the first one's mean squares",
    },
    {
        "id": "optimizers.rmsprop.state_starts_at_one",
        "module": "optimizers",
        "find": "s = self.mean_squares.get(key, np.zeros_like(params[key], dtype=float))",
        "replace": "s = self.mean_squares.get(key, np.ones_like(params[key], dtype=float))",
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "starts the mean square at 1 (TensorFlow 1's RMSProp did): Keras 3 starts at 0",
    },
    {
        "id": "optimizers.adam.step_per_call",
        "hint": "per key",
        "module": "optimizers",
        "find": ("        for key, grad in grads.items():\n"
                 "            t = self.steps.get(key, 0) + 1\n"),
        "replace": ("        self.t = getattr(self, 't', 0) + 1\n"
                    "        for key, grad in grads.items():\n"
                    "            t = self.t\n"),
        "target_check": "optimizers.Adam.trajectory",
        "why": "one step counter per update() call instead of per key: a key updated for the "
               "first time in a later call gets the bias correction of a later step",
    },
    {
        "id": "optimizers.adam.bias_correction_before_increment",
        "module": "optimizers",
        "find": "            t = self.steps.get(key, 0) + 1\n",
        "replace": "            t = self.steps.get(key, 0)\n",
        "target_check": "optimizers.Adam.trajectory",
        "why": "uses the step count before incrementing it: t = 0 on the first step, 1 − β^0 = 0, "
               "the first update divides by zero",
    },
    {
        "id": "optimizers.adam.mutable_default_state",
        "hint": "on the instance",
        "module": "optimizers",
        "find": ("    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):\n"
                 "        self.learning_rate = learning_rate\n        self.beta_1 = beta_1\n"
                 "        self.beta_2 = beta_2\n        self.epsilon = epsilon\n"
                 "        self.first_moments = {}\n        self.second_moments = {}\n        self.steps = {}\n"),
        "replace": ("    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,\n"
                    "                 first_moments={}, second_moments={}, steps={}):\n"
                    "        self.learning_rate = learning_rate\n        self.beta_1 = beta_1\n"
                    "        self.beta_2 = beta_2\n        self.epsilon = epsilon\n"
                    "        self.first_moments = first_moments\n        self.second_moments = second_moments\n"
                    "        self.steps = steps\n"),
        "target_check": "optimizers.Adam.trajectory",
        "why": "mutable default arguments for the moments and step counts: every Adam() shares "
               "them, a second optimizer continues the first one's run",
    },
    # ------------------------------------------------------------------ regularization.py
    {
        "id": "regularization.penalty_grad.l1_without_m",
        "hint": "factor of m",
        "module": "regularization",
        "find": "    return (l1 * np.sign(w) + l2 * w) / m",
        "replace": "    return l1 * np.sign(w) + l2 * w / m",
        "target_check": "regularization.penalty_grad.values",
        "why": "divides only the L2 term by m (as in the L2 slide) and adds L1 undivided",
    },
    {
        "id": "regularization.penalty_grad.w_over_abs_w",
        "hint": "np.sign(w)",
        "module": "regularization",
        "find": "    return (l1 * np.sign(w) + l2 * w) / m",
        "replace": "    return (l1 * w / np.abs(w) + l2 * w) / m",
        "target_check": "regularization.penalty_grad.values",
        "why": "the derivative of |w| written as w / |w|: nan where a weight is exactly 0 "
               "(the course's zero-initialised biases, ReLU-dead weights)",
    },
    {
        "id": "regularization.penalty_grad.aliases_w",
        "hint": "new array",
        "module": "regularization",
        "find": "    return (l1 * np.sign(w) + l2 * w) / m",
        "replace": ("    sign = np.sign(w)\n    grad = w\n    grad *= l2\n    grad += l1 * sign\n"
                    "    grad /= m\n    return grad"),
        "target_check": "regularization.penalty_grad.values",
        "why": "grad = w is not a copy: the in-place operators return the right gradient but "
               "overwrite the network's weights with it",
    },
    {
        "id": "regularization.dropout.drops_whole_samples",
        "module": "regularization",
        "find": "    keep = rng.random(np.shape(z)) >= rate\n",
        "replace": "    keep = rng.random((np.shape(z)[0], 1)) >= rate\n",
        "target_check": "regularization.dropout.mask",
        "why": "one random number per sample (row) instead of per unit: drops whole samples, the "
               "right fraction on average but not independently per entry",
    },
    {
        "id": "regularization.dropout.rate_zero_returns_z",
        "hint": "new array",
        "module": "regularization",
        "find": "        return np.array(z, dtype=float, copy=True)\n",
        "replace": "        return z\n",
        "target_check": "regularization.dropout.rng",
        "why": "rate = 0 returns the caller's array itself (the course's drop() does): the docstring "
               "promises a new array, and a later in-place change to the result changes z",
    },
    {
        "id": "regularization.early_stopping.course_window",
        "module": "regularization",
        "find": ("        self.epoch += 1\n        if val_loss < self.best_loss:\n            self.best_loss = val_loss\n"
                 "            self.best_epoch = self.epoch\n            self.wait = 0\n        else:\n"
                 "            self.wait += 1\n        return self.wait >= self.patience\n"),
        "replace": ("        self.epoch += 1\n        self.history = getattr(self, 'history', []) + [val_loss]\n"
                    "        best = int(np.argmin(self.history))\n"
                    "        self.best_epoch, self.best_loss = best, self.history[best]\n"
                    "        if len(self.history) <= self.patience:\n            return False\n"
                    "        return min(self.history[:-self.patience]) < min(self.history[-self.patience:])\n"),
        "target_check": "regularization.early_stopping.signals",
        "why": "seed: the slides' Early_stop compares the minimum before the last `patience` epochs "
               "with the minimum inside them: a loss equal to the best counts as an improvement",
        "hint": "equal",
    },
    {
        "id": "regularization.early_stopping.best_loss_not_updated",
        "module": "regularization",
        "find": ("        if val_loss < self.best_loss:\n            self.best_loss = val_loss\n"
                 "            self.best_epoch = self.epoch\n"),
        "replace": ("        if val_loss < self.best_loss:\n            self.best_epoch = self.epoch\n"),
        "target_check": "regularization.early_stopping.signals",
        "why": "forgets to store the new best loss: every finite loss beats inf, the wait is always "
               "reset, training never stops",
    },
    {
        "id": "regularization.early_stopping.compares_previous_epoch",
        "module": "regularization",
        "find": ("        if val_loss < self.best_loss:\n            self.best_loss = val_loss\n"
                 "            self.best_epoch = self.epoch\n            self.wait = 0\n        else:\n"
                 "            self.wait += 1\n"),
        "replace": ("        if val_loss < getattr(self, 'previous', np.inf):\n            self.wait = 0\n"
                    "        else:\n            self.wait += 1\n        self.previous = val_loss\n"
                    "        if val_loss < self.best_loss:\n            self.best_loss = val_loss\n"
                    "            self.best_epoch = self.epoch\n"),
        "target_check": "regularization.early_stopping.signals",
        "why": "counts epochs without improvement on the previous epoch instead of on the best: a "
               "loss that oscillates above its best never stops",
        "hint": "best",
    },
    # ------------------------------------------------------------------ gradients.py
    {
        "id": "gradients.numerical_diff.tiny_default_h",
        "module": "gradients",
        "find": "def numerical_diff(f, x, h=1e-4):",
        "replace": "def numerical_diff(f, x, h=1e-50):",
        "target_check": "gradients.numerical_diff.values",
        "why": "the book's 'bad example' h = 10e-50 as the default: x ± h rounds to x in float64, "
               "the derivative is 0 whenever the caller relies on the default",
    },
    {
        "id": "gradients.numerical_diff.precedence",
        "module": "gradients",
        "find": "return (f(x + h) - f(x - h)) / (2 * h)",
        "replace": "return (f(x + h) - f(x - h)) / 2 * h",
        "target_check": "gradients.numerical_diff.values",
        "why": "operator precedence: / 2 * h multiplies by h instead of dividing by 2h",
    },
    {
        "id": "gradients.numerical_gradient.one_dimensional_loop",
        "module": "gradients",
        "find": "    it = np.nditer(x, flags=[\"multi_index\"])\n    for _ in it:\n        idx = it.multi_index\n",
        "replace": "    for idx in range(x.shape[0]):\n",
        "target_check": "gradients.numerical_gradient.values",
        "why": "the book's first numerical_gradient loops over range(x.size) / x.shape[0] with x[idx]: "
               "on a matrix x[idx] is a whole row, every entry of it moves at once",
    },
    {
        "id": "gradients.numerical_gradient.perturbs_a_copy",
        "hint": "entries of x itself",
        "module": "gradients",
        "find": "    it = np.nditer(x, flags=[\"multi_index\"])\n",
        "replace": "    x = np.array(x, dtype=float)\n    it = np.nditer(x, flags=[\"multi_index\"])\n",
        "target_check": "gradients.numerical_gradient.values",
        "why": "perturbs a float copy 'so that x is not changed': f that reads the caller's x "
               "(the course's lambda w: net.loss(x, t)) sees no perturbation, the gradient is 0",
    },
    # ------------------------------------------------------------------ keras_model.py
    {
        "id": "keras_model.sigmoid_output",
        "module": "keras_model",
        "find": 'Dense(n_classes, activation="softmax")',
        "replace": 'Dense(n_classes, activation="sigmoid")',
        "target_check": "keras_model.architecture",
        "why": "a sigmoid output layer (as in the binary chapters) for a 10-class problem",
        "hint": "softmax",
    },
    {
        "id": "keras_model.binary_crossentropy",
        "module": "keras_model",
        "find": 'loss="categorical_crossentropy"',
        "replace": 'loss="binary_crossentropy"',
        "target_check": "keras_model.architecture",
        "why": "binary cross-entropy for one-hot targets: trains, but averages k independent "
               "binary losses, and Keras's 'accuracy' then means binary accuracy",
        "hint": "categorical",
    },
    {
        "id": "keras_model.sizes_hardcoded",
        "module": "keras_model",
        "find": ("        Input(shape=(n_features,)),\n        Dense(units, activation=\"sigmoid\"),\n"
                 "        Dense(n_classes, activation=\"softmax\"),\n"),
        "replace": ("        Input(shape=(784,)),\n        Dense(100, activation=\"sigmoid\"),\n"
                    "        Dense(10, activation=\"softmax\"),\n"),
        "target_check": "keras_model.architecture",
        "why": "copies the course's Fashion-MNIST sizes (784, 100, 10) instead of the arguments",
        "hint": "argument",
    },
    {
        "id": "keras_model.logits_output",
        "module": "keras_model",
        "find": ('        Dense(n_classes, activation="softmax"),\n    ])\n'
                 '    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])\n'),
        "replace": ('        Dense(n_classes),\n    ])\n'
                    '    from keras.losses import CategoricalCrossentropy\n'
                    '    model.compile(optimizer="sgd", loss=CategoricalCrossentropy(from_logits=True),\n'
                    '                  metrics=["accuracy"])\n'),
        "target_check": "keras_model.forward",
        "why": "a linear output with from_logits=True: trains the same, but the model outputs "
               "logits, not the class probabilities of the exercise",
    },
    {
        "id": "keras_model.hidden_without_bias",
        "module": "keras_model",
        "find": 'Dense(units, activation="sigmoid")',
        "replace": 'Dense(units, activation="sigmoid", use_bias=False)',
        "target_check": "keras_model.architecture",
        "why": "drops the hidden layer's bias (use_bias=False)",
        "hint": "bias",
    },
    # ------------------------------------------------------------------ round 2, second pass
    {
        "id": "dual_layer.backprop.a1_derivative_in_place",
        "hint": "not a copy",
        "module": "dual_layer",
        "find": "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
        "replace": ("derivative = self.a1\n        derivative *= 1 - self.a1\n"
                    "        err_to_hidden = np.dot(err, self.w2.T) * derivative"),
        "target_check": "dual_layer.backprop.values",
        "why": "derivative = self.a1 is not a copy: a1(1 − a1) computed in place overwrites the stored "
               "a1, so a second backprop from the same forward pass is wrong",
    },
    {
        "id": "multiclass.init_weights.b1_row",
        "hint": "dimension of size 1",
        "module": "multiclass",
        "find": "        self.b1 = np.zeros(self.units)\n        self.w2 = np.random.normal(0, 1, (self.units, n_classes))\n",
        "replace": "        self.b1 = np.zeros((1, self.units))\n        self.w2 = np.random.normal(0, 1, (self.units, n_classes))\n",
        "target_check": "multiclass.init_weights.shapes",
        "why": "b1 as a (1, units) row 'to broadcast': the exercise's b1 is (units,)",
    },
    {
        "id": "optimizers.rmsprop.step_before_average",
        "module": "optimizers",
        "find": ("            s = self.rho * s + (1 - self.rho) * grad ** 2\n            self.mean_squares[key] = s\n"
                 "            params[key][...] = params[key] - self.learning_rate * grad / np.sqrt(s + self.epsilon)\n"),
        "replace": ("            params[key][...] = params[key] - self.learning_rate * grad / np.sqrt(s + self.epsilon)\n"
                    "            s = self.rho * s + (1 - self.rho) * grad ** 2\n            self.mean_squares[key] = s\n"),
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "steps with the previous mean square and updates it afterwards: the first step "
               "divides by sqrt(ε)",
    },
    {
        "id": "regularization.dropout.cached_mask",
        "hint": "rng argument",
        "module": "regularization",
        "find": "    keep = rng.random(np.shape(z)) >= rate\n",
        "replace": ("    cache = dropout.__dict__.setdefault('masks', {})\n"
                    "    if (np.shape(z), rate) not in cache:\n"
                    "        cache[np.shape(z), rate] = rng.random(np.shape(z)) >= rate\n"
                    "    keep = cache[np.shape(z), rate]\n"),
        "target_check": "regularization.dropout.rng",
        "why": "keeps the mask (per shape) to reuse it in backprop: every later call drops the same "
               "units, whatever rng says",
    },
    {
        "id": "gradients.numerical_gradient.grad_like_x",
        "hint": "zeros_like",
        "module": "gradients",
        "find": "    grad = np.zeros(np.shape(x), dtype=float)\n",
        "replace": "    grad = np.zeros_like(x)\n",
        "target_check": "gradients.numerical_gradient.values",
        "why": "the book's np.zeros_like(x): the gradient takes x's dtype (float32 in, float32 out; "
               "an integer x truncates every entry), not the float64 of the exercise",
    },
    {
        "id": "keras_model.no_metrics",
        "module": "keras_model",
        "find": 'model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])',
        "replace": 'model.compile(optimizer="sgd", loss="categorical_crossentropy")',
        "target_check": "keras_model.architecture",
        "why": "compiles without metrics=['accuracy']: fit reports only the loss, no accuracy",
        "hint": "accuracy",
    },
]
